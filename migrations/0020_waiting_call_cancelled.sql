-- A call waiting on its SMS ("call only where SMS cannot go", 0010) followed the SMS's skip only
-- for a cancelled message; an SMS skipped because its appointment was cancelled released the call
-- as if the SMS could not reach the customer, and the call went once the appointment was booked
-- again. Both are about the appointment: either both go, or neither. Re-created as 0014 left it,
-- with `appointment_cancelled` passed on like `cancelled` and `cancelled_by_staff`.
DROP TRIGGER IF EXISTS `deliveries_decide_waiting_call`;
--> statement-breakpoint
CREATE TRIGGER `deliveries_decide_waiting_call` AFTER UPDATE OF `status` ON `deliveries`
WHEN NEW.`status` <> OLD.`status`
  AND OLD.`status` IN ('queued', 'sending', 'held', 'waiting')
  AND NEW.`status` IN ('sent', 'delivered', 'skipped', 'failed', 'undelivered', 'bounced')
BEGIN
  UPDATE `deliveries` SET
    `status` = CASE
      WHEN NEW.`status` IN ('sent', 'delivered') THEN 'skipped'
      WHEN NEW.`skip_reason` IN ('cancelled', 'cancelled_by_staff', 'appointment_cancelled') THEN 'skipped'
      WHEN (SELECT m.`status` FROM `messages` m WHERE m.`id` = NEW.`message_id`) = 'cancelled' THEN 'skipped'
      WHEN (SELECT m.`status` FROM `messages` m WHERE m.`id` = NEW.`message_id`) = 'paused' THEN 'held'
      ELSE 'queued' END,
    `skip_reason` = CASE
      WHEN NEW.`status` IN ('sent', 'delivered') THEN 'sms_sent_instead'
      WHEN NEW.`skip_reason` IN ('cancelled', 'cancelled_by_staff', 'appointment_cancelled') THEN NEW.`skip_reason`
      WHEN (SELECT m.`status` FROM `messages` m WHERE m.`id` = NEW.`message_id`) = 'cancelled' THEN 'cancelled'
      ELSE NULL END,
    `waiting_reason` = CASE
      WHEN NEW.`status` NOT IN ('sent', 'delivered') AND (SELECT m.`status` FROM `messages` m WHERE m.`id` = NEW.`message_id`) = 'paused' THEN 'paused by staff'
      ELSE NULL END,
    `due_at` = max(`due_at`, NEW.`updated_at`),
    `updated_at` = NEW.`updated_at`
  WHERE `after_delivery_id` = NEW.`id` AND `status` = 'waiting';
END;

ALTER TABLE `deliveries` ADD `after_delivery_id` integer REFERENCES deliveries(id) ON DELETE SET NULL;--> statement-breakpoint
CREATE INDEX `deliveries_after_idx` ON `deliveries` (`after_delivery_id`);--> statement-breakpoint
-- Hand-written: "call only where SMS cannot go" (SPEC D10). A call waits on its SMS; when the SMS
-- is settled, the call is decided in the same transaction, whichever code settled it: the SMS
-- went (sent, delivered) → the call is skipped as sms_sent_instead; the SMS or its message was
-- cancelled → so is the call; its message is paused → the call is held with it; otherwise the
-- SMS did not go (a landline, suppressed, failed…) → the call goes.
CREATE TRIGGER `deliveries_decide_waiting_call` AFTER UPDATE OF `status` ON `deliveries`
WHEN NEW.`status` <> OLD.`status`
  AND OLD.`status` IN ('queued', 'sending', 'held', 'waiting')
  AND NEW.`status` IN ('sent', 'delivered', 'skipped', 'failed', 'undelivered', 'bounced')
BEGIN
  UPDATE `deliveries` SET
    `status` = CASE
      WHEN NEW.`status` IN ('sent', 'delivered') THEN 'skipped'
      WHEN NEW.`skip_reason` IN ('cancelled', 'cancelled_by_staff') THEN 'skipped'
      WHEN (SELECT m.`status` FROM `messages` m WHERE m.`id` = NEW.`message_id`) = 'cancelled' THEN 'skipped'
      WHEN (SELECT m.`status` FROM `messages` m WHERE m.`id` = NEW.`message_id`) = 'paused' THEN 'held'
      ELSE 'queued' END,
    `skip_reason` = CASE
      WHEN NEW.`status` IN ('sent', 'delivered') THEN 'sms_sent_instead'
      WHEN NEW.`skip_reason` IN ('cancelled', 'cancelled_by_staff') THEN NEW.`skip_reason`
      WHEN (SELECT m.`status` FROM `messages` m WHERE m.`id` = NEW.`message_id`) = 'cancelled' THEN 'cancelled'
      ELSE NULL END,
    `waiting_reason` = CASE
      WHEN NEW.`status` NOT IN ('sent', 'delivered') AND (SELECT m.`status` FROM `messages` m WHERE m.`id` = NEW.`message_id`) = 'paused' THEN 'paused by staff'
      ELSE NULL END,
    `due_at` = max(`due_at`, NEW.`updated_at`),
    `updated_at` = NEW.`updated_at`
  WHERE `after_delivery_id` = NEW.`id` AND `status` = 'waiting';
END;--> statement-breakpoint
-- Hand-written: an SMS that went out but was then reported undelivered (a landline Twilio could
-- not tell, a dead number) did not reach anyone after all: the call it stood for goes now —
-- held if its message is paused, and not at all if it was cancelled. A message that had finished
-- is sending again, so staff see the call and can still pause or cancel it.
CREATE TRIGGER `deliveries_call_after_undelivered_sms` AFTER UPDATE OF `status` ON `deliveries`
WHEN OLD.`status` = 'sent' AND NEW.`status` IN ('undelivered', 'failed')
  AND coalesce((SELECT m.`status` FROM `messages` m WHERE m.`id` = NEW.`message_id`), '') <> 'cancelled'
BEGIN
  UPDATE `deliveries` SET
    `status` = CASE WHEN (SELECT m.`status` FROM `messages` m WHERE m.`id` = NEW.`message_id`) = 'paused' THEN 'held' ELSE 'queued' END,
    `skip_reason` = NULL,
    `waiting_reason` = CASE WHEN (SELECT m.`status` FROM `messages` m WHERE m.`id` = NEW.`message_id`) = 'paused' THEN 'paused by staff' ELSE NULL END,
    `due_at` = max(`due_at`, NEW.`updated_at`),
    `updated_at` = NEW.`updated_at`
  WHERE `after_delivery_id` = NEW.`id` AND `status` = 'skipped' AND `skip_reason` = 'sms_sent_instead';
  UPDATE `messages` SET `status` = 'sending', `updated_at` = NEW.`updated_at`
  WHERE `id` = NEW.`message_id` AND `status` = 'sent' AND changes() > 0;
END;

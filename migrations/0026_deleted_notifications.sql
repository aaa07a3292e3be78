CREATE TABLE `deleted_notifications` (
	`notification_id` integer PRIMARY KEY NOT NULL,
	`profile_id` integer NOT NULL,
	`deleted_at` integer NOT NULL
);
--> statement-breakpoint
-- Hand-written: remember a notification's profile as it is deleted, so the profile's numbers keep
-- what its deliveries (now without a notification) sent and earned. Notifications deleted before
-- this migration are not known: they stay out of every profile's numbers (a job's still has them).
CREATE TRIGGER `notifications_remember_deleted` BEFORE DELETE ON `notifications`
BEGIN
  INSERT OR IGNORE INTO `deleted_notifications` (`notification_id`, `profile_id`, `deleted_at`)
  VALUES (old.`id`, old.`profile_id`, CAST(unixepoch('subsec') * 1000 AS INTEGER));
END;

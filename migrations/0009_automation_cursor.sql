ALTER TABLE `notification_runs` ADD `event_id` integer;--> statement-breakpoint
ALTER TABLE `notification_runs` ADD `next_try_at` integer;--> statement-breakpoint
ALTER TABLE `notification_runs` ADD `attempts` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `notification_runs` ADD `last_error` text;--> statement-breakpoint
ALTER TABLE `notification_runs` ADD `fired_at` integer;--> statement-breakpoint
CREATE INDEX `notification_runs_due_idx` ON `notification_runs` (`status`,`next_try_at`);--> statement-breakpoint
CREATE INDEX `jobs_updated_idx` ON `jobs` (`updated_at`);--> statement-breakpoint
-- Hand-written: runs recorded before this migration were decided when they were written.
UPDATE `notification_runs` SET `fired_at` = `created_at` WHERE `fired_at` IS NULL;

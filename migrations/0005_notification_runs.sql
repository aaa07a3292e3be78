CREATE TABLE `notification_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`notification_id` integer NOT NULL,
	`job_id` integer DEFAULT 0 NOT NULL,
	`customer_id` integer DEFAULT 0 NOT NULL,
	`appointment_id` integer DEFAULT 0 NOT NULL,
	`due_at` integer NOT NULL,
	`status` text NOT NULL,
	`queued` integer DEFAULT 0 NOT NULL,
	`skipped` integer DEFAULT 0 NOT NULL,
	`reason` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`notification_id`) REFERENCES `notifications`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notification_runs_unique` ON `notification_runs` (`notification_id`,`job_id`,`customer_id`,`appointment_id`);--> statement-breakpoint
CREATE INDEX `notification_runs_job_idx` ON `notification_runs` (`job_id`,`notification_id`);--> statement-breakpoint
CREATE INDEX `events_type_time_idx` ON `events` (`type`,`occurred_at`);
CREATE TABLE `dev_outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`channel` text NOT NULL,
	`to_address` text NOT NULL,
	`from_address` text NOT NULL,
	`subject` text,
	`body` text NOT NULL,
	`html` text,
	`headers` text,
	`ref` text NOT NULL,
	`status` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `dev_outbox_ref_idx` ON `dev_outbox` (`channel`,`ref`);--> statement-breakpoint
CREATE INDEX `dev_outbox_to_idx` ON `dev_outbox` (`channel`,`to_address`,`created_at`);--> statement-breakpoint
ALTER TABLE `deliveries` ADD `attempt_group` text;--> statement-breakpoint
CREATE INDEX `deliveries_attempt_group_idx` ON `deliveries` (`attempt_group`);
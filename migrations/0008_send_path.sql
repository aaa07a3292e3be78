CREATE TABLE `email_batches` (
	`attempt_group` text PRIMARY KEY NOT NULL,
	`payload` blob NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `email_batches_created_idx` ON `email_batches` (`created_at`);--> statement-breakpoint
CREATE TABLE `rate_budgets` (
	`channel` text PRIMARY KEY NOT NULL,
	`tokens` real NOT NULL,
	`at_ms` integer NOT NULL
);

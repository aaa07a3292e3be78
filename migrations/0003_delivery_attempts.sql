DROP INDEX `deliveries_due_idx`;--> statement-breakpoint
ALTER TABLE `deliveries` ADD `attempt_started_at` integer;--> statement-breakpoint
CREATE INDEX `deliveries_lease_idx` ON `deliveries` (`status`,`lease_expires_at`);--> statement-breakpoint
CREATE INDEX `deliveries_due_idx` ON `deliveries` (`status`,`channel`,`due_at`);
-- A CSV import's journal (issue 11's breaker: a kill -9 mid-import left thousands of rows): each
-- of an import's transactions records what it wrote, and beats the run's heartbeat, in the same
-- transaction; a run whose heartbeat stopped is a dead process's, and is taken back.
CREATE TABLE `import_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`started_at` integer NOT NULL,
	`heartbeat_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `import_undo` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`import_id` integer NOT NULL,
	`undo` text NOT NULL,
	FOREIGN KEY (`import_id`) REFERENCES `import_runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `import_undo_import_idx` ON `import_undo` (`import_id`);
ALTER TABLE `deliveries` ADD `test_files` text;--> statement-breakpoint
ALTER TABLE `deliveries` ADD `test_preheader` text;
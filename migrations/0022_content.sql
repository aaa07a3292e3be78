CREATE TABLE `content_files` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`message_id` integer,
	`notification_id` integer,
	`file_id` integer NOT NULL,
	`role` text NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`message_id`) REFERENCES `messages`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`notification_id`) REFERENCES `notifications`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`file_id`) REFERENCES `files`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "content_files_role_check" CHECK("content_files"."role" in ('attachment', 'mms')),
	CONSTRAINT "content_files_one_owner" CHECK(("content_files"."message_id" is null) <> ("content_files"."notification_id" is null))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `content_files_message_unique` ON `content_files` (`message_id`,`role`,`file_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `content_files_notification_unique` ON `content_files` (`notification_id`,`role`,`file_id`);--> statement-breakpoint
CREATE INDEX `content_files_file_idx` ON `content_files` (`file_id`);--> statement-breakpoint
ALTER TABLE `files` ADD `width` integer;--> statement-breakpoint
ALTER TABLE `files` ADD `height` integer;--> statement-breakpoint
ALTER TABLE `messages` ADD `preheader` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `messages` ADD `sms_body` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `notifications` ADD `preheader` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `templates` ADD `preheader` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `templates` ADD `description` text DEFAULT '' NOT NULL;--> statement-breakpoint
-- A text per channel (issue 12): a message written before it had one body for e-mail and SMS,
-- and a call read that body when it had no script. Each keeps sending what it sent before.
UPDATE `messages` SET `sms_body` = `body` WHERE `sms_body` = '' AND EXISTS (SELECT 1 FROM json_each(`messages`.`channels`) WHERE `value` = 'sms');--> statement-breakpoint
UPDATE `messages` SET `voice_script` = `body` WHERE `voice_script` = '' AND `voice_audio_name` = '' AND EXISTS (SELECT 1 FROM json_each(`messages`.`channels`) WHERE `value` = 'voice');

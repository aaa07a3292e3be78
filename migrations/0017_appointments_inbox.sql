-- Issue 13 (appointments, voice, inbox): every appointment change with who made it (the customer
-- history, and staff alerts for a customer's cancellation or reschedule request until seen); the
-- pictures and files that come with replies; archived replies; a call's voice and language.
CREATE TABLE `appointment_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`appointment_id` integer NOT NULL,
	`from_status` text,
	`to_status` text NOT NULL,
	`from_starts_at` integer,
	`to_starts_at` integer,
	`source` text NOT NULL,
	`actor_user_id` integer,
	`inbound_message_id` integer,
	`seen_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`appointment_id`) REFERENCES `appointments`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`actor_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`inbound_message_id`) REFERENCES `inbound_messages`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "appointment_changes_from_check" CHECK("appointment_changes"."from_status" in ('scheduled', 'confirmed', 'cancelled', 'reschedule_requested')),
	CONSTRAINT "appointment_changes_to_check" CHECK("appointment_changes"."to_status" in ('scheduled', 'confirmed', 'cancelled', 'reschedule_requested')),
	CONSTRAINT "appointment_changes_source_check" CHECK("appointment_changes"."source" in ('staff', 'api', 'link', 'sms', 'voice', 'demo'))
);
--> statement-breakpoint
CREATE INDEX `appointment_changes_appointment_idx` ON `appointment_changes` (`appointment_id`,`id`);--> statement-breakpoint
CREATE INDEX `appointment_changes_unseen_idx` ON `appointment_changes` (`seen_at`,`to_status`,`id`);--> statement-breakpoint
CREATE TABLE `inbound_media` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`inbound_message_id` integer NOT NULL,
	`content_type` text NOT NULL,
	`size_bytes` integer DEFAULT 0 NOT NULL,
	`content` blob,
	`source_url` text,
	`error` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`inbound_message_id`) REFERENCES `inbound_messages`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `inbound_media_message_idx` ON `inbound_media` (`inbound_message_id`);--> statement-breakpoint
ALTER TABLE `inbound_messages` ADD `archived_at` integer;--> statement-breakpoint
ALTER TABLE `messages` ADD `voice_name` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `messages` ADD `voice_language` text DEFAULT '' NOT NULL;
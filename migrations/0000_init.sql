CREATE TABLE `albums` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`external_id` text,
	`job_id` integer NOT NULL,
	`name` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `albums_external_id_unique` ON `albums` (`external_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `albums_job_name_unique` ON `albums` (`job_id`,`name`);--> statement-breakpoint
CREATE TABLE `api_keys` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`prefix` text NOT NULL,
	`key_hash` text NOT NULL,
	`created_by_user_id` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`created_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash_unique` ON `api_keys` (`key_hash`);--> statement-breakpoint
CREATE TABLE `appointments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`external_id` text,
	`job_id` integer,
	`customer_id` integer NOT NULL,
	`starts_at` integer NOT NULL,
	`duration_minutes` integer DEFAULT 30 NOT NULL,
	`location` text DEFAULT '' NOT NULL,
	`status` text DEFAULT 'scheduled' NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `appointments_external_id_unique` ON `appointments` (`external_id`);--> statement-breakpoint
CREATE INDEX `appointments_starts_idx` ON `appointments` (`starts_at`);--> statement-breakpoint
CREATE INDEX `appointments_job_starts_idx` ON `appointments` (`job_id`,`starts_at`);--> statement-breakpoint
CREATE INDEX `appointments_customer_idx` ON `appointments` (`customer_id`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`actor_user_id` integer,
	`actor_api_key_id` integer,
	`action` text NOT NULL,
	`entity_type` text NOT NULL,
	`entity_id` integer,
	`detail` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`actor_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`actor_api_key_id`) REFERENCES `api_keys`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `audit_entity_idx` ON `audit_log` (`entity_type`,`entity_id`);--> statement-breakpoint
CREATE INDEX `audit_created_idx` ON `audit_log` (`created_at`);--> statement-breakpoint
CREATE TABLE `communication_profiles` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`external_id` text,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`built_in` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `customers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`external_id` text,
	`first_name` text DEFAULT '' NOT NULL,
	`last_name` text DEFAULT '' NOT NULL,
	`email` text,
	`phone` text,
	`locale` text DEFAULT 'en' NOT NULL,
	`time_zone` text,
	`consent_email` integer DEFAULT false NOT NULL,
	`consent_email_source` text,
	`consent_email_at` integer,
	`consent_sms` integer DEFAULT false NOT NULL,
	`consent_sms_source` text,
	`consent_sms_at` integer,
	`consent_voice` integer DEFAULT false NOT NULL,
	`consent_voice_source` text,
	`consent_voice_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `customers_external_id_unique` ON `customers` (`external_id`);--> statement-breakpoint
CREATE INDEX `customers_email_idx` ON `customers` (`email`);--> statement-breakpoint
CREATE INDEX `customers_phone_idx` ON `customers` (`phone`);--> statement-breakpoint
CREATE INDEX `customers_name_idx` ON `customers` (`last_name`,`first_name`);--> statement-breakpoint
CREATE TABLE `deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`delivery_key` text NOT NULL,
	`source_type` text NOT NULL,
	`notification_id` integer,
	`message_id` integer,
	`job_id` integer,
	`customer_id` integer,
	`appointment_id` integer,
	`channel` text NOT NULL,
	`to_address` text,
	`status` text DEFAULT 'queued' NOT NULL,
	`skip_reason` text,
	`subject` text,
	`body` text,
	`provider` text,
	`provider_message_id` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`due_at` integer NOT NULL,
	`waiting_reason` text,
	`lease_owner` text,
	`lease_expires_at` integer,
	`last_error` text,
	`sent_at` integer,
	`delivered_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`notification_id`) REFERENCES `notifications`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`message_id`) REFERENCES `messages`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`appointment_id`) REFERENCES `appointments`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deliveries_key_unique` ON `deliveries` (`delivery_key`);--> statement-breakpoint
CREATE INDEX `deliveries_due_idx` ON `deliveries` (`status`,`due_at`);--> statement-breakpoint
CREATE INDEX `deliveries_message_idx` ON `deliveries` (`message_id`,`status`);--> statement-breakpoint
CREATE INDEX `deliveries_notification_job_idx` ON `deliveries` (`notification_id`,`job_id`);--> statement-breakpoint
CREATE INDEX `deliveries_customer_idx` ON `deliveries` (`customer_id`,`id`);--> statement-breakpoint
CREATE INDEX `deliveries_job_idx` ON `deliveries` (`job_id`,`id`);--> statement-breakpoint
CREATE INDEX `deliveries_appointment_idx` ON `deliveries` (`appointment_id`);--> statement-breakpoint
CREATE INDEX `deliveries_provider_id_idx` ON `deliveries` (`provider`,`provider_message_id`);--> statement-breakpoint
CREATE TABLE `delivery_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`delivery_id` integer NOT NULL,
	`provider_event_id` text,
	`type` text NOT NULL,
	`detail` text,
	`occurred_at` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`delivery_id`) REFERENCES `deliveries`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `delivery_events_delivery_idx` ON `delivery_events` (`delivery_id`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `delivery_events_provider_event_unique` ON `delivery_events` (`provider_event_id`);--> statement-breakpoint
CREATE TABLE `events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`type` text NOT NULL,
	`job_id` integer,
	`customer_id` integer,
	`appointment_id` integer,
	`order_id` integer,
	`from_status` text,
	`to_status` text,
	`source` text NOT NULL,
	`actor_user_id` integer,
	`occurred_at` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`appointment_id`) REFERENCES `appointments`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`actor_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `events_job_idx` ON `events` (`job_id`,`id`);--> statement-breakpoint
CREATE INDEX `events_type_idx` ON `events` (`type`,`id`);--> statement-breakpoint
CREATE TABLE `files` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`stored_name` text NOT NULL,
	`original_name` text NOT NULL,
	`mime_type` text NOT NULL,
	`size_bytes` integer NOT NULL,
	`sha256` text NOT NULL,
	`content` blob NOT NULL,
	`uploaded_by_user_id` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`uploaded_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `files_stored_name_unique` ON `files` (`stored_name`);--> statement-breakpoint
CREATE TABLE `inbound_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`channel` text NOT NULL,
	`from_address` text NOT NULL,
	`to_address` text,
	`customer_id` integer,
	`appointment_id` integer,
	`body` text NOT NULL,
	`provider_message_id` text,
	`handled_as` text DEFAULT 'inbox' NOT NULL,
	`read_at` integer,
	`received_at` integer NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`appointment_id`) REFERENCES `appointments`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `inbound_provider_id_unique` ON `inbound_messages` (`provider_message_id`);--> statement-breakpoint
CREATE INDEX `inbound_customer_idx` ON `inbound_messages` (`customer_id`,`received_at`);--> statement-breakpoint
CREATE INDEX `inbound_received_idx` ON `inbound_messages` (`received_at`);--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`external_id` text,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`year` integer NOT NULL,
	`status` text DEFAULT 'planning' NOT NULL,
	`shoot_date` text,
	`selling_start` text,
	`archive_date` text,
	`coupon_deadline` text,
	`shipping_deadline` text,
	`custom_text` text DEFAULT '' NOT NULL,
	`gallery_url` text DEFAULT '' NOT NULL,
	`profile_id` integer,
	`time_zone` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`profile_id`) REFERENCES `communication_profiles`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "jobs_year_check" CHECK("jobs"."year" between 1900 and 2200)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `jobs_external_id_unique` ON `jobs` (`external_id`);--> statement-breakpoint
CREATE INDEX `jobs_status_year_idx` ON `jobs` (`status`,`year`,`id`);--> statement-breakpoint
CREATE INDEX `jobs_type_idx` ON `jobs` (`type`,`id`);--> statement-breakpoint
CREATE INDEX `jobs_year_idx` ON `jobs` (`year`,`id`);--> statement-breakpoint
CREATE INDEX `jobs_archive_date_idx` ON `jobs` (`archive_date`);--> statement-breakpoint
CREATE INDEX `jobs_shoot_date_idx` ON `jobs` (`shoot_date`);--> statement-breakpoint
CREATE INDEX `jobs_coupon_deadline_idx` ON `jobs` (`coupon_deadline`);--> statement-breakpoint
CREATE INDEX `jobs_shipping_deadline_idx` ON `jobs` (`shipping_deadline`);--> statement-breakpoint
CREATE TABLE `login_attempts` (
	`key` text PRIMARY KEY NOT NULL,
	`failures` integer NOT NULL,
	`window_started_at` integer NOT NULL,
	`locked_until` integer
);
--> statement-breakpoint
CREATE TABLE `messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`external_id` text,
	`name` text NOT NULL,
	`channels` text NOT NULL,
	`subject` text DEFAULT '' NOT NULL,
	`body` text DEFAULT '' NOT NULL,
	`voice_script` text DEFAULT '' NOT NULL,
	`voice_file_id` integer,
	`call_only_if_no_sms` integer DEFAULT false NOT NULL,
	`filters` text NOT NULL,
	`job_id` integer,
	`to_address` text,
	`status` text DEFAULT 'draft' NOT NULL,
	`send_at` integer,
	`activated_at` integer,
	`activated_by_user_id` integer,
	`created_by_user_id` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`voice_file_id`) REFERENCES `files`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`activated_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`created_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `messages_external_id_unique` ON `messages` (`external_id`);--> statement-breakpoint
CREATE INDEX `messages_status_send_idx` ON `messages` (`status`,`send_at`);--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`profile_id` integer NOT NULL,
	`trigger` text NOT NULL,
	`offset_days` integer DEFAULT 0 NOT NULL,
	`offset_hours` integer DEFAULT 0 NOT NULL,
	`time_of_day` text DEFAULT 'immediately' NOT NULL,
	`audience` text DEFAULT 'all' NOT NULL,
	`condition` text DEFAULT 'any' NOT NULL,
	`channel` text NOT NULL,
	`subject` text DEFAULT '' NOT NULL,
	`body` text DEFAULT '' NOT NULL,
	`template_id` integer,
	`active` integer DEFAULT true NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`profile_id`) REFERENCES `communication_profiles`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`template_id`) REFERENCES `templates`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `notifications_profile_idx` ON `notifications` (`profile_id`,`position`);--> statement-breakpoint
CREATE INDEX `notifications_trigger_idx` ON `notifications` (`trigger`);--> statement-breakpoint
CREATE TABLE `orders` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`external_id` text,
	`job_id` integer NOT NULL,
	`customer_id` integer NOT NULL,
	`amount_cents` integer NOT NULL,
	`ordered_at` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `orders_external_id_unique` ON `orders` (`external_id`);--> statement-breakpoint
CREATE INDEX `orders_job_customer_idx` ON `orders` (`job_id`,`customer_id`);--> statement-breakpoint
CREATE INDEX `orders_customer_idx` ON `orders` (`customer_id`);--> statement-breakpoint
CREATE TABLE `phone_lookups` (
	`phone` text PRIMARY KEY NOT NULL,
	`line_type` text NOT NULL,
	`carrier` text,
	`looked_up_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `registrations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`external_id` text,
	`job_id` integer NOT NULL,
	`customer_id` integer NOT NULL,
	`album_id` integer,
	`access_code` text DEFAULT '' NOT NULL,
	`registered_at` integer NOT NULL,
	`photos_available_at` integer,
	`photos_count` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`album_id`) REFERENCES `albums`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `registrations_external_id_unique` ON `registrations` (`external_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `registrations_job_customer_unique` ON `registrations` (`job_id`,`customer_id`);--> statement-breakpoint
CREATE INDEX `registrations_customer_idx` ON `registrations` (`customer_id`);--> statement-breakpoint
CREATE INDEX `registrations_job_album_idx` ON `registrations` (`job_id`,`album_id`);--> statement-breakpoint
CREATE INDEX `registrations_photos_idx` ON `registrations` (`photos_available_at`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`csrf_token` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`expires_at` integer NOT NULL,
	`ip` text,
	`user_agent` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sessions_user_idx` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE INDEX `sessions_expires_idx` ON `sessions` (`expires_at`);--> statement-breakpoint
CREATE TABLE `snippets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key` text NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `snippets_key_unique` ON `snippets` (`key`);--> statement-breakpoint
CREATE TABLE `studio_settings` (
	`id` integer PRIMARY KEY NOT NULL,
	`name` text DEFAULT 'My Studio' NOT NULL,
	`postal_address` text DEFAULT '' NOT NULL,
	`phone` text DEFAULT '' NOT NULL,
	`website` text DEFAULT '' NOT NULL,
	`logo_file_id` integer,
	`brand_color` text DEFAULT '#2f6fdf' NOT NULL,
	`sender_name` text DEFAULT '' NOT NULL,
	`sender_email` text DEFAULT '' NOT NULL,
	`reply_to` text DEFAULT '' NOT NULL,
	`sms_from` text DEFAULT '' NOT NULL,
	`time_zone` text DEFAULT 'UTC' NOT NULL,
	`send_window_start` text DEFAULT '09:00' NOT NULL,
	`send_window_end` text DEFAULT '21:00' NOT NULL,
	`stagger_batch_size` integer DEFAULT 500 NOT NULL,
	`stagger_interval_seconds` integer DEFAULT 60 NOT NULL,
	`email_rate_per_second` real DEFAULT 5 NOT NULL,
	`sms_rate_per_second` real DEFAULT 1 NOT NULL,
	`overdue_hold_minutes` integer DEFAULT 120 NOT NULL,
	`late_grace_hours` integer DEFAULT 24 NOT NULL,
	`sms_help_reply` text DEFAULT '' NOT NULL,
	`public_url` text DEFAULT '' NOT NULL,
	`default_profile_id` integer,
	`updated_at` integer,
	FOREIGN KEY (`default_profile_id`) REFERENCES `communication_profiles`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE TABLE `suppressions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`channel` text NOT NULL,
	`address` text NOT NULL,
	`customer_id` integer,
	`reason` text NOT NULL,
	`source` text NOT NULL,
	`detail` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`cleared_at` integer,
	`cleared_source` text,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `suppressions_active_unique` ON `suppressions` (`channel`,`address`) WHERE cleared_at is null;--> statement-breakpoint
CREATE INDEX `suppressions_customer_idx` ON `suppressions` (`customer_id`);--> statement-breakpoint
CREATE TABLE `templates` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`channel` text NOT NULL,
	`trigger` text,
	`subject` text DEFAULT '' NOT NULL,
	`body` text NOT NULL,
	`built_in` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `templates_channel_idx` ON `templates` (`channel`,`trigger`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`password_hash` text NOT NULL,
	`role` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);--> statement-breakpoint
CREATE TABLE `worker_state` (
	`name` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`name`, `key`)
);

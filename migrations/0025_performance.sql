CREATE TABLE `engagements` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`delivery_id` integer NOT NULL,
	`customer_id` integer,
	`type` text NOT NULL,
	`source` text NOT NULL,
	`kind` text NOT NULL,
	`link_id` integer,
	`url` text,
	`user_agent` text,
	`provider_event_id` text,
	`occurred_at` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`delivery_id`) REFERENCES `deliveries`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`link_id`) REFERENCES `tracked_links`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "engagements_type_check" CHECK("engagements"."type" in ('open', 'click')),
	CONSTRAINT "engagements_source_check" CHECK("engagements"."source" in ('link', 'pixel', 'resend')),
	CONSTRAINT "engagements_kind_check" CHECK("engagements"."kind" in ('person', 'image_proxy', 'prefetch', 'scanner', 'burst', 'privacy_proxy'))
);
--> statement-breakpoint
CREATE INDEX `engagements_delivery_idx` ON `engagements` (`delivery_id`,`type`);--> statement-breakpoint
CREATE INDEX `engagements_customer_idx` ON `engagements` (`customer_id`,`type`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `engagements_time_idx` ON `engagements` (`occurred_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `engagements_provider_event_unique` ON `engagements` (`provider_event_id`);--> statement-breakpoint
CREATE TABLE `tracked_links` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`url` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tracked_links_url_unique` ON `tracked_links` (`url`);--> statement-breakpoint
ALTER TABLE `orders` ADD `attributed_delivery_id` integer REFERENCES deliveries(id) ON DELETE SET NULL;--> statement-breakpoint
ALTER TABLE `orders` ADD `attributed_engagement_id` integer REFERENCES engagements(id) ON DELETE SET NULL;--> statement-breakpoint
CREATE INDEX `orders_attributed_delivery_idx` ON `orders` (`attributed_delivery_id`);--> statement-breakpoint
ALTER TABLE `studio_settings` ADD `track_links` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `studio_settings` ADD `track_opens` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `studio_settings` ADD `attribution_days` integer DEFAULT 7 NOT NULL;
-- Studios outside the US (issue 11): the studio's country (how national phone numbers are read),
-- currency and language; a customer's own country and a phone extension kept apart from the
-- number; orders in minor units of their own currency. Existing orders were all taken as US
-- dollars, and the studio's country stays empty until set: it is then read from its time zone.
ALTER TABLE `orders` RENAME COLUMN "amount_cents" TO "amount_minor";--> statement-breakpoint
ALTER TABLE `orders` ADD `currency` text DEFAULT 'USD' NOT NULL;--> statement-breakpoint
ALTER TABLE `customers` ADD `phone_extension` text;--> statement-breakpoint
ALTER TABLE `customers` ADD `country` text;--> statement-breakpoint
ALTER TABLE `studio_settings` ADD `country` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `studio_settings` ADD `currency` text DEFAULT 'USD' NOT NULL;--> statement-breakpoint
ALTER TABLE `studio_settings` ADD `locale` text DEFAULT 'en' NOT NULL;
-- Per customer, whether a one-time (marketing) message can reach them on each channel, and the
-- first reason it cannot: the rules of decideRecipients short of its duplicate check (no address,
-- an active suppression, no consent, a landline for SMS). Kept in step with customers,
-- suppressions and phone lookups by triggers, so the compose page counts a hundred thousand
-- recipients from one narrow row each instead of joining suppressions per customer (SPEC O3).
-- Addresses are numbered in `reach_addresses` so the duplicate count compares integers.
-- The triggers never rely on INSERT OR REPLACE / OR IGNORE: SQLite lets the conflict policy of
-- the statement that fired a trigger override the trigger's own (an outer INSERT OR IGNORE made
-- a REPLACE here silently keep the stale row). They delete and insert, and insert only what is
-- missing, so no statement inside can conflict.
CREATE TABLE `reach_addresses` (
  `id` integer PRIMARY KEY NOT NULL,
  `address` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reach_addresses_address_unique` ON `reach_addresses` (`address`);
--> statement-breakpoint
CREATE TABLE `customer_reach` (
  `customer_id` integer PRIMARY KEY NOT NULL,
  `email_address` integer,
  `email_skip` text,
  `sms_address` integer,
  `sms_skip` text,
  `voice_skip` text
);
--> statement-breakpoint
-- What customer_reach should hold, computed from the source tables. Triggers copy rows of it.
CREATE VIEW `customer_reach_now` AS
SELECT
  c.`id` AS `customer_id`,
  (SELECT a.`id` FROM `reach_addresses` a WHERE a.`address` = nullif(c.`email`, '')) AS `email_address`,
  CASE
    WHEN nullif(c.`email`, '') IS NULL THEN 'no_address'
    ELSE coalesce(
      (SELECT s.`reason` FROM `suppressions` s WHERE s.`channel` = 'email' AND s.`address` = c.`email` AND s.`cleared_at` IS NULL),
      CASE WHEN NOT c.`consent_email` THEN 'no_consent' END)
  END AS `email_skip`,
  (SELECT a.`id` FROM `reach_addresses` a WHERE a.`address` = nullif(c.`phone`, '')) AS `sms_address`,
  CASE
    WHEN nullif(c.`phone`, '') IS NULL THEN 'no_address'
    ELSE coalesce(
      (SELECT s.`reason` FROM `suppressions` s WHERE s.`channel` = 'sms' AND s.`address` = c.`phone` AND s.`cleared_at` IS NULL),
      CASE WHEN NOT c.`consent_sms` THEN 'no_consent' END,
      (SELECT 'landline' FROM `phone_lookups` l WHERE l.`phone` = c.`phone` AND l.`line_type` = 'landline'))
  END AS `sms_skip`,
  CASE
    WHEN nullif(c.`phone`, '') IS NULL THEN 'no_address'
    ELSE coalesce(
      (SELECT s.`reason` FROM `suppressions` s WHERE s.`channel` = 'voice' AND s.`address` = c.`phone` AND s.`cleared_at` IS NULL),
      CASE WHEN NOT c.`consent_voice` THEN 'no_consent' END)
  END AS `voice_skip`
FROM `customers` c;
--> statement-breakpoint
INSERT INTO `reach_addresses` (`address`)
  SELECT nullif(`email`, '') FROM `customers` WHERE nullif(`email`, '') IS NOT NULL
  UNION SELECT nullif(`phone`, '') FROM `customers` WHERE nullif(`phone`, '') IS NOT NULL;
--> statement-breakpoint
INSERT INTO `customer_reach` SELECT * FROM `customer_reach_now`;
--> statement-breakpoint
CREATE TRIGGER `customer_reach_insert` AFTER INSERT ON `customers` BEGIN
  INSERT INTO `reach_addresses` (`address`)
    SELECT DISTINCT v FROM (SELECT nullif(new.`email`, '') AS v UNION ALL SELECT nullif(new.`phone`, ''))
    WHERE v IS NOT NULL AND v NOT IN (SELECT `address` FROM `reach_addresses`);
  DELETE FROM `customer_reach` WHERE `customer_id` = new.`id`;
  INSERT INTO `customer_reach` SELECT * FROM `customer_reach_now` WHERE `customer_id` = new.`id`;
END;
--> statement-breakpoint
CREATE TRIGGER `customer_reach_update` AFTER UPDATE OF `id`, `email`, `phone`, `consent_email`, `consent_sms`, `consent_voice` ON `customers` BEGIN
  INSERT INTO `reach_addresses` (`address`)
    SELECT DISTINCT v FROM (SELECT nullif(new.`email`, '') AS v UNION ALL SELECT nullif(new.`phone`, ''))
    WHERE v IS NOT NULL AND v NOT IN (SELECT `address` FROM `reach_addresses`);
  DELETE FROM `customer_reach` WHERE `customer_id` = old.`id`;
  DELETE FROM `customer_reach` WHERE `customer_id` = new.`id`;
  INSERT INTO `customer_reach` SELECT * FROM `customer_reach_now` WHERE `customer_id` = new.`id`;
END;
--> statement-breakpoint
CREATE TRIGGER `customer_reach_delete` AFTER DELETE ON `customers` BEGIN
  DELETE FROM `customer_reach` WHERE `customer_id` = old.`id`;
END;
--> statement-breakpoint
-- A suppression names an address, not a customer: every customer with that address changes.
CREATE TRIGGER `customer_reach_suppression_insert` AFTER INSERT ON `suppressions` BEGIN
  DELETE FROM `customer_reach` WHERE `customer_id` IN (SELECT `id` FROM `customers` WHERE `email` = new.`address` UNION SELECT `id` FROM `customers` WHERE `phone` = new.`address`);
  INSERT INTO `customer_reach` SELECT * FROM `customer_reach_now` WHERE `customer_id` IN (SELECT `id` FROM `customers` WHERE `email` = new.`address` UNION SELECT `id` FROM `customers` WHERE `phone` = new.`address`);
END;
--> statement-breakpoint
CREATE TRIGGER `customer_reach_suppression_update` AFTER UPDATE ON `suppressions` BEGIN
  DELETE FROM `customer_reach` WHERE `customer_id` IN (SELECT `id` FROM `customers` WHERE `email` = old.`address` UNION SELECT `id` FROM `customers` WHERE `phone` = old.`address` UNION SELECT `id` FROM `customers` WHERE `email` = new.`address` UNION SELECT `id` FROM `customers` WHERE `phone` = new.`address`);
  INSERT INTO `customer_reach` SELECT * FROM `customer_reach_now` WHERE `customer_id` IN (SELECT `id` FROM `customers` WHERE `email` = old.`address` UNION SELECT `id` FROM `customers` WHERE `phone` = old.`address` UNION SELECT `id` FROM `customers` WHERE `email` = new.`address` UNION SELECT `id` FROM `customers` WHERE `phone` = new.`address`);
END;
--> statement-breakpoint
CREATE TRIGGER `customer_reach_suppression_delete` AFTER DELETE ON `suppressions` BEGIN
  DELETE FROM `customer_reach` WHERE `customer_id` IN (SELECT `id` FROM `customers` WHERE `email` = old.`address` UNION SELECT `id` FROM `customers` WHERE `phone` = old.`address`);
  INSERT INTO `customer_reach` SELECT * FROM `customer_reach_now` WHERE `customer_id` IN (SELECT `id` FROM `customers` WHERE `email` = old.`address` UNION SELECT `id` FROM `customers` WHERE `phone` = old.`address`);
END;
--> statement-breakpoint
CREATE TRIGGER `customer_reach_lookup_insert` AFTER INSERT ON `phone_lookups` BEGIN
  DELETE FROM `customer_reach` WHERE `customer_id` IN (SELECT `id` FROM `customers` WHERE `phone` = new.`phone`);
  INSERT INTO `customer_reach` SELECT * FROM `customer_reach_now` WHERE `customer_id` IN (SELECT `id` FROM `customers` WHERE `phone` = new.`phone`);
END;
--> statement-breakpoint
CREATE TRIGGER `customer_reach_lookup_update` AFTER UPDATE ON `phone_lookups` BEGIN
  DELETE FROM `customer_reach` WHERE `customer_id` IN (SELECT `id` FROM `customers` WHERE `phone` = old.`phone` UNION SELECT `id` FROM `customers` WHERE `phone` = new.`phone`);
  INSERT INTO `customer_reach` SELECT * FROM `customer_reach_now` WHERE `customer_id` IN (SELECT `id` FROM `customers` WHERE `phone` = old.`phone` UNION SELECT `id` FROM `customers` WHERE `phone` = new.`phone`);
END;
--> statement-breakpoint
CREATE TRIGGER `customer_reach_lookup_delete` AFTER DELETE ON `phone_lookups` BEGIN
  DELETE FROM `customer_reach` WHERE `customer_id` IN (SELECT `id` FROM `customers` WHERE `phone` = old.`phone`);
  INSERT INTO `customer_reach` SELECT * FROM `customer_reach_now` WHERE `customer_id` IN (SELECT `id` FROM `customers` WHERE `phone` = old.`phone`);
END;

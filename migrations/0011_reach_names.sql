-- Whether each customer has a first and a last name, kept in customer_reach beside the reasons a
-- message cannot reach them: a text that cannot do without {{customer.first_name}} (issue 9)
-- counts who has none from the same narrow row, without reading the customers themselves.
-- Bit 1: no first name, bit 2: no last name; "no name" is empty or only white space, the
-- characters String.prototype.trim() removes, so the count agrees with the fill.
ALTER TABLE `customer_reach` ADD `blank_names` integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
UPDATE `customer_reach` SET `blank_names` = (
  SELECT (CASE WHEN trim(c.`first_name`, char(9, 10, 11, 12, 13, 32, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8232, 8233, 8239, 8287, 12288, 65279)) = '' THEN 1 ELSE 0 END)
       | (CASE WHEN trim(c.`last_name`, char(9, 10, 11, 12, 13, 32, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8232, 8233, 8239, 8287, 12288, 65279)) = '' THEN 2 ELSE 0 END)
  FROM `customers` c WHERE c.`id` = `customer_reach`.`customer_id`);
--> statement-breakpoint
-- The triggers copy whole rows of this view: the new column comes last, as in the table.
DROP VIEW `customer_reach_now`;
--> statement-breakpoint
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
  END AS `voice_skip`,
  (CASE WHEN trim(c.`first_name`, char(9, 10, 11, 12, 13, 32, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8232, 8233, 8239, 8287, 12288, 65279)) = '' THEN 1 ELSE 0 END)
    | (CASE WHEN trim(c.`last_name`, char(9, 10, 11, 12, 13, 32, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8232, 8233, 8239, 8287, 12288, 65279)) = '' THEN 2 ELSE 0 END) AS `blank_names`
FROM `customers` c;
--> statement-breakpoint
-- A change of name changes the row too.
DROP TRIGGER `customer_reach_update`;
--> statement-breakpoint
CREATE TRIGGER `customer_reach_update` AFTER UPDATE OF `id`, `first_name`, `last_name`, `email`, `phone`, `consent_email`, `consent_sms`, `consent_voice` ON `customers` BEGIN
  INSERT INTO `reach_addresses` (`address`)
    SELECT DISTINCT v FROM (SELECT nullif(new.`email`, '') AS v UNION ALL SELECT nullif(new.`phone`, ''))
    WHERE v IS NOT NULL AND v NOT IN (SELECT `address` FROM `reach_addresses`);
  DELETE FROM `customer_reach` WHERE `customer_id` = old.`id`;
  DELETE FROM `customer_reach` WHERE `customer_id` = new.`id`;
  INSERT INTO `customer_reach` SELECT * FROM `customer_reach_now` WHERE `customer_id` = new.`id`;
END;

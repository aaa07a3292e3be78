-- Full-text index over customer names, e-mail and phone, so search stays fast with a
-- million customers (SPEC U5). Kept in step with `customers` by triggers.
CREATE VIRTUAL TABLE `customers_fts` USING fts5(
  `name`, `email`, `phone`,
  content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2'
);
--> statement-breakpoint
CREATE TRIGGER `customers_fts_insert` AFTER INSERT ON `customers` BEGIN
  INSERT INTO `customers_fts`(rowid, `name`, `email`, `phone`)
  VALUES (new.`id`, new.`first_name` || ' ' || new.`last_name`, coalesce(new.`email`, ''), coalesce(new.`phone`, ''));
END;
--> statement-breakpoint
CREATE TRIGGER `customers_fts_update` AFTER UPDATE OF `first_name`, `last_name`, `email`, `phone` ON `customers` BEGIN
  DELETE FROM `customers_fts` WHERE rowid = old.`id`;
  INSERT INTO `customers_fts`(rowid, `name`, `email`, `phone`)
  VALUES (new.`id`, new.`first_name` || ' ' || new.`last_name`, coalesce(new.`email`, ''), coalesce(new.`phone`, ''));
END;
--> statement-breakpoint
CREATE TRIGGER `customers_fts_delete` AFTER DELETE ON `customers` BEGIN
  DELETE FROM `customers_fts` WHERE rowid = old.`id`;
END;
--> statement-breakpoint
-- Customers written before this migration are indexed too (a new install has none). Added after
-- the fact: no database was ever at 0000 without 0001 (they shipped together), and drizzle goes by
-- each migration's journal time, so databases that applied 0001 before are not affected.
INSERT INTO `customers_fts`(rowid, `name`, `email`, `phone`)
  SELECT `id`, `first_name` || ' ' || `last_name`, coalesce(`email`, ''), coalesce(`phone`, '') FROM `customers`;

-- One- and two-letter prefixes are indexed too (SPEC U5): typing an e-mail address such as
-- "olivia.s" searches "olivia"* AND "s"*, and without a prefix index FTS5 merges the lists of
-- every token that starts with s (~95 ms with 400,000 customers; 0.4 ms with the index). Rebuilt
-- from customers; the triggers of 0001 name the table, so they keep it in step as before.
DROP TABLE `customers_fts`;
--> statement-breakpoint
CREATE VIRTUAL TABLE `customers_fts` USING fts5(
  `name`, `email`, `phone`,
  content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2', prefix='1 2'
);
--> statement-breakpoint
INSERT INTO `customers_fts`(rowid, `name`, `email`, `phone`)
  SELECT `id`, `first_name` || ' ' || `last_name`, coalesce(`email`, ''), coalesce(`phone`, '') FROM `customers`;

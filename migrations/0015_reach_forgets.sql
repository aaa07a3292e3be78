-- reach_addresses numbers every address a customer has (0007) so duplicates compare integers, but
-- nothing took an address out again: a deleted customer's e-mail and phone stayed in it for good
-- (issue 16). Now an address goes when the last customer who had it is deleted or changes it.
-- No customer_reach row points at it then: each row points only at its own customer's addresses.
CREATE TRIGGER `reach_addresses_forget_delete` AFTER DELETE ON `customers` BEGIN
  DELETE FROM `reach_addresses` WHERE `address` IN (nullif(old.`email`, ''), nullif(old.`phone`, ''))
    AND NOT EXISTS (SELECT 1 FROM `customers` c WHERE c.`email` = `reach_addresses`.`address`)
    AND NOT EXISTS (SELECT 1 FROM `customers` c WHERE c.`phone` = `reach_addresses`.`address`);
END;
--> statement-breakpoint
CREATE TRIGGER `reach_addresses_forget_update` AFTER UPDATE OF `email`, `phone` ON `customers` BEGIN
  DELETE FROM `reach_addresses` WHERE `address` IN (nullif(old.`email`, ''), nullif(old.`phone`, ''))
    AND NOT EXISTS (SELECT 1 FROM `customers` c WHERE c.`email` = `reach_addresses`.`address`)
    AND NOT EXISTS (SELECT 1 FROM `customers` c WHERE c.`phone` = `reach_addresses`.`address`);
END;
--> statement-breakpoint
-- What earlier databases kept of customers already gone.
DELETE FROM `reach_addresses`
  WHERE NOT EXISTS (SELECT 1 FROM `customers` c WHERE c.`email` = `reach_addresses`.`address`)
    AND NOT EXISTS (SELECT 1 FROM `customers` c WHERE c.`phone` = `reach_addresses`.`address`);

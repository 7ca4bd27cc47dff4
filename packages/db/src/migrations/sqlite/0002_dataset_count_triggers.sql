-- dataset_counts and orgs.version follow every change to datasets, in the writing transaction:
-- whatever writes a dataset (the API, the CLI, a script), the counts stay exact and the org's
-- version moves, so totals, cached answers and ETags can trust them.
INSERT INTO `dataset_counts` (`org_id`, `source`, `category`, `n`)
  SELECT `org_id`, `source`, coalesce(`category`, ''), count(*) FROM `datasets` GROUP BY 1, 2, 3;
--> statement-breakpoint
CREATE TRIGGER `datasets_counted_on_insert` AFTER INSERT ON `datasets` BEGIN
  INSERT INTO `dataset_counts` (`org_id`, `source`, `category`, `n`)
    VALUES (NEW.`org_id`, NEW.`source`, coalesce(NEW.`category`, ''), 1)
    ON CONFLICT (`org_id`, `source`, `category`) DO UPDATE SET `n` = `n` + 1;
  UPDATE `orgs` SET `version` = `version` + 1 WHERE `id` = NEW.`org_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `datasets_counted_on_delete` AFTER DELETE ON `datasets` BEGIN
  UPDATE `dataset_counts` SET `n` = `n` - 1
    WHERE `org_id` = OLD.`org_id` AND `source` = OLD.`source` AND `category` = coalesce(OLD.`category`, '');
  UPDATE `orgs` SET `version` = `version` + 1 WHERE `id` = OLD.`org_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `datasets_counted_on_update` AFTER UPDATE ON `datasets` BEGIN
  UPDATE `dataset_counts` SET `n` = `n` - 1
    WHERE `org_id` = OLD.`org_id` AND `source` = OLD.`source` AND `category` = coalesce(OLD.`category`, '');
  INSERT INTO `dataset_counts` (`org_id`, `source`, `category`, `n`)
    VALUES (NEW.`org_id`, NEW.`source`, coalesce(NEW.`category`, ''), 1)
    ON CONFLICT (`org_id`, `source`, `category`) DO UPDATE SET `n` = `n` + 1;
  UPDATE `orgs` SET `version` = `version` + 1 WHERE `id` IN (OLD.`org_id`, NEW.`org_id`);
END;

-- dataset_counts and orgs.version follow every change to datasets, in the writing transaction
-- (see the SQLite migration of the same name). Statement-level triggers over transition tables:
-- a multi-row insert updates each count row and each org's version once.
INSERT INTO "dataset_counts" ("org_id", "source", "category", "n")
  SELECT "org_id", "source", coalesce("category", ''), count(*) FROM "datasets" GROUP BY 1, 2, 3;
--> statement-breakpoint
CREATE FUNCTION "datasets_count_changes"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE "dataset_counts" AS c SET "n" = c."n" - gone."n"
      FROM (SELECT "org_id", "source", coalesce("category", '') AS "category", count(*)::int AS "n"
              FROM "old_rows" GROUP BY 1, 2, 3) AS gone
      WHERE c."org_id" = gone."org_id" AND c."source" = gone."source" AND c."category" = gone."category";
    UPDATE "orgs" SET "version" = "version" + 1 WHERE "id" IN (SELECT "org_id" FROM "old_rows");
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO "dataset_counts" ("org_id", "source", "category", "n")
      SELECT "org_id", "source", coalesce("category", ''), count(*) FROM "new_rows" GROUP BY 1, 2, 3
      ON CONFLICT ("org_id", "source", "category") DO UPDATE SET "n" = "dataset_counts"."n" + excluded."n";
    UPDATE "orgs" SET "version" = "version" + 1 WHERE "id" IN (SELECT "org_id" FROM "new_rows");
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "datasets_counted_on_insert" AFTER INSERT ON "datasets"
  REFERENCING NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "datasets_count_changes"();
--> statement-breakpoint
CREATE TRIGGER "datasets_counted_on_delete" AFTER DELETE ON "datasets"
  REFERENCING OLD TABLE AS "old_rows" FOR EACH STATEMENT EXECUTE FUNCTION "datasets_count_changes"();
--> statement-breakpoint
CREATE TRIGGER "datasets_counted_on_update" AFTER UPDATE ON "datasets"
  REFERENCING OLD TABLE AS "old_rows" NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "datasets_count_changes"();

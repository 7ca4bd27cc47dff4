CREATE TABLE "dataset_counts" (
	"org_id" uuid NOT NULL,
	"source" "dataset_source" NOT NULL,
	"category" text NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "dataset_counts_org_id_source_category_pk" PRIMARY KEY("org_id","source","category")
);
--> statement-breakpoint
ALTER TABLE "orgs" ADD COLUMN "version" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "dataset_counts" ADD CONSTRAINT "dataset_counts_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "datasets_org_source_category_order_idx" ON "datasets" USING btree ("org_id","source","category","created_at" DESC NULLS FIRST,"name","id");
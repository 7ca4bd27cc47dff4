CREATE TYPE "public"."dataset_source" AS ENUM('znyx_sample', 'industry_standard', 'customer');--> statement-breakpoint
CREATE TYPE "public"."token_kind" AS ENUM('runtime', 'ci', 'admin');--> statement-breakpoint
CREATE TYPE "public"."trust_level" AS ENUM('verified', 'reviewed', 'unverified');--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"kind" "token_kind" NOT NULL,
	"scopes" text[] NOT NULL,
	"token_hash" text NOT NULL,
	"token_prefix" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"expires_at" timestamp (3) with time zone,
	"revoked_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "dataset_samples" (
	"id" uuid PRIMARY KEY NOT NULL,
	"dataset_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"input" text NOT NULL,
	"expected_output" text,
	"metadata" jsonb
);
--> statement-breakpoint
CREATE TABLE "datasets" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"name" text COLLATE "C" NOT NULL,
	"description" text,
	"category" text,
	"trust_level" "trust_level" NOT NULL,
	"source" "dataset_source" NOT NULL,
	"sample_count" integer DEFAULT 0 NOT NULL,
	"is_public" boolean DEFAULT false NOT NULL,
	"created_by" text,
	"catalog_slug" text,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "orgs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dataset_samples" ADD CONSTRAINT "dataset_samples_dataset_id_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."datasets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "datasets" ADD CONSTRAINT "datasets_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_tokens_token_hash_key" ON "api_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "api_tokens_org_idx" ON "api_tokens" USING btree ("org_id");--> statement-breakpoint
CREATE UNIQUE INDEX "dataset_samples_dataset_position_key" ON "dataset_samples" USING btree ("dataset_id","position");--> statement-breakpoint
CREATE INDEX "datasets_org_order_idx" ON "datasets" USING btree ("org_id","created_at" DESC NULLS FIRST,"name","id","source","category");--> statement-breakpoint
CREATE INDEX "datasets_org_source_order_idx" ON "datasets" USING btree ("org_id","source","created_at" DESC NULLS FIRST,"name","id","category");--> statement-breakpoint
CREATE INDEX "datasets_org_category_order_idx" ON "datasets" USING btree ("org_id","category","created_at" DESC NULLS FIRST,"name","id","source");--> statement-breakpoint
CREATE UNIQUE INDEX "datasets_org_catalog_slug_key" ON "datasets" USING btree ("org_id","catalog_slug");--> statement-breakpoint
CREATE UNIQUE INDEX "datasets_org_name_key" ON "datasets" USING btree ("org_id",lower("name"));
CREATE TABLE `api_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`kind` text NOT NULL,
	`scopes` text NOT NULL,
	`token_hash` text NOT NULL,
	`token_prefix` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`org_id`) REFERENCES `orgs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_token_hash_key` ON `api_tokens` (`token_hash`);--> statement-breakpoint
CREATE INDEX `api_tokens_org_idx` ON `api_tokens` (`org_id`);--> statement-breakpoint
CREATE TABLE `dataset_samples` (
	`id` text PRIMARY KEY NOT NULL,
	`dataset_id` text NOT NULL,
	`position` integer NOT NULL,
	`input` text NOT NULL,
	`expected_output` text,
	`metadata` text,
	FOREIGN KEY (`dataset_id`) REFERENCES `datasets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `dataset_samples_dataset_position_key` ON `dataset_samples` (`dataset_id`,`position`);--> statement-breakpoint
CREATE TABLE `datasets` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`category` text,
	`trust_level` text NOT NULL,
	`source` text NOT NULL,
	`sample_count` integer DEFAULT 0 NOT NULL,
	`is_public` integer DEFAULT false NOT NULL,
	`created_by` text,
	`catalog_slug` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `orgs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `datasets_org_order_idx` ON `datasets` (`org_id`,"created_at" desc,`name`,`id`,`source`,`category`);--> statement-breakpoint
CREATE INDEX `datasets_org_source_order_idx` ON `datasets` (`org_id`,`source`,"created_at" desc,`name`,`id`,`category`);--> statement-breakpoint
CREATE INDEX `datasets_org_category_order_idx` ON `datasets` (`org_id`,`category`,"created_at" desc,`name`,`id`,`source`);--> statement-breakpoint
CREATE UNIQUE INDEX `datasets_org_catalog_slug_key` ON `datasets` (`org_id`,`catalog_slug`);--> statement-breakpoint
CREATE UNIQUE INDEX `datasets_org_name_key` ON `datasets` (`org_id`,lower("name"));--> statement-breakpoint
CREATE TABLE `orgs` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL
);

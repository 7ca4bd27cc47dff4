CREATE TABLE `dataset_counts` (
	`org_id` text NOT NULL,
	`source` text NOT NULL,
	`category` text NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`org_id`, `source`, `category`),
	FOREIGN KEY (`org_id`) REFERENCES `orgs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `orgs` ADD `version` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `datasets_org_source_category_order_idx` ON `datasets` (`org_id`,`source`,`category`,"created_at" desc,`name`,`id`);
ALTER TABLE `api_tokens` ADD `name` text;--> statement-breakpoint
ALTER TABLE `api_tokens` ADD `last_used_at` integer;
CREATE TABLE `project_document_policies` (
	`doc_type` text PRIMARY KEY NOT NULL,
	`is_public` integer NOT NULL,
	`updated_at` text NOT NULL,
	`updated_by` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `project_documents` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_code` text NOT NULL,
	`doc_type` text NOT NULL,
	`title` text NOT NULL,
	`storage_key` text NOT NULL,
	`content_type` text NOT NULL,
	`byte_size` integer NOT NULL,
	`sha256` text NOT NULL,
	`uploaded_by` integer,
	`uploaded_at` text NOT NULL,
	`is_public` integer DEFAULT false NOT NULL,
	`reviewed_at` text,
	`reviewed_by` integer,
	`published_at` text,
	`withdrawn_at` text,
	`removed_at` text,
	`removed_by` integer,
	FOREIGN KEY (`project_code`) REFERENCES `projects`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`uploaded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`reviewed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`removed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "project_documents_size_positive" CHECK("project_documents"."byte_size" > 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `project_documents_storage_key_uq` ON `project_documents` (`storage_key`);--> statement-breakpoint
CREATE INDEX `project_documents_project_idx` ON `project_documents` (`project_code`);
CREATE TABLE `allocation_documents` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`issuer` text NOT NULL,
	`doc_number` text NOT NULL,
	`title` text NOT NULL,
	`year` integer NOT NULL,
	`batch` integer NOT NULL,
	`date_received` text NOT NULL,
	`amount_fen` integer NOT NULL,
	`fund_source` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	CONSTRAINT "allocation_documents_amount_nonneg" CHECK("allocation_documents"."amount_fen" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `allocation_documents_doc_number_uq` ON `allocation_documents` (`doc_number`);--> statement-breakpoint
CREATE TABLE `allocations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`document_id` integer NOT NULL,
	`target` text NOT NULL,
	`project_id` integer,
	`village_code` text,
	`year` integer NOT NULL,
	`amount_fen` integer NOT NULL,
	FOREIGN KEY (`document_id`) REFERENCES `allocation_documents`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`village_code`) REFERENCES `divisions`(`code`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "allocations_amount_nonneg" CHECK("allocations"."amount_fen" >= 0),
	CONSTRAINT "allocations_target_ref" CHECK(("allocations"."target" = 'project' AND "allocations"."project_id" IS NOT NULL) OR ("allocations"."target" = 'direct_subsidy' AND "allocations"."village_code" IS NOT NULL))
);
--> statement-breakpoint
CREATE INDEX `allocations_document_idx` ON `allocations` (`document_id`);--> statement-breakpoint
CREATE INDEX `allocations_project_idx` ON `allocations` (`project_id`);--> statement-breakpoint
CREATE TABLE `api_tokens` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`token_hash` text NOT NULL,
	`label` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`revoked_at` text,
	`last_used_at` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_hash_uq` ON `api_tokens` (`token_hash`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` text NOT NULL,
	`actor_id` integer,
	`actor_label` text NOT NULL,
	`action` text NOT NULL,
	`subject_type` text NOT NULL,
	`subject_id` text,
	`detail_json` text DEFAULT '{}' NOT NULL,
	`request_id` text,
	`previous_hash` text,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_log_subject_idx` ON `audit_log` (`subject_type`,`subject_id`);--> statement-breakpoint
CREATE TABLE `direct_subsidies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`village_code` text NOT NULL,
	`year` integer NOT NULL,
	`beneficiaries` integer NOT NULL,
	`standard_fen_per_person` integer DEFAULT 60000 NOT NULL,
	`amount_fen` integer NOT NULL,
	`due_date` text NOT NULL,
	`payment_date` text,
	`channel` text DEFAULT '一卡通' NOT NULL,
	FOREIGN KEY (`village_code`) REFERENCES `divisions`(`code`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "direct_subsidies_amount_nonneg" CHECK("direct_subsidies"."amount_fen" >= 0 AND "direct_subsidies"."beneficiaries" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `direct_subsidies_village_year_uq` ON `direct_subsidies` (`village_code`,`year`);--> statement-breakpoint
CREATE TABLE `disbursements` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` integer NOT NULL,
	`date` text NOT NULL,
	`amount_fen` integer NOT NULL,
	`fund_source` text DEFAULT 'central' NOT NULL,
	`voucher_number` text NOT NULL,
	`payee` text NOT NULL,
	`payee_is_person` integer DEFAULT false NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "disbursements_amount_pos" CHECK("disbursements"."amount_fen" > 0)
);
--> statement-breakpoint
CREATE INDEX `disbursements_project_idx` ON `disbursements` (`project_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `disbursements_voucher_uq` ON `disbursements` (`voucher_number`);--> statement-breakpoint
CREATE TABLE `disclosures` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`scope_type` text NOT NULL,
	`scope_code` text NOT NULL,
	`year` integer NOT NULL,
	`version` integer NOT NULL,
	`period_start` text NOT NULL,
	`period_end` text NOT NULL,
	`issuing_unit` text NOT NULL,
	`published_at` text NOT NULL,
	`content_json` text NOT NULL,
	`content_hash` text NOT NULL,
	`previous_hash` text,
	`verification_code` text NOT NULL,
	`correction_reason` text,
	`is_sample` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`scope_code`) REFERENCES `divisions`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `disclosures_scope_version_uq` ON `disclosures` (`scope_type`,`scope_code`,`year`,`version`);--> statement-breakpoint
CREATE UNIQUE INDEX `disclosures_verification_code_uq` ON `disclosures` (`verification_code`);--> statement-breakpoint
CREATE UNIQUE INDEX `disclosures_content_hash_uq` ON `disclosures` (`content_hash`);--> statement-breakpoint
CREATE TABLE `divisions` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`level` text NOT NULL,
	`parent_code` text,
	`lon` real,
	`lat` real,
	`coord_source` text,
	CONSTRAINT "divisions_level_code_len" CHECK(("divisions"."level" = 'county' AND length("divisions"."code") = 6) OR ("divisions"."level" = 'township' AND length("divisions"."code") = 9) OR ("divisions"."level" = 'village' AND length("divisions"."code") = 12))
);
--> statement-breakpoint
CREATE INDEX `divisions_parent_idx` ON `divisions` (`parent_code`);--> statement-breakpoint
CREATE TABLE `feedback` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`subject_type` text NOT NULL,
	`subject_ref` text NOT NULL,
	`village_code` text,
	`disclosure_id` integer,
	`body` text NOT NULL,
	`contact_phone` text,
	`status` text DEFAULT 'received' NOT NULL,
	`responsible_unit` text,
	`answer` text,
	`answered_at` text,
	`received_at` text NOT NULL,
	FOREIGN KEY (`village_code`) REFERENCES `divisions`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`disclosure_id`) REFERENCES `disclosures`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `feedback_village_idx` ON `feedback` (`village_code`);--> statement-breakpoint
CREATE INDEX `feedback_status_idx` ON `feedback` (`status`);--> statement-breakpoint
CREATE TABLE `household_payments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`household_id` integer NOT NULL,
	`year` integer NOT NULL,
	`persons` integer NOT NULL,
	`amount_fen` integer NOT NULL,
	`payment_date` text,
	`status` text NOT NULL,
	`failure_reason` text,
	FOREIGN KEY (`household_id`) REFERENCES `households`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `household_payments_hh_year_uq` ON `household_payments` (`household_id`,`year`);--> statement-breakpoint
CREATE TABLE `households` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`village_code` text NOT NULL,
	`household_number` text NOT NULL,
	`head_name` text NOT NULL,
	`account_number` text,
	FOREIGN KEY (`village_code`) REFERENCES `divisions`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `households_number_uq` ON `households` (`household_number`);--> statement-breakpoint
CREATE INDEX `households_village_idx` ON `households` (`village_code`);--> statement-breakpoint
CREATE TABLE `persons` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`household_id` integer NOT NULL,
	`name` text NOT NULL,
	`id_number` text NOT NULL,
	`relation` text DEFAULT '户主' NOT NULL,
	`registered` integer DEFAULT true NOT NULL,
	FOREIGN KEY (`household_id`) REFERENCES `households`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `persons_id_number_uq` ON `persons` (`id_number`);--> statement-breakpoint
CREATE INDEX `persons_household_idx` ON `persons` (`household_id`);--> statement-breakpoint
CREATE TABLE `project_budgets` (
	`project_id` integer NOT NULL,
	`fund_source` text NOT NULL,
	`amount_fen` integer NOT NULL,
	PRIMARY KEY(`project_id`, `fund_source`),
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "project_budgets_amount_nonneg" CHECK("project_budgets"."amount_fen" >= 0)
);
--> statement-breakpoint
CREATE TABLE `project_milestones` (
	`project_id` integer NOT NULL,
	`kind` text NOT NULL,
	`date` text NOT NULL,
	`actor_unit` text,
	`note` text,
	PRIMARY KEY(`project_id`, `kind`),
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `project_types` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`indicator_group` text NOT NULL,
	`sort_order` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `projects` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`year` integer NOT NULL,
	`village_code` text NOT NULL,
	`group_name` text,
	`type_code` text NOT NULL,
	`name` text NOT NULL,
	`content_scale` text NOT NULL,
	`implementing_unit` text NOT NULL,
	`lon` real,
	`lat` real,
	`location_precision` text DEFAULT 'village_centre' NOT NULL,
	`source_coord_system` text DEFAULT 'CGCS2000' NOT NULL,
	`workflow_state` text DEFAULT 'draft' NOT NULL,
	`acceptance_result` text,
	`beneficiaries` integer DEFAULT 0 NOT NULL,
	`beneficiary_households` integer DEFAULT 0 NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`village_code`) REFERENCES `divisions`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`type_code`) REFERENCES `project_types`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `projects_code_uq` ON `projects` (`code`);--> statement-breakpoint
CREATE INDEX `projects_village_year_idx` ON `projects` (`village_code`,`year`);--> statement-breakpoint
CREATE INDEX `projects_year_idx` ON `projects` (`year`);--> statement-breakpoint
CREATE TABLE `resettlement_villages` (
	`village_code` text PRIMARY KEY NOT NULL,
	`migrant_population` integer NOT NULL,
	`migrant_households` integer NOT NULL,
	`is_key_village` integer DEFAULT false NOT NULL,
	`supervision_phone` text,
	FOREIGN KEY (`village_code`) REFERENCES `divisions`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `trainings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`year` integer NOT NULL,
	`course` text NOT NULL,
	`organizer` text NOT NULL,
	`start_date` text NOT NULL,
	`end_date` text NOT NULL,
	`township_code` text,
	`trainees` integer NOT NULL,
	`passed` integer NOT NULL,
	FOREIGN KEY (`township_code`) REFERENCES `divisions`(`code`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "trainings_passed_le_trainees" CHECK("trainings"."passed" >= 0 AND "trainings"."passed" <= "trainings"."trainees")
);
--> statement-breakpoint
CREATE TABLE `uploads` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`content_hash` text NOT NULL,
	`idempotency_key` text,
	`user_id` integer,
	`rows` integer NOT NULL,
	`result_json` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `uploads_kind_hash_uq` ON `uploads` (`kind`,`content_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `uploads_idempotency_uq` ON `uploads` (`idempotency_key`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`scope_code` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`scope_code`) REFERENCES `divisions`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `workflow_steps` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`subject_type` text NOT NULL,
	`subject_id` integer NOT NULL,
	`from_state` text NOT NULL,
	`to_state` text NOT NULL,
	`action` text NOT NULL,
	`actor_id` integer,
	`actor_unit` text NOT NULL,
	`comment` text,
	`at` text NOT NULL,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `workflow_steps_subject_idx` ON `workflow_steps` (`subject_type`,`subject_id`);
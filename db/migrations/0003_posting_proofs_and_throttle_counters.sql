CREATE TABLE `posting_proofs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`disclosure_id` integer NOT NULL,
	`village_code` text NOT NULL,
	`uploaded_by` integer,
	`uploaded_at` text NOT NULL,
	`image_key` text NOT NULL,
	`width` integer NOT NULL,
	`height` integer NOT NULL,
	`taken_at` text,
	`lon` real,
	`lat` real,
	`distance_m` integer,
	`time_check` text NOT NULL,
	`place_check` text NOT NULL,
	`status` text NOT NULL,
	`reviewed_by` integer,
	`review_note` text,
	FOREIGN KEY (`disclosure_id`) REFERENCES `disclosures`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`village_code`) REFERENCES `divisions`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`uploaded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`reviewed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `posting_proofs_village_idx` ON `posting_proofs` (`village_code`);--> statement-breakpoint
CREATE INDEX `posting_proofs_disclosure_idx` ON `posting_proofs` (`disclosure_id`);--> statement-breakpoint
CREATE TABLE `throttle_counters` (
	`key` text PRIMARY KEY NOT NULL,
	`count` integer NOT NULL,
	`expires_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `throttle_counters_expires_idx` ON `throttle_counters` (`expires_at`);
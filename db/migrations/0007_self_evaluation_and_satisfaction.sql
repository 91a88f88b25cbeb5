CREATE TABLE `satisfaction_paper_results` (
	`year` integer NOT NULL,
	`village_code` text NOT NULL,
	`respondents` integer NOT NULL,
	`satisfied` integer NOT NULL,
	`updated_at` text NOT NULL,
	`updated_by` text NOT NULL,
	PRIMARY KEY(`year`, `village_code`),
	FOREIGN KEY (`village_code`) REFERENCES `divisions`(`code`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "satisfaction_paper_counts" CHECK("satisfaction_paper_results"."respondents" >= 0 AND "satisfaction_paper_results"."satisfied" >= 0 AND "satisfaction_paper_results"."satisfied" <= "satisfaction_paper_results"."respondents")
);
--> statement-breakpoint
CREATE TABLE `satisfaction_responses` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`year` integer NOT NULL,
	`village_code` text NOT NULL,
	`device_key` text NOT NULL,
	`answers_json` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`village_code`) REFERENCES `divisions`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `satisfaction_responses_device_year_idx` ON `satisfaction_responses` (`year`,`device_key`);--> statement-breakpoint
CREATE INDEX `satisfaction_responses_village_idx` ON `satisfaction_responses` (`year`,`village_code`);--> statement-breakpoint
CREATE TABLE `self_evaluation_targets` (
	`year` integer PRIMARY KEY NOT NULL,
	`lines_json` text NOT NULL,
	`updated_at` text NOT NULL,
	`updated_by` text NOT NULL
);

CREATE TABLE `division_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`effective_on` text NOT NULL,
	`from_code` text,
	`from_name` text,
	`to_code` text NOT NULL,
	`to_name` text NOT NULL,
	`basis` text DEFAULT '' NOT NULL,
	`recorded_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`from_code`) REFERENCES `divisions`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`to_code`) REFERENCES `divisions`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `division_changes_from_idx` ON `division_changes` (`from_code`);--> statement-breakpoint
CREATE INDEX `division_changes_to_idx` ON `division_changes` (`to_code`);--> statement-breakpoint
ALTER TABLE `divisions` ADD `retired_on` text;--> statement-breakpoint
ALTER TABLE `divisions` ADD `successor_code` text;
CREATE TABLE `poster_plan_parts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`build_id` text NOT NULL,
	`year` integer NOT NULL,
	`township_code` text NOT NULL,
	`manifest_json` text NOT NULL,
	`planned_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `poster_plan_parts_uq` ON `poster_plan_parts` (`build_id`,`year`,`township_code`);
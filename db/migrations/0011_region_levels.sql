-- Divisions may now be a province (2 digits) or a city (4 digits) above the counties of a
-- database: the scope of an inspector who oversees several counties. SQLite cannot change a CHECK
-- in place, so the table is rebuilt (the migrator runs with foreign keys off; every row is copied).
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_divisions` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`level` text NOT NULL,
	`parent_code` text,
	`lon` real,
	`lat` real,
	`coord_source` text,
	`retired_on` text,
	`successor_code` text,
	CONSTRAINT "divisions_level_code_len" CHECK(("__new_divisions"."level" = 'province' AND length("__new_divisions"."code") = 2) OR ("__new_divisions"."level" = 'city' AND length("__new_divisions"."code") = 4) OR ("__new_divisions"."level" = 'county' AND length("__new_divisions"."code") = 6) OR ("__new_divisions"."level" = 'township' AND length("__new_divisions"."code") = 9) OR ("__new_divisions"."level" = 'village' AND length("__new_divisions"."code") = 12))
);
--> statement-breakpoint
INSERT INTO `__new_divisions`("code", "name", "level", "parent_code", "lon", "lat", "coord_source", "retired_on", "successor_code") SELECT "code", "name", "level", "parent_code", "lon", "lat", "coord_source", "retired_on", "successor_code" FROM `divisions`;--> statement-breakpoint
DROP TABLE `divisions`;--> statement-breakpoint
ALTER TABLE `__new_divisions` RENAME TO `divisions`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `divisions_parent_idx` ON `divisions` (`parent_code`);
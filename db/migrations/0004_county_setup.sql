CREATE TABLE `county_settings` (
	`county_code` text PRIMARY KEY NOT NULL,
	`is_sample` integer DEFAULT false NOT NULL,
	`issuing_unit` text NOT NULL,
	`supervision_phones` text DEFAULT '' NOT NULL,
	`township_phones` text DEFAULT '{}' NOT NULL,
	`supervision_address` text DEFAULT '' NOT NULL,
	`disclosure_period_days` integer DEFAULT 10 NOT NULL,
	`poster_title_template` text,
	`subsidy_standard_fen` integer DEFAULT 60000 NOT NULL,
	`outline_json` text,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`county_code`) REFERENCES `divisions`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `village_registry` (
	`village_code` text NOT NULL,
	`year` integer NOT NULL,
	`migrant_population` integer NOT NULL,
	`migrant_households` integer NOT NULL,
	`is_key_village` integer DEFAULT false NOT NULL,
	`note` text,
	PRIMARY KEY(`village_code`, `year`),
	FOREIGN KEY (`village_code`) REFERENCES `divisions`(`code`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "village_registry_counts" CHECK("village_registry"."migrant_population" >= 0 AND "village_registry"."migrant_households" >= 0 AND "village_registry"."migrant_households" <= "village_registry"."migrant_population")
);
--> statement-breakpoint
DROP INDEX `persons_id_number_uq`;--> statement-breakpoint
ALTER TABLE `persons` ADD `id_hash` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `persons` ADD `id_masked` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `persons` ADD `id_tail_hash` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `persons` ADD `removed_reason` text;--> statement-breakpoint
ALTER TABLE `persons` ADD `removed_date` text;--> statement-breakpoint
-- Until now only the sample county could be loaded. Its synthetic ID numbers are marked here and
-- replaced by keyed hashes in code right after the migrations (db/client.ts, hashLegacyIdNumbers),
-- because SQL has no HMAC.
UPDATE `persons` SET `id_hash` = 'legacy:' || upper(`id_number`), `id_masked` = substr(`id_number`, 1, 3) || '****' || upper(substr(`id_number`, -2)), `id_tail_hash` = 'legacy:' || upper(substr(`id_number`, -6));--> statement-breakpoint
CREATE UNIQUE INDEX `persons_id_hash_uq` ON `persons` (`id_hash`);--> statement-breakpoint
ALTER TABLE `persons` DROP COLUMN `id_number`;--> statement-breakpoint
ALTER TABLE `household_payments` ADD `remedy` text;--> statement-breakpoint
ALTER TABLE `households` ADD `population` integer;--> statement-breakpoint
-- A database loaded before this migration holds the sample county (the only one that could be
-- loaded): record it as such, with the settings it was published with.
INSERT INTO `county_settings` (`county_code`, `is_sample`, `issuing_unit`, `supervision_phones`, `supervision_address`, `disclosure_period_days`, `subsidy_standard_fen`)
SELECT `code`, 1, '常宁市库区移民事务中心', '0734-7212345', '常宁市库区移民事务中心（常宁市宜阳街道）', 10, 60000 FROM `divisions` WHERE `level` = 'county' AND `code` = '430482';
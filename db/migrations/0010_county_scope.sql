-- A database may hold several counties: every row that belongs to one county says which. Rows
-- already here belong to the database's county (before this migration a database held one; when
-- there is no settings row yet, its first county division).
--
-- allocation_documents: allocations points at it, so it is not rebuilt. SQLite adds a column with
-- a REFERENCES clause only when its default is NULL, so the column is nullable here and the
-- triggers below refuse a missing county as NOT NULL would. A province's document number
-- allocates to many counties: the number is unique per county. An existing document's county is
-- that of the villages its money went to, else the database's county.
DROP INDEX `allocation_documents_doc_number_uq`;--> statement-breakpoint
ALTER TABLE `allocation_documents` ADD `county_code` text REFERENCES divisions(code);--> statement-breakpoint
UPDATE `allocation_documents` SET `county_code` = coalesce(
  (SELECT substr(coalesce(a.`village_code`, p.`village_code`), 1, 6) FROM `allocations` a LEFT JOIN `projects` p ON p.`id` = a.`project_id`
    WHERE a.`document_id` = `allocation_documents`.`id` ORDER BY a.`id` LIMIT 1),
  (SELECT `county_code` FROM `county_settings` ORDER BY `county_code` LIMIT 1),
  (SELECT `code` FROM `divisions` WHERE `level` = 'county' ORDER BY `code` LIMIT 1));--> statement-breakpoint
CREATE UNIQUE INDEX `allocation_documents_county_doc_number_uq` ON `allocation_documents` (`county_code`,`doc_number`);--> statement-breakpoint
CREATE TRIGGER allocation_documents_county_on_insert BEFORE INSERT ON allocation_documents WHEN NEW.county_code IS NULL
BEGIN
  SELECT RAISE(ABORT, 'NOT NULL constraint failed: allocation_documents.county_code');
END;
--> statement-breakpoint
CREATE TRIGGER allocation_documents_county_on_update BEFORE UPDATE OF county_code ON allocation_documents WHEN NEW.county_code IS NULL
BEGIN
  SELECT RAISE(ABORT, 'NOT NULL constraint failed: allocation_documents.county_code');
END;
--> statement-breakpoint
CREATE TABLE `__new_project_document_policies` (
	`county_code` text NOT NULL,
	`doc_type` text NOT NULL,
	`is_public` integer NOT NULL,
	`updated_at` text NOT NULL,
	`updated_by` text NOT NULL,
	PRIMARY KEY(`county_code`, `doc_type`),
	FOREIGN KEY (`county_code`) REFERENCES `divisions`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_project_document_policies`("county_code", "doc_type", "is_public", "updated_at", "updated_by")
SELECT c.`code`, p."doc_type", p."is_public", p."updated_at", p."updated_by" FROM `project_document_policies` p,
  (SELECT coalesce((SELECT `county_code` FROM `county_settings` ORDER BY `county_code` LIMIT 1),
    (SELECT `code` FROM `divisions` WHERE `level` = 'county' ORDER BY `code` LIMIT 1)) AS `code`) c;--> statement-breakpoint
DROP TABLE `project_document_policies`;--> statement-breakpoint
ALTER TABLE `__new_project_document_policies` RENAME TO `project_document_policies`;--> statement-breakpoint
CREATE TABLE `__new_self_evaluation_targets` (
	`county_code` text NOT NULL,
	`year` integer NOT NULL,
	`lines_json` text NOT NULL,
	`updated_at` text NOT NULL,
	`updated_by` text NOT NULL,
	PRIMARY KEY(`county_code`, `year`),
	FOREIGN KEY (`county_code`) REFERENCES `divisions`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_self_evaluation_targets`("county_code", "year", "lines_json", "updated_at", "updated_by")
SELECT c.`code`, s."year", s."lines_json", s."updated_at", s."updated_by" FROM `self_evaluation_targets` s,
  (SELECT coalesce((SELECT `county_code` FROM `county_settings` ORDER BY `county_code` LIMIT 1),
    (SELECT `code` FROM `divisions` WHERE `level` = 'county' ORDER BY `code` LIMIT 1)) AS `code`) c;--> statement-breakpoint
DROP TABLE `self_evaluation_targets`;--> statement-breakpoint
ALTER TABLE `__new_self_evaluation_targets` RENAME TO `self_evaluation_targets`;--> statement-breakpoint
-- No foreign key points at trainings, so it is rebuilt with the county NOT NULL. A course's
-- county is its township's; a county-wide course's, the database's.
CREATE TABLE `__new_trainings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`county_code` text NOT NULL,
	`year` integer NOT NULL,
	`course` text NOT NULL,
	`organizer` text NOT NULL,
	`start_date` text NOT NULL,
	`end_date` text NOT NULL,
	`township_code` text,
	`trainees` integer NOT NULL,
	`passed` integer NOT NULL,
	FOREIGN KEY (`county_code`) REFERENCES `divisions`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`township_code`) REFERENCES `divisions`(`code`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "trainings_passed_le_trainees" CHECK("__new_trainings"."passed" >= 0 AND "__new_trainings"."passed" <= "__new_trainings"."trainees"),
	CONSTRAINT "trainings_township_in_county" CHECK("__new_trainings"."township_code" IS NULL OR substr("__new_trainings"."township_code", 1, 6) = "__new_trainings"."county_code")
);
--> statement-breakpoint
INSERT INTO `__new_trainings`("id", "county_code", "year", "course", "organizer", "start_date", "end_date", "township_code", "trainees", "passed")
SELECT t."id", coalesce(substr(t."township_code", 1, 6), c.`code`), t."year", t."course", t."organizer", t."start_date", t."end_date", t."township_code", t."trainees", t."passed" FROM `trainings` t,
  (SELECT coalesce((SELECT `county_code` FROM `county_settings` ORDER BY `county_code` LIMIT 1),
    (SELECT `code` FROM `divisions` WHERE `level` = 'county' ORDER BY `code` LIMIT 1)) AS `code`) c;--> statement-breakpoint
DROP TABLE `trainings`;--> statement-breakpoint
ALTER TABLE `__new_trainings` RENAME TO `trainings`;--> statement-breakpoint
CREATE INDEX `trainings_county_year_idx` ON `trainings` (`county_code`,`year`);

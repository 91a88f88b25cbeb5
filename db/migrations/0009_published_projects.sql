CREATE TABLE `published_projects` (
	`project_code` text NOT NULL,
	`village_code` text NOT NULL,
	PRIMARY KEY(`project_code`, `village_code`),
	FOREIGN KEY (`village_code`) REFERENCES `divisions`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
-- Every project already published, from the snapshots themselves.
INSERT OR IGNORE INTO `published_projects` (`project_code`, `village_code`)
SELECT json_extract(p.value, '$.code'), d.scope_code
FROM disclosures d, json_each(d.content_json, '$.projects') p
WHERE d.scope_type = 'village';
--> statement-breakpoint
CREATE TRIGGER published_projects_no_update BEFORE UPDATE ON published_projects
BEGIN
  SELECT RAISE(ABORT, 'published_projects follows the immutable disclosures: rows are only added');
END;
--> statement-breakpoint
CREATE TRIGGER published_projects_no_delete BEFORE DELETE ON published_projects
BEGIN
  SELECT RAISE(ABORT, 'published_projects follows the immutable disclosures: rows are only added');
END;

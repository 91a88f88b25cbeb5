-- Each audit entry names the division it belongs to, so a county's staff read their county's
-- entries only when several counties share the database. Entries written before this migration
-- come from a database that held one county: they get that county. The log stays append-only:
-- the trigger that forbids updates is lifted for this backfill only and put back as it was.
ALTER TABLE `audit_log` ADD `scope_code` text;--> statement-breakpoint
CREATE INDEX `audit_log_scope_idx` ON `audit_log` (`scope_code`,`id`);--> statement-breakpoint
DROP TRIGGER audit_log_no_update;--> statement-breakpoint
UPDATE audit_log SET scope_code = coalesce(
  (SELECT county_code FROM county_settings ORDER BY county_code LIMIT 1),
  (SELECT code FROM divisions WHERE level = 'county' ORDER BY code LIMIT 1)
);--> statement-breakpoint
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;

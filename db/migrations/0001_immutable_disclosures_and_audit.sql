-- Published disclosures and the audit log are append-only. Enforced here, below the API, so no
-- code path (API, CLI, a hand-written SQL session) can change or remove a published version.
CREATE TRIGGER disclosures_no_update BEFORE UPDATE ON disclosures
BEGIN
  SELECT RAISE(ABORT, 'disclosures are immutable: publish a correction as a new version');
END;
--> statement-breakpoint
CREATE TRIGGER disclosures_no_delete BEFORE DELETE ON disclosures
BEGIN
  SELECT RAISE(ABORT, 'disclosures are immutable: publish a correction as a new version');
END;
--> statement-breakpoint
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;

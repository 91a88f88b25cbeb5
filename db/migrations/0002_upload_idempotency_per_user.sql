DROP INDEX `uploads_kind_hash_uq`;--> statement-breakpoint
DROP INDEX `uploads_idempotency_uq`;--> statement-breakpoint
CREATE UNIQUE INDEX `uploads_user_kind_hash_uq` ON `uploads` (`user_id`,`kind`,`content_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `uploads_user_idempotency_uq` ON `uploads` (`user_id`,`idempotency_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `audit_log_previous_hash_uq` ON `audit_log` (`previous_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `audit_log_hash_uq` ON `audit_log` (`hash`);
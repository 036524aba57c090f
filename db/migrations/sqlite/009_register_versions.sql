-- Every register row carries a version that each write bumps, so that an edit made from
-- a page or a client that read an older row is refused instead of silently undoing a
-- change made in between (the same rule appeals and issue classes follow).
ALTER TABLE users ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE departments ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE leaders ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE enterprises ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE liaisons ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- One signed checkpoint of the audit log per calendar day (in the server's zone), made by
-- the server's clock job. The day is the key, so a second run on the same day, or a second
-- instance, adds nothing. Rows are never changed or removed, like the log they pin.
CREATE TABLE audit_checkpoints (
	day        TEXT PRIMARY KEY,
	size       INTEGER NOT NULL,
	root       TEXT NOT NULL,
	note       TEXT NOT NULL,
	created_at INTEGER NOT NULL
);

CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
BEGIN
	SELECT RAISE(ABORT, 'audit_checkpoints is append-only');
END;

CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
BEGIN
	SELECT RAISE(ABORT, 'audit_checkpoints is append-only');
END;

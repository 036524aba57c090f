-- Every register row carries a version that each write bumps, so that an edit made from
-- a page or a client that read an older row is refused instead of silently undoing a
-- change made in between (the same rule appeals and issue classes follow).
ALTER TABLE users ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE departments ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE leaders ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE enterprises ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE liaisons ADD COLUMN version integer NOT NULL DEFAULT 1;

-- One signed checkpoint of the audit log per calendar day (in the server's zone), made by
-- the server's clock job. The day is the key, so a second run on the same day, or a second
-- instance, adds nothing. Rows are never changed or removed, like the log they pin.
CREATE TABLE audit_checkpoints (
	day        text PRIMARY KEY,
	size       bigint NOT NULL,
	root       text NOT NULL,
	note       text NOT NULL,
	created_at bigint NOT NULL
);

CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
	FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
	FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
	FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();

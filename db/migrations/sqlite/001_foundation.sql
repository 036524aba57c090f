-- Times are unix seconds (INTEGER); calendar dates are 'YYYY-MM-DD' text.

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

CREATE TABLE departments (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL UNIQUE,
	kind       TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL
);

CREATE TABLE leaders (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL,
	title      TEXT NOT NULL DEFAULT '',
	phone      TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL
);

CREATE TABLE enterprises (
	id            INTEGER PRIMARY KEY,
	name          TEXT NOT NULL,
	credit_code   TEXT NOT NULL UNIQUE,
	district      TEXT NOT NULL DEFAULT '',
	industry      TEXT NOT NULL DEFAULT '',
	scale         TEXT NOT NULL DEFAULT '',
	address       TEXT NOT NULL DEFAULT '',
	contact_name  TEXT NOT NULL DEFAULT '',
	contact_phone TEXT NOT NULL DEFAULT '',
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL
);
CREATE INDEX enterprises_district ON enterprises (district);
CREATE INDEX enterprises_industry ON enterprises (industry);

-- A pair is never deleted: ending it sets until, and the enterprise's next pair makes
-- the history. One active pair per enterprise.
CREATE TABLE liaisons (
	id            INTEGER PRIMARY KEY,
	leader_id     INTEGER NOT NULL REFERENCES leaders (id),
	enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
	since         TEXT NOT NULL,
	until         TEXT,
	note          TEXT NOT NULL DEFAULT '',
	created_at    INTEGER NOT NULL,
	CHECK (until IS NULL OR until >= since)
);
CREATE UNIQUE INDEX liaisons_active ON liaisons (enterprise_id) WHERE until IS NULL;
CREATE INDEX liaisons_leader ON liaisons (leader_id, until);
CREATE INDEX liaisons_enterprise ON liaisons (enterprise_id, since);

CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
	password_hash TEXT NOT NULL,
	display_name  TEXT NOT NULL,
	role          TEXT NOT NULL CHECK (role IN ('admin', 'office', 'department', 'leader', 'enterprise', 'auditor')),
	department_id INTEGER REFERENCES departments (id),
	leader_id     INTEGER REFERENCES leaders (id),
	enterprise_id INTEGER REFERENCES enterprises (id),
	disabled      INTEGER NOT NULL DEFAULT 0,
	-- Every token carries the version it was issued under; bumping it revokes them all.
	token_version INTEGER NOT NULL DEFAULT 1,
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL,
	CHECK ((role = 'department') = (department_id IS NOT NULL)),
	CHECK ((role = 'leader') = (leader_id IS NOT NULL)),
	CHECK ((role = 'enterprise') = (enterprise_id IS NOT NULL))
);

-- The audit chain: append-only, each row hashing its content and its predecessor's hash.
CREATE TABLE audit_events (
	id          INTEGER PRIMARY KEY,
	at          INTEGER NOT NULL,
	actor_id    INTEGER,
	actor_name  TEXT NOT NULL,
	actor_role  TEXT NOT NULL,
	action      TEXT NOT NULL,
	object_type TEXT NOT NULL,
	object_id   INTEGER,
	payload     TEXT NOT NULL,
	prev_hash   TEXT NOT NULL,
	hash        TEXT NOT NULL
);
CREATE INDEX audit_events_object ON audit_events (object_type, object_id);
CREATE INDEX audit_events_actor ON audit_events (actor_id);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
	SELECT RAISE(ABORT, 'audit_events is append-only');
END;

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
	SELECT RAISE(ABORT, 'audit_events is append-only');
END;

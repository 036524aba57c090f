-- The discipline office: report receipts, the audit log's Merkle tree, sampling,
-- accountability and typical cases.

-- A report's receipt code, never stored: bucket is the first 32 bits of
-- HMAC-SHA256(server key, receipt) for an O(1) lookup, verifier an argon2id hash of the
-- receipt with its own salt (see db/receipt.go for why both).
CREATE TABLE report_receipts (
	appeal_id INTEGER PRIMARY KEY REFERENCES appeals (id),
	bucket    INTEGER NOT NULL,
	verifier  TEXT NOT NULL
);
CREATE INDEX report_receipts_bucket ON report_receipts (bucket);

-- The audit log as an RFC 6962 Merkle tree: the stored hashes of golang.org/x/mod/sumdb/tlog,
-- id being tlog's stored hash index. Written in the same transaction as each audit event.
CREATE TABLE audit_tree (
	id   INTEGER PRIMARY KEY,
	hash BLOB NOT NULL CHECK (length(hash) = 32)
);

CREATE TRIGGER audit_tree_no_update BEFORE UPDATE ON audit_tree
BEGIN
	SELECT RAISE(ABORT, 'audit_tree is append-only');
END;

CREATE TRIGGER audit_tree_no_delete BEFORE DELETE ON audit_tree
BEGIN
	SELECT RAISE(ABORT, 'audit_tree is append-only');
END;

-- 抽查: one random sample of a month's closures, drawn once and kept, so that nobody can
-- draw again until the sample suits them.
CREATE TABLE audit_samples (
	month     TEXT NOT NULL,
	appeal_id INTEGER NOT NULL REFERENCES appeals (id),
	drawn_by  INTEGER REFERENCES users (id),
	drawn_at  INTEGER NOT NULL,
	PRIMARY KEY (month, appeal_id)
) WITHOUT ROWID;

-- 问责: a measure taken against a person or a department, linked to the appeals behind it.
CREATE TABLE accountabilities (
	id            INTEGER PRIMARY KEY,
	subject_type  TEXT NOT NULL CHECK (subject_type IN ('person', 'department')),
	person_name   TEXT NOT NULL DEFAULT '',
	person_title  TEXT NOT NULL DEFAULT '',
	department_id INTEGER NOT NULL REFERENCES departments (id),
	measure       TEXT NOT NULL,
	facts         TEXT NOT NULL,
	decided_on    TEXT NOT NULL,
	created_by    INTEGER REFERENCES users (id),
	created_at    INTEGER NOT NULL
);
CREATE INDEX accountabilities_department ON accountabilities (department_id);

CREATE TABLE accountability_appeals (
	accountability_id INTEGER NOT NULL REFERENCES accountabilities (id),
	appeal_id         INTEGER NOT NULL REFERENCES appeals (id),
	PRIMARY KEY (accountability_id, appeal_id)
) WITHOUT ROWID;
CREATE INDEX accountability_appeals_appeal ON accountability_appeals (appeal_id);

-- 典型案例: an auditor's own account of an appeal, published to every signed-in user once
-- published is set. The text is written for publication: it never quotes the complainant.
CREATE TABLE typical_cases (
	id           INTEGER PRIMARY KEY,
	appeal_id    INTEGER NOT NULL UNIQUE REFERENCES appeals (id),
	title        TEXT NOT NULL,
	summary      TEXT NOT NULL,
	lesson       TEXT NOT NULL DEFAULT '',
	published_at INTEGER,
	created_by   INTEGER REFERENCES users (id),
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL
);
CREATE INDEX typical_cases_published ON typical_cases (published_at);

-- The workspace reads events by action (the vault's openings among them).
CREATE INDEX audit_events_action ON audit_events (action, id);
CREATE INDEX appeal_events_action ON appeal_events (action, appeal_id);

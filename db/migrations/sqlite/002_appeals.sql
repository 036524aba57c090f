-- The closed loop: appeals, their timeline, attachments and the tier deadlines.

CREATE TABLE categories (
	id      INTEGER PRIMARY KEY,
	name    TEXT NOT NULL UNIQUE,
	-- conduct marks complaints about officials themselves (吃拿卡要, 推拖绕 …).
	conduct INTEGER NOT NULL DEFAULT 0,
	sort    INTEGER NOT NULL DEFAULT 0,
	active  INTEGER NOT NULL DEFAULT 1
);
INSERT INTO categories (name, conduct, sort) VALUES
	('政策兑现', 0, 10), ('审批服务', 0, 20), ('要素保障-用地', 0, 30), ('要素保障-用电', 0, 31),
	('要素保障-用水', 0, 32), ('要素保障-用气', 0, 33), ('融资', 0, 40), ('用工', 0, 50), ('物流', 0, 60),
	('执法检查', 0, 70), ('服务意识不强', 1, 80), ('办事拖沓', 1, 81), ('吃拿卡要', 1, 82), ('推拖绕', 1, 83),
	('其他', 0, 99);

-- Tier deadlines in seconds: response (受理) and resolution (办结), from filing.
INSERT INTO settings (key, value) VALUES
	('deadline.immediate.response', '7200'), ('deadline.immediate.resolution', '86400'),
	('deadline.fast.response', '86400'), ('deadline.fast.resolution', '432000'),
	('deadline.escalated.response', '86400'), ('deadline.escalated.resolution', '1296000');

-- Numbers are SQ{year}-{sequence}; the sequence of a year only ever grows.
CREATE TABLE appeal_numbers (
	year INTEGER PRIMARY KEY,
	last INTEGER NOT NULL
);

CREATE TABLE appeals (
	id                  INTEGER PRIMARY KEY,
	number              TEXT NOT NULL UNIQUE,
	title               TEXT NOT NULL,
	content             TEXT NOT NULL,
	category            TEXT NOT NULL,
	source              TEXT NOT NULL CHECK (source IN ('portal', 'visit', 'hotline', 'steward', 'report', 'inspection')),
	tier                TEXT NOT NULL CHECK (tier IN ('immediate', 'fast', 'escalated')),
	stage               TEXT NOT NULL CHECK (stage IN ('discovered', 'verifying', 'rectifying', 'feedback', 'closed')),
	version             INTEGER NOT NULL DEFAULT 1,
	enterprise_id       INTEGER REFERENCES enterprises (id),
	leader_id           INTEGER REFERENCES leaders (id),
	department_id       INTEGER REFERENCES departments (id),
	about_department_id INTEGER REFERENCES departments (id),
	visit_id            INTEGER,
	confidential        INTEGER NOT NULL DEFAULT 0,
	-- Contact of a non-confidential appeal; a confidential one keeps it in appeal_identities.
	contact_name        TEXT NOT NULL DEFAULT '',
	contact_phone       TEXT NOT NULL DEFAULT '',
	created_by          INTEGER REFERENCES users (id),
	created_at          INTEGER NOT NULL,
	response_due_at     INTEGER NOT NULL,
	due_at              INTEGER NOT NULL,
	extended_due_at     INTEGER,
	accepted_at         INTEGER,
	assigned_at         INTEGER,
	reported_at         INTEGER,
	closed_at           INTEGER,
	close_reason        TEXT,
	merged_into         INTEGER REFERENCES appeals (id),
	reopen_count        INTEGER NOT NULL DEFAULT 0,
	return_count        INTEGER NOT NULL DEFAULT 0,
	-- Automatic escalation steps taken: 1 = tier raised, 2 = put under supervision.
	escalation_level    INTEGER NOT NULL DEFAULT 0,
	escalated_at        INTEGER,
	ext_requested_days  INTEGER,
	ext_requested_note  TEXT,
	supervision_due_at  INTEGER,
	rated_at            INTEGER,
	resolved            INTEGER,
	satisfaction        TEXT CHECK (satisfaction IN ('satisfied', 'basic', 'unsatisfied')),
	rating_comment      TEXT,
	updated_at          INTEGER NOT NULL
);
CREATE INDEX appeals_stage_due ON appeals (stage, due_at);
CREATE INDEX appeals_enterprise ON appeals (enterprise_id, id);
CREATE INDEX appeals_leader ON appeals (leader_id, id);
CREATE INDEX appeals_department ON appeals (department_id, stage);
CREATE INDEX appeals_created ON appeals (created_at);
CREATE INDEX appeals_category ON appeals (category);

-- Every department an appeal was ever assigned to: they keep seeing it.
CREATE TABLE appeal_departments (
	appeal_id     INTEGER NOT NULL REFERENCES appeals (id),
	department_id INTEGER NOT NULL REFERENCES departments (id),
	PRIMARY KEY (appeal_id, department_id)
) WITHOUT ROWID;
CREATE INDEX appeal_departments_department ON appeal_departments (department_id, appeal_id);

-- The identity vault: who filed a confidential appeal or a report.
CREATE TABLE appeal_identities (
	appeal_id INTEGER PRIMARY KEY REFERENCES appeals (id),
	name      TEXT NOT NULL DEFAULT '',
	phone     TEXT NOT NULL DEFAULT '',
	user_id   INTEGER REFERENCES users (id)
);

-- The appeal's timeline as its participants see it; the audit chain holds the same facts.
CREATE TABLE appeal_events (
	id           INTEGER PRIMARY KEY,
	appeal_id    INTEGER NOT NULL REFERENCES appeals (id),
	at           INTEGER NOT NULL,
	actor_id     INTEGER,
	actor_name   TEXT NOT NULL,
	actor_role   TEXT NOT NULL,
	action       TEXT NOT NULL,
	stage_before TEXT NOT NULL,
	stage_after  TEXT NOT NULL,
	note         TEXT NOT NULL DEFAULT '',
	data         TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX appeal_events_appeal ON appeal_events (appeal_id, id);

CREATE TABLE attachments (
	id           INTEGER PRIMARY KEY,
	appeal_id    INTEGER NOT NULL REFERENCES appeals (id),
	event_id     INTEGER REFERENCES appeal_events (id),
	name         TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size         INTEGER NOT NULL,
	sha256       TEXT NOT NULL,
	stored_name  TEXT NOT NULL UNIQUE,
	uploaded_by  INTEGER REFERENCES users (id),
	created_at   INTEGER NOT NULL
);
CREATE INDEX attachments_appeal ON attachments (appeal_id);

-- Chinese full-text search: trigram tokens match any substring of three or more characters.
CREATE VIRTUAL TABLE appeals_fts USING fts5 (title, content, content = 'appeals', content_rowid = 'id', tokenize = 'trigram');
CREATE TRIGGER appeals_fts_insert AFTER INSERT ON appeals BEGIN
	INSERT INTO appeals_fts (rowid, title, content) VALUES (new.id, new.title, new.content);
END;
CREATE TRIGGER appeals_fts_update AFTER UPDATE OF title, content ON appeals BEGIN
	INSERT INTO appeals_fts (appeals_fts, rowid, title, content) VALUES ('delete', old.id, old.title, old.content);
	INSERT INTO appeals_fts (rowid, title, content) VALUES (new.id, new.title, new.content);
END;
CREATE TRIGGER appeals_fts_delete AFTER DELETE ON appeals BEGIN
	INSERT INTO appeals_fts (appeals_fts, rowid, title, content) VALUES ('delete', old.id, old.title, old.content);
END;

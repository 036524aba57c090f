-- In-app notices: one row per recipient, written in the transaction of its cause, so that
-- a step and the word of it are kept together or not at all.
CREATE TABLE notices (
	id          INTEGER PRIMARY KEY,
	user_id     INTEGER NOT NULL REFERENCES users (id),
	kind        TEXT NOT NULL,
	title       TEXT NOT NULL,
	body        TEXT NOT NULL DEFAULT '',
	link        TEXT NOT NULL DEFAULT '',
	object_type TEXT NOT NULL DEFAULT '',
	object_id   INTEGER,
	created_at  INTEGER NOT NULL,
	read_at     INTEGER
);
CREATE INDEX notices_user ON notices (user_id, id);
CREATE INDEX notices_unread ON notices (user_id, id) WHERE read_at IS NULL;

-- Notices the clock sends once per object (80% of the time used): the first send claims
-- the pair, and every later run finds it taken.
CREATE TABLE notices_sent (
	kind      TEXT NOT NULL,
	object_id INTEGER NOT NULL,
	at        INTEGER NOT NULL,
	PRIMARY KEY (kind, object_id)
);

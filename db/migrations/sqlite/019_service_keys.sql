-- Service keys: other systems (the 12345 hotline platform first) call the API with a key
-- an admin issued for them. The key is shown once; only its SHA-256 is kept (it is 32
-- random bytes, so a hash cannot be searched back), with its first characters to tell
-- keys apart in the list. A revoked key stays listed with when it was revoked.
CREATE TABLE api_keys (
	id           INTEGER PRIMARY KEY,
	name         TEXT NOT NULL,
	scopes       TEXT NOT NULL,
	prefix       TEXT NOT NULL,
	hash         TEXT NOT NULL UNIQUE,
	created_by   INTEGER REFERENCES users (id),
	created_at   INTEGER NOT NULL,
	revoked_at   INTEGER,
	last_used_at INTEGER,
	uses         INTEGER NOT NULL DEFAULT 0
);

-- A hotline ticket's own number and deadline: the platform files each ticket once (the
-- same number again answers the appeal it made), and its deadline stands beside ours.
ALTER TABLE appeals ADD COLUMN external_ref TEXT;
ALTER TABLE appeals ADD COLUMN upstream_due_at INTEGER;
CREATE UNIQUE INDEX appeals_external_ref ON appeals (source, external_ref) WHERE external_ref IS NOT NULL;

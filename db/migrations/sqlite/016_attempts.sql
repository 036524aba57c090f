-- Attempts that throttles count (wrong passwords, receipt lookups, public filings), kept in
-- the database when several servers share it, so that spreading guesses over the servers
-- gains an attacker nothing. One row per attempt and key; rows older than the window go.
CREATE TABLE throttle_attempts (
	id  INTEGER PRIMARY KEY,
	key TEXT    NOT NULL,
	at  INTEGER NOT NULL
);
CREATE INDEX throttle_attempts_key ON throttle_attempts (key, at);

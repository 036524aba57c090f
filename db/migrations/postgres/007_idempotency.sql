-- A client that lost the answer to a create may send it again with the same
-- Idempotency-Key; the row written with the create makes the retry find it instead of
-- filing a second one. caller is "u:<user id>" or "public"; body stays NULL for public
-- reports, whose answer carries a receipt code that must be shown only once.
CREATE TABLE idempotency_keys (
	caller     text NOT NULL,
	key        text NOT NULL,
	req_hash   bytea NOT NULL,
	status     integer NOT NULL DEFAULT 0,
	body       bytea,
	created_at bigint NOT NULL,
	PRIMARY KEY (caller, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

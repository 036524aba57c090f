-- An enterprise the office registered from the 12345 intake form, while taking a call,
-- waits for an administrator to check it against the register: needs_review is 1 until
-- the administrator confirms it.
ALTER TABLE enterprises ADD COLUMN needs_review INTEGER NOT NULL DEFAULT 0;
CREATE INDEX enterprises_needs_review ON enterprises (needs_review) WHERE needs_review = 1;

-- An enterprise the office registered from the 12345 intake form, while taking a call,
-- waits for an administrator to check it against the register: needs_review is true until
-- the administrator confirms it.
ALTER TABLE enterprises ADD COLUMN needs_review boolean NOT NULL DEFAULT false;
CREATE INDEX enterprises_needs_review ON enterprises (needs_review) WHERE needs_review;

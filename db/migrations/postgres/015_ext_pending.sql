-- The office's home lists and counts the extension requests that wait for its word: a
-- handful among all appeals, which without an index of their own meant reading every
-- appeal ever filed on each visit. In id order, as the queue lists them.
CREATE INDEX appeals_ext_pending ON appeals (id) WHERE ext_requested_days IS NOT NULL;

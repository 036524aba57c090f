-- The due order of the lists (closed last, then the effective due time, then the id) as an
-- index, so that a page of a department's queue or of the city's list is a walk from a
-- key rather than a sort of every row the filter matches. The id is the rowid, which every
-- index ends in.
CREATE INDEX appeals_due_order ON appeals (stage = 'closed', COALESCE(extended_due_at, due_at));

-- The escalation job's candidates: appeals the government holds whose resolution deadline,
-- or (while unaccepted) response deadline, has passed. Both indexes cover only the held
-- stages, so they grow with the open work, not with the table; the escalation level rides
-- along so that the supervised appeals are passed over without reading their rows.
CREATE INDEX appeals_held_due ON appeals (stage, COALESCE(extended_due_at, due_at), escalation_level)
	WHERE stage IN ('discovered', 'verifying', 'rectifying');
CREATE INDEX appeals_held_response ON appeals (stage, response_due_at, escalation_level)
	WHERE stage IN ('discovered', 'verifying', 'rectifying') AND accepted_at IS NULL;

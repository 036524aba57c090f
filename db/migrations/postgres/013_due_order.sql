-- The due order of the lists (closed last, then the effective due time, then the id) as an
-- index, so that a page of a department's queue or of the city's list is a walk from a
-- key rather than a sort of every row the filter matches. SQLite ends every index with the
-- rowid; here the id is named, so that the walk needs no sort on either engine.
--
-- The closed-last key is an integer, 0 or 1, not the bare comparison SQLite indexes:
-- PostgreSQL rewrites (stage = 'closed') = false into stage <> 'closed' before it looks
-- for an index, so the run of open appeals, the one read most, would never walk a
-- boolean key. A query matches this index with CAST(a.stage = 'closed' AS integer) = ?
-- and the same 0 or 1 the cursor carries.
CREATE INDEX appeals_due_order ON appeals (CAST(stage = 'closed' AS integer), COALESCE(extended_due_at, due_at), id);

-- The escalation job's candidates: appeals the government holds whose resolution deadline,
-- or (while unaccepted) response deadline, has passed. Both indexes cover only the held
-- stages, so they grow with the open work, not with the table; the escalation level rides
-- along so that the supervised appeals are passed over without reading their rows.
CREATE INDEX appeals_held_due ON appeals (stage, COALESCE(extended_due_at, due_at), escalation_level)
	WHERE stage IN ('discovered', 'verifying', 'rectifying');
CREATE INDEX appeals_held_response ON appeals (stage, response_due_at, escalation_level)
	WHERE stage IN ('discovered', 'verifying', 'rectifying') AND accepted_at IS NULL;

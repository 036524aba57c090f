-- The discipline office's lists filter on measures of each appeal's history: how often it
-- was rated 不满意 or asked for more time, and the three signs of a closure that may not
-- be real. Counted from the timeline on every view, they read every appeal ever filed; the
-- writer now keeps them on the appeal as the steps happen (the signs when it closes), and
-- the lists seek partial indexes that hold only the appeals they are about.
ALTER TABLE appeals ADD COLUMN unsatisfied_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE appeals ADD COLUMN extension_requests INTEGER NOT NULL DEFAULT 0;
-- Seconds from an assignment to the report that answered it, the shortest, and the length
-- of the last report when it is one line with no file: decided at each closing (merges
-- have none). Whether the last 不满意 has had no report since: kept at every rating and
-- report, a sign when the appeal closes so.
ALTER TABLE appeals ADD COLUMN sign_quick_secs INTEGER;
ALTER TABLE appeals ADD COLUMN sign_thin_len INTEGER;
ALTER TABLE appeals ADD COLUMN sign_unsat INTEGER NOT NULL DEFAULT 0;

UPDATE appeals SET unsatisfied_count = (SELECT COUNT(*) FROM appeal_events x WHERE x.appeal_id = appeals.id
	AND x.action = 'rate' AND json_extract(x.data, '$.satisfaction') = 'unsatisfied')
WHERE id IN (SELECT appeal_id FROM appeal_events WHERE action = 'rate');
UPDATE appeals SET extension_requests = (SELECT COUNT(*) FROM appeal_events x WHERE x.appeal_id = appeals.id
	AND x.action = 'request_extension')
WHERE id IN (SELECT appeal_id FROM appeal_events WHERE action = 'request_extension');
UPDATE appeals SET
	sign_quick_secs = (SELECT MIN(CASE WHEN g >= 0 THEN g END) FROM (SELECT r.at - (SELECT MAX(s.at) FROM appeal_events s
		WHERE s.appeal_id = r.appeal_id AND s.action = 'assign' AND s.id < r.id) AS g
		FROM appeal_events r WHERE r.appeal_id = appeals.id AND r.action = 'report') x),
	sign_thin_len = (SELECT CASE WHEN r.note NOT LIKE '%
%' AND NOT EXISTS (SELECT 1 FROM attachments f WHERE f.event_id = r.id) THEN length(r.note) END
		FROM appeal_events r WHERE r.appeal_id = appeals.id AND r.action = 'report' ORDER BY r.id DESC LIMIT 1)
WHERE stage = 'closed' AND COALESCE(close_reason, '') != 'merged';
UPDATE appeals SET sign_unsat = EXISTS (SELECT 1 FROM appeal_events u WHERE u.appeal_id = appeals.id AND u.action = 'rate'
		AND json_extract(u.data, '$.satisfaction') = 'unsatisfied'
		AND NOT EXISTS (SELECT 1 FROM appeal_events r WHERE r.appeal_id = u.appeal_id AND r.action = 'report' AND r.id > u.id))
WHERE unsatisfied_count > 0;

CREATE INDEX appeals_unsatisfied ON appeals (id) WHERE unsatisfied_count > 0;
CREATE INDEX appeals_ext_requests ON appeals (extension_requests) WHERE extension_requests > 0;
CREATE INDEX appeals_reopened ON appeals (id) WHERE reopen_count > 0;
CREATE INDEX appeals_returned ON appeals (return_count) WHERE return_count > 0;
-- Stage leads each sign's index so that the planner, which sees the lists ask for closed
-- appeals, finds two of their conditions here against one in the index by stage.
CREATE INDEX appeals_sign_quick ON appeals (stage, sign_quick_secs) WHERE stage = 'closed';
CREATE INDEX appeals_sign_thin ON appeals (stage, sign_thin_len) WHERE stage = 'closed' AND sign_thin_len IS NOT NULL;
CREATE INDEX appeals_sign_unsat ON appeals (stage, sign_unsat) WHERE stage = 'closed' AND sign_unsat = TRUE;
CREATE INDEX appeals_supervised ON appeals (id) WHERE supervision_due_at IS NOT NULL;

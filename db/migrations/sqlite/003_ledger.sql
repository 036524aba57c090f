-- The liaison ledger: leaders' visits, whose problems become appeals, and the enterprises'
-- direct line to their liaison leader (领导干部直通车).

CREATE TABLE visits (
	id            INTEGER PRIMARY KEY,
	enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
	leader_id     INTEGER NOT NULL REFERENCES leaders (id),
	visited_at    TEXT NOT NULL CHECK (visited_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
	mode          TEXT NOT NULL CHECK (mode IN ('onsite', 'phone', 'meeting', 'online')),
	participants  TEXT NOT NULL DEFAULT '',
	summary       TEXT NOT NULL,
	created_by    INTEGER REFERENCES users (id),
	created_at    INTEGER NOT NULL
);
CREATE INDEX visits_enterprise ON visits (enterprise_id, visited_at);
CREATE INDEX visits_leader ON visits (leader_id, visited_at);

-- appeals.visit_id (002) names the visit a problem was found on.
CREATE INDEX appeals_visit ON appeals (visit_id) WHERE visit_id IS NOT NULL;

-- A message goes to the leader who held the enterprise's pair when it was sent.
CREATE TABLE direct_messages (
	id            INTEGER PRIMARY KEY,
	enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
	leader_id     INTEGER NOT NULL REFERENCES leaders (id),
	title         TEXT NOT NULL,
	body          TEXT NOT NULL,
	created_by    INTEGER REFERENCES users (id),
	created_at    INTEGER NOT NULL,
	read_at       INTEGER,
	appeal_id     INTEGER REFERENCES appeals (id)
);
CREATE INDEX direct_messages_leader ON direct_messages (leader_id, id);
CREATE INDEX direct_messages_enterprise ON direct_messages (enterprise_id, id);

-- How often each pair should be visited (常态化联系), in days.
INSERT INTO settings (key, value) VALUES ('visit.cadence_days', '90');

-- Figures (三率 and others), issue classes (一类问题) and the ranking weights.
--
-- The figures fold appeals by a few derived values kept as VIRTUAL generated columns and
-- stored only in the indexes below: a dashboard query then reads one narrow index in order
-- and counts (dimension, fig_flags) groups, which costs about what a raw COUNT … GROUP BY
-- does, however many figures are derived from the groups.

-- fig_flags, one bit per fact about an appeal (db/figures.go names them):
--   1 closed, 2 merged, 4 accepted within the response deadline, 8 rated, 16 rated resolved,
--   32 rated satisfied or basic, 64 closed by the original due time, 128 closed by the
--   extended due time, 256 reopened at least once, 512 returned at least once.
ALTER TABLE appeals ADD COLUMN fig_flags INTEGER GENERATED ALWAYS AS (
	(stage = 'closed')
	| (COALESCE(stage = 'closed' AND close_reason = 'merged', 0) << 1)
	| (COALESCE(accepted_at <= response_due_at, 0) << 2)
	| ((rated_at IS NOT NULL) << 3)
	| (COALESCE(rated_at IS NOT NULL AND resolved = 1, 0) << 4)
	| (COALESCE(rated_at IS NOT NULL AND satisfaction IN ('satisfied', 'basic'), 0) << 5)
	| (COALESCE(stage = 'closed' AND closed_at <= due_at, 0) << 6)
	| (COALESCE(stage = 'closed' AND closed_at <= COALESCE(extended_due_at, due_at), 0) << 7)
	| ((reopen_count > 0) << 8)
	| ((return_count > 0) << 9)
) VIRTUAL;

-- Handling time in seconds, from filing to closing, of appeals closed other than by merging.
ALTER TABLE appeals ADD COLUMN fig_handling INTEGER GENERATED ALWAYS AS (
	CASE WHEN stage = 'closed' AND COALESCE(close_reason, '') != 'merged' THEN closed_at - created_at END
) VIRTUAL;

-- The handling time's power-of-two bucket in hours (0: under 1 h, 1: 1–2 h, …), so that the
-- p90 is found by counting buckets and then reading one bucket in order.
ALTER TABLE appeals ADD COLUMN fig_hb INTEGER GENERATED ALWAYS AS (
	CASE WHEN stage != 'closed' OR COALESCE(close_reason, '') = 'merged' THEN NULL
		WHEN closed_at - created_at < 3600 THEN 0
		WHEN closed_at - created_at < 7200 THEN 1
		WHEN closed_at - created_at < 14400 THEN 2
		WHEN closed_at - created_at < 28800 THEN 3
		WHEN closed_at - created_at < 57600 THEN 4
		WHEN closed_at - created_at < 115200 THEN 5
		WHEN closed_at - created_at < 230400 THEN 6
		WHEN closed_at - created_at < 460800 THEN 7
		WHEN closed_at - created_at < 921600 THEN 8
		WHEN closed_at - created_at < 1843200 THEN 9
		WHEN closed_at - created_at < 3686400 THEN 10
		WHEN closed_at - created_at < 7372800 THEN 11
		WHEN closed_at - created_at < 14745600 THEN 12
		WHEN closed_at - created_at < 29491200 THEN 13
		ELSE 14 END
) VIRTUAL;

-- The filing month as YYYYMM in the server's zone (Asia/Shanghai, UTC+8 all year).
ALTER TABLE appeals ADD COLUMN fig_month INTEGER GENERATED ALWAYS AS (
	CAST(strftime('%Y%m', created_at + 28800, 'unixepoch') AS INTEGER)
) VIRTUAL;

-- One index per dimension the dashboard groups by: (dimension, flags, filing time, handling).
CREATE INDEX appeals_fig_overview ON appeals (fig_flags, fig_hb, created_at, fig_handling);
CREATE INDEX appeals_fig_department ON appeals (department_id, fig_flags, created_at, fig_handling);
CREATE INDEX appeals_fig_leader ON appeals (leader_id, fig_flags, created_at, fig_handling);
CREATE INDEX appeals_fig_category ON appeals (category, fig_flags, created_at, fig_handling);
CREATE INDEX appeals_fig_source ON appeals (source, fig_flags, created_at, fig_handling);
CREATE INDEX appeals_fig_tier ON appeals (tier, fig_flags, created_at, fig_handling);
CREATE INDEX appeals_fig_enterprise ON appeals (enterprise_id, fig_flags, created_at, fig_handling);
CREATE INDEX appeals_fig_month ON appeals (fig_month, fig_flags, fig_handling);
CREATE INDEX appeals_fig_handling ON appeals (fig_hb, fig_handling, created_at);
-- Open appeals are few; overdue is counted over them alone (it depends on the time of asking).
CREATE INDEX appeals_fig_open ON appeals (created_at, department_id, leader_id, category, source, tier,
	enterprise_id, due_at, extended_due_at, accepted_at, response_due_at) WHERE stage != 'closed';

-- Weights of the composite score that ranks departments and leaders, in percent.
INSERT OR IGNORE INTO settings (key, value) VALUES
	('figures.weight.response', '10'), ('figures.weight.resolution', '45'), ('figures.weight.satisfaction', '45');

-- 一类问题 (每月一题): appeals sharing one systemic cause, owned by one department.
CREATE TABLE issue_classes (
	id            INTEGER PRIMARY KEY,
	title         TEXT NOT NULL,
	cause         TEXT NOT NULL DEFAULT '',
	category      TEXT NOT NULL DEFAULT '',
	department_id INTEGER NOT NULL REFERENCES departments (id),
	month         TEXT NOT NULL,
	due_date      TEXT NOT NULL,
	status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
	conclusion    TEXT NOT NULL DEFAULT '',
	version       INTEGER NOT NULL DEFAULT 1,
	created_by    INTEGER REFERENCES users (id),
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL,
	closed_at     INTEGER
);
CREATE INDEX issue_classes_department ON issue_classes (department_id, id);
CREATE INDEX issue_classes_month ON issue_classes (month, id);

CREATE TABLE issue_class_appeals (
	class_id  INTEGER NOT NULL REFERENCES issue_classes (id),
	appeal_id INTEGER NOT NULL REFERENCES appeals (id),
	added_at  INTEGER NOT NULL,
	PRIMARY KEY (class_id, appeal_id)
) WITHOUT ROWID;
CREATE INDEX issue_class_appeals_appeal ON issue_class_appeals (appeal_id, class_id);

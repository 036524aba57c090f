-- Figures (三率 and others), issue classes (一类问题) and the ranking weights.
--
-- The figures fold appeals by a few derived values kept as generated columns and read
-- through the narrow indexes below, so that a dashboard query counts (dimension,
-- fig_flags) groups from one index in order. PostgreSQL has only stored generated
-- columns, so the values are also kept in the rows (SQLite computes them on read); the
-- expressions give the same numbers as SQLite's.

-- fig_flags, one bit per fact about an appeal (the figures code names them):
--   1 closed, 2 merged, 4 accepted within the response deadline, 8 rated, 16 rated resolved,
--   32 rated satisfied or basic, 64 closed by the original due time, 128 closed by the
--   extended due time, 256 reopened at least once, 512 returned at least once.
-- A comparison here is boolean, so each is cast to 0 or 1 before it is shifted; every
-- term is parenthesised because | and << share one precedence level in PostgreSQL.
ALTER TABLE appeals ADD COLUMN fig_flags integer GENERATED ALWAYS AS (
	((stage = 'closed')::integer)
	| (COALESCE((stage = 'closed' AND close_reason = 'merged')::integer, 0) << 1)
	| (COALESCE((accepted_at <= response_due_at)::integer, 0) << 2)
	| ((rated_at IS NOT NULL)::integer << 3)
	| (COALESCE((rated_at IS NOT NULL AND resolved)::integer, 0) << 4)
	| (COALESCE((rated_at IS NOT NULL AND satisfaction IN ('satisfied', 'basic'))::integer, 0) << 5)
	| (COALESCE((stage = 'closed' AND closed_at <= due_at)::integer, 0) << 6)
	| (COALESCE((stage = 'closed' AND closed_at <= COALESCE(extended_due_at, due_at))::integer, 0) << 7)
	| ((reopen_count > 0)::integer << 8)
	| ((return_count > 0)::integer << 9)
) STORED;

-- Handling time in seconds, from filing to closing, of appeals closed other than by merging.
ALTER TABLE appeals ADD COLUMN fig_handling bigint GENERATED ALWAYS AS (
	CASE WHEN stage = 'closed' AND COALESCE(close_reason, '') <> 'merged' THEN closed_at - created_at END
) STORED;

-- The handling time's power-of-two bucket in hours (0: under 1 h, 1: 1–2 h, …), so that the
-- p90 is found by counting buckets and then reading one bucket in order.
ALTER TABLE appeals ADD COLUMN fig_hb integer GENERATED ALWAYS AS (
	CASE WHEN stage <> 'closed' OR COALESCE(close_reason, '') = 'merged' THEN NULL
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
) STORED;

-- The filing month as YYYYMM in the server's zone (Asia/Shanghai, UTC+8 all year). A
-- generated column may use only immutable functions: the fixed offset is added to the
-- seconds and the result read as a UTC wall time, which depends on no session setting
-- (to_char and the time zone name would).
ALTER TABLE appeals ADD COLUMN fig_month integer GENERATED ALWAYS AS (
	(extract(year FROM to_timestamp(created_at + 28800) AT TIME ZONE 'UTC') * 100
		+ extract(month FROM to_timestamp(created_at + 28800) AT TIME ZONE 'UTC'))::integer
) STORED;

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
	enterprise_id, due_at, extended_due_at, accepted_at, response_due_at) WHERE stage <> 'closed';

-- Weights of the composite score that ranks departments and leaders, in percent.
INSERT INTO settings (key, value) VALUES
	('figures.weight.response', '10'), ('figures.weight.resolution', '45'), ('figures.weight.satisfaction', '45')
ON CONFLICT (key) DO NOTHING;

-- 一类问题 (每月一题): appeals sharing one systemic cause, owned by one department.
CREATE TABLE issue_classes (
	id            bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	title         text NOT NULL,
	cause         text NOT NULL DEFAULT '',
	category      text NOT NULL DEFAULT '',
	department_id bigint NOT NULL REFERENCES departments (id) DEFERRABLE,
	month         text NOT NULL,
	due_date      text NOT NULL,
	status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
	conclusion    text NOT NULL DEFAULT '',
	version       integer NOT NULL DEFAULT 1,
	created_by    bigint REFERENCES users (id) DEFERRABLE,
	created_at    bigint NOT NULL,
	updated_at    bigint NOT NULL,
	closed_at     bigint
);
CREATE INDEX issue_classes_department ON issue_classes (department_id, id);
CREATE INDEX issue_classes_month ON issue_classes (month, id);

CREATE TABLE issue_class_appeals (
	class_id  bigint NOT NULL REFERENCES issue_classes (id) DEFERRABLE,
	appeal_id bigint NOT NULL REFERENCES appeals (id) DEFERRABLE,
	added_at  bigint NOT NULL,
	PRIMARY KEY (class_id, appeal_id)
);
CREATE INDEX issue_class_appeals_appeal ON issue_class_appeals (appeal_id, class_id);

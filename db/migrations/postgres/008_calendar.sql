-- The working calendar: the days that differ from the weekday rule. A holiday is a
-- weekday (or any day) offices are closed; a workday is a weekend day they work (调休上班).
-- Deadlines counted in working days or working hours read it when they are set.
CREATE TABLE calendar_days (
	-- The same shape SQLite's GLOB checks: the whole value, ASCII digits only.
	date       text PRIMARY KEY CHECK (date ~ '^[0-9]{4}-[0-1][0-9]-[0-3][0-9]$'),
	kind       text NOT NULL CHECK (kind IN ('holiday', 'workday')),
	name       text NOT NULL DEFAULT '',
	updated_at bigint NOT NULL
);

-- An extension request says whether its days are working days or calendar days.
ALTER TABLE appeals ADD COLUMN ext_requested_kind text CHECK (ext_requested_kind IN ('workdays', 'calendar'));

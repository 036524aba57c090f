package oversight_test

import (
	"qinqing/db"
	"qinqing/db/dbtest"
	"qinqing/db/oversight"
	"strings"
	"testing"
	"time"
)

// TestWatchListsUseIndexes: each list of the discipline office's workspace, its count
// and its first page, reads the partial index of the measure it is about, never every
// appeal (the measures are kept by the writer, not counted from each timeline).
func TestWatchListsUseIndexes(t *testing.T) {
	dbtest.SQLiteOnly(t) // reads SQLite's EXPLAIN QUERY PLAN; PostgreSQL's planner picks by its statistics
	d := dbtest.MustOpen(t)
	for _, c := range []struct {
		kind, reason string
		indexes      []string
	}{
		{oversight.WatchReopened, "", []string{"appeals_reopened"}},
		{oversight.WatchUnsatisfied, "", []string{"appeals_unsatisfied"}},
		{oversight.WatchReturned, "", []string{"appeals_returned"}},
		{oversight.WatchExtensions, "", []string{"appeals_ext_requests"}},
		{oversight.WatchSupervisions, "", []string{"appeals_supervised"}},
		{oversight.WatchSuspicious, "", []string{"appeals_sign_quick", "appeals_sign_thin", "appeals_sign_unsat"}},
		{oversight.WatchSuspicious, oversight.SuspectQuick, []string{"appeals_sign_quick"}},
		{oversight.WatchSuspicious, oversight.SuspectThin, []string{"appeals_sign_thin"}},
		{oversight.WatchSuspicious, oversight.SuspectUnsatisfied, []string{"appeals_sign_unsat"}},
		{oversight.WatchOverdue, "", nil},
	} {
		var w db.Where
		f := oversight.WatchFilter{Reason: c.reason}
		if err := oversight.WatchWhere(&w, c.kind, &f, time.Now()); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"SELECT COUNT(*) FROM appeals a" + w.Sql(), "SELECT a.id FROM appeals a" + w.Sql() + " ORDER BY a.id DESC LIMIT 21"} {
			plan := strings.Join(dbtest.Explain(t, d, q, w.Args...), "\n")
			for _, index := range c.indexes {
				if !strings.Contains(plan+" ", "INDEX "+index+" ") {
					t.Errorf("%s %s: does not read %s:\n%s\n%s", c.kind, c.reason, index, q, plan)
				}
			}
			for _, line := range strings.Split(plan, "\n") {
				if line == "SCAN a" || strings.HasPrefix(line, "SCAN a USING INTEGER PRIMARY KEY") {
					t.Errorf("%s %s: reads every appeal:\n%s\n%s", c.kind, c.reason, q, plan)
				}
			}
		}
	}
}

package figures_test

import (
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/dbtest"
	"strings"
	"testing"
)

// TestHomeTilesUseIndexes checks the counts and queues of the home pages (我的待办 tiles,
// the office's extension requests and 待评价 count, a leader's overdue count): each
// must reach its appeals through an index, never by reading every appeal. A partial
// index holds only the few appeals it is for, so reading all of it is allowed.
func TestHomeTilesUseIndexes(t *testing.T) {
	dbtest.SQLiteOnly(t) // reads SQLite's EXPLAIN QUERY PLAN; PostgreSQL's planner picks by its statistics
	d, _ := figureFixture(t)
	yes := true
	now := d.Now()
	for _, a := range []db.Actor{{Role: db.RoleOffice, Name: "督办"}, {Role: db.RoleDepartment, DepartmentID: 2, Name: "单位02"},
		{Role: db.RoleLeader, LeaderID: 1, Name: "领导01"}} {
		filters := []appeal.Filter{{Extension: &yes}, {Stage: appeal.StageFeedback}, {Overdue: &yes}, {Stage: appeal.StageDiscovered},
			{Stage: appeal.StageVerifying}, {DrillFilter: appeal.DrillFilter{Todo: appeal.TodoAll}}, {DrillFilter: appeal.DrillFilter{Todo: appeal.TodoIntake}}}
		for _, k := range appeal.TodoKinds(a.Role) {
			filters = append(filters, appeal.Filter{DrillFilter: appeal.DrillFilter{Todo: k.Kind}})
		}
		for _, f := range filters {
			w, err := f.Where(t.Context(), d, a, now)
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range []string{"SELECT COUNT(*) FROM appeals a" + w.Sql(), "SELECT a.id FROM appeals a" + w.Sql() + " ORDER BY a.id LIMIT 15"} {
				plan := strings.Join(dbtest.Explain(t, d, q, w.Args...), " | ")
				for _, l := range strings.Split(plan, " | ") {
					if (l == "SCAN a" || strings.HasPrefix(l, "SCAN a ")) && !strings.Contains(l, "appeals_ext_pending") && !strings.Contains(l, "appeals_fig_open") {
						t.Errorf("%s %+v reads every appeal:\n%s\n%s", a.Role, f, q, plan)
					}
				}
			}
		}
	}
}

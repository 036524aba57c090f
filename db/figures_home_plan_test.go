package db

import (
	"strings"
	"testing"
)

// TestHomeTilesUseIndexes checks the counts and queues of the home pages (我的待办 tiles,
// the office's extension requests and 待评价 count, a leader's overdue count): each
// must reach its appeals through an index, never by reading every appeal. A partial
// index holds only the few appeals it is for, so reading all of it is allowed.
func TestHomeTilesUseIndexes(t *testing.T) {
	d, _ := figureFixture(t)
	yes := true
	now := d.Now()
	for _, a := range []Actor{{Role: RoleOffice, Name: "督办"}, {Role: RoleDepartment, DepartmentID: 2, Name: "单位02"},
		{Role: RoleLeader, LeaderID: 1, Name: "领导01"}} {
		filters := []AppealFilter{{Extension: &yes}, {Stage: StageFeedback}, {Overdue: &yes}, {Stage: StageDiscovered},
			{Stage: StageVerifying}, {DrillFilter: DrillFilter{Todo: TodoAll}}, {DrillFilter: DrillFilter{Todo: TodoIntake}}}
		for _, k := range TodoKinds(a.Role) {
			filters = append(filters, AppealFilter{DrillFilter: DrillFilter{Todo: k.Kind}})
		}
		for _, f := range filters {
			w, err := f.where(a, now)
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range []string{"SELECT COUNT(*) FROM appeals a" + w.sql(), "SELECT a.id FROM appeals a" + w.sql() + " ORDER BY a.id LIMIT 15"} {
				plan := strings.Join(explain(t, d, q, w.args...), " | ")
				for _, l := range strings.Split(plan, " | ") {
					if (l == "SCAN a" || strings.HasPrefix(l, "SCAN a ")) && !strings.Contains(l, "appeals_ext_pending") && !strings.Contains(l, "appeals_fig_open") {
						t.Errorf("%s %+v reads every appeal:\n%s\n%s", a.Role, f, q, plan)
					}
				}
			}
		}
	}
}

package db

import (
	"testing"
	"time"
)

// Lists count over the appeals table alone; the total must be the one the joined query
// gives, for every role and filter, and a filter naming a joined table keeps the join.
func TestListCountWithoutJoins(t *testing.T) {
	w := newWorld(t)
	if _, err := w.db.BuildDemoAppeals(ctx(), 150); err != nil {
		t.Fatal(err)
	}
	yes := true
	filters := []AppealFilter{{}, {Stage: StageRectifying}, {Overdue: &yes}, {Q: "用电"}, {Q: "物流费用"},
		{Category: "物流"}, {Sort: "due"}, {Sort: "dept"}, {DrillFilter: DrillFilter{Todo: "all"}}, {Source: SourceReport}}
	now := w.db.Now().Truncate(time.Second)
	for _, a := range []Actor{w.admin, w.office, w.dept, w.leader, w.ent, w.auditor} {
		for _, f := range filters {
			wh, err := f.where(a, now)
			if err != nil {
				t.Fatal(err)
			}
			var joined, bare int
			w.db.read.QueryRow("SELECT COUNT(*) FROM "+appealFrom+wh.sql(), wh.args...).Scan(&joined)
			if err := w.db.read.QueryRow("SELECT COUNT(*) FROM "+countFrom(appealFrom, appealCountFrom, wh)+wh.sql(), wh.args...).Scan(&bare); err != nil {
				t.Fatalf("%s %+v: %v", a.Role, f, err)
			}
			l, err := w.db.ListAppeals(ctx(), a, f)
			if err != nil {
				t.Fatal(err)
			}
			if bare != joined || l.Total != joined {
				t.Errorf("%s %+v: bare count %d, list total %d, joined count %d", a.Role, f, bare, l.Total, joined)
			}
		}
	}
	var named where
	named.add("e.name LIKE ?", "%盘锦%")
	if countFrom(appealFrom, appealCountFrom, named) != appealFrom {
		t.Error("a filter on the enterprise's name must be counted over the join")
	}
	var own where
	own.add("a.stage = ?", "closed")
	if countFrom(appealFrom, appealCountFrom, own) != appealCountFrom {
		t.Error("a filter on the appeal alone should be counted without joins")
	}
}

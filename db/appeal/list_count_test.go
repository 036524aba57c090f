package appeal_test

import (
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/dbtest"
	"qinqing/db/demo"
	"testing"
	"time"
)

// Lists count over the appeals table alone; the total must be the one the joined query
// gives, for every role and filter, and a filter naming a joined table keeps the join.
func TestListCountWithoutJoins(t *testing.T) {
	w := dbtest.NewWorld(t)
	if _, err := demo.BuildAppeals(dbtest.Ctx(), w.DB, 150); err != nil {
		t.Fatal(err)
	}
	yes := true
	filters := []appeal.Filter{{}, {Stage: appeal.StageRectifying}, {Overdue: &yes}, {Q: "用电"}, {Q: "物流费用"},
		{Category: "物流"}, {Sort: "due"}, {Sort: "dept"}, {DrillFilter: appeal.DrillFilter{Todo: "all"}}, {Source: appeal.SourceReport}}
	now := w.DB.Now().Truncate(time.Second)
	for _, a := range []db.Actor{w.Admin, w.Office, w.Dept, w.Leader, w.Ent, w.Auditor} {
		for _, f := range filters {
			wh, err := f.Where(t.Context(), w.DB, a, now)
			if err != nil {
				t.Fatal(err)
			}
			var joined, bare int
			w.DB.Read.QueryRow("SELECT COUNT(*) FROM "+appeal.From+wh.Sql(), wh.Args...).Scan(&joined)
			if err := w.DB.Read.QueryRow("SELECT COUNT(*) FROM "+db.CountFrom(appeal.From, appeal.CountFrom, wh)+wh.Sql(), wh.Args...).Scan(&bare); err != nil {
				t.Fatalf("%s %+v: %v", a.Role, f, err)
			}
			l, err := appeal.List(dbtest.Ctx(), w.DB, a, f)
			if err != nil {
				t.Fatal(err)
			}
			if bare != joined || l.Total != joined {
				t.Errorf("%s %+v: bare count %d, list total %d, joined count %d", a.Role, f, bare, l.Total, joined)
			}
		}
	}
	var named db.Where
	named.Add("e.name LIKE ?", "%盘锦%")
	if db.CountFrom(appeal.From, appeal.CountFrom, named) != appeal.From {
		t.Error("a filter on the enterprise's name must be counted over the join")
	}
	var own db.Where
	own.Add("a.stage = ?", "closed")
	if db.CountFrom(appeal.From, appeal.CountFrom, own) != appeal.CountFrom {
		t.Error("a filter on the appeal alone should be counted without joins")
	}
}

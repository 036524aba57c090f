package demo_test

import (
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/dbtest"
	"qinqing/db/demo"
	"qinqing/db/figures"
	"testing"
)

// TestDemoSatisfaction: the demo city's 满意率 is that of a believable city (盘锦 publishes
// 96.75%), not 100%; its 不满意 ratings include work that was redone and rated again, and
// feedback nobody rated is closed by the system as 未评价, which is not counted.
func TestDemoSatisfaction(t *testing.T) {
	d := dbtest.MustOpen(t)
	if _, err := demo.Build(dbtest.Ctx(), d, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.BuildAppeals(dbtest.Ctx(), d, demo.Appeals); err != nil {
		t.Fatal(err)
	}
	f, err := figures.Overview(dbtest.Ctx(), d, db.SystemActor, appeal.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if f.SatisfactionRate == nil || *f.SatisfactionRate < 0.95 || *f.SatisfactionRate > 0.98 {
		t.Errorf("满意率 %v over %d rated, want 95–98%%", dbtest.Fp(f.SatisfactionRate), f.Rated)
	}
	months, err := figures.Trend(dbtest.Ctx(), d, db.SystemActor, appeal.Filter{}, 12)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("满意率 %v over %d rated", dbtest.Fp(f.SatisfactionRate), f.Rated)
	believable := 0
	for _, m := range months {
		t.Logf("%s: %v of %d", m.Key, dbtest.Fp(m.Figures.SatisfactionRate), m.Figures.Rated)
		if r := m.Figures.SatisfactionRate; r != nil && *r >= 0.93 && *r <= 0.99 {
			believable++
		}
	}
	if believable < len(months)/2 {
		t.Errorf("%d of %d months have a 满意率 between 93%% and 99%%", believable, len(months))
	}
	redone := dbtest.CountOf(t, d, `SELECT COUNT(*) FROM appeals WHERE reopen_count > 0 AND satisfaction IN ('satisfied', 'basic')
		AND id IN (SELECT appeal_id FROM appeal_events WHERE action = 'rate' AND data LIKE '%"unsatisfied"%')`)
	systemClosed := dbtest.CountOf(t, d, "SELECT COUNT(*) FROM appeal_events WHERE action = 'close_unrated' AND actor_role = 'system'")
	reminded := dbtest.CountOf(t, d, "SELECT COUNT(*) FROM appeal_events WHERE action = 'remind_rating'")
	if redone == 0 || systemClosed == 0 || reminded < systemClosed {
		t.Errorf("redone and rated again %d, closed as 未评价 by the system %d, reminded %d", redone, systemClosed, reminded)
	}
}

package figures_test

import (
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/dbtest"
	"qinqing/db/figures"
	"testing"
	"time"
)

func TestRankingsFollowTheWeightsAndCompareWithTheMonthBefore(t *testing.T) {
	d, _ := figureFixture(t)
	f := appeal.Filter{From: "2026-04-01", To: "2026-04-30"}
	rk, err := figures.Rankings(dbtest.Ctx(), d, dbtest.AdminActor, "departments", f)
	if err != nil {
		t.Fatal(err)
	}
	if rk.Weights != figures.DefaultWeights || rk.Previous == nil || *rk.Previous != (figures.Period{"2026-03-01", "2026-03-31"}) {
		t.Fatalf("weights %+v, previous %+v", rk.Weights, rk.Previous)
	}
	for i, it := range rk.Items {
		want := figures.DefaultWeights.Score(&it.Figures)
		if it.Score == nil || *it.Score != *want || it.Rank != i+1 && (i == 0 || *rk.Items[i-1].Score != *it.Score) {
			t.Errorf("item %d: %+v", i, it)
		}
		if i > 0 && *rk.Items[i-1].Score < *it.Score {
			t.Errorf("not sorted at %d", i)
		}
		if it.PreviousScore != nil && (it.Change == nil || *it.Change != figures.Round(*it.Score-*it.PreviousScore, 2)) {
			t.Errorf("change of %s: %v", it.Label, it.Change)
		}
	}
	if _, err := figures.SetWeights(dbtest.Ctx(), d, db.Actor{Role: db.RoleOffice}, figures.Weights{100, 0, 0}); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Errorf("the office sets weights: %v", err)
	}
	if _, err := figures.SetWeights(dbtest.Ctx(), d, dbtest.AdminActor, figures.Weights{50, 40, 5}); db.ErrorCode(err) != db.EINVALID {
		t.Errorf("weights not adding to 100: %v", err)
	}
	if _, err := figures.SetWeights(dbtest.Ctx(), d, dbtest.AdminActor, figures.Weights{100, 0, 0}); err != nil {
		t.Fatal(err)
	}
	rk, err = figures.Rankings(dbtest.Ctx(), d, dbtest.AdminActor, "departments", f)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range rk.Items {
		if *it.Score != figures.Round(100**it.ResponseRate, 2) {
			t.Errorf("with response only, %s scores %v for a response rate of %v", it.Label, *it.Score, *it.ResponseRate)
		}
	}
	// No rate at all: no score, ranked after the rest.
	if s := (figures.Weights{10, 45, 45}).Score(&figures.Figures{}); s != nil {
		t.Errorf("score without data: %v", *s)
	}
}

func TestVisitFigures(t *testing.T) {
	d, _ := figureFixture(t)
	if _, err := d.Write.Exec(`INSERT INTO liaisons (leader_id, enterprise_id, since, created_at) VALUES (1, 1, '2025-01-01', 0), (1, 2, '2025-01-01', 0), (2, 3, '2025-01-01', 0);
		INSERT INTO visits (enterprise_id, leader_id, visited_at, mode, summary, created_at) VALUES
			(1, 1, '2026-05-02', 'onsite', '走访', 0), (2, 1, '2025-12-01', 'phone', '电话', 0), (1, 1, '2026-04-10', 'meeting', '座谈', 0)`); err != nil {
		t.Fatal(err)
	}
	dbtest.FixedClock(d, time.Date(2026, 5, 20, 12, 0, 0, 0, db.Zone))
	v, err := figures.Visits(dbtest.Ctx(), d, dbtest.AdminActor, appeal.Filter{From: "2026-05-01", To: "2026-05-31"})
	if err != nil || v == nil || v.Made != 1 || v.NotVisited != 2 || v.CadenceDays != figures.DefaultCadenceDays {
		t.Errorf("city visits: %+v %v", v, err)
	}
	v, err = figures.Visits(dbtest.Ctx(), d, db.Actor{Role: db.RoleLeader, LeaderID: 1}, appeal.Filter{})
	if err != nil || v == nil || v.Made != 3 || v.NotVisited != 1 {
		t.Errorf("leader 1's visits: %+v %v", v, err)
	}
	if v, _ := figures.Visits(dbtest.Ctx(), d, db.Actor{Role: db.RoleDepartment, DepartmentID: 1}, appeal.Filter{}); v != nil {
		t.Errorf("a department has visit figures: %+v", v)
	}
}

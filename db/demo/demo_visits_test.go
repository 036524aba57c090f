package demo_test

import (
	"qinqing/db"
	"qinqing/db/audit"
	"qinqing/db/dbtest"
	"qinqing/db/demo"
	"qinqing/db/ledger"
	"testing"
)

func TestBuildDemoVisits(t *testing.T) {
	d := dbtest.MustOpen(t)
	if _, err := demo.Build(dbtest.Ctx(), d, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.BuildAppeals(dbtest.Ctx(), d, 400); err != nil {
		t.Fatal(err)
	}
	n, err := demo.BuildVisits(dbtest.Ctx(), d)
	if err != nil {
		t.Fatal(err)
	}
	if n < 1500 || n > 5000 {
		t.Errorf("%d visits for 680 pairs over a year", n)
	}
	linked := dbtest.Count(t, d, "SELECT COUNT(*) FROM appeals WHERE visit_id IS NOT NULL")
	unlinked := dbtest.Count(t, d, "SELECT COUNT(*) FROM appeals WHERE source = 'visit' AND visit_id IS NULL")
	if linked == 0 || linked < unlinked {
		t.Errorf("%d visit appeals linked to visits, %d not", linked, unlinked)
	}
	if bad := dbtest.Count(t, d, `SELECT COUNT(*) FROM visits v JOIN liaisons p ON p.enterprise_id = v.enterprise_id AND p.until IS NULL
		WHERE v.visited_at < p.since OR v.visited_at > ? OR v.leader_id != p.leader_id`, db.Today(d.Now())); bad != 0 {
		t.Errorf("%d visits outside their pair's time or leader", bad)
	}
	if bad := dbtest.Count(t, d, `SELECT COUNT(*) FROM appeals a JOIN visits v ON v.id = a.visit_id
		WHERE v.enterprise_id != a.enterprise_id OR v.leader_id != a.leader_id`); bad != 0 {
		t.Errorf("%d appeals linked to another pair's visit", bad)
	}
	cov, err := ledger.LedgerCoverage(dbtest.Ctx(), d, db.SystemActor)
	if err != nil {
		t.Fatal(err)
	}
	if share := float64(cov.Total.VisitOverdue) / float64(cov.Total.Pairs); share < 0.05 || share > 0.4 {
		t.Errorf("%d of %d pairs overdue for a visit", cov.Total.VisitOverdue, cov.Total.Pairs)
	}
	if res, err := audit.Verify(dbtest.Ctx(), d); err != nil || !res.OK {
		t.Fatalf("verify: %+v %v", res, err)
	}
	if _, err := demo.BuildVisits(dbtest.Ctx(), d); db.ErrorCode(err) != db.ECONFLICT {
		t.Errorf("second build: %v", err)
	}
}

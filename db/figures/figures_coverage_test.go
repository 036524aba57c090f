package figures_test

import (
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/dbtest"
	"qinqing/db/demo"
	"qinqing/db/figures"
	"qinqing/db/ledger"
	"testing"
)

// The dashboard's "not visited within the cadence" and the ledger's overdue pairs are one
// rule, so the figure matches the list it stands for.
func TestVisitFigureMatchesLedger(t *testing.T) {
	d := dbtest.MustOpen(t)
	if _, err := demo.Build(dbtest.Ctx(), d, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.BuildVisits(dbtest.Ctx(), d); err != nil {
		t.Fatal(err)
	}
	admin := db.Actor{UserID: 1, Name: "管理员", Role: db.RoleAdmin}
	cov, err := ledger.LedgerCoverage(dbtest.Ctx(), d, admin)
	if err != nil {
		t.Fatal(err)
	}
	fig, err := figures.Visits(dbtest.Ctx(), d, admin, appeal.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if fig == nil {
		t.Fatal("no visit figures although the visits table exists")
	}
	if cov.Total.VisitOverdue == 0 || fig.NotVisited != cov.Total.VisitOverdue {
		t.Errorf("figure says %d not visited, ledger says %d overdue", fig.NotVisited, cov.Total.VisitOverdue)
	}
}

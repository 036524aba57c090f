package db

import "testing"

// The dashboard's "not visited within the cadence" and the ledger's overdue pairs are one
// rule, so the figure matches the list it stands for.
func TestVisitFigureMatchesLedger(t *testing.T) {
	d := mustOpen(t)
	if _, err := d.BuildDemo(ctx(), ""); err != nil {
		t.Fatal(err)
	}
	if _, err := d.BuildDemoVisits(ctx()); err != nil {
		t.Fatal(err)
	}
	admin := Actor{UserID: 1, Name: "管理员", Role: RoleAdmin}
	cov, err := d.LedgerCoverage(ctx(), admin)
	if err != nil {
		t.Fatal(err)
	}
	fig, err := d.Visits(ctx(), admin, AppealFilter{})
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

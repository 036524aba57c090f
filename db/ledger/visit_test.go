package ledger_test

import (
	"fmt"
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/audit"
	"qinqing/db/dbtest"
	"qinqing/db/ledger"
	"testing"
)

func problems(n int) []ledger.ProblemInput {
	var out []ledger.ProblemInput
	for i := 0; i < n; i++ {
		out = append(out, ledger.ProblemInput{Title: fmt.Sprintf("走访发现问题%d", i+1),
			Content: fmt.Sprintf("企业反映第%d个问题，需要相关部门协调解决。", i+1), Category: "要素保障-用电"})
	}
	return out
}

func TestCreateVisitFilesLinkedAppeals(t *testing.T) {
	d2, leader, own, _ := dbtest.DemoLedger(t)
	out, err := ledger.CreateVisit(dbtest.Ctx(), d2, leader, ledger.VisitInput{EnterpriseID: own, Mode: ledger.ModeMeeting,
		Participants: "企业负责人、区工信局", Summary: "了解企业扩产用电需求。", Problems: problems(3)})
	if err != nil {
		t.Fatal(err)
	}
	if out.Visit.LeaderID != leader.LeaderID || out.Visit.VisitedAt != db.Today(d2.Now()) || out.Visit.Problems != 3 {
		t.Errorf("visit = %+v", out.Visit)
	}
	if len(out.Appeals) != 3 {
		t.Fatalf("appeals = %d, want 3", len(out.Appeals))
	}
	for _, ap := range out.Appeals {
		if ap.Source != appeal.SourceVisit || ap.VisitID == nil || *ap.VisitID != out.Visit.ID ||
			ap.LeaderID == nil || *ap.LeaderID != leader.LeaderID || ap.EnterpriseID == nil || *ap.EnterpriseID != own {
			t.Errorf("appeal not linked: %+v", ap)
		}
	}
	if n := dbtest.Count(t, d2, "SELECT COUNT(*) FROM audit_events WHERE action = 'visit.create' AND object_id = ?", out.Visit.ID); n != 1 {
		t.Errorf("visit audit rows = %d", n)
	}
	d, err := ledger.FindVisit(dbtest.Ctx(), d2, dbtest.DemoActor(t, d2, "office"), out.Visit.ID)
	if err != nil || len(d.Appeals) != 3 {
		t.Fatalf("office reads the visit: %v, %d appeals", err, len(d.Appeals))
	}
	if res, err := audit.Verify(dbtest.Ctx(), d2); err != nil || !res.OK {
		t.Fatalf("verify: %+v %v", res, err)
	}
}

func TestCreateVisitRefusals(t *testing.T) {
	d, leader, own, other := dbtest.DemoLedger(t)
	office := dbtest.DemoActor(t, d, "office")
	for _, c := range []struct {
		name string
		a    db.Actor
		in   ledger.VisitInput
		code string
	}{
		{"another leader's enterprise", leader, ledger.VisitInput{EnterpriseID: other, Summary: "走访了解情况。"}, db.ENOTFOUND},
		{"a missing enterprise", leader, ledger.VisitInput{EnterpriseID: 999999, Summary: "走访了解情况。"}, db.ENOTFOUND},
		{"as another leader", leader, ledger.VisitInput{EnterpriseID: own, LeaderID: leader.LeaderID + 1, Summary: "走访了解情况。"}, db.EFORBIDDEN},
		{"not a leader", office, ledger.VisitInput{EnterpriseID: own, Summary: "走访了解情况。"}, db.EFORBIDDEN},
		{"a future date", leader, ledger.VisitInput{EnterpriseID: own, VisitedAt: "2999-01-01", Summary: "走访了解情况。"}, db.EINVALID},
		{"a bad mode", leader, ledger.VisitInput{EnterpriseID: own, Mode: "walk", Summary: "走访了解情况。"}, db.EINVALID},
		{"one bad problem", leader, ledger.VisitInput{EnterpriseID: own, Summary: "走访了解情况。",
			Problems: append(problems(1), ledger.ProblemInput{Title: "短", Content: "太短", Category: "无此类别"})}, db.EINVALID},
	} {
		_, err := ledger.CreateVisit(dbtest.Ctx(), d, c.a, c.in)
		if db.ErrorCode(err) != c.code {
			t.Errorf("%s: %v, want %s", c.name, err, c.code)
		}
		if c.name == "one bad problem" {
			e, _ := db.AsError(err)
			if e == nil || len(e.Fields) < 3 || e.Fields[0].Field != "problems[1].title" {
				t.Errorf("bad problem fields: %+v", e)
			}
		}
	}
	if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM visits") + dbtest.Count(t, d, "SELECT COUNT(*) FROM appeals"); n != 0 {
		t.Errorf("refused visits wrote %d rows", n)
	}
}

func TestCadenceFlagsMove(t *testing.T) {
	d, leader, own, _ := dbtest.DemoLedger(t)
	flag := func() (bool, int) {
		t.Helper()
		l, err := ledger.LeaderLedgerOf(dbtest.Ctx(), d, leader, leader.LeaderID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range l.Pairs {
			if p.EnterpriseID == own {
				return p.VisitOverdue, l.VisitOverdue
			}
		}
		t.Fatalf("enterprise %d missing from the ledger", own)
		return false, 0
	}
	overdue, before := flag()
	if !overdue {
		t.Fatalf("a pair older than the cadence and never visited should be overdue")
	}
	if _, err := ledger.CreateVisit(dbtest.Ctx(), d, leader, ledger.VisitInput{EnterpriseID: own, Mode: ledger.ModePhone, Summary: "电话回访企业。"}); err != nil {
		t.Fatal(err)
	}
	overdue, after := flag()
	if overdue || after != before-1 {
		t.Errorf("after a visit: overdue %v, %d → %d", overdue, before, after)
	}
	cov, err := ledger.LedgerCoverage(dbtest.Ctx(), d, dbtest.DemoActor(t, d, "admin"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cov.Items {
		if c.LeaderID == leader.LeaderID && (c.VisitOverdue != after || c.Visited != c.Pairs-after || c.Visits.Year != 1) {
			t.Errorf("coverage %+v, want %d overdue and one visit", c, after)
		}
	}
	// A shorter cadence than the days since the pair began flags it again.
	if err := ledger.SetVisitCadence(dbtest.Ctx(), d, dbtest.DemoActor(t, d, "admin"), 7); err != nil {
		t.Fatal(err)
	}
	if overdue, _ := flag(); overdue {
		t.Errorf("visited today: not overdue under any cadence")
	}
	if err := ledger.SetVisitCadence(dbtest.Ctx(), d, leader, 30); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Errorf("leader sets the cadence: %v", err)
	}
	if err := ledger.SetVisitCadence(dbtest.Ctx(), d, dbtest.DemoActor(t, d, "admin"), 3); db.ErrorCode(err) != db.EINVALID {
		t.Errorf("cadence of 3 days: %v", err)
	}
}

func TestLedgerScope(t *testing.T) {
	d, leader, _, _ := dbtest.DemoLedger(t)
	if _, err := ledger.LeaderLedgerOf(dbtest.Ctx(), d, leader, leader.LeaderID+1); db.ErrorCode(err) != db.ENOTFOUND {
		t.Errorf("another leader's ledger: %v", err)
	}
	if _, err := ledger.LeaderLedgerOf(dbtest.Ctx(), d, dbtest.DemoActor(t, d, "enterprise"), leader.LeaderID); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Errorf("enterprise reads a ledger: %v", err)
	}
	if _, err := ledger.LedgerCoverage(dbtest.Ctx(), d, leader); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Errorf("leader reads coverage: %v", err)
	}
}

package db

import (
	"fmt"
	"testing"
)

func problems(n int) []ProblemInput {
	var out []ProblemInput
	for i := 0; i < n; i++ {
		out = append(out, ProblemInput{Title: fmt.Sprintf("走访发现问题%d", i+1),
			Content: fmt.Sprintf("企业反映第%d个问题，需要相关部门协调解决。", i+1), Category: "要素保障-用电"})
	}
	return out
}

func TestCreateVisitFilesLinkedAppeals(t *testing.T) {
	db, leader, own, _ := demoLedger(t)
	out, err := db.CreateVisit(ctx(), leader, VisitInput{EnterpriseID: own, Mode: ModeMeeting,
		Participants: "企业负责人、区工信局", Summary: "了解企业扩产用电需求。", Problems: problems(3)})
	if err != nil {
		t.Fatal(err)
	}
	if out.Visit.LeaderID != leader.LeaderID || out.Visit.VisitedAt != Today(db.Now()) || out.Visit.Problems != 3 {
		t.Errorf("visit = %+v", out.Visit)
	}
	if len(out.Appeals) != 3 {
		t.Fatalf("appeals = %d, want 3", len(out.Appeals))
	}
	for _, ap := range out.Appeals {
		if ap.Source != SourceVisit || ap.VisitID == nil || *ap.VisitID != out.Visit.ID ||
			ap.LeaderID == nil || *ap.LeaderID != leader.LeaderID || ap.EnterpriseID == nil || *ap.EnterpriseID != own {
			t.Errorf("appeal not linked: %+v", ap)
		}
	}
	if n := count(t, db, "SELECT COUNT(*) FROM audit_events WHERE action = 'visit.create' AND object_id = ?", out.Visit.ID); n != 1 {
		t.Errorf("visit audit rows = %d", n)
	}
	d, err := db.FindVisit(ctx(), demoActor(t, db, "office"), out.Visit.ID)
	if err != nil || len(d.Appeals) != 3 {
		t.Fatalf("office reads the visit: %v, %d appeals", err, len(d.Appeals))
	}
	if res, err := db.VerifyAudit(ctx()); err != nil || !res.OK {
		t.Fatalf("verify: %+v %v", res, err)
	}
}

func TestCreateVisitRefusals(t *testing.T) {
	db, leader, own, other := demoLedger(t)
	office := demoActor(t, db, "office")
	for _, c := range []struct {
		name string
		a    Actor
		in   VisitInput
		code string
	}{
		{"another leader's enterprise", leader, VisitInput{EnterpriseID: other, Summary: "走访了解情况。"}, ENOTFOUND},
		{"a missing enterprise", leader, VisitInput{EnterpriseID: 999999, Summary: "走访了解情况。"}, ENOTFOUND},
		{"as another leader", leader, VisitInput{EnterpriseID: own, LeaderID: leader.LeaderID + 1, Summary: "走访了解情况。"}, EFORBIDDEN},
		{"not a leader", office, VisitInput{EnterpriseID: own, Summary: "走访了解情况。"}, EFORBIDDEN},
		{"a future date", leader, VisitInput{EnterpriseID: own, VisitedAt: "2999-01-01", Summary: "走访了解情况。"}, EINVALID},
		{"a bad mode", leader, VisitInput{EnterpriseID: own, Mode: "walk", Summary: "走访了解情况。"}, EINVALID},
		{"one bad problem", leader, VisitInput{EnterpriseID: own, Summary: "走访了解情况。",
			Problems: append(problems(1), ProblemInput{Title: "短", Content: "太短", Category: "无此类别"})}, EINVALID},
	} {
		_, err := db.CreateVisit(ctx(), c.a, c.in)
		if ErrorCode(err) != c.code {
			t.Errorf("%s: %v, want %s", c.name, err, c.code)
		}
		if c.name == "one bad problem" {
			e, _ := AsError(err)
			if e == nil || len(e.Fields) < 3 || e.Fields[0].Field != "problems[1].title" {
				t.Errorf("bad problem fields: %+v", e)
			}
		}
	}
	if n := count(t, db, "SELECT COUNT(*) FROM visits") + count(t, db, "SELECT COUNT(*) FROM appeals"); n != 0 {
		t.Errorf("refused visits wrote %d rows", n)
	}
}

func TestCadenceFlagsMove(t *testing.T) {
	db, leader, own, _ := demoLedger(t)
	flag := func() (bool, int) {
		t.Helper()
		l, err := db.LeaderLedger(ctx(), leader, leader.LeaderID)
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
	if _, err := db.CreateVisit(ctx(), leader, VisitInput{EnterpriseID: own, Mode: ModePhone, Summary: "电话回访企业。"}); err != nil {
		t.Fatal(err)
	}
	overdue, after := flag()
	if overdue || after != before-1 {
		t.Errorf("after a visit: overdue %v, %d → %d", overdue, before, after)
	}
	cov, err := db.LedgerCoverage(ctx(), demoActor(t, db, "admin"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cov.Items {
		if c.LeaderID == leader.LeaderID && (c.VisitOverdue != after || c.Visited != c.Pairs-after || c.Visits.Year != 1) {
			t.Errorf("coverage %+v, want %d overdue and one visit", c, after)
		}
	}
	// A shorter cadence than the days since the pair began flags it again.
	if err := db.SetVisitCadence(ctx(), demoActor(t, db, "admin"), 7); err != nil {
		t.Fatal(err)
	}
	if overdue, _ := flag(); overdue {
		t.Errorf("visited today: not overdue under any cadence")
	}
	if err := db.SetVisitCadence(ctx(), leader, 30); ErrorCode(err) != EFORBIDDEN {
		t.Errorf("leader sets the cadence: %v", err)
	}
	if err := db.SetVisitCadence(ctx(), demoActor(t, db, "admin"), 3); ErrorCode(err) != EINVALID {
		t.Errorf("cadence of 3 days: %v", err)
	}
}

func TestLedgerScope(t *testing.T) {
	db, leader, _, _ := demoLedger(t)
	if _, err := db.LeaderLedger(ctx(), leader, leader.LeaderID+1); ErrorCode(err) != ENOTFOUND {
		t.Errorf("another leader's ledger: %v", err)
	}
	if _, err := db.LeaderLedger(ctx(), demoActor(t, db, "enterprise"), leader.LeaderID); ErrorCode(err) != EFORBIDDEN {
		t.Errorf("enterprise reads a ledger: %v", err)
	}
	if _, err := db.LedgerCoverage(ctx(), leader); ErrorCode(err) != EFORBIDDEN {
		t.Errorf("leader reads coverage: %v", err)
	}
}

package demo_test

import (
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/audit"
	"qinqing/db/dbtest"
	"qinqing/db/demo"
	"qinqing/db/oversight"
	"testing"
)

func TestBuildDemoOversight(t *testing.T) {
	d, k := dbtest.MustOpen(t), dbtest.MustKeys(t)
	if _, err := demo.Build(dbtest.Ctx(), d, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.BuildAppeals(dbtest.Ctx(), d, 300); err != nil {
		t.Fatal(err)
	}
	receipts, err := demo.BuildOversight(dbtest.Ctx(), d, k)
	if err != nil {
		t.Fatal(err)
	}
	want := map[appeal.Stage]bool{appeal.StageVerifying: true, appeal.StageFeedback: true, appeal.StageClosed: true}
	for _, r := range receipts {
		if !want[r.Stage] {
			t.Errorf("receipt of a report in %s", r.Stage)
		}
		pr, err := oversight.FindReport(dbtest.Ctx(), d, k, r.Receipt)
		if err != nil || pr.Number != r.Number || len(pr.Steps) < 2 {
			t.Errorf("demo receipt %s: %+v %v", r.Number, pr, err)
		}
	}
	// A few reports in every stage.
	rows, err := d.Read.Query("SELECT stage, COUNT(*) FROM appeals WHERE source = 'report' GROUP BY stage")
	if err != nil {
		t.Fatal(err)
	}
	stages := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		rows.Scan(&s, &n)
		stages[s] = n
	}
	rows.Close()
	for _, s := range appeal.Stages {
		if stages[string(s)] < 2 {
			t.Errorf("%d demo reports in %s, want a few: %v", stages[string(s)], s, stages)
		}
	}
	auditor := db.Actor{Role: db.RoleAuditor}
	for _, kind := range []string{oversight.WatchSuspicious, oversight.WatchExtensions, oversight.WatchSupervisions, oversight.WatchUnsatisfied, oversight.WatchReturned} {
		if l, err := oversight.Watch(dbtest.Ctx(), d, auditor, kind, oversight.WatchFilter{}); err != nil || l.Total == 0 {
			t.Errorf("demo %s list is empty: %v", kind, err)
		}
	}
	for reason, min := range map[string]int{oversight.SuspectQuick: 1, oversight.SuspectThin: 1, oversight.SuspectUnsatisfied: 1} {
		if l, err := oversight.Watch(dbtest.Ctx(), d, auditor, oversight.WatchSuspicious, oversight.WatchFilter{Reason: reason}); err != nil || l.Total < min {
			t.Errorf("demo suspicious %s: %+v %v", reason, l, err)
		}
	}
	if l, err := oversight.ListReveals(dbtest.Ctx(), d, auditor, 0, db.Page{}); err != nil || l.Total != 1 {
		t.Errorf("demo reveals: %+v %v", l, err)
	}
	if l, err := oversight.ListCases(dbtest.Ctx(), d, db.Actor{Role: db.RoleOffice}, oversight.CaseFilter{}); err != nil || l.Total != 1 || len(l.Items[0].Measures) != 1 {
		t.Errorf("demo published cases: %+v %v", l, err)
	}
	if s, err := oversight.MonthSample(dbtest.Ctx(), d, auditor, oversight.LastMonth(d.Now())); err != nil || !s.Drawn || s.Checked == 0 {
		t.Errorf("demo sample: %+v %v", s, err)
	}
	cp, err := audit.SignCheckpoint(dbtest.Ctx(), d, k)
	if err != nil {
		t.Fatal(err)
	}
	if res, err := audit.VerifyCheckpoint(dbtest.Ctx(), d, k, []byte(cp.Note)); err != nil || !res.OK {
		t.Fatalf("checkpoint over the demo: %+v %v", res, err)
	}
}

package db

import "testing"

func TestBuildDemoOversight(t *testing.T) {
	d, k := mustOpen(t), mustKeys(t)
	if _, err := d.BuildDemo(ctx(), ""); err != nil {
		t.Fatal(err)
	}
	if _, err := d.BuildDemoAppeals(ctx(), 300); err != nil {
		t.Fatal(err)
	}
	receipts, err := d.BuildDemoOversight(ctx(), k)
	if err != nil {
		t.Fatal(err)
	}
	want := map[Stage]bool{StageVerifying: true, StageFeedback: true, StageClosed: true}
	for _, r := range receipts {
		if !want[r.Stage] {
			t.Errorf("receipt of a report in %s", r.Stage)
		}
		pr, err := d.FindReport(ctx(), k, r.Receipt)
		if err != nil || pr.Number != r.Number || len(pr.Steps) < 2 {
			t.Errorf("demo receipt %s: %+v %v", r.Number, pr, err)
		}
	}
	// A few reports in every stage.
	rows, err := d.read.Query("SELECT stage, COUNT(*) FROM appeals WHERE source = 'report' GROUP BY stage")
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
	for _, s := range Stages {
		if stages[string(s)] < 2 {
			t.Errorf("%d demo reports in %s, want a few: %v", stages[string(s)], s, stages)
		}
	}
	auditor := Actor{Role: RoleAuditor}
	for _, kind := range []string{WatchSuspicious, WatchExtensions, WatchSupervisions, WatchUnsatisfied, WatchReturned} {
		if l, err := d.Watch(ctx(), auditor, kind, WatchFilter{}); err != nil || l.Total == 0 {
			t.Errorf("demo %s list is empty: %v", kind, err)
		}
	}
	for reason, min := range map[string]int{SuspectQuick: 1, SuspectThin: 1, SuspectUnsatisfied: 1} {
		if l, _ := d.Watch(ctx(), auditor, WatchSuspicious, WatchFilter{Reason: reason}); l.Total < min {
			t.Errorf("demo suspicious %s: %d", reason, l.Total)
		}
	}
	if l, _ := d.ListReveals(ctx(), auditor, 0, Page{}); l.Total != 1 {
		t.Errorf("demo reveals: %d", l.Total)
	}
	if l, _ := d.ListCases(ctx(), Actor{Role: RoleOffice}, CaseFilter{}); l.Total != 1 || len(l.Items[0].Measures) != 1 {
		t.Errorf("demo published cases: %+v", l)
	}
	if s, err := d.Sample(ctx(), auditor, LastMonth(d.Now())); err != nil || !s.Drawn || s.Checked == 0 {
		t.Errorf("demo sample: %+v %v", s, err)
	}
	cp, err := d.SignCheckpoint(ctx(), k)
	if err != nil {
		t.Fatal(err)
	}
	if res, err := d.VerifyCheckpoint(ctx(), k, []byte(cp.Note)); err != nil || !res.OK {
		t.Fatalf("checkpoint over the demo: %+v %v", res, err)
	}
}

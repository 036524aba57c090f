package figures_test

import (
	"context"
	"qinqing/db/appeal"
	"qinqing/db/dbtest"
	"qinqing/db/figures"
	"sync"
	"testing"
)

// TestMonthlyReportOneSnapshot checks that the figures of a 通报 and the audit head it
// pins come from one snapshot: every appeal filed adds the same number of audit events,
// so in a consistent report the event count and the number filed move together, however
// the filings interleave with the report being made.
func TestMonthlyReportOneSnapshot(t *testing.T) {
	w := dbtest.NewWorld(t)
	d := w.DB
	report := func(ctx context.Context) *figures.MonthlyReport {
		t.Helper()
		r, err := figures.BuildMonthlyReport(ctx, d, w.Auditor, "2026-03")
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	w.File(t, w.Ent, nil)
	base := report(dbtest.Ctx())
	w.File(t, w.Ent, nil)
	one := report(dbtest.Ctx())
	perAppeal := one.AuditEvents - base.AuditEvents
	if one.Figures.Filed != base.Figures.Filed+1 || perAppeal < 1 {
		t.Fatalf("one filing: filed %d → %d, events %d → %d", base.Figures.Filed, one.Figures.Filed, base.AuditEvents, one.AuditEvents)
	}
	consistent := func(r *figures.MonthlyReport) bool {
		return r.AuditEvents-one.AuditEvents == perAppeal*int64(r.Figures.Filed-one.Figures.Filed)
	}

	// Filings committed after a View began are in neither the figures nor the head.
	err := d.View(dbtest.Ctx(), func(vctx context.Context) error {
		for range 3 {
			w.File(t, w.Ent, nil)
		}
		if r := report(vctx); r.Figures.Filed != one.Figures.Filed || r.AuditEvents != one.AuditEvents || r.AuditHead != one.AuditHead {
			t.Errorf("report in a snapshot sees later filings: filed %d, events %d", r.Figures.Filed, r.AuditEvents)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if r := report(dbtest.Ctx()); r.Figures.Filed != one.Figures.Filed+3 || !consistent(r) {
		t.Errorf("after the snapshot: filed %d, events %d", r.Figures.Filed, r.AuditEvents)
	}

	// Filings racing with the reports.
	const filings = 40
	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(done)
		for range filings {
			if _, err := appeal.Create(dbtest.Ctx(), d, w.Ent, appeal.Input{Title: "申请办理施工许可", Content: "我公司新建厂房项目需要办理施工许可，材料已经齐全，请尽快受理。",
				Category: "审批服务", EnterpriseID: &w.Ent.EnterpriseID}); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	reports := 0
	for running := true; running; reports++ {
		select {
		case <-done:
			running = false
		default:
		}
		if r := report(dbtest.Ctx()); !consistent(r) {
			t.Errorf("report %d: %d filed but %d audit events: the head and the figures are from different moments",
				reports, r.Figures.Filed, r.AuditEvents)
		}
	}
	wg.Wait()
	t.Logf("%d reports made while %d appeals were filed", reports, filings)
}

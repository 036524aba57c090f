package db

import (
	"testing"
)

// The 通报 lists the typical cases published by the end of its month, and only those.
func TestMonthlyReportTypicalCases(t *testing.T) {
	w := newWorld(t)
	closed := func(title string) *Appeal {
		ap := w.file(t, w.ent, func(in *AppealInput) { in.Title = title })
		ap = w.act(t, w.office, ap, ActionInput{Action: ActAccept})
		ap = w.act(t, w.office, ap, w.assignTo(w.dept.DepartmentID))
		return w.act(t, w.dept, ap, ActionInput{Action: ActReport, Note: "已办理完毕"})
	}
	published, draft := closed("已公开的案例诉求"), closed("未公开的案例诉求")
	yes, no := true, false
	for _, c := range []struct {
		ap      *Appeal
		title   string
		publish *bool
	}{{published, "窗口服务整改典型案例", &yes}, {draft, "尚在整理的案例", &no}} {
		title, summary := c.title, "企业反映窗口办事推诿，经核查属实，责任单位已整改并向企业当面反馈处理结果。"
		if _, err := w.db.CreateCase(ctx(), w.auditor, CaseInput{AppealID: c.ap.ID, Title: &title, Summary: &summary, Publish: c.publish}); err != nil {
			t.Fatal(err)
		}
	}
	month := worldStart.In(Zone).Format("2006-01")
	r, err := w.db.BuildMonthlyReport(ctx(), w.office, month)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Typical) != 1 || r.Typical[0].ID != published.ID || r.Typical[0].Title != "窗口服务整改典型案例" {
		t.Fatalf("typical cases in %s: %+v", month, r.Typical)
	}
	before := worldStart.AddDate(0, -1, 0).In(Zone).Format("2006-01")
	if r, err := w.db.BuildMonthlyReport(ctx(), w.office, before); err != nil || len(r.Typical) != 0 {
		t.Errorf("a case published in %s shows in the report of %s: %+v %v", month, before, r, err)
	}
}

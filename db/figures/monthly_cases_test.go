package figures_test

import (
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/dbtest"
	"qinqing/db/figures"
	"qinqing/db/oversight"
	"testing"
)

// The 通报 lists the typical cases published by the end of its month, and only those.
func TestMonthlyReportTypicalCases(t *testing.T) {
	w := dbtest.NewWorld(t)
	closed := func(title string) *appeal.Appeal {
		ap := w.File(t, w.Ent, func(in *appeal.Input) { in.Title = title })
		ap = w.Act(t, w.Office, ap, appeal.ActionInput{Action: appeal.ActAccept})
		ap = w.Act(t, w.Office, ap, w.AssignTo(w.Dept.DepartmentID))
		return w.Act(t, w.Dept, ap, appeal.ActionInput{Action: appeal.ActReport, Note: "已办理完毕"})
	}
	published, draft := closed("已公开的案例诉求"), closed("未公开的案例诉求")
	yes, no := true, false
	for _, c := range []struct {
		ap      *appeal.Appeal
		title   string
		publish *bool
	}{{published, "窗口服务整改典型案例", &yes}, {draft, "尚在整理的案例", &no}} {
		title, summary := c.title, "企业反映窗口办事推诿，经核查属实，责任单位已整改并向企业当面反馈处理结果。"
		if _, err := oversight.CreateCase(dbtest.Ctx(), w.DB, w.Auditor, oversight.CaseInput{AppealID: c.ap.ID, Title: &title, Summary: &summary, Publish: c.publish}); err != nil {
			t.Fatal(err)
		}
	}
	month := dbtest.WorldStart.In(db.Zone).Format("2006-01")
	r, err := figures.BuildMonthlyReport(dbtest.Ctx(), w.DB, w.Office, month)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Typical) != 1 || r.Typical[0].ID != published.ID || r.Typical[0].Title != "窗口服务整改典型案例" {
		t.Fatalf("typical cases in %s: %+v", month, r.Typical)
	}
	before := dbtest.WorldStart.AddDate(0, -1, 0).In(db.Zone).Format("2006-01")
	if r, err := figures.BuildMonthlyReport(dbtest.Ctx(), w.DB, w.Office, before); err != nil || len(r.Typical) != 0 {
		t.Errorf("a case published in %s shows in the report of %s: %+v %v", month, before, r, err)
	}
}

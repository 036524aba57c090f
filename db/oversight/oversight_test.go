package oversight_test

import (
	"os"
	"path/filepath"
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/dbtest"
	"qinqing/db/oversight"
	"slices"
	"strings"
	"testing"
	"time"
)

// watchCity plays one timeline of appeals, each made to land (or not) on a workspace list.
type watchCity struct {
	*dbtest.City
	ent db.Actor
	ids map[string]int64
}

var pngFile = appeal.Upload{Name: "现场照片.png", Data: []byte("\x89PNG\r\n\x1a\nfake image body")}

func (c *watchCity) file(t *testing.T, name string) int64 {
	t.Helper()
	c.Advance(time.Minute)
	eid := c.ent.EnterpriseID
	ap, err := appeal.Create(dbtest.Ctx(), c.DB, c.Office, appeal.Input{Title: "测试诉求" + name, Content: "企业反映的问题内容，用于监督清单测试。",
		Category: "审批服务", EnterpriseID: &eid, Source: appeal.SourceHotline, Tier: appeal.TierFast})
	if err != nil {
		t.Fatal(err)
	}
	c.ids[name] = ap.ID
	return ap.ID
}

func (c *watchCity) step(t *testing.T, after time.Duration, a db.Actor, id int64, in appeal.ActionInput, files ...appeal.Upload) {
	t.Helper()
	c.Advance(after - time.Hour) // act itself moves the clock an hour
	if len(files) == 0 {
		c.Act(t, a, id, in)
		return
	}
	c.Advance(time.Hour)
	ap, _ := appeal.Find(dbtest.Ctx(), c.DB, a, id)
	in.Version = ap.Version
	if _, err := appeal.ActWithFiles(dbtest.Ctx(), c.DB, a, id, in, files); err != nil {
		t.Fatal(err)
	}
}

func (c *watchCity) toDept(t *testing.T, id int64, dept int64) {
	c.step(t, time.Hour, c.Office, id, appeal.ActionInput{Action: appeal.ActAccept})
	c.step(t, time.Hour, c.Office, id, appeal.ActionInput{Action: appeal.ActAssign, DepartmentID: &dept})
}

func (c *watchCity) rate(t *testing.T, id int64, satisfaction string) {
	yes := satisfaction != "unsatisfied"
	c.step(t, time.Hour, c.ent, id, appeal.ActionInput{Action: appeal.ActRate, Resolved: &yes, Satisfaction: satisfaction})
}

const longReport = "已到企业现场核实情况。\n已协调相关科室完成整改，并向企业书面反馈办理结果。"

func buildWatchCity(t *testing.T) *watchCity {
	c := &watchCity{City: dbtest.MustCity(t), ids: map[string]int64{}}
	var eid int64
	c.DB.Read.QueryRow("SELECT MIN(id) FROM enterprises").Scan(&eid)
	c.ent = db.Actor{Name: "测试企业", Role: db.RoleEnterprise, EnterpriseID: eid}
	dept, other := c.DeptID, c.OtherDeptID
	otherDept := db.Actor{Name: "其他单位经办人", Role: db.RoleDepartment, DepartmentID: other}
	report := func(id int64, after time.Duration, note string, files ...appeal.Upload) {
		c.step(t, after, c.Dept, id, appeal.ActionInput{Action: appeal.ActReport, Note: note}, files...)
	}
	closeIt := func(id int64) { c.step(t, time.Hour, c.Office, id, appeal.ActionInput{Action: appeal.ActClose}) }

	c.toDept(t, c.file(t, "overdue"), dept)
	c.toDept(t, c.file(t, "overdue-other"), other)

	good := c.file(t, "good")
	c.toDept(t, good, dept)
	report(good, 5*time.Hour, longReport)
	c.rate(t, good, "satisfied")
	closeIt(good)

	quick := c.file(t, "quick")
	c.toDept(t, quick, dept)
	report(quick, 10*time.Minute, longReport)
	c.rate(t, quick, "satisfied")
	closeIt(quick)

	thin := c.file(t, "thin")
	c.toDept(t, thin, dept)
	report(thin, 3*time.Hour, "已解决。")
	c.rate(t, thin, "basic")
	closeIt(thin)

	evidenced := c.file(t, "thin-with-evidence")
	c.toDept(t, evidenced, dept)
	report(evidenced, 3*time.Hour, "已解决，见照片。", pngFile)
	c.rate(t, evidenced, "basic")
	closeIt(evidenced)

	dismissed := c.file(t, "unsatisfied-dismissed")
	c.step(t, time.Hour, c.Office, dismissed, appeal.ActionInput{Action: appeal.ActAccept})
	c.step(t, time.Hour, c.Office, dismissed, appeal.ActionInput{Action: appeal.ActDismiss, Note: "经核查不属于政府职责"})
	c.rate(t, dismissed, "unsatisfied")
	c.step(t, time.Hour, c.Office, dismissed, appeal.ActionInput{Action: appeal.ActDismiss, Note: "再次说明：不属于政府职责"})
	c.rate(t, dismissed, "basic")
	closeIt(dismissed)

	redone := c.file(t, "unsatisfied-redone")
	c.toDept(t, redone, dept)
	report(redone, 4*time.Hour, longReport)
	c.rate(t, redone, "unsatisfied")
	report(redone, 6*time.Hour, longReport+"\n再次整改。")
	c.rate(t, redone, "satisfied")
	closeIt(redone)

	returned := c.file(t, "returned-twice")
	c.toDept(t, returned, other)
	for i := 0; i < 2; i++ {
		c.step(t, time.Hour, otherDept, returned, appeal.ActionInput{Action: appeal.ActReturn, Note: "不属于本单位职责", Basis: "《市级部门权责清单》第十二条"})
		c.step(t, time.Hour, c.Office, returned, appeal.ActionInput{Action: appeal.ActAssign, DepartmentID: &other})
	}
	once := c.file(t, "returned-once")
	c.toDept(t, once, other)
	c.step(t, time.Hour, otherDept, once, appeal.ActionInput{Action: appeal.ActReturn, Note: "不属于本单位职责", Basis: "《市级部门权责清单》第十二条"})

	chain := c.file(t, "extension-chain")
	c.toDept(t, chain, dept)
	c.step(t, time.Hour, c.Dept, chain, appeal.ActionInput{Action: appeal.ActRequestExtension, Days: 5, Note: "需要协调上级部门"})
	c.step(t, time.Hour, c.Office, chain, appeal.ActionInput{Action: appeal.ActApproveExtension})
	c.step(t, time.Hour, c.Dept, chain, appeal.ActionInput{Action: appeal.ActRequestExtension, Days: 7, Note: "仍需协调"})
	c.step(t, time.Hour, c.Office, chain, appeal.ActionInput{Action: appeal.ActDenyExtension, Note: "请按期办结"})
	single := c.file(t, "extension-once")
	c.toDept(t, single, dept)
	c.step(t, time.Hour, c.Dept, single, appeal.ActionInput{Action: appeal.ActRequestExtension, Days: 5, Note: "需要协调上级部门"})

	kept := c.file(t, "supervised-kept")
	c.toDept(t, kept, dept)
	due := func(d time.Duration) string { return c.DB.Now().Add(d).Format(time.RFC3339) }
	c.step(t, time.Hour, c.Auditor, kept, appeal.ActionInput{Action: appeal.ActSupervise, Note: "请三日内办结", DueAt: due(3 * 24 * time.Hour)})
	report(kept, 5*time.Hour, longReport)
	late := c.file(t, "supervised-late")
	c.toDept(t, late, dept)
	c.step(t, time.Hour, c.Auditor, late, appeal.ActionInput{Action: appeal.ActSupervise, Note: "请一日内办结", DueAt: due(24 * time.Hour)})

	c.Advance(12 * 24 * time.Hour)
	return c
}

func TestWatchLists(t *testing.T) {
	c := buildWatchCity(t)
	checkWatchLists(t, c)
	over, _ := oversight.Watch(dbtest.Ctx(), c.DB, c.Auditor, oversight.WatchOverdue, oversight.WatchFilter{})
	if h := over.Items[0].OverdueHours; h < 24*6 || h > 24*11 {
		t.Errorf("overdue by %.1f hours", h)
	}
	if _, err := oversight.Watch(dbtest.Ctx(), c.DB, c.Office, oversight.WatchOverdue, oversight.WatchFilter{}); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Errorf("office reads the workspace: %v", err)
	}
	counts, err := oversight.WatchCounts(dbtest.Ctx(), c.DB, c.Auditor)
	if err != nil || counts[oversight.WatchSuspicious] != 3 || counts[oversight.WatchReturned] != 1 {
		t.Errorf("counts %v %v", counts, err)
	}
}

// TestWatchMeasuresBackfill: a city kept before the writer kept the lists' measures gets
// them from the timelines when it migrates, and its lists are the same.
func TestWatchMeasuresBackfill(t *testing.T) {
	c := buildWatchCity(t)
	if _, err := c.DB.Write.Exec(`UPDATE appeals SET unsatisfied_count = 0, extension_requests = 0, sign_quick_secs = NULL,
		sign_thin_len = NULL, sign_unsat = FALSE`); err != nil {
		t.Fatal(err)
	}
	sql, err := os.ReadFile(filepath.Join("..", "migrations", string(c.DB.Engine()), "017_watch_measures.sql"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, stmt := range strings.Split(string(sql), ";\n") {
		if i := strings.Index(stmt, "UPDATE appeals SET"); i >= 0 {
			if _, err := c.DB.Write.Exec(stmt[i:]); err != nil {
				t.Fatalf("%s: %v", stmt[i:], err)
			}
			n++
		}
	}
	if n != 4 {
		t.Fatalf("%d backfill statements found in migration 017, want 4", n)
	}
	checkWatchLists(t, c)
}

// checkWatchLists checks every workspace list of the watch city against what its
// appeals' stories put on it.
func checkWatchLists(t *testing.T, c *watchCity) {
	t.Helper()
	cases := []struct {
		kind     string
		filter   oversight.WatchFilter
		want     []string
		detail   string
		unwanted []string
	}{
		// Every appeal the government still holds twelve days on (the one overdue rule):
		// one reported in time (反馈, supervised-kept) waits on the rating, not on anyone's work.
		{oversight.WatchOverdue, oversight.WatchFilter{}, []string{"overdue", "overdue-other", "returned-twice", "returned-once", "extension-chain",
			"extension-once", "supervised-late"}, "超过办结期限", []string{"good", "quick", "thin", "supervised-kept"}},
		{oversight.WatchOverdue, oversight.WatchFilter{Filter: appeal.Filter{DepartmentID: c.OtherDeptID}}, []string{"overdue-other", "returned-twice",
			"returned-once"}, "", []string{"overdue", "supervised-late"}},
		{oversight.WatchOverdue, oversight.WatchFilter{MinDays: 30}, nil, "", []string{"overdue", "overdue-other"}},
		{oversight.WatchReopened, oversight.WatchFilter{}, []string{"unsatisfied-dismissed", "unsatisfied-redone"}, "重办 1 次", []string{"good", "quick", "thin"}},
		{oversight.WatchUnsatisfied, oversight.WatchFilter{}, []string{"unsatisfied-dismissed", "unsatisfied-redone"}, "不满意 1 次", []string{"good", "thin"}},
		{oversight.WatchReturned, oversight.WatchFilter{}, []string{"returned-twice"}, "退回 2 次", []string{"returned-once", "good"}},
		{oversight.WatchReturned, oversight.WatchFilter{MinCount: 1}, []string{"returned-twice", "returned-once"}, "", []string{"good"}},
		{oversight.WatchExtensions, oversight.WatchFilter{}, []string{"extension-chain"}, "申请延期 2 次，批准 1 次，累计延长 5 天", []string{"extension-once"}},
		{oversight.WatchSuspicious, oversight.WatchFilter{}, []string{"quick", "thin", "unsatisfied-dismissed"}, "",
			[]string{"good", "thin-with-evidence", "unsatisfied-redone", "overdue"}},
		{oversight.WatchSuspicious, oversight.WatchFilter{Reason: oversight.SuspectQuick}, []string{"quick"}, "交办后数分钟", []string{"thin", "good"}},
		{oversight.WatchSuspicious, oversight.WatchFilter{Reason: oversight.SuspectQuick, Minutes: 5}, nil, "", []string{"quick"}},
		{oversight.WatchSuspicious, oversight.WatchFilter{Reason: oversight.SuspectThin}, []string{"thin"}, "仅一行且无佐证", []string{"thin-with-evidence", "quick"}},
		{oversight.WatchSuspicious, oversight.WatchFilter{Reason: oversight.SuspectUnsatisfied}, []string{"unsatisfied-dismissed"}, "评价不满意后", []string{"unsatisfied-redone"}},
		{oversight.WatchSupervisions, oversight.WatchFilter{}, []string{"supervised-kept", "supervised-late"}, "督办期限", []string{"overdue", "good"}},
		{oversight.WatchSupervisions, oversight.WatchFilter{State: "overdue"}, []string{"supervised-late"}, "督办超期", []string{"supervised-kept"}},
		{oversight.WatchSupervisions, oversight.WatchFilter{State: "done"}, []string{"supervised-kept"}, "按期落实", []string{"supervised-late"}},
	}
	for _, tc := range cases {
		list, err := oversight.Watch(dbtest.Ctx(), c.DB, c.Auditor, tc.kind, tc.filter)
		if err != nil {
			t.Fatalf("%s: %v", tc.kind, err)
		}
		got := map[int64]oversight.Flagged{}
		for _, x := range list.Items {
			got[x.Appeal.ID] = x
		}
		if list.Total != len(tc.want) {
			t.Errorf("%s %+v: total %d, want %v", tc.kind, tc.filter, list.Total, tc.want)
		}
		for _, name := range tc.want {
			x, ok := got[c.ids[name]]
			if !ok {
				t.Errorf("%s %+v: %s missing", tc.kind, tc.filter, name)
			} else if !strings.Contains(x.Detail, tc.detail) {
				t.Errorf("%s: %s detail %q, want %q", tc.kind, name, x.Detail, tc.detail)
			}
		}
		for _, name := range tc.unwanted {
			if _, ok := got[c.ids[name]]; ok {
				t.Errorf("%s %+v: %s should not be listed", tc.kind, tc.filter, name)
			}
		}
	}
}

func TestSample(t *testing.T) {
	c := buildWatchCity(t)
	// Move to April, and close one more appeal there: it belongs to April's population.
	c.Advance(30 * 24 * time.Hour)
	kept := c.ids["supervised-kept"]
	c.rate(t, kept, "satisfied")
	c.step(t, time.Hour, c.Office, kept, appeal.ActionInput{Action: appeal.ActClose})

	if _, err := oversight.DrawSample(dbtest.Ctx(), c.DB, c.Auditor, "2026-04", 3); db.ErrorCode(err) != db.EINVALID {
		t.Errorf("drawing a month not over: %v", err)
	}
	s, err := oversight.DrawSample(dbtest.Ctx(), c.DB, c.Auditor, "2026-03", 3)
	if err != nil {
		t.Fatal(err)
	}
	march := []int64{c.ids["good"], c.ids["quick"], c.ids["thin"], c.ids["thin-with-evidence"], c.ids["unsatisfied-dismissed"], c.ids["unsatisfied-redone"]}
	if s.Population != len(march) || len(s.Items) != 3 || !s.Drawn {
		t.Fatalf("sample %+v", s)
	}
	for _, it := range s.Items {
		if !slices.Contains(march, it.Appeal.ID) {
			t.Errorf("sampled %s, not a March closure", it.Appeal.Title)
		}
	}
	if _, err := oversight.DrawSample(dbtest.Ctx(), c.DB, c.Auditor, "2026-03", 3); db.ErrorCode(err) != db.ECONFLICT {
		t.Errorf("second draw: %v", err)
	}
	c.step(t, time.Hour, c.Auditor, s.Items[0].Appeal.ID, appeal.ActionInput{Action: appeal.ActAudit, Verdict: "fail", Note: "回访企业，问题并未解决"})
	s, _ = oversight.MonthSample(dbtest.Ctx(), c.DB, c.Auditor, "2026-03")
	if s.Checked != 1 || s.Failed != 1 || s.Items[0].Verdict != "fail" || s.Items[0].Note == "" || s.Items[1].Verdict != "" {
		t.Errorf("after one verdict: %+v", s)
	}
	if _, err := oversight.MonthSample(dbtest.Ctx(), c.DB, c.Dept, "2026-03"); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Errorf("department reads samples: %v", err)
	}
}

func TestAccountabilityAndCases(t *testing.T) {
	c := buildWatchCity(t)
	quick, thin := c.ids["quick"], c.ids["thin"]
	var quickNo string
	c.DB.Read.QueryRow("SELECT number FROM appeals WHERE id = ?", quick).Scan(&quickNo)
	in := oversight.AccountabilityInput{SubjectType: "person", PersonName: "张某", PersonTitle: "科长", DepartmentID: &c.DeptID,
		Measure: "诫勉", Facts: "未实际整改即报告办结，造成企业反复诉求。", DecidedOn: "2026-03-10",
		AppealNumbers: []string{strings.ToLower(quickNo)}, AppealIDs: []int64{thin}}
	x, err := oversight.CreateAccountability(dbtest.Ctx(), c.DB, c.Auditor, in)
	if err != nil {
		t.Fatal(err)
	}
	if x.Subject() != x.DepartmentName+"科长张某" || len(x.Appeals) != 2 {
		t.Errorf("record %+v", x)
	}
	bad := in
	bad.Measure, bad.AppealNumbers = "罚款", []string{"SQ1999-000001"}
	_, err = oversight.CreateAccountability(dbtest.Ctx(), c.DB, c.Auditor, bad)
	if e, ok := db.AsError(err); !ok || !hasField(e.Fields, "measure") || !hasField(e.Fields, "appeal_numbers") {
		t.Errorf("bad record: %v", err)
	}
	if _, err := oversight.CreateAccountability(dbtest.Ctx(), c.DB, c.Office, in); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Errorf("office records accountability: %v", err)
	}
	for _, f := range []struct {
		filter oversight.AccountabilityFilter
		want   int
	}{{oversight.AccountabilityFilter{}, 1}, {oversight.AccountabilityFilter{DepartmentID: c.OtherDeptID}, 0}, {oversight.AccountabilityFilter{AppealID: quick}, 1},
		{oversight.AccountabilityFilter{AppealID: c.ids["good"]}, 0}, {oversight.AccountabilityFilter{Measure: "诫勉"}, 1}} {
		if l, err := oversight.ListAccountability(dbtest.Ctx(), c.DB, c.Auditor, f.filter); err != nil || l.Total != f.want {
			t.Errorf("%+v: %v %v", f.filter, l, err)
		}
	}

	title, summary := "某局窗口未整改即报办结", "某局在交办后十分钟即报告整改完成，经抽查发现问题并未解决，相关责任人受到诫勉。"
	cs, err := oversight.CreateCase(dbtest.Ctx(), c.DB, c.Auditor, oversight.CaseInput{AppealID: quick, Title: &title, Summary: &summary})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs.Measures) != 1 || !strings.Contains(cs.Measures[0], "诫勉") || cs.Number != quickNo {
		t.Errorf("case %+v", cs)
	}
	if _, err := oversight.CreateCase(dbtest.Ctx(), c.DB, c.Auditor, oversight.CaseInput{AppealID: quick, Title: &title, Summary: &summary}); db.ErrorCode(err) != db.ECONFLICT {
		t.Errorf("second case on one appeal: %v", err)
	}
	if l, _ := oversight.ListCases(dbtest.Ctx(), c.DB, c.Office, oversight.CaseFilter{}); l.Total != 0 {
		t.Errorf("a draft is published: %+v", l)
	}
	if _, err := oversight.FindCase(dbtest.Ctx(), c.DB, c.Dept, cs.ID); db.ErrorCode(err) != db.ENOTFOUND {
		t.Errorf("a draft is visible: %v", err)
	}
	yes := true
	if _, err := oversight.UpdateCase(dbtest.Ctx(), c.DB, c.Auditor, cs.ID, oversight.CaseInput{Publish: &yes}); err != nil {
		t.Fatal(err)
	}
	l, _ := oversight.ListCases(dbtest.Ctx(), c.DB, c.Dept, oversight.CaseFilter{})
	if l.Total != 1 || l.Items[0].Number != "" || l.Items[0].AppealID != 0 || l.Items[0].Title != title || !l.Items[0].Published {
		t.Errorf("published case as the department sees it: %+v", l)
	}
	if l, _ := oversight.ListCases(dbtest.Ctx(), c.DB, c.Dept, oversight.CaseFilter{From: "2027-01-01"}); l.Total != 0 {
		t.Errorf("date filter: %+v", l)
	}
}

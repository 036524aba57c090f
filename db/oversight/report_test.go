package oversight_test

import (
	"bytes"
	"encoding/hex"
	"os"
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/dbtest"
	"qinqing/db/oversight"
	"strings"
	"testing"
	"time"
)

// storedBytes is everything the database holds, to search for what must never be
// stored: SQLite's file and its WAL (where fresh rows still are), or every row of every
// PostgreSQL table as text (binary columns as hex, hence the hex search too).
func storedBytes(t *testing.T, d *db.DB) [][]byte {
	t.Helper()
	if d.Engine() == db.Postgres {
		rows, err := d.Read.Query("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")
		if err != nil {
			t.Fatal(err)
		}
		var tables []string
		for rows.Next() {
			var name string
			if err := rows.Scan(&name); err != nil {
				t.Fatal(err)
			}
			tables = append(tables, name)
		}
		rows.Close()
		var all []byte
		for _, table := range tables {
			rows, err := d.Read.Query(`SELECT t::text FROM "` + table + `" t`)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var row []byte
				if err := rows.Scan(&row); err != nil {
					t.Fatal(err)
				}
				all = append(append(all, row...), '\n')
			}
			rows.Close()
		}
		if !bytes.Contains(all, []byte("窗口人员索要好处费")) {
			t.Fatal("the reports should be in the rows read for this test to mean anything")
		}
		return [][]byte{all}
	}
	files := [][]byte{}
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(d.Path + suffix)
		if err != nil && suffix == "" {
			t.Fatal(err)
		}
		files = append(files, b)
	}
	if len(files[1]) == 0 {
		t.Fatal("the reports should still be in the WAL for this test to mean anything")
	}
	return files
}

// city is a demo city (registers and accounts, no appeals) with the actors tests need.
func TestReceiptIsNeverStored(t *testing.T) {
	c := dbtest.MustCity(t)
	var codes []string
	for i := 0; i < 5; i++ {
		f, _ := c.Report(t, c.DeptID, "", "")
		if len(f.Receipt) != oversight.ReceiptDigits || strings.Trim(f.Receipt, "0123456789") != "" {
			t.Fatalf("receipt %q is not %d digits", f.Receipt, oversight.ReceiptDigits)
		}
		codes = append(codes, f.Receipt)
	}
	files := storedBytes(t, c.DB)
	for _, code := range codes {
		for _, form := range []string{code, oversight.FormatReceipt(code), code[:12]} {
			for i, b := range files {
				if bytes.Contains(b, []byte(form)) || bytes.Contains(b, []byte(hex.EncodeToString([]byte(form)))) {
					t.Errorf("receipt %s found in stored data %d", form, i)
				}
			}
		}
		if _, err := oversight.FindReport(dbtest.Ctx(), c.DB, c.Keys, oversight.FormatReceipt(code)); err != nil {
			t.Errorf("receipt %s does not open its report: %v", code, err)
		}
	}
}

func TestWrongReceiptsLookUnknown(t *testing.T) {
	c := dbtest.MustCity(t)
	f, _ := c.Report(t, c.DeptID, "", "")
	wrong := []byte(f.Receipt)
	wrong[19] = '0' + (wrong[19]-'0'+1)%10
	var msgs []string
	for _, code := range []string{string(wrong), "12345", "", "abcdefghijabcdefghij", f.Receipt + "1", "00000000000000000000"} {
		_, err := oversight.FindReport(dbtest.Ctx(), c.DB, c.Keys, code)
		if db.ErrorCode(err) != db.ENOTFOUND {
			t.Fatalf("%q: %v", code, err)
		}
		msgs = append(msgs, db.ErrorMessage(err))
	}
	for _, m := range msgs {
		if m != msgs[0] {
			t.Errorf("answers differ: %q vs %q", m, msgs[0])
		}
	}
	// Another server's key opens nothing, even with the right code.
	if _, err := oversight.FindReport(dbtest.Ctx(), c.DB, dbtest.MustKeys(t), f.Receipt); db.ErrorCode(err) != db.ENOTFOUND {
		t.Errorf("another key opened the report: %v", err)
	}
}

func TestReportValidation(t *testing.T) {
	c := dbtest.MustCity(t)
	bad := 999999
	base := oversight.ReportInput{Category: "吃拿卡要", Title: "窗口人员索要好处费", Content: "办理许可证时窗口人员暗示需要另外好处。", Anonymous: true}
	cases := map[string]struct {
		change func(*oversight.ReportInput)
		field  string
	}{
		"named without name":     {func(in *oversight.ReportInput) { in.Anonymous, in.ContactPhone = false, "13900000000" }, "contact_name"},
		"named without phone":    {func(in *oversight.ReportInput) { in.Anonymous, in.ContactName = false, "张三" }, "contact_phone"},
		"unknown department":     {func(in *oversight.ReportInput) { id := int64(bad); in.AboutDepartmentID = &id }, "about_department_id"},
		"unknown category":       {func(in *oversight.ReportInput) { in.Category = "无此类别" }, "category"},
		"short content":          {func(in *oversight.ReportInput) { in.Content = "太短" }, "content"},
		"bad phone":              {func(in *oversight.ReportInput) { in.Anonymous, in.ContactName, in.ContactPhone = false, "张三", "12" }, "contact_phone"},
		"official name too long": {func(in *oversight.ReportInput) { in.Official = strings.Repeat("张", 51) }, "official"},
	}
	for name, tc := range cases {
		in := base
		tc.change(&in)
		_, err := oversight.FileReport(dbtest.Ctx(), c.DB, c.Keys, in, nil)
		e, ok := db.AsError(err)
		if !ok || e.Code != db.EINVALID || len(e.Fields) == 0 || !hasField(e.Fields, tc.field) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Anonymous wins over a contact given by mistake: nothing of it is kept.
	in := base
	in.ContactName, in.ContactPhone = "王五六", "13811112222"
	f, err := oversight.FileReport(dbtest.Ctx(), c.DB, c.Keys, in, nil)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	c.DB.Read.QueryRow("SELECT COUNT(*) FROM appeal_identities WHERE name = '王五六' OR phone = '13811112222'").Scan(&n)
	if n != 0 || f.Number == "" {
		t.Errorf("an anonymous report kept its contact (%d rows)", n)
	}
}

func hasField(fs []db.FieldError, name string) bool {
	for _, f := range fs {
		if f.Field == name {
			return true
		}
	}
	return false
}

func TestReportLoop(t *testing.T) {
	c := dbtest.MustCity(t)
	f, id := c.Report(t, c.DeptID, "", "")
	if _, err := oversight.ReportMessage(dbtest.Ctx(), c.DB, c.Keys, f.Receipt, "补充：当时还有另一位工作人员在场。", nil); err != nil {
		t.Fatal(err)
	}
	c.Act(t, c.Auditor, id, appeal.ActionInput{Action: appeal.ActAccept})
	// The department complained of never handles it.
	ap, _ := appeal.Find(dbtest.Ctx(), c.DB, c.Auditor, id)
	_, err := appeal.Act(dbtest.Ctx(), c.DB, c.Auditor, id, appeal.ActionInput{Action: appeal.ActAssign, Version: ap.Version, DepartmentID: &c.DeptID})
	if db.ErrorCode(err) != db.EINVALID {
		t.Fatalf("assigning a report to the department it is about: %v", err)
	}
	c.Act(t, c.Auditor, id, appeal.ActionInput{Action: appeal.ActAssign, DepartmentID: &c.OtherDeptID})
	c.Act(t, c.Auditor, id, appeal.ActionInput{Action: appeal.ActComment, Note: "内部：请核实窗口监控录像"})
	c.Act(t, c.Auditor, id, appeal.ActionInput{Action: appeal.ActComment, Note: "您反映的问题已转有关单位核查，请耐心等待。", Public: true})
	if _, err := appeal.Act(dbtest.Ctx(), c.DB, c.Office, id, appeal.ActionInput{Action: appeal.ActComment, Version: 99, Note: "x", Public: true}); err == nil {
		t.Error("the office posted a public reply")
	}
	c.Act(t, c.Auditor, id, appeal.ActionInput{Action: appeal.ActReport, Note: "经核查情况属实，已对相关人员批评教育并调整岗位。"})

	r, err := oversight.FindReport(dbtest.Ctx(), c.DB, c.Keys, f.Receipt)
	if err != nil {
		t.Fatal(err)
	}
	text := stepsText(r)
	for _, want := range []string{"提交举报", "您补充的情况", "当时还有另一位工作人员在场", "已受理", "已交有关单位整改",
		"纪检监督答复", "已转有关单位核查", "办理结果", "调整岗位"} {
		if !strings.Contains(text, want) {
			t.Errorf("the reporter does not see %q in %s", want, text)
		}
	}
	for _, hidden := range []string{"监控录像", "经办人"} {
		if strings.Contains(text, hidden) {
			t.Errorf("the reporter sees internal %q", hidden)
		}
	}
	if !r.CanRate || r.Stage != appeal.StageFeedback {
		t.Fatalf("reporter cannot rate: %+v", r)
	}
	no := false
	if _, err := oversight.RateReport(dbtest.Ctx(), c.DB, c.Keys, f.Receipt, &no, "unsatisfied", "没有解决"); err != nil {
		t.Fatal(err)
	}
	ap, _ = appeal.Find(dbtest.Ctx(), c.DB, c.Auditor, id)
	if ap.Stage != appeal.StageRectifying || ap.ReopenCount != 1 {
		t.Errorf("unsatisfied report: stage %s reopen %d", ap.Stage, ap.ReopenCount)
	}
	if _, err := oversight.RateReport(dbtest.Ctx(), c.DB, c.Keys, f.Receipt, &no, "unsatisfied", ""); db.ErrorCode(err) != db.ECONFLICT {
		t.Errorf("rating outside feedback: %v", err)
	}
	c.Act(t, c.Auditor, id, appeal.ActionInput{Action: appeal.ActReport, Note: "再次核查，已退还费用并书面道歉。"})
	yes := true
	c.Advance(time.Hour)
	if _, err := oversight.RateReport(dbtest.Ctx(), c.DB, c.Keys, f.Receipt, &yes, "satisfied", ""); err != nil {
		t.Fatal(err)
	}
	c.Act(t, c.Auditor, id, appeal.ActionInput{Action: appeal.ActClose})
	if r, _ := oversight.FindReport(dbtest.Ctx(), c.DB, c.Keys, f.Receipt); r.Stage != appeal.StageClosed || r.Rating == nil || r.Rating.Satisfaction != "satisfied" {
		t.Errorf("closed report: %+v", r)
	}
}

func stepsText(r *oversight.PublicReport) string {
	var b strings.Builder
	for _, s := range r.Steps {
		b.WriteString(s.Label + "|" + s.Text + "|" + strings.Join(s.Files, ",") + "\n")
	}
	return b.String()
}

func TestRevealIdentity(t *testing.T) {
	c := dbtest.MustCity(t)
	_, id := c.Report(t, c.DeptID, "钱多多", "13712345678")
	for _, a := range []db.Actor{c.Admin, c.Office, c.Dept} {
		if _, err := oversight.RevealIdentity(dbtest.Ctx(), c.DB, a, id, "核实举报线索需要联系举报人"); db.ErrorCode(err) != db.ENOTFOUND {
			t.Errorf("%s reveals: %v", a.Role, err)
		}
	}
	for _, reason := range []string{"", "  ", "看看"} {
		if _, err := oversight.RevealIdentity(dbtest.Ctx(), c.DB, c.Auditor, id, reason); db.ErrorCode(err) != db.EINVALID {
			t.Errorf("reason %q: %v", reason, err)
		}
	}
	before, _ := oversight.ListReveals(dbtest.Ctx(), c.DB, c.Auditor, 0, db.Page{})
	who, err := oversight.RevealIdentity(dbtest.Ctx(), c.DB, c.Auditor, id, "核实举报线索需要联系举报人")
	if err != nil {
		t.Fatal(err)
	}
	if who.Name != "钱多多" || who.Phone != "13712345678" || who.Anonymous {
		t.Fatalf("identity %+v", who)
	}
	after, _ := oversight.ListReveals(dbtest.Ctx(), c.DB, c.Auditor, 0, db.Page{})
	if after.Total != before.Total+1 || after.Items[0].AppealID != id || after.Items[0].Reason != "核实举报线索需要联系举报人" {
		t.Fatalf("reveal not listed: %+v", after)
	}
	var n int
	c.DB.Read.QueryRow(`SELECT COUNT(*) FROM audit_events WHERE payload LIKE '%钱多多%' OR payload LIKE '%13712345678%'
		OR actor_name LIKE '%钱多多%'`).Scan(&n)
	if n != 0 {
		t.Errorf("the identity is in %d audit events", n)
	}
	c.DB.Read.QueryRow(`SELECT COUNT(*) FROM appeals WHERE contact_name = '钱多多' OR contact_phone = '13712345678'`).Scan(&n)
	if n != 0 {
		t.Errorf("the identity is on the appeal row")
	}
}

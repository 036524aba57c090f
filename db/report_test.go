package db

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"
)

// city is a demo city (registers and accounts, no appeals) with the actors tests need.
func TestReceiptIsNeverStored(t *testing.T) {
	c := mustCity(t)
	var codes []string
	for i := 0; i < 5; i++ {
		f, _ := c.report(t, c.deptID, "", "")
		if len(f.Receipt) != ReceiptDigits || strings.Trim(f.Receipt, "0123456789") != "" {
			t.Fatalf("receipt %q is not %d digits", f.Receipt, ReceiptDigits)
		}
		codes = append(codes, f.Receipt)
	}
	files := [][]byte{}
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(c.db.Path + suffix)
		if err != nil && suffix == "" {
			t.Fatal(err)
		}
		files = append(files, b)
	}
	if len(files[1]) == 0 {
		t.Fatal("the reports should still be in the WAL for this test to mean anything")
	}
	for _, code := range codes {
		for _, form := range []string{code, FormatReceipt(code), code[:12]} {
			for i, b := range files {
				if bytes.Contains(b, []byte(form)) {
					t.Errorf("receipt %s found in the database file %d", form, i)
				}
			}
		}
		if _, err := c.db.FindReport(ctx(), c.keys, FormatReceipt(code)); err != nil {
			t.Errorf("receipt %s does not open its report: %v", code, err)
		}
	}
}

func TestWrongReceiptsLookUnknown(t *testing.T) {
	c := mustCity(t)
	f, _ := c.report(t, c.deptID, "", "")
	wrong := []byte(f.Receipt)
	wrong[19] = '0' + (wrong[19]-'0'+1)%10
	var msgs []string
	for _, code := range []string{string(wrong), "12345", "", "abcdefghijabcdefghij", f.Receipt + "1", "00000000000000000000"} {
		_, err := c.db.FindReport(ctx(), c.keys, code)
		if ErrorCode(err) != ENOTFOUND {
			t.Fatalf("%q: %v", code, err)
		}
		msgs = append(msgs, ErrorMessage(err))
	}
	for _, m := range msgs {
		if m != msgs[0] {
			t.Errorf("answers differ: %q vs %q", m, msgs[0])
		}
	}
	// Another server's key opens nothing, even with the right code.
	if _, err := c.db.FindReport(ctx(), mustKeys(t), f.Receipt); ErrorCode(err) != ENOTFOUND {
		t.Errorf("another key opened the report: %v", err)
	}
}

func TestReportValidation(t *testing.T) {
	c := mustCity(t)
	bad := 999999
	base := ReportInput{Category: "吃拿卡要", Title: "窗口人员索要好处费", Content: "办理许可证时窗口人员暗示需要另外好处。", Anonymous: true}
	cases := map[string]struct {
		change func(*ReportInput)
		field  string
	}{
		"named without name":     {func(in *ReportInput) { in.Anonymous, in.ContactPhone = false, "13900000000" }, "contact_name"},
		"named without phone":    {func(in *ReportInput) { in.Anonymous, in.ContactName = false, "张三" }, "contact_phone"},
		"unknown department":     {func(in *ReportInput) { id := int64(bad); in.AboutDepartmentID = &id }, "about_department_id"},
		"unknown category":       {func(in *ReportInput) { in.Category = "无此类别" }, "category"},
		"short content":          {func(in *ReportInput) { in.Content = "太短" }, "content"},
		"bad phone":              {func(in *ReportInput) { in.Anonymous, in.ContactName, in.ContactPhone = false, "张三", "12" }, "contact_phone"},
		"official name too long": {func(in *ReportInput) { in.Official = strings.Repeat("张", 51) }, "official"},
	}
	for name, tc := range cases {
		in := base
		tc.change(&in)
		_, err := c.db.FileReport(ctx(), c.keys, in, nil)
		e, ok := AsError(err)
		if !ok || e.Code != EINVALID || len(e.Fields) == 0 || !hasField(e.Fields, tc.field) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Anonymous wins over a contact given by mistake: nothing of it is kept.
	in := base
	in.ContactName, in.ContactPhone = "王五六", "13811112222"
	f, err := c.db.FileReport(ctx(), c.keys, in, nil)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	c.db.read.QueryRow("SELECT COUNT(*) FROM appeal_identities WHERE name = '王五六' OR phone = '13811112222'").Scan(&n)
	if n != 0 || f.Number == "" {
		t.Errorf("an anonymous report kept its contact (%d rows)", n)
	}
}

func hasField(fs []FieldError, name string) bool {
	for _, f := range fs {
		if f.Field == name {
			return true
		}
	}
	return false
}

func TestReportLoop(t *testing.T) {
	c := mustCity(t)
	f, id := c.report(t, c.deptID, "", "")
	if _, err := c.db.ReportMessage(ctx(), c.keys, f.Receipt, "补充：当时还有另一位工作人员在场。", nil); err != nil {
		t.Fatal(err)
	}
	c.act(t, c.auditor, id, ActionInput{Action: ActAccept})
	// The department complained of never handles it.
	ap, _ := c.db.FindAppeal(ctx(), c.auditor, id)
	_, err := c.db.Act(ctx(), c.auditor, id, ActionInput{Action: ActAssign, Version: ap.Version, DepartmentID: &c.deptID})
	if ErrorCode(err) != EINVALID {
		t.Fatalf("assigning a report to the department it is about: %v", err)
	}
	c.act(t, c.auditor, id, ActionInput{Action: ActAssign, DepartmentID: &c.otherDeptID})
	c.act(t, c.auditor, id, ActionInput{Action: ActComment, Note: "内部：请核实窗口监控录像"})
	c.act(t, c.auditor, id, ActionInput{Action: ActComment, Note: "您反映的问题已转有关单位核查，请耐心等待。", Public: true})
	if _, err := c.db.Act(ctx(), c.office, id, ActionInput{Action: ActComment, Version: 99, Note: "x", Public: true}); err == nil {
		t.Error("the office posted a public reply")
	}
	c.act(t, c.auditor, id, ActionInput{Action: ActReport, Note: "经核查情况属实，已对相关人员批评教育并调整岗位。"})

	r, err := c.db.FindReport(ctx(), c.keys, f.Receipt)
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
	if !r.CanRate || r.Stage != StageFeedback {
		t.Fatalf("reporter cannot rate: %+v", r)
	}
	no := false
	if _, err := c.db.RateReport(ctx(), c.keys, f.Receipt, &no, "unsatisfied", "没有解决"); err != nil {
		t.Fatal(err)
	}
	ap, _ = c.db.FindAppeal(ctx(), c.auditor, id)
	if ap.Stage != StageRectifying || ap.ReopenCount != 1 {
		t.Errorf("unsatisfied report: stage %s reopen %d", ap.Stage, ap.ReopenCount)
	}
	if _, err := c.db.RateReport(ctx(), c.keys, f.Receipt, &no, "unsatisfied", ""); ErrorCode(err) != ECONFLICT {
		t.Errorf("rating outside feedback: %v", err)
	}
	c.act(t, c.auditor, id, ActionInput{Action: ActReport, Note: "再次核查，已退还费用并书面道歉。"})
	yes := true
	c.advance(time.Hour)
	if _, err := c.db.RateReport(ctx(), c.keys, f.Receipt, &yes, "satisfied", ""); err != nil {
		t.Fatal(err)
	}
	c.act(t, c.auditor, id, ActionInput{Action: ActClose})
	if r, _ := c.db.FindReport(ctx(), c.keys, f.Receipt); r.Stage != StageClosed || r.Rating == nil || r.Rating.Satisfaction != "satisfied" {
		t.Errorf("closed report: %+v", r)
	}
}

func stepsText(r *PublicReport) string {
	var b strings.Builder
	for _, s := range r.Steps {
		b.WriteString(s.Label + "|" + s.Text + "|" + strings.Join(s.Files, ",") + "\n")
	}
	return b.String()
}

func TestRevealIdentity(t *testing.T) {
	c := mustCity(t)
	_, id := c.report(t, c.deptID, "钱多多", "13712345678")
	for _, a := range []Actor{c.admin, c.office, c.dept} {
		if _, err := c.db.RevealIdentity(ctx(), a, id, "核实举报线索需要联系举报人"); ErrorCode(err) != ENOTFOUND {
			t.Errorf("%s reveals: %v", a.Role, err)
		}
	}
	for _, reason := range []string{"", "  ", "看看"} {
		if _, err := c.db.RevealIdentity(ctx(), c.auditor, id, reason); ErrorCode(err) != EINVALID {
			t.Errorf("reason %q: %v", reason, err)
		}
	}
	before, _ := c.db.ListReveals(ctx(), c.auditor, 0, Page{})
	who, err := c.db.RevealIdentity(ctx(), c.auditor, id, "核实举报线索需要联系举报人")
	if err != nil {
		t.Fatal(err)
	}
	if who.Name != "钱多多" || who.Phone != "13712345678" || who.Anonymous {
		t.Fatalf("identity %+v", who)
	}
	after, _ := c.db.ListReveals(ctx(), c.auditor, 0, Page{})
	if after.Total != before.Total+1 || after.Items[0].AppealID != id || after.Items[0].Reason != "核实举报线索需要联系举报人" {
		t.Fatalf("reveal not listed: %+v", after)
	}
	var n int
	c.db.read.QueryRow(`SELECT COUNT(*) FROM audit_events WHERE payload LIKE '%钱多多%' OR payload LIKE '%13712345678%'
		OR actor_name LIKE '%钱多多%'`).Scan(&n)
	if n != 0 {
		t.Errorf("the identity is in %d audit events", n)
	}
	c.db.read.QueryRow(`SELECT COUNT(*) FROM appeals WHERE contact_name = '钱多多' OR contact_phone = '13712345678'`).Scan(&n)
	if n != 0 {
		t.Errorf("the identity is on the appeal row")
	}
}

package appeal_test

import (
	"os"
	"path/filepath"
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/dbtest"
	"strings"
	"testing"
)

var tinyPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")

// The enterprise behind a confidential appeal stays unnamed on everything it does later.
func TestConfidentialFilerStaysMasked(t *testing.T) {
	w := dbtest.NewWorld(t)
	ap := w.File(t, w.Ent, func(in *appeal.Input) { in.Confidential = true; in.ContactName = "张保密" })
	ap = w.Act(t, w.Ent, ap, appeal.ActionInput{Action: appeal.ActComment, Note: "补充说明情况"})
	ap, err := appeal.ActWithFiles(dbtest.Ctx(), w.DB, w.Ent, ap.ID, appeal.ActionInput{Action: appeal.ActAttach, Version: ap.Version}, []appeal.Upload{{"a.png", tinyPNG}})
	if err != nil {
		t.Fatal(err)
	}
	if n := dbtest.CountOf(t, w.DB, "SELECT COUNT(*) FROM appeal_events WHERE appeal_id = ? AND actor_name = ?", ap.ID, w.Ent.Name); n != 0 {
		t.Errorf("%d timeline events name the protected enterprise", n)
	}
	if n := dbtest.CountOf(t, w.DB, "SELECT COUNT(*) FROM audit_events WHERE object_id = ? AND object_type = 'appeal' AND actor_name = ?", ap.ID, w.Ent.Name); n != 0 {
		t.Errorf("%d audit events name the protected enterprise", n)
	}
	if n := dbtest.CountOf(t, w.DB, "SELECT COUNT(*) FROM attachments WHERE appeal_id = ? AND uploaded_by IS NOT NULL", ap.ID); n != 0 {
		t.Errorf("%d attachments record the protected uploader", n)
	}
	// The office acting on it is named as usual.
	w.Act(t, w.Office, ap, appeal.ActionInput{Action: appeal.ActAccept})
	if n := dbtest.CountOf(t, w.DB, "SELECT COUNT(*) FROM appeal_events WHERE appeal_id = ? AND actor_name = ?", ap.ID, w.Office.Name); n != 1 {
		t.Errorf("office named on %d events, want 1", n)
	}
}

// Filing with files is all or nothing: a refused file leaves no appeal, row or file.
func TestCreateAppealWithFiles(t *testing.T) {
	w := dbtest.NewWorld(t)
	in := appeal.Input{Title: "厂区停电影响生产", Content: "园区本月停电三次，未提前通知，造成损失。", Category: "要素保障-用电", EnterpriseID: &w.Ent.EnterpriseID}
	before := dbtest.CountOf(t, w.DB, "SELECT COUNT(*) FROM appeals")
	_, err := appeal.Create(dbtest.Ctx(), w.DB, w.Ent, in, appeal.Upload{"ok.png", tinyPNG}, appeal.Upload{"bad.exe", []byte("MZ\x90\x00")})
	dbtest.WantCode(t, err, db.EINVALID)
	if n := dbtest.CountOf(t, w.DB, "SELECT COUNT(*) FROM appeals"); n != before {
		t.Errorf("appeals %d after a refused filing, want %d", n, before)
	}
	files, _ := os.ReadDir(w.DB.FilesDir())
	if len(files) != 0 {
		t.Errorf("%d files left behind", len(files))
	}
	ap, err := appeal.Create(dbtest.Ctx(), w.DB, w.Ent, in, appeal.Upload{"现场.png", tinyPNG})
	if err != nil {
		t.Fatal(err)
	}
	events, err := appeal.Events(dbtest.Ctx(), w.DB, w.Ent, ap.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || len(events[0].Attachments) != 1 || events[0].Attachments[0].Name != "现场.png" {
		t.Fatalf("filing event attachments: %+v", events)
	}
	if _, err := os.Stat(filepath.Join(w.DB.FilesDir(), events[0].Attachments[0].StoredName)); err != nil {
		t.Error(err)
	}
}

func TestLeaderFilesOnlyForOwnPairs(t *testing.T) {
	w := dbtest.NewWorld(t)
	in := appeal.Input{Title: "走访发现的问题", Content: "企业反映用工招聘困难，希望协助对接。", Category: "用工", EnterpriseID: &w.OtherEnt.EnterpriseID}
	_, err := appeal.Create(dbtest.Ctx(), w.DB, w.Leader, in)
	if e := dbtest.WantCode(t, err, db.EINVALID); e != nil && !strings.Contains(e.Fields[0].Field, "enterprise_id") {
		t.Errorf("field %s", e.Fields[0].Field)
	}
	in.EnterpriseID = &w.Ent.EnterpriseID
	if _, err := appeal.Create(dbtest.Ctx(), w.DB, w.Leader, in); err != nil {
		t.Fatal(err)
	}
}

func TestAppealFilterOpenExtensionNumberOld(t *testing.T) {
	w := dbtest.NewWorld(t)
	first := w.File(t, w.Ent, nil)
	w.Advance(10)
	second := w.File(t, w.Ent, nil)
	second = w.Act(t, w.Office, second, appeal.ActionInput{Action: appeal.ActAccept})
	second = w.Act(t, w.Office, second, w.AssignTo(w.Dept.DepartmentID))
	w.Act(t, w.Dept, second, appeal.ActionInput{Action: appeal.ActRequestExtension, Days: 5, Note: "需要协调第三方"})
	yes, no := true, false
	for _, c := range []struct {
		name string
		f    appeal.Filter
		want []int64
	}{
		{"number", appeal.Filter{Number: strings.ToLower(first.Number)}, []int64{first.ID}},
		{"extension", appeal.Filter{Extension: &yes}, []int64{second.ID}},
		{"open", appeal.Filter{Open: &yes}, []int64{second.ID, first.ID}},
		{"closed", appeal.Filter{Open: &no}, nil},
		{"oldest first", appeal.Filter{Sort: "old"}, []int64{first.ID, second.ID}},
	} {
		list, err := appeal.List(dbtest.Ctx(), w.DB, w.Office, c.f)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var got []int64
		for _, ap := range list.Items {
			got = append(got, ap.ID)
		}
		if len(got) != len(c.want) || list.Total != len(c.want) {
			t.Errorf("%s: got %v (total %d), want %v", c.name, got, list.Total, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%s: got %v, want %v", c.name, got, c.want)
			}
		}
	}
}

package db

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var tinyPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")

// The enterprise behind a confidential appeal stays unnamed on everything it does later.
func TestConfidentialFilerStaysMasked(t *testing.T) {
	w := newWorld(t)
	ap := w.file(t, w.ent, func(in *AppealInput) { in.Confidential = true; in.ContactName = "张保密" })
	ap = w.act(t, w.ent, ap, ActionInput{Action: ActComment, Note: "补充说明情况"})
	ap, err := w.db.ActWithFiles(ctx(), w.ent, ap.ID, ActionInput{Action: ActAttach, Version: ap.Version}, []Upload{{"a.png", tinyPNG}})
	if err != nil {
		t.Fatal(err)
	}
	if n := countOf(t, w.db, "SELECT COUNT(*) FROM appeal_events WHERE appeal_id = ? AND actor_name = ?", ap.ID, w.ent.Name); n != 0 {
		t.Errorf("%d timeline events name the protected enterprise", n)
	}
	if n := countOf(t, w.db, "SELECT COUNT(*) FROM audit_events WHERE object_id = ? AND object_type = 'appeal' AND actor_name = ?", ap.ID, w.ent.Name); n != 0 {
		t.Errorf("%d audit events name the protected enterprise", n)
	}
	if n := countOf(t, w.db, "SELECT COUNT(*) FROM attachments WHERE appeal_id = ? AND uploaded_by IS NOT NULL", ap.ID); n != 0 {
		t.Errorf("%d attachments record the protected uploader", n)
	}
	// The office acting on it is named as usual.
	w.act(t, w.office, ap, ActionInput{Action: ActAccept})
	if n := countOf(t, w.db, "SELECT COUNT(*) FROM appeal_events WHERE appeal_id = ? AND actor_name = ?", ap.ID, w.office.Name); n != 1 {
		t.Errorf("office named on %d events, want 1", n)
	}
}

// Filing with files is all or nothing: a refused file leaves no appeal, row or file.
func TestCreateAppealWithFiles(t *testing.T) {
	w := newWorld(t)
	in := AppealInput{Title: "厂区停电影响生产", Content: "园区本月停电三次，未提前通知，造成损失。", Category: "要素保障-用电", EnterpriseID: &w.ent.EnterpriseID}
	before := countOf(t, w.db, "SELECT COUNT(*) FROM appeals")
	_, err := w.db.CreateAppeal(ctx(), w.ent, in, Upload{"ok.png", tinyPNG}, Upload{"bad.exe", []byte("MZ\x90\x00")})
	wantCode(t, err, EINVALID)
	if n := countOf(t, w.db, "SELECT COUNT(*) FROM appeals"); n != before {
		t.Errorf("appeals %d after a refused filing, want %d", n, before)
	}
	files, _ := os.ReadDir(w.db.FilesDir())
	if len(files) != 0 {
		t.Errorf("%d files left behind", len(files))
	}
	ap, err := w.db.CreateAppeal(ctx(), w.ent, in, Upload{"现场.png", tinyPNG})
	if err != nil {
		t.Fatal(err)
	}
	events, err := w.db.AppealEvents(ctx(), w.ent, ap.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || len(events[0].Attachments) != 1 || events[0].Attachments[0].Name != "现场.png" {
		t.Fatalf("filing event attachments: %+v", events)
	}
	if _, err := os.Stat(filepath.Join(w.db.FilesDir(), events[0].Attachments[0].storedName)); err != nil {
		t.Error(err)
	}
}

func TestLeaderFilesOnlyForOwnPairs(t *testing.T) {
	w := newWorld(t)
	in := AppealInput{Title: "走访发现的问题", Content: "企业反映用工招聘困难，希望协助对接。", Category: "用工", EnterpriseID: &w.otherEnt.EnterpriseID}
	_, err := w.db.CreateAppeal(ctx(), w.leader, in)
	if e := wantCode(t, err, EINVALID); e != nil && !strings.Contains(e.Fields[0].Field, "enterprise_id") {
		t.Errorf("field %s", e.Fields[0].Field)
	}
	in.EnterpriseID = &w.ent.EnterpriseID
	if _, err := w.db.CreateAppeal(ctx(), w.leader, in); err != nil {
		t.Fatal(err)
	}
}

func TestAppealFilterOpenExtensionNumberOld(t *testing.T) {
	w := newWorld(t)
	first := w.file(t, w.ent, nil)
	w.advance(10)
	second := w.file(t, w.ent, nil)
	second = w.act(t, w.office, second, ActionInput{Action: ActAccept})
	second = w.act(t, w.office, second, w.assignTo(w.dept.DepartmentID))
	w.act(t, w.dept, second, ActionInput{Action: ActRequestExtension, Days: 5, Note: "需要协调第三方"})
	yes, no := true, false
	for _, c := range []struct {
		name string
		f    AppealFilter
		want []int64
	}{
		{"number", AppealFilter{Number: strings.ToLower(first.Number)}, []int64{first.ID}},
		{"extension", AppealFilter{Extension: &yes}, []int64{second.ID}},
		{"open", AppealFilter{Open: &yes}, []int64{second.ID, first.ID}},
		{"closed", AppealFilter{Open: &no}, nil},
		{"oldest first", AppealFilter{Sort: "old"}, []int64{first.ID, second.ID}},
	} {
		list, err := w.db.ListAppeals(ctx(), w.office, c.f)
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

package appeal_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/dbtest"
	"qinqing/db/oversight"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
)

func TestNumbersUnderConcurrency(t *testing.T) {
	w := dbtest.NewWorld(t)
	first := w.File(t, w.Office, nil)
	var mu sync.Mutex
	var numbers []string
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			ap, err := appeal.Create(dbtest.Ctx(), w.DB, w.Ent, appeal.Input{Title: "并发提交的诉求", Content: "同一时刻提交的五十件诉求之一。", Category: "其他"})
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			numbers = append(numbers, ap.Number)
			mu.Unlock()
		})
	}
	wg.Wait()
	slices.Sort(numbers)
	var seq int
	fmt.Sscanf(first.Number, "SQ2026-%d", &seq)
	for i, n := range numbers {
		if want := fmt.Sprintf("SQ2026-%06d", seq+1+i); n != want {
			t.Fatalf("number %d is %s, want %s (all: %v)", i, n, want, numbers)
		}
	}
}

// TestConfidentialIdentity: a confidential appeal's complainant is in the identity vault
// and nowhere else — not on the row, the timeline or the audit chain.
func TestConfidentialIdentity(t *testing.T) {
	w := dbtest.NewWorld(t)
	plain := w.File(t, w.Ent, func(in *appeal.Input) { in.ContactName, in.ContactPhone = "李公开", "13800001111" })
	if plain.ContactName != "李公开" || dbtest.CountOf(t, w.DB, "SELECT COUNT(*) FROM appeals WHERE contact_phone = '13800001111'") != 1 {
		t.Fatalf("a plain appeal lost its contact: %+v", plain)
	}
	for _, c := range []struct {
		who          db.Actor
		name, phone  string
		confidential bool
		source       appeal.Source
	}{
		{w.Ent, "王保密", "13912345678", true, appeal.SourcePortal},
		{w.Auditor, "赵举报", "15804270001", false, appeal.SourceReport},
	} {
		ap := w.File(t, c.who, func(in *appeal.Input) {
			in.Confidential, in.Source, in.ContactName, in.ContactPhone = c.confidential, c.source, c.name, c.phone
		})
		ap = w.Act(t, intakeActor(ap, w), ap, appeal.ActionInput{Action: appeal.ActAccept})
		ap = w.Act(t, intakeActor(ap, w), ap, appeal.ActionInput{Action: appeal.ActComment, Note: "已核实情况"})
		if !ap.Confidential {
			t.Errorf("%s appeal not marked confidential", c.source)
		}
		for _, who := range []db.Actor{w.Office, w.Auditor, w.Admin, c.who} {
			if got, err := appeal.Find(dbtest.Ctx(), w.DB, who, ap.ID); err == nil && (got.ContactName != "" || got.ContactPhone != "") {
				t.Errorf("%s reads the identity of %s", who.Role, ap.Number)
			}
		}
		// Each query names what it searches for in order: a pattern of the name, of the
		// phone, or the appeal's id.
		const name, phone, id = 0, 1, 2
		for _, q := range []struct {
			sql  string
			args []int
		}{
			{"SELECT COUNT(*) FROM appeals WHERE contact_name || contact_phone LIKE ? OR contact_name || contact_phone LIKE ?", []int{name, phone}},
			{"SELECT COUNT(*) FROM appeals WHERE id = ? AND (contact_name != '' OR contact_phone != '' OR created_by IS NOT NULL)", []int{id}},
			{"SELECT COUNT(*) FROM appeal_events WHERE note || data || actor_name LIKE ? OR note || data || actor_name LIKE ?", []int{name, phone}},
			{"SELECT COUNT(*) FROM appeal_events WHERE appeal_id = ? AND action = 'file' AND actor_id IS NOT NULL", []int{id}},
			{"SELECT COUNT(*) FROM audit_events WHERE payload || actor_name LIKE ? OR payload || actor_name LIKE ?", []int{name, phone}},
			{"SELECT COUNT(*) FROM audit_events WHERE object_id = ? AND action = 'appeal.file' AND actor_id IS NOT NULL", []int{id}},
		} {
			vals := []any{"%" + c.name + "%", "%" + c.phone + "%", ap.ID}
			var args []any
			for _, i := range q.args {
				args = append(args, vals[i])
			}
			if n := dbtest.CountOf(t, w.DB, q.sql, args...); n != 0 {
				t.Errorf("%s: %s finds %d rows", c.source, q.sql, n)
			}
		}
		// The vault holds the identity sealed; only the auditor's reveal opens it.
		if n := dbtest.CountOf(t, w.DB, "SELECT COUNT(*) FROM appeal_identities WHERE appeal_id = ? AND name = '' AND phone = '' AND user_id IS NULL AND sealed IS NOT NULL",
			ap.ID); n != 1 {
			t.Errorf("%s: the vault holds %d sealed rows", c.source, n)
		}
		if id, err := oversight.RevealIdentity(dbtest.Ctx(), w.DB, w.Auditor, ap.ID, "核查举报线索"); err != nil || id.Name != c.name || id.Phone != c.phone {
			t.Errorf("%s: reveal %+v %v", c.source, id, err)
		}
	}
}

// intake is who handles the appeal's intake: the discipline office takes reports.
func intakeActor(ap *appeal.Appeal, w *dbtest.World) db.Actor {
	if ap.Source == appeal.SourceReport {
		return w.Auditor
	}
	return w.Office
}

func TestSearch(t *testing.T) {
	w := dbtest.NewWorld(t)
	text := func(in *appeal.Input) {
		in.Title, in.Content = "厂区供电线路改造", "我公司新建车间急需增容变压器，申请尽快办理用电报装手续。"
	}
	mine, theirs, other := w.File(t, w.Ent, text), w.File(t, w.OtherEnt, text), w.File(t, w.Ent, nil)
	found := func(who db.Actor, q string) map[int64]bool {
		t.Helper()
		list, err := appeal.List(dbtest.Ctx(), w.DB, who, appeal.Filter{Q: q, Page: db.Page{Limit: db.MaxLimit}})
		if err != nil {
			t.Fatalf("search %q by %s: %v", q, who.Role, err)
		}
		m := map[int64]bool{}
		for _, ap := range list.Items {
			m[ap.ID] = true
			if who.Role == db.RoleEnterprise && *ap.EnterpriseID != who.EnterpriseID {
				t.Errorf("search %q by an enterprise lists %s of enterprise %d", q, ap.Number, *ap.EnterpriseID)
			}
		}
		if len(m) != list.Total && list.NextCursor == "" {
			t.Errorf("search %q: total %d for %d items", q, list.Total, len(m))
		}
		return m
	}
	// 2 characters go through LIKE; 3 and more through the trigram index.
	for _, q := range []string{"供电", "变压器", "急需增容变压", "供电 报装", "用电报装手续", "线路改造"} {
		if got := found(w.Ent, q); !got[mine.ID] || got[theirs.ID] || got[other.ID] {
			t.Errorf("enterprise searches %q: %v, want only %d", q, got, mine.ID)
		}
		if got := found(w.Office, q); !got[mine.ID] || !got[theirs.ID] || got[other.ID] {
			t.Errorf("office searches %q: %v, want %d and %d", q, got, mine.ID, theirs.ID)
		}
	}
	for _, q := range []string{`"`, `""`, `变压器"`, `"变压器`, `*`, `变压*`, `NEAR(供电 变压器)`, `NEAR`, `-变压器`, `-`,
		`供电 OR 用水`, `AND`, `^供电`, `title:供电`, `(`, `')`, `\`, `供电-变压器"*`} {
		found(w.Office, q)
	}
	for _, q := range []string{"%", "_", "%%%"} {
		if got := found(w.Office, q); len(got) != 0 {
			t.Errorf("%q is a wildcard: %d appeals found", q, len(got))
		}
	}
	if _, err := appeal.List(dbtest.Ctx(), w.DB, w.Office, appeal.Filter{Q: strings.Repeat("长", 101)}); db.ErrorCode(err) != db.EINVALID {
		t.Errorf("an overlong term: %v", err)
	}
}

// pngOf is a file that sniffs as PNG, n bytes long.
func pngOf(n int) []byte {
	b := bytes.Repeat([]byte{0x42}, n)
	copy(b, "\x89PNG\r\n\x1a\n")
	return b
}

func TestAttachments(t *testing.T) {
	w := dbtest.NewWorld(t)
	ap := w.At(t, appeal.StageRectifying)
	png := pngOf(4096)
	ap, err := appeal.ActWithFiles(dbtest.Ctx(), w.DB, w.Ent, ap.ID, appeal.ActionInput{Action: appeal.ActAttach, Version: ap.Version, Note: "现场照片"},
		[]appeal.Upload{{Name: `..\..\现场.png`, Data: png}})
	if err != nil {
		t.Fatal(err)
	}
	events, _ := appeal.Events(dbtest.Ctx(), w.DB, w.Dept, ap.ID)
	last := events[len(events)-1]
	sum := sha256.Sum256(png)
	if last.Action != appeal.ActAttach || len(last.Attachments) != 1 {
		t.Fatalf("attach event %+v", last)
	}
	att := last.Attachments[0]
	if att.Name != "现场.png" || att.ContentType != "image/png" || att.Size != 4096 || att.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("attachment %+v", att)
	}
	_, path, err := appeal.OpenAttachment(dbtest.Ctx(), w.DB, w.Leader, att.ID)
	if err != nil || filepath.Dir(path) != w.DB.FilesDir() {
		t.Fatalf("open: %s %v", path, err)
	}
	if data, err := os.ReadFile(path); err != nil || sha256.Sum256(data) != sum {
		t.Errorf("stored file differs: %v", err)
	}
	for _, who := range []db.Actor{w.OtherEnt, w.OtherDept, w.OtherLeader} {
		if _, _, err := appeal.OpenAttachment(dbtest.Ctx(), w.DB, who, att.ID); db.ErrorCode(err) != db.ENOTFOUND {
			t.Errorf("%s opens the attachment: %v", who.Name, err)
		}
	}
	// Evidence rides on a stage-moving action too.
	pdf := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("x"), 100)...)
	ap, err = appeal.ActWithFiles(dbtest.Ctx(), w.DB, w.Dept, ap.ID, appeal.ActionInput{Action: appeal.ActReport, Version: ap.Version, Note: "整改报告见附件"},
		[]appeal.Upload{{Name: "整改报告.pdf", Data: pdf}})
	if err != nil || ap.Stage != appeal.StageFeedback {
		t.Fatalf("report with a file: %v", err)
	}

	exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00"), bytes.Repeat([]byte{0}, 100)...)
	for _, c := range []struct {
		name string
		who  db.Actor
		act  appeal.Action
		ups  []appeal.Upload
		code string
	}{
		{"an executable", w.Ent, appeal.ActAttach, []appeal.Upload{{Name: "tool.exe", Data: exe}}, db.EINVALID},
		{"an executable named png", w.Ent, appeal.ActAttach, []appeal.Upload{{Name: "photo.png", Data: exe}}, db.EINVALID},
		{"garbage", w.Ent, appeal.ActAttach, []appeal.Upload{{Name: "a.pdf", Data: []byte("just some text")}}, db.EINVALID},
		{"an empty file", w.Ent, appeal.ActAttach, []appeal.Upload{{Name: "a.png", Data: nil}}, db.EINVALID},
		{"no file", w.Ent, appeal.ActAttach, nil, db.EINVALID},
		{"a good file beside a bad one", w.Ent, appeal.ActAttach, []appeal.Upload{{Name: "a.png", Data: png}, {Name: "b.exe", Data: exe}}, db.EINVALID},
		{"over 10 MB", w.Ent, appeal.ActAttach, []appeal.Upload{{Name: "big.png", Data: pngOf(appeal.MaxAttachmentSize + 1)}}, db.ETOOLARGE},
		{"a good file on a forbidden action", w.Ent, appeal.ActClose, []appeal.Upload{{Name: "a.png", Data: png}}, db.EFORBIDDEN},
		{"a good file out of scope", w.OtherEnt, appeal.ActAttach, []appeal.Upload{{Name: "a.png", Data: png}}, db.ENOTFOUND},
	} {
		files, _ := os.ReadDir(w.DB.FilesDir())
		before := w.Snap(t, ap.ID)
		rows := dbtest.CountOf(t, w.DB, "SELECT COUNT(*) FROM attachments")
		_, err := appeal.ActWithFiles(dbtest.Ctx(), w.DB, c.who, ap.ID, appeal.ActionInput{Action: c.act, Version: ap.Version}, c.ups)
		if db.ErrorCode(err) != c.code {
			t.Errorf("%s: %v, want %s", c.name, err, c.code)
		}
		after, _ := os.ReadDir(w.DB.FilesDir())
		if len(after) != len(files) || dbtest.CountOf(t, w.DB, "SELECT COUNT(*) FROM attachments") != rows || !reflect.DeepEqual(w.Snap(t, ap.ID), before) {
			t.Errorf("%s: left %d files (was %d) or rows behind", c.name, len(after), len(files))
		}
	}
	if len(must(os.ReadDir(w.DB.FilesDir()))) != 2 {
		t.Errorf("files dir holds other than the two accepted files")
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

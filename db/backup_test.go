package db_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/dbtest"
	"qinqing/db/oversight"
	"testing"
)

// cutAfterDB is a context that ends once the backup's copy of the database is written,
// as when the process is stopped while the attachments are being copied.
type cutAfterDB struct {
	context.Context
	dir string
}

func (c cutAfterDB) Done() <-chan struct{} { return nil }

func (c cutAfterDB) Err() error {
	partial, _ := filepath.Glob(filepath.Join(c.dir, "*.partial-*"))
	for _, p := range partial {
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Size() > 0 {
			return context.Canceled
		}
	}
	return nil
}

// TestBackupWithAttachments backs up a report with evidence: the copy holds the file and,
// with the original key file, opens the reporter's identity. A backup cut short leaves
// nothing at its target.
func TestBackupWithAttachments(t *testing.T) {
	dbtest.SQLiteOnly(t)
	c := dbtest.MustCity(t)
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{3}, 300)...)
	dept := c.DeptID
	f, err := oversight.FileReport(dbtest.Ctx(), c.DB, c.Keys, oversight.ReportInput{Category: "吃拿卡要", Title: "窗口人员索要好处费",
		Content: "办理许可证时窗口人员暗示需要另外“意思意思”才给加快办理。", AboutDepartmentID: &dept,
		ContactName: "备份举报人", ContactPhone: "13512345678"}, []appeal.Upload{{Name: "证据.png", Data: png}})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()

	cut := filepath.Join(dir, "cut.db")
	if err := c.DB.Backup(cutAfterDB{context.Background(), dir}, cut); err == nil {
		t.Fatal("the cut backup succeeded")
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Fatalf("a cut backup left %v", left)
	}

	dest := filepath.Join(dir, "copy.db")
	if err := c.DB.Backup(dbtest.Ctx(), dest); err != nil {
		t.Fatal(err)
	}
	copies, _ := filepath.Glob(dest + ".files/*.png")
	if len(copies) != 1 {
		t.Fatalf("attachments in the backup: %v", copies)
	}
	if got, err := os.ReadFile(copies[0]); err != nil || !bytes.Equal(got, png) {
		t.Errorf("the copied attachment differs: %v", err)
	}
	if err := c.DB.Backup(dbtest.Ctx(), dest); err == nil {
		t.Error("a backup over an existing one")
	}
	// A restore is the copy beside the key file it was made with.
	copied, err := db.Open(dest)
	if err != nil {
		t.Fatal(err)
	}
	defer copied.Close()
	if _, err := copied.OpenKeys(dbtest.Ctx(), c.DB.Path+".key"); err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := copied.Read.QueryRow("SELECT id FROM appeals WHERE number = ?", f.Number).Scan(&id); err != nil {
		t.Fatal(err)
	}
	who, err := oversight.RevealIdentity(dbtest.Ctx(), copied, c.Auditor, id, "核查备份中的举报")
	if err != nil || who.Name != "备份举报人" {
		t.Errorf("reveal from the backup: %+v %v", who, err)
	}
	at, path, err := appeal.OpenAttachment(dbtest.Ctx(), copied, c.Auditor, attachmentOf(t, copied, id))
	if err != nil || at.Size != int64(len(png)) {
		t.Fatalf("attachment in the backup: %v", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("the restored database does not find its attachment: %v", err)
	}
}

func attachmentOf(t *testing.T, d *db.DB, appealID int64) int64 {
	t.Helper()
	var id int64
	if err := d.Read.QueryRow("SELECT id FROM attachments WHERE appeal_id = ?", appealID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

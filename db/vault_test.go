package db_test

import (
	"bytes"
	"os"
	"path/filepath"
	"qinqing/db"
	"qinqing/db/dbtest"
	"qinqing/db/oversight"
	"strconv"
	"strings"
	"testing"
)

// fileBytes is the database file and its WAL, as a copy of them would hold.
func fileBytes(t *testing.T, path string) []byte {
	t.Helper()
	var all []byte
	for _, p := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}

// TestVaultSealsOldRows turns a vault row back into plaintext, as an older version wrote
// it, and reopens: the row is sealed, no trace of it is left in the files, and the
// auditor still reads it.
func TestVaultSealsOldRows(t *testing.T) {
	dbtest.SQLiteOnly(t) // looks for the plaintext in the database file and its WAL, then reopens the file
	c := dbtest.MustCity(t)
	const name, phone = "司马旧数据", "13700001111"
	_, id := c.Report(t, c.DeptID, "临时姓名", "13800000000")
	dbtest.Tamper(t, c.DB, "UPDATE appeal_identities SET name = '"+name+"', phone = '"+phone+"', sealed = NULL WHERE appeal_id = "+strconv.FormatInt(id, 10))
	dbtest.Tamper(t, c.DB, "DELETE FROM settings WHERE key = 'key_fingerprint'")
	path := c.DB.Path
	c.DB.Close()
	if !bytes.Contains(fileBytes(t, path), []byte(name)) {
		t.Fatal("the old row is not in the file: the test proves nothing")
	}

	// Without a fingerprint, a database that holds receipts still refuses a missing key.
	if err := os.Rename(path+".key", path+".key.saved"); err != nil {
		t.Fatal(err)
	}
	d, err := db.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.OpenKeys(dbtest.Ctx(), path+".key"); err == nil || !strings.Contains(err.Error(), "从备份恢复") {
		t.Errorf("missing key on a database with receipts: %v", err)
	}
	if _, err := os.Stat(path + ".key"); !os.IsNotExist(err) {
		t.Fatalf("a new key file was made: %v", err)
	}
	os.Rename(path+".key.saved", path+".key")
	k, err := d.OpenKeys(dbtest.Ctx(), path+".key")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := d.Setting(dbtest.Ctx(), "key_fingerprint"); got != k.Fingerprint {
		t.Errorf("fingerprint %q, want %q", got, k.Fingerprint)
	}
	raw := fileBytes(t, path)
	for _, s := range []string{name, phone} {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("the files still hold %q", s)
		}
	}
	got, err := oversight.RevealIdentity(dbtest.Ctx(), d, c.Auditor, id, "核查旧举报线索")
	if err != nil || got.Name != name || got.Phone != phone {
		t.Errorf("reveal: %+v %v", got, err)
	}
}

// TestVaultBindsAppeal moves a sealed identity to another report: it no longer opens.
func TestVaultBindsAppeal(t *testing.T) {
	c := dbtest.MustCity(t)
	_, a := c.Report(t, c.DeptID, "甲举报人", "13600000001")
	_, b := c.Report(t, c.DeptID, "乙举报人", "13600000002")
	// The vault is no append-only table: no trigger to lift, on either engine.
	if _, err := c.DB.Write.Exec("UPDATE appeal_identities SET sealed = (SELECT sealed FROM appeal_identities WHERE appeal_id = ?) WHERE appeal_id = ?", a, b); err != nil {
		t.Fatal(err)
	}
	if got, err := oversight.RevealIdentity(dbtest.Ctx(), c.DB, c.Auditor, b, "核查举报线索"); err == nil {
		t.Errorf("a sealed identity moved to another report opens: %+v", got)
	}
}

// TestNewDatabaseMakesKey: an empty database may make its key file; a second database
// may not adopt it.
func TestNewDatabaseMakesKey(t *testing.T) {
	dir := t.TempDir()
	d, err := db.Open(filepath.Join(dir, "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	k, err := d.OpenKeys(dbtest.Ctx(), filepath.Join(dir, "a.key"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dir, "a.key"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", st, err)
	}
	if again, err := d.OpenKeys(dbtest.Ctx(), filepath.Join(dir, "a.key")); err != nil || again.Fingerprint != k.Fingerprint {
		t.Errorf("reopen: %v", err)
	}
	if _, err := d.OpenKeys(dbtest.Ctx(), filepath.Join(dir, "b.key")); err == nil {
		t.Error("a database that knows its key accepted a new one")
	}
}

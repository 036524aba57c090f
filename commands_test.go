package main

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"qinqing/db"
)

func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "q.db")
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	mustMigrate(t, dbPath)
	good := write("good.csv", "企业名称,统一社会信用代码\n盘锦示例石化有限公司,914403001922038216\n")
	bad := write("bad.csv", "企业名称,统一社会信用代码\n盘锦示例物流有限公司,91110000100006485X\n")
	var out bytes.Buffer
	if err := run(context.Background(), []string{"import", "--db", dbPath, "enterprises", bad}, &out, &out); err == nil ||
		!strings.Contains(out.String(), "第 2 行") {
		t.Fatalf("bad file: %v\n%s", err, out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"import", "--db", dbPath, "enterprises", good}, &out, &out); err != nil ||
		!strings.Contains(out.String(), "新增 1") {
		t.Fatalf("good file: %v\n%s", err, out.String())
	}
	if err := run(context.Background(), []string{"import", "--db", dbPath, "visits", good}, &out, &out); err == nil {
		t.Errorf("unknown kind imported")
	}
}

// mustMigrate makes a database the way an operator does, before the other commands.
func mustMigrate(t *testing.T, path string) {
	t.Helper()
	if out, err := runCmd(t, "migrate", "--db", path); err != nil {
		t.Fatalf("migrate: %q %v", out, err)
	}
}

// nonCreating are the commands that must never make a database, each on the path given.
func nonCreating(dir, path string) [][]string {
	csv := filepath.Join(dir, "ledger.csv")
	os.WriteFile(csv, []byte("企业名称,统一社会信用代码\n盘锦示例石化有限公司,914403001922038216\n"), 0o600)
	return [][]string{
		{"backup", "--db", path, filepath.Join(dir, "out.db")},
		{"audit", "verify", "--db", path},
		{"audit", "checkpoint", "--db", path},
		{"import", "--db", path, "enterprises", csv},
		{"user", "add", "--db", path, "--username", "boss", "--password", "我们一起建设亲清政商关系", "--role", "admin"},
	}
}

// TestCommandsRefuseMissingDatabase tries a mistyped --db with every command that may
// not create a database: each refuses, names the path, and leaves no file behind.
func TestCommandsRefuseMissingDatabase(t *testing.T) {
	dir := t.TempDir()
	typo := filepath.Join(dir, "typo.db")
	for _, args := range nonCreating(dir, typo) {
		out, err := runCmd(t, args...)
		if err == nil || !strings.Contains(err.Error(), typo) || !strings.Contains(err.Error(), "不存在") {
			t.Errorf("%v: %v\n%s", args, err, out)
		}
		for _, p := range []string{typo, typo + "-wal", typo + "-shm", filepath.Join(dir, "out.db")} {
			if _, err := os.Stat(p); err == nil {
				t.Fatalf("%v made %s", args, p)
			}
		}
	}
}

// TestCommandsRefuseOldSchema runs the commands against a database that lacks this
// program's newest migration: each refuses, tells the operator to run migrate, and the
// schema stays as it was.
func TestCommandsRefuseOldSchema(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "q.db")
	mustMigrate(t, path)
	raw, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var newest int
	if err := raw.QueryRow("SELECT MAX(version) FROM schema_migrations").Scan(&newest); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("DELETE FROM schema_migrations WHERE version = ?", newest); err != nil {
		t.Fatal(err)
	}
	for _, args := range nonCreating(dir, path) {
		out, err := runCmd(t, args...)
		if err == nil || !strings.Contains(err.Error(), "qinqing migrate") {
			t.Errorf("%v on an old schema: %v\n%s", args, err, out)
		}
		var n int
		if err := raw.QueryRow("SELECT COUNT(*) FROM schema_migrations WHERE version = ?", newest).Scan(&n); err != nil || n != 0 {
			t.Fatalf("%v migrated the database (%d, %v)", args, n, err)
		}
	}
	// Once the schema is up to date again, the commands work.
	if _, err := raw.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'x', 0)", newest); err != nil {
		t.Fatal(err)
	}
	if out, err := runCmd(t, "audit", "verify", "--db", path); err != nil {
		t.Errorf("verify after migrate: %v\n%s", err, out)
	}
}

// TestAuditVerifyReadOnly verifies a database on "read-only media": the file 0444 in a
// folder 0555. Tests run as root, whom modes do not stop, so the proof is that the
// file's bytes are the same afterwards; the old verify moved a mark stored in it.
func TestAuditVerifyReadOnly(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "media")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "q.db")
	mustMigrate(t, path)
	if out, err := runCmd(t, "user", "add", "--db", path, "--username", "boss", "--password", "我们一起建设亲清政商关系", "--role", "admin"); err != nil {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	for _, p := range []string{path + "-wal", path + "-shm"} {
		if _, err := os.Stat(p); err == nil {
			t.Fatalf("%s left behind by a closed database", p)
		}
	}
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o444); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o700) })
	out, err := runCmd(t, "audit", "verify", "--db", path)
	if err != nil || !strings.HasPrefix(out, "ok: 1 events") {
		t.Fatalf("verify on read-only media: %v\n%s", err, out)
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Errorf("audit verify changed the database file")
	}
	if os.Getuid() != 0 {
		// Modes bind everyone else: a command that writes says the file is read-only.
		out, err := runCmd(t, "user", "add", "--db", path, "--username", "boss2", "--password", "我们一起建设亲清政商关系", "--role", "admin")
		if err == nil || !strings.Contains(err.Error(), "只读") {
			t.Errorf("user add on a read-only file: %v\n%s", err, out)
		}
	}
}

// TestStorageErrorBusy takes a real SQLITE_BUSY from a second connection that cannot
// get the write lock, and checks that it is told as a busy database.
func TestStorageErrorBusy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "q.db")
	mustMigrate(t, path)
	hold, err := sql.Open("sqlite3", "file:"+path+"?_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer hold.Close()
	tx, err := hold.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	other, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=0&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	_, err = other.Begin()
	if e := db.StorageError(err); e == nil || e.Code != db.EUNAVAILABLE || !strings.Contains(e.Message, "数据库繁忙") {
		t.Errorf("busy error %v told as %v", err, e)
	}
	if db.StorageError(os.ErrNotExist) != nil {
		t.Errorf("an unrelated error told as a storage failure")
	}
}

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"qinqing/db"
)

func TestAuditCheckpointCommand(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "q.db")
	const pw = "我们一起建设亲清政商关系"
	mustMigrate(t, path)
	if _, err := runCmd(t, "user", "add", "--db", path, "--username", "boss", "--password", pw, "--role", "admin"); err != nil {
		t.Fatal(err)
	}
	// The command line never makes a key: a missing file means a wrong path.
	if out, err := runCmd(t, "audit", "checkpoint", "--db", path); err == nil {
		t.Fatalf("checkpoint without a key file: %q", out)
	}
	// The server makes it beside the database, or where --key says, readable by its owner only.
	custom := filepath.Join(dir, "keys", "audit.key")
	os.MkdirAll(filepath.Dir(custom), 0o700)
	m := start(t, &Main{Addr: "127.0.0.1:0", DBPath: path, KeyPath: custom})
	if status, _ := get(t, m, "/api/v1/audit/key", ""); status != 200 {
		t.Errorf("audit key: %d", status)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + ".key"); err == nil {
		t.Error("a key was made beside the database although --key names another file")
	}
	st, err := os.Stat(custom)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", st, err)
	}

	note, err := runCmd(t, "audit", "checkpoint", "--db", path, "--key", custom)
	if err != nil || !strings.HasPrefix(note, db.KeyName+"\n") {
		t.Fatalf("checkpoint: %q %v", note, err)
	}
	cp := filepath.Join(dir, "cp.txt")
	os.WriteFile(cp, []byte(note), 0o644)
	if _, err := runCmd(t, "user", "add", "--db", path, "--username", "boss2", "--password", pw, "--role", "auditor"); err != nil {
		t.Fatal(err)
	}
	out, err := runCmd(t, "audit", "verify", "--db", path, "--key", custom, "--checkpoint", cp)
	if err != nil || !strings.Contains(out, "extends the checkpoint") {
		t.Fatalf("verify: %q %v", out, err)
	}
	t.Setenv("QINQING_KEY", custom)
	if out, err := runCmd(t, "audit", "verify", "--db", path, "--checkpoint", cp); err != nil {
		t.Errorf("verify with QINQING_KEY: %q %v", out, err)
	}

	other := filepath.Join(dir, "other.key")
	if _, err := db.CreateKeys(other); err != nil {
		t.Fatal(err)
	}
	if out, err := runCmd(t, "audit", "verify", "--db", path, "--key", other, "--checkpoint", cp); err == nil || !strings.Contains(out, "REFUSED") {
		t.Errorf("another key's verify: %q %v", out, err)
	}
	forged := filepath.Join(dir, "forged.txt")
	lines := strings.SplitN(note, "\n", 3)
	os.WriteFile(forged, []byte(lines[0]+"\n0\n"+lines[2]), 0o644)
	if out, err := runCmd(t, "audit", "verify", "--db", path, "--key", custom, "--checkpoint", forged); err == nil {
		t.Errorf("an edited checkpoint verifies: %q", out)
	}
	// Windows line ends are forgiven, as a copy through another machine may bring them.
	crlf := filepath.Join(dir, "crlf.txt")
	os.WriteFile(crlf, []byte(strings.ReplaceAll(note, "\n", "\r\n")), 0o644)
	if out, err := runCmd(t, "audit", "verify", "--db", path, "--key", custom, "--checkpoint", crlf); err != nil {
		t.Errorf("CRLF checkpoint: %q %v", out, err)
	}
}

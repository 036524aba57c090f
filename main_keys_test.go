package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"log/slog"
	"os"
	"path/filepath"
	"qinqing/db/appeal"
	"qinqing/db/audit"
	"qinqing/db/oversight"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"qinqing/db"
)

const (
	testPassword = "我们一起建设亲清政商关系"
	// The reporter's identity is distinctive, so that finding it in a file means a leak.
	reporterName  = "欧阳举报测"
	reporterPhone = "13987650123"
)

// keyWorld is a server on a fresh database with an admin and an auditor, and one named
// report with an attachment.
type keyWorld struct {
	dir, path string
	m         *Main
	number    string
}

func newKeyWorld(t *testing.T) *keyWorld {
	t.Helper()
	w := &keyWorld{dir: t.TempDir()}
	w.path = filepath.Join(w.dir, "q.db")
	mustMigrate(t, w.path)
	for _, u := range [][]string{{"boss", "admin"}, {"jijian", "auditor"}} {
		if out, err := runCmd(t, "user", "add", "--db", w.path, "--username", u[0], "--password", testPassword, "--role", u[1]); err != nil {
			t.Fatalf("user add: %q %v", out, err)
		}
	}
	w.m = start(t, &Main{Addr: "127.0.0.1:0", DBPath: w.path})
	t.Cleanup(func() {
		if w.m != nil {
			w.m.Close()
		}
	})
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{9}, 500)...)
	filed, err := oversight.FileReport(context.Background(), w.m.DB, w.m.Keys, oversight.ReportInput{Category: "吃拿卡要",
		Title: "执法检查索要财物", Content: "检查人员暗示需要“意思意思”才能通过验收。",
		ContactName: reporterName, ContactPhone: reporterPhone}, []appeal.Upload{{Name: "证据.png", Data: png}})
	if err != nil {
		t.Fatal(err)
	}
	w.number = filed.Number
	return w
}

// stop closes the server; Main.Close must run once only.
func (w *keyWorld) stop(t *testing.T) {
	t.Helper()
	m := w.m
	w.m = nil
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
}

// raw is what a thief with a copy of the database files gets: the main file and its WAL.
func (w *keyWorld) raw(t *testing.T) []byte {
	t.Helper()
	var all []byte
	for _, p := range []string{w.path, w.path + "-wal"} {
		b, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}

// query reads the database file directly, as anyone holding a copy can.
func (w *keyWorld) query(t *testing.T, q string, args ...any) *sql.Rows {
	t.Helper()
	conn, err := sql.Open("sqlite3", "file:"+w.path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	rows, err := conn.Query(q, args...)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// adminToken signs a session token for the admin with secret, as handlers would.
func (w *keyWorld) adminToken(t *testing.T, secret []byte) string {
	t.Helper()
	rows := w.query(t, "SELECT id, token_version FROM users WHERE username = 'boss'")
	defer rows.Close()
	var id, ver int64
	if !rows.Next() {
		t.Fatal("no admin")
	}
	rows.Scan(&id, &ver)
	now := time.Now()
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"ver": ver, "iss": "qinqing",
		"sub": strconv.FormatInt(id, 10), "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}).SignedString(secret)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestDatabaseCopyCannotMintToken tries to sign in as the admin with every secret that a
// copy of the database holds.
func TestDatabaseCopyCannotMintToken(t *testing.T) {
	w := newKeyWorld(t)
	login(t, w.m, "boss", testPassword)
	rows := w.query(t, "SELECT key, value FROM settings")
	defer rows.Close()
	for rows.Next() {
		var k, v string
		rows.Scan(&k, &v)
		for _, secret := range []string{v, string(mustHex(v))} {
			if len(secret) == 0 {
				continue
			}
			if status, _ := get(t, w.m, "/api/v1/me", w.adminToken(t, []byte(secret))); status != 401 {
				t.Errorf("a token signed with setting %s is accepted: %d", k, status)
			}
		}
	}
	key := w.m.Keys.TokenKey()
	raw := w.raw(t)
	for _, form := range [][]byte{key, []byte(hex.EncodeToString(key)), []byte(base64.StdEncoding.EncodeToString(key))} {
		if bytes.Contains(raw, form) {
			t.Errorf("the database files hold the token key (%d bytes)", len(form))
		}
	}
	// The forger's method itself works: with the key file's key it is accepted.
	if status, _ := get(t, w.m, "/api/v1/me", w.adminToken(t, key)); status != 200 {
		t.Errorf("a token signed with the key file's key: %d", status)
	}
}

func mustHex(s string) []byte {
	b, _ := hex.DecodeString(s)
	return b
}

// TestSecretFromEnvironment keeps an explicit secret as the token key, so that another
// service given the same secret can check tokens.
func TestSecretFromEnvironment(t *testing.T) {
	w := newKeyWorld(t)
	w.stop(t)
	secret := "an explicit secret of enough length"
	w.m = start(t, &Main{Addr: "127.0.0.1:0", DBPath: w.path, Secret: secret})
	if status, _ := get(t, w.m, "/api/v1/me", w.adminToken(t, []byte(secret))); status != 200 {
		t.Errorf("token signed with QINQING_SECRET: %d", status)
	}
	if status, _ := get(t, w.m, "/api/v1/me", w.adminToken(t, w.m.Keys.TokenKey())); status != 401 {
		t.Errorf("token signed with the key file's key while a secret is set: %d", status)
	}
}

// TestVaultSealedAtRest looks for the reporter's name and phone in the bytes of the
// database and its WAL, before and after a checkpoint; the auditor still reads them.
func TestVaultSealedAtRest(t *testing.T) {
	w := newKeyWorld(t)
	check := func(when string) {
		t.Helper()
		raw := w.raw(t)
		for _, s := range []string{reporterName, reporterPhone} {
			if bytes.Contains(raw, []byte(s)) {
				t.Errorf("%s: the database files hold %q", when, s)
			}
		}
	}
	check("in the WAL")
	if _, err := audit.SignCheckpoint(context.Background(), w.m.DB, w.m.Keys); err != nil {
		t.Fatal(err)
	}
	conn, err := sql.Open("sqlite3", "file:"+w.path)
	if err != nil {
		t.Fatal(err)
	}
	var busy, frames, done int
	err = conn.QueryRow("PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &frames, &done)
	conn.Close()
	if err != nil || busy != 0 {
		t.Fatalf("checkpoint: busy %d, %v", busy, err)
	}
	check("after a checkpoint")

	rows := w.query(t, "SELECT id FROM appeals WHERE number = ?", w.number)
	var id int64
	if !rows.Next() {
		t.Fatal("report not found")
	}
	rows.Scan(&id)
	rows.Close()
	tok := login(t, w.m, "jijian", testPassword)
	status, got := post(t, w.m, "/api/v1/appeals/"+strconv.FormatInt(id, 10)+"/identity", tok, map[string]string{"reason": "核查举报线索需联系举报人"})
	if status != 200 || got["name"] != reporterName || got["phone"] != reporterPhone {
		t.Errorf("auditor's reveal: %d %v", status, got)
	}
}

// TestFilesPrivate checks that the database, its WAL and shared memory, the attachments
// and a backup are for their owner only, whatever the umask.
func TestFilesPrivate(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	w := newKeyWorld(t)
	dest := filepath.Join(w.dir, "copy.db")
	if out, err := runCmd(t, "backup", "--db", w.path, dest); err != nil {
		t.Fatalf("backup: %q %v", out, err)
	}
	want := map[string]os.FileMode{w.path: 0o600, w.path + "-wal": 0o600, w.path + "-shm": 0o600, w.path + ".key": 0o600,
		w.path + ".files": 0o700, dest: 0o600, dest + ".files": 0o700}
	files, _ := filepath.Glob(w.path + ".files/*")
	copies, _ := filepath.Glob(dest + ".files/*")
	if len(files) != 1 || len(copies) != 1 {
		t.Errorf("attachments %v, in the backup %v", files, copies)
	}
	for _, f := range append(files, copies...) {
		want[f] = 0o600
	}
	for p, mode := range want {
		st, err := os.Stat(p)
		if err != nil {
			t.Errorf("%s: %v", p, err)
		} else if st.Mode().Perm() != mode {
			t.Errorf("%s: mode %v, want %v", filepath.Base(p), st.Mode().Perm(), mode)
		}
	}
}

// TestKeyFileRefused starts a database that knows its key with the key file missing and
// with another key file: both are refused, with a message that names the file and says
// to restore it, and no key file is made.
func TestKeyFileRefused(t *testing.T) {
	w := newKeyWorld(t)
	w.stop(t)
	keyFile := w.path + ".key"
	saved := filepath.Join(w.dir, "saved.key")
	if err := os.Rename(keyFile, saved); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(w.dir, "other.key")
	if _, err := db.CreateKeys(other); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, key, path string }{
		{"missing", "", keyFile},
		{"another", other, other},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := &Main{Addr: "127.0.0.1:0", DBPath: w.path, KeyPath: tt.key}
			err := m.Run(context.Background())
			if err == nil {
				m.Close()
				t.Fatal("the server started")
			}
			if msg := err.Error(); !strings.Contains(msg, tt.path) || !strings.Contains(msg, "从备份恢复") {
				t.Errorf("message: %s", msg)
			}
		})
	}
	if _, err := os.Stat(keyFile); !os.IsNotExist(err) {
		t.Errorf("a key file was made: %v", err)
	}
	// The command line refuses the same way.
	if out, err := runCmd(t, "demo", "--db", w.path, "--key", other); err == nil {
		t.Errorf("demo with another key: %q", out)
	}
	// The restored key starts the server again; a key file others may read is reported.
	os.Rename(saved, keyFile)
	os.Chmod(keyFile, 0o644)
	var log bytes.Buffer
	w.m = start(t, &Main{Addr: "127.0.0.1:0", DBPath: w.path, Logger: slog.New(slog.NewTextHandler(&log, nil))})
	if !strings.Contains(log.String(), "level=WARN") || !strings.Contains(log.String(), keyFile) {
		t.Errorf("no warning about the key file's mode: %s", log.String())
	}
}

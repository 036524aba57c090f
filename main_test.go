package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"qinqing/db/audit"
	"qinqing/db/demo"
	"qinqing/db/register"
	"strings"
	"testing"

	"qinqing/db"
)

func runCmd(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, &out, &errb)
	return out.String() + errb.String(), err
}

// post sends JSON to a running Main and decodes the JSON answer.
func post(t *testing.T, m *Main, path, token string, body any) (int, map[string]any) {
	t.Helper()
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", "http://"+m.Listener.Addr().String()+path, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	return send(t, req, token)
}

func get(t *testing.T, m *Main, path, token string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("GET", "http://"+m.Listener.Addr().String()+path, nil)
	return send(t, req, token)
}

func send(t *testing.T, req *http.Request, token string) (int, map[string]any) {
	t.Helper()
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	var out map[string]any
	body, _ := io.ReadAll(res.Body)
	_ = json.Unmarshal(body, &out)
	return res.StatusCode, out
}

func login(t *testing.T, m *Main, user, password string) string {
	t.Helper()
	status, out := post(t, m, "/api/v1/auth/login", "", map[string]string{"username": user, "password": password})
	tok, _ := out["token"].(string)
	if status != 200 || tok == "" {
		t.Fatalf("login %s: %d %v", user, status, out)
	}
	return tok
}

func start(t *testing.T, m *Main) *Main {
	t.Helper()
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestCommands(t *testing.T) {
	out, err := runCmd(t, "version")
	if err != nil || !strings.HasPrefix(out, "qinqing ") {
		t.Errorf("version: %q %v", out, err)
	}
	if out, err := runCmd(t, "help"); err != nil || !strings.Contains(out, "user add") {
		t.Errorf("help: %q %v", out, err)
	}
	for _, args := range [][]string{{"frobnicate"}, {"audit"}, {"audit", "fix"}, {"user"}, {"backup"}} {
		if _, err := runCmd(t, args...); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}

func TestUserAdd(t *testing.T) {
	path := filepath.Join(t.TempDir(), "q.db")
	const pw = "我们一起建设亲清政商关系"
	mustMigrate(t, path)
	out, err := runCmd(t, "user", "add", "--db", path, "--username", "boss", "--password", pw, "--role", "admin", "--name", "张局长")
	if err != nil || !strings.Contains(out, "boss") {
		t.Fatalf("user add: %q %v", out, err)
	}
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"duplicate", []string{"--username", "boss", "--password", pw, "--role", "admin"}},
		{"weak password", []string{"--username", "weak", "--password", "12345678", "--role", "admin"}},
		{"bad role", []string{"--username", "who", "--password", pw, "--role", "king"}},
		{"department without its id", []string{"--username", "dept", "--password", pw, "--role", "department"}},
		{"unknown department", []string{"--username", "dept", "--password", pw, "--role", "department", "--department-id", "7"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if out, err := runCmd(t, append([]string{"user", "add", "--db", path}, tt.args...)...); err == nil {
				t.Errorf("accepted: %q", out)
			}
		})
	}

	m := start(t, &Main{Addr: "127.0.0.1:0", DBPath: path})
	defer m.Close()
	tok := login(t, m, "boss", pw)
	if status, me := get(t, m, "/api/v1/me", tok); status != 200 || me["role"] != "admin" || me["display_name"] != "张局长" {
		t.Errorf("me: %d %v", status, me)
	}
	if status, _ := post(t, m, "/api/v1/auth/login", "", map[string]string{"username": "weak", "password": "12345678"}); status != 401 {
		t.Errorf("refused account exists: %d", status)
	}
}

func TestMainDemoRestart(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "city.db")
	var out bytes.Buffer
	m := start(t, &Main{Addr: "127.0.0.1:0", DBPath: path, Demo: true, Stdout: &out})
	if status, body := get(t, m, "/healthz", ""); status != 200 || body["status"] != "ok" {
		t.Errorf("healthz: %d %v", status, body)
	}
	tok := login(t, m, "admin", demo.Password)
	for _, role := range db.Roles {
		if !strings.Contains(out.String(), string(role)) {
			t.Errorf("start-up output does not list the %s account: %q", role, out.String())
		}
	}
	if err := m.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if _, err := m.Listener.Accept(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("listener after Close: %v, want closed", err)
	}
	if err := m.DB.Ping(context.Background()); err == nil {
		t.Errorf("database still open after Close")
	}

	out.Reset()
	m2 := start(t, &Main{Addr: "127.0.0.1:0", DBPath: path, Demo: true, Stdout: &out})
	counts, err := register.CountCity(context.Background(), m2.DB)
	// 680 enterprises in the register, and the one a demo 12345 ticket registered for review.
	if err != nil || counts.Enterprises != 681 || counts.Users != 6 {
		t.Errorf("after restart with --demo: %+v %v", counts, err)
	}
	// The token key comes from the key file, so a sign-in survives a restart.
	if status, _ := get(t, m2, "/api/v1/me", tok); status != 200 {
		t.Errorf("token from before the restart: %d", status)
	}
	if err := m2.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}

	if out, err := runCmd(t, "audit", "verify", "--db", path); err != nil || !strings.HasPrefix(out, "ok: ") {
		t.Errorf("audit verify: %q %v", out, err)
	}
	if out, err := runCmd(t, "migrate", "--db", path); err != nil || !strings.Contains(out, "schema version") {
		t.Errorf("migrate: %q %v", out, err)
	}
	dest := filepath.Join(dir, "backup.db")
	if out, err := runCmd(t, "backup", "--db", path, dest); err != nil {
		t.Fatalf("backup: %q %v", out, err)
	}
	if fi, err := os.Stat(dest); err != nil || fi.Size() == 0 {
		t.Fatalf("backup file: %v", err)
	}
	copied, err := db.Open(dest)
	if err != nil {
		t.Fatal(err)
	}
	defer copied.Close()
	if c, err := register.CountCity(context.Background(), copied); err != nil || c.Enterprises != 681 {
		t.Errorf("backup holds %+v %v", c, err)
	}
	if v, err := audit.Verify(context.Background(), copied); err != nil || !v.OK {
		t.Errorf("backup's audit chain: %+v %v", v, err)
	}
	if _, err := runCmd(t, "backup", "--db", path, dest); err == nil {
		t.Errorf("backup over an existing file: no error")
	}
}

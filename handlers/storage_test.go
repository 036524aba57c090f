package handlers_test

import (
	"context"
	"qinqing/db/demo"
	"strings"
	"testing"

	"qinqing/db"
	"qinqing/db/dbtest"
)

// TestDiskFull fills the "disk" with SQLite's page limit on the writer: a create is
// answered 503 with Retry-After and a message that says the disk is full, /healthz
// reports degraded, signing in still works (its audit event is dropped and counted),
// and once space is back writes succeed and /healthz is ok again.
func TestDiskFull(t *testing.T) {
	// The full disk is made with SQLite's page limit; PostgreSQL has no such cap to set.
	dbtest.SQLiteOnly(t)
	a := startAPI(t)
	ctx := context.Background()
	company := a.login("enterprise")
	file := func() *resp {
		return a.do("POST", "/api/v1/appeals", company, map[string]any{"title": "厂区门前道路积水",
			"content": strings.Repeat("雨后厂区门前道路积水严重，", 380), "category": "物流"})
	}
	if r := a.do("GET", "/healthz", "", nil); r.Status != 200 || r.JSON["status"] != "ok" {
		t.Fatalf("healthz before: %s", r)
	}
	if err := a.db.SetMaxPageCount(ctx, 1); err != nil {
		t.Fatal(err)
	}
	// Free pages left in the file may take a few appeals before the limit bites.
	var full *resp
	for i := 0; i < 200 && full == nil; i++ {
		switch r := file(); r.Status {
		case 201:
		case 503:
			full = r
		default:
			t.Fatalf("file on a full disk: %s", r)
		}
	}
	if full == nil {
		t.Fatal("the page limit never made a write fail")
	}
	if full.Header.Get("Retry-After") == "" || !strings.Contains(full.JSON["detail"].(string), "磁盘已满") {
		t.Errorf("full disk answer: %s %v", full, full.Header)
	}
	h := a.do("GET", "/healthz", "", nil)
	if h.Status != 503 || h.JSON["status"] != "degraded" || !strings.Contains(h.JSON["reason"].(string), "磁盘已满") ||
		h.JSON["since"] == "" || h.Header.Get("Retry-After") == "" {
		t.Errorf("healthz on a full disk: %s", h)
	}

	// A sign-in's audit event is small and may still fit in a page; sign in until one
	// does not, and every sign-in must succeed.
	dropped := db.DroppedLoginAudits()
	for i := 0; i < 200 && db.DroppedLoginAudits() == dropped; i++ {
		tok := a.freshLogin("admin", demo.Password)
		if r := a.do("GET", "/api/v1/me", tok, nil); r.Status != 200 {
			t.Fatalf("token of a sign-in on a full disk: %s", r)
		}
	}
	if db.DroppedLoginAudits() == dropped {
		t.Fatal("no sign-in audit event was dropped on the full disk")
	}
	if h := a.do("GET", "/healthz", "", nil); h.Status != 503 || h.JSON["status"] != "degraded" {
		t.Errorf("healthz after a dropped sign-in event: %s", h)
	}
	if m := a.do("GET", "/metrics", "", nil); !strings.Contains(string(m.Body), "qinqing_login_audit_dropped_total") {
		t.Errorf("metrics lack the dropped sign-in audits: %s", m.Body)
	}

	if err := a.db.SetMaxPageCount(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if r := file(); r.Status != 201 {
		t.Fatalf("file after space came back: %s", r)
	}
	if r := a.do("GET", "/healthz", "", nil); r.Status != 200 || r.JSON["status"] != "ok" {
		t.Errorf("healthz after space came back: %s", r)
	}
}

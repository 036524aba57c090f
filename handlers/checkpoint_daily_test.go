package handlers_test

import (
	"database/sql"
	"fmt"
	"net/url"
	"qinqing/db"
	"qinqing/db/audit"
	"strings"
	"testing"
)

// behindTheBack runs statements on the server's database past the audit log's guards:
// on SQLite on a connection of its own to the file, its triggers dropped; on PostgreSQL
// with the user triggers disabled for the statements and enabled again after.
func (a *api) behindTheBack(stmts ...string) {
	a.t.Helper()
	if a.db.Engine() == db.Postgres {
		guard := "ALTER TABLE audit_events %s TRIGGER USER"
		all := append(append([]string{fmt.Sprintf(guard, "DISABLE")}, stmts...), fmt.Sprintf(guard, "ENABLE"))
		for _, q := range all {
			if _, err := a.db.Write.Exec(q); err != nil {
				a.t.Fatalf("%s: %v", q, err)
			}
		}
		return
	}
	raw, err := sql.Open("sqlite3", "file:"+a.db.Path+"?_busy_timeout=5000")
	if err != nil {
		a.t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range append([]string{"DROP TRIGGER audit_events_no_delete"}, stmts...) {
		if _, err := raw.Exec(q); err != nil {
			a.t.Fatalf("%s: %v", q, err)
		}
	}
}

// TestDailyCheckpointDownload makes the day's checkpoint twice, downloads it as an
// auditor (and is refused as every other role), checks the log against it, then cuts the
// newest events off the file behind the server's back and sees the check fail.
func TestDailyCheckpointDownload(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	ctx := t.Context()
	first, made, err := audit.DailyCheckpoint(ctx, a.db)
	if err != nil || !made {
		t.Fatalf("first run: %v %v", made, err)
	}
	if again, made, err := audit.DailyCheckpoint(ctx, a.db); err != nil || made || again.Note != first.Note {
		t.Fatalf("second run the same day: %v %v", made, err)
	}
	auditor := a.login("auditor")
	list := a.do("GET", "/api/v1/audit/checkpoints", auditor, nil)
	if list.Status != 200 || len(list.items()) != 1 || str(list.items()[0], "day") != first.Day {
		t.Fatalf("list: %s", list)
	}
	path := "/api/v1/audit/checkpoints/" + first.Day
	r := a.do("GET", path, auditor, nil)
	if r.Status != 200 || string(r.Body) != first.Note || !strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("download: %d %q %q", r.Status, r.Header.Get("Content-Disposition"), r.Body)
	}
	for _, role := range []string{"admin", "office", "department", "leader", "enterprise"} {
		for _, p := range []string{path, "/api/v1/audit/checkpoints/latest", "/api/v1/audit/checkpoints"} {
			if r := a.do("GET", p, a.login(role), nil); r.Status != 403 || strings.Contains(string(r.Body), first.Root) {
				t.Errorf("%s GET %s: %d", role, p, r.Status)
			}
		}
	}
	if r := a.do("GET", "/api/v1/audit/checkpoints/2001-01-01", auditor, nil); r.Status != 404 {
		t.Errorf("a day without one: %s", r)
	}
	// The downloaded file is an ordinary checkpoint: the upload check takes it.
	if v := a.do("POST", "/api/v1/audit/checkpoint/verify", auditor, map[string]string{"checkpoint": string(r.Body)}); v.Status != 200 || v.JSON["ok"] != true {
		t.Errorf("verify the download: %s", v)
	}
	page := a.page("GET", "/oversight/checkpoint", auditor, nil)
	if page.Status != 200 || !strings.Contains(string(page.Body), `href="`+path+`"`) {
		t.Errorf("checkpoint page does not offer the download: %d", page.Status)
	}
	if p := a.page("POST", "/oversight/checkpoint/auto", auditor, url.Values{}); p.Status != 200 || !strings.Contains(string(p.Body), "校验通过") {
		t.Errorf("check against the latest from the page: %d", p.Status)
	}

	// Cut the newest events off the log, as someone with the database could.
	a.behindTheBack(fmt.Sprintf("DELETE FROM audit_events WHERE id > %d", first.Size-3))
	v := a.do("POST", "/api/v1/audit/checkpoints/latest/verify", auditor, nil)
	if v.Status != 200 || v.JSON["ok"] != false || num(v.JSON["first_bad_id"]) != first.Size-2 || !strings.Contains(str(v.JSON, "problem"), "截断") {
		t.Errorf("truncated log against the latest daily checkpoint: %s", v)
	}
	if p := a.page("POST", "/oversight/checkpoint/auto", auditor, url.Values{}); !strings.Contains(string(p.Body), "校验失败") {
		t.Errorf("the page does not show the failure: %d", p.Status)
	}
}

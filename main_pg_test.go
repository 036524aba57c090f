package main

import (
	"context"
	"fmt"
	neturl "net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"qinqing/db/appeal"
	"qinqing/db/dbtest"
	"qinqing/db/demo"
)

// TestPostgresCity moves the demo city from its SQLite file to PostgreSQL with `copy`,
// serves it from two servers at once, and checks what one database promises them: no
// duplicate appeal numbers, one audit chain, one escalation per appeal, a backup.
func TestPostgresCity(t *testing.T) {
	url := dbtest.PostgresURL(t)
	dir := t.TempDir()
	path, files := filepath.Join(dir, "city.db"), filepath.Join(dir, "files")
	if out, err := runCmd(t, "demo", "--db", path); err != nil {
		t.Fatalf("demo: %q %v", out, err)
	}
	out, err := runCmd(t, "copy", "--from", path, "--to", url, "--files", files)
	if err != nil || !strings.Contains(out, "audit chain verified") {
		t.Fatalf("copy: %q %v", out, err)
	}
	// A database URL's password never appears in what the commands print.
	u, _ := neturl.Parse(url)
	if pw, ok := u.User.Password(); ok && strings.Contains(out, pw) {
		t.Errorf("copy printed the database password: %q", out)
	}
	if out, err := runCmd(t, "migrate", "--db", url); err != nil || !strings.Contains(out, "schema version") {
		t.Errorf("migrate: %q %v", out, err)
	} else if pw, ok := u.User.Password(); ok && strings.Contains(out, pw) {
		t.Errorf("migrate printed the database password: %q", out)
	}
	servers := make([]*Main, 2)
	for i := range servers {
		servers[i] = start(t, &Main{Addr: "127.0.0.1:0", DBPath: url, KeyPath: path + ".key", FilesDir: files})
		defer servers[i].Close()
	}
	tokens := []string{login(t, servers[0], "enterprise", demo.Password), login(t, servers[1], "enterprise", demo.Password)}

	const n = 24
	numbers := make(chan string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status, body := post(t, servers[i%2], "/api/v1/appeals", tokens[i%2], map[string]any{
				"title": fmt.Sprintf("两台服务器同时受理 %d", i), "content": "用电报装迟迟未办理，影响企业按期投产。", "category": "要素保障-用电"})
			if status != 201 {
				t.Errorf("file on server %d: %d %v", i%2, status, body)
				return
			}
			numbers <- body["number"].(string)
		}()
	}
	wg.Wait()
	close(numbers)
	seen := map[string]bool{}
	for num := range numbers {
		if seen[num] {
			t.Errorf("appeal number %s given twice", num)
		}
		seen[num] = true
	}

	// Both servers run the escalation step on a clock far ahead: each overdue appeal is
	// escalated once, whichever server gets to it.
	ctx := context.Background()
	later := time.Now().Add(60 * 24 * time.Hour)
	for _, m := range servers {
		m.DB.Now = func() time.Time { return later }
	}
	var steps [2]int
	var errs [2]error
	for i, m := range servers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			steps[i], errs[i] = appeal.EscalateOverdue(ctx, m.DB)
		}()
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil {
		t.Fatalf("escalation: %v, %v", errs[0], errs[1])
	}
	if steps[0]+steps[1] == 0 {
		t.Fatal("nothing was escalated: the test needs overdue appeals")
	}
	var twice int
	if err := servers[0].DB.Read.QueryRow(`SELECT COUNT(*) FROM (SELECT appeal_id FROM appeal_events
		WHERE action = 'auto_escalate' GROUP BY appeal_id HAVING COUNT(*) > 1) x`).Scan(&twice); err != nil || twice != 0 {
		t.Errorf("%d appeals escalated twice (%v)", twice, err)
	}

	if out, err := runCmd(t, "audit", "verify", "--db", url, "--key", path+".key"); err != nil || !strings.HasPrefix(out, "ok: ") {
		t.Errorf("audit verify on PostgreSQL: %q %v", out, err)
	}
	if _, err := exec.LookPath("pg_dump"); err == nil {
		dump := filepath.Join(dir, "city.dump")
		if out, err := runCmd(t, "backup", "--db", url, dump); err != nil || !strings.Contains(out, "pg_dump") {
			t.Errorf("backup: %q %v", out, err)
		}
	}
}

package db_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/audit"
	"qinqing/db/dbtest"
	"qinqing/db/demo"
)

// A demo city copied to PostgreSQL: every table has its rows, the chain verifies there,
// a page of appeals reads the same, the next ids follow the copied ones, and a second
// copy into the now full target is refused.
func TestCopyCity(t *testing.T) {
	ctx := context.Background()
	url := dbtest.PostgresURL(t)
	src, err := db.Open(filepath.Join(t.TempDir(), "city.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	keys, err := src.OpenKeys(ctx, src.Path+".key")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Build(ctx, src, demo.Password); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.BuildAppeals(ctx, src, 60); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.BuildVisits(ctx, src); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.BuildOversight(ctx, src, keys); err != nil {
		t.Fatal(err)
	}
	dst, err := db.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	counts, err := db.CopyCity(ctx, src, dst)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, c := range counts {
		seen[c.Table] = true
		if c.Source != c.Target {
			t.Errorf("%s: %d rows copied, %d on the target", c.Table, c.Source, c.Target)
		}
	}
	for _, table := range []string{"users", "enterprises", "appeals", "appeal_events", "visits", "audit_events", "audit_tree", "report_receipts", "appeal_identities"} {
		if !seen[table] {
			t.Errorf("%s was not copied", table)
		}
	}
	for _, table := range []string{"appeals", "enterprises", "categories", "appeal_numbers"} {
		var analysed bool
		if err := dst.Read.QueryRow("SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = $1", table).Scan(&analysed); err != nil || !analysed {
			t.Errorf("%s has no planner statistics after the copy (%v)", table, err)
		}
	}
	res, err := audit.Verify(ctx, dst)
	if err != nil || !res.OK {
		t.Fatalf("verify on the target = %+v, %v", res, err)
	}
	if _, err := dst.OpenKeys(ctx, src.Path+".key"); err != nil {
		t.Fatalf("the city's key file must open the copy: %v", err)
	}
	office := actorOf(t, src, "office")
	page := func(d *db.DB) string {
		l, err := appeal.List(ctx, d, office, appeal.Filter{Page: db.Page{Limit: 20}})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(l)
		return string(b)
	}
	if a, b := page(src), page(dst); a != b {
		t.Errorf("a page of appeals differs after the copy:\nSQLite:     %.300s\nPostgreSQL: %.300s", a, b)
	}
	// The identity counters moved past the copied ids: a new row gets a fresh id.
	err = dst.Update(ctx, func(tx *db.Tx) error {
		_, err := tx.InsertID("INSERT INTO departments (name, kind, created_at) VALUES (?, ?, ?)", "复制后新建的单位", "bureau", tx.Now.Unix())
		return err
	})
	if err != nil {
		t.Fatalf("insert after copy: %v", err)
	}
	if _, err := db.CopyCity(ctx, src, dst); db.ErrorCode(err) != db.ECONFLICT {
		t.Fatalf("a copy into a full target = %v, want a conflict", err)
	}
}

// actorOf is the demo account's actor.
func actorOf(t *testing.T, d *db.DB, username string) db.Actor {
	t.Helper()
	var a db.Actor
	var dept, leader, ent *int64
	err := d.Read.QueryRow("SELECT id, display_name, role, department_id, leader_id, enterprise_id FROM users WHERE username = ?", username).
		Scan(&a.UserID, &a.Name, &a.Role, &dept, &leader, &ent)
	if err != nil {
		t.Fatal(err)
	}
	if dept != nil {
		a.DepartmentID = *dept
	}
	if leader != nil {
		a.LeaderID = *leader
	}
	if ent != nil {
		a.EnterpriseID = *ent
	}
	return a
}

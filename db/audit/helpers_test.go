package audit_test

import (
	"database/sql"
	"net/url"
	"os"
	"qinqing/db"
	"strings"
	"testing"
)

// outside opens the database the way an intruder with access to it would: a plain
// connection that bypasses the application (on SQLite, to its file).
func outside(t *testing.T, d *db.DB) *sql.DB {
	t.Helper()
	var raw *sql.DB
	var err error
	if d.Engine() == db.Postgres {
		// d.Path hides the password; the test server's URL, pointed at this test's
		// database, is the same database. The application's driver name is used for its
		// ? placeholders.
		var name string
		if err := d.Read.QueryRow("SELECT current_database()").Scan(&name); err != nil {
			t.Fatal(err)
		}
		u, perr := url.Parse(os.Getenv("QINQING_TEST_PG"))
		if perr != nil {
			t.Fatal(perr)
		}
		u.Path = "/" + name
		raw, err = sql.Open("qinqing-pgx", u.String())
	} else {
		raw, err = sql.Open("sqlite3", "file:"+d.Path+"?_busy_timeout=5000")
	}
	if err != nil {
		t.Fatal(err)
	}
	raw.SetMaxOpenConns(1)
	t.Cleanup(func() { raw.Close() })
	return raw
}

// guarded are the tables whose triggers refuse UPDATE and DELETE.
var guarded = []string{"audit_events", "audit_tree"}

// tamper runs statements from outside the application with the append-only guards of
// the audit tables lifted, and puts the guards back after. On PostgreSQL the triggers
// are disabled and enabled again (DROP TRIGGER there would need the table's name too);
// on SQLite, which cannot disable a trigger, they are dropped and created again from
// their stored SQL.
func tamper(t *testing.T, d *db.DB, stmts ...string) {
	t.Helper()
	raw := outside(t, d)
	lifted(t, d, raw, func() {
		for _, s := range stmts {
			if _, err := raw.Exec(s); err != nil {
				t.Fatalf("%s: %v", s, err)
			}
		}
	})
}

// tamperRows runs one statement as tamper does and returns the rows it changed.
func tamperRows(t *testing.T, d *db.DB, query string, args ...any) int64 {
	t.Helper()
	raw := outside(t, d)
	var n int64
	lifted(t, d, raw, func() {
		res, err := raw.Exec(query, args...)
		if err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		if n, err = res.RowsAffected(); err != nil {
			t.Fatal(err)
		}
	})
	return n
}

func lifted(t *testing.T, d *db.DB, raw *sql.DB, fn func()) {
	t.Helper()
	exec := func(s string, args ...any) {
		t.Helper()
		if _, err := raw.Exec(s, args...); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	if d.Engine() == db.Postgres {
		for _, table := range guarded {
			exec("ALTER TABLE " + table + " DISABLE TRIGGER USER")
		}
		fn()
		for _, table := range guarded {
			exec("ALTER TABLE " + table + " ENABLE TRIGGER USER")
		}
		return
	}
	rows, err := raw.Query("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ('" +
		strings.Join(guarded, "', '") + "') AND (name LIKE '%_no_update' OR name LIKE '%_no_delete') ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	var names, sqls []string
	for rows.Next() {
		var name, sql string
		if err := rows.Scan(&name, &sql); err != nil {
			t.Fatal(err)
		}
		names, sqls = append(names, name), append(sqls, sql)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if len(names) != 2*len(guarded) {
		t.Fatalf("append-only triggers found: %v", names)
	}
	for _, name := range names {
		exec("DROP TRIGGER " + name)
	}
	fn()
	for _, s := range sqls {
		exec(s)
	}
}

// replaceLog replaces d's audit log and tree with those of other, row for row, as a
// forger with a log of their own would.
func replaceLog(t *testing.T, d, other *db.DB) {
	t.Helper()
	var stmts []func(raw *sql.DB) error
	rows, err := other.Read.Query("SELECT " + db.AuditColumns + " FROM audit_events ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		e, err := db.ScanAudit(rows)
		if err != nil {
			t.Fatal(err)
		}
		stmts = append(stmts, func(raw *sql.DB) error {
			_, err := raw.Exec("INSERT INTO audit_events ("+db.AuditColumns+") VALUES (?,?,?,?,?,?,?,?,?,?,?)",
				e.ID, e.At.Unix(), e.ActorID, e.ActorName, string(e.ActorRole), e.Action, e.ObjectType, e.ObjectID,
				string(e.Payload), e.PrevHash, e.Hash)
			return err
		})
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	rows, err = other.Read.Query("SELECT id, hash FROM audit_tree ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var hash []byte
		if err := rows.Scan(&id, &hash); err != nil {
			t.Fatal(err)
		}
		stmts = append(stmts, func(raw *sql.DB) error {
			_, err := raw.Exec("INSERT INTO audit_tree (id, hash) VALUES (?, ?)", id, hash)
			return err
		})
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	raw := outside(t, d)
	lifted(t, d, raw, func() {
		for _, s := range []string{"DELETE FROM audit_events", "DELETE FROM audit_tree"} {
			if _, err := raw.Exec(s); err != nil {
				t.Fatalf("%s: %v", s, err)
			}
		}
		for _, f := range stmts {
			if err := f(raw); err != nil {
				t.Fatal(err)
			}
		}
	})
}

package db_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"qinqing/db"
	"qinqing/db/dbtest"
)

// engineOnly are the objects one engine has for itself: SQLite's full-text tables (and
// the shadow tables FTS5 keeps for them), whose work PostgreSQL's trigram indexes do.
func engineOnly(table string) bool {
	return strings.HasPrefix(table, "appeals_fts") || strings.HasPrefix(table, "appeals_bigrams") ||
		strings.HasPrefix(table, "sqlite_")
}

// TestMigrationsEquivalent checks that both engines' migrations reach the same tables
// with the same columns. It needs a PostgreSQL server (QINQING_TEST_PG).
func TestMigrationsEquivalent(t *testing.T) {
	if os.Getenv("QINQING_TEST_PG") == "" {
		t.Skip("QINQING_TEST_PG is not set")
	}
	lite, err := db.Open(filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	want := columns(t, lite.Read, `SELECT m.name, p.name FROM sqlite_master m, pragma_table_xinfo(m.name) p
		WHERE m.type = 'table' AND m.name != 'schema_migrations' AND p.hidden != 1 ORDER BY m.name, p.cid`)

	pg := dbtest.OpenPostgres(t)
	got := columns(t, pg.Read, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name != 'schema_migrations'
		ORDER BY table_name, ordinal_position`)
	for table, cols := range want {
		if engineOnly(table) {
			continue
		}
		if !slices.Equal(got[table], cols) {
			t.Errorf("%s: PostgreSQL has columns %v, SQLite %v", table, got[table], cols)
		}
	}
	for table := range got {
		if _, ok := want[table]; !ok && !engineOnly(table) {
			t.Errorf("%s: only PostgreSQL has this table", table)
		}
	}
}

func columns(t *testing.T, q *sql.DB, query string) map[string][]string {
	t.Helper()
	rows, err := q.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var table, col string
		if err := rows.Scan(&table, &col); err != nil {
			t.Fatal(err)
		}
		out[table] = append(out[table], col)
	}
	return out
}

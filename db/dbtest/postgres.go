package dbtest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the plain "pgx" driver, for creating databases

	"qinqing/db"
)

// Engine is the engine the tests run on: SQLite, unless QINQING_TEST_ENGINE=postgres, in
// which case QINQING_TEST_PG is the URL of a PostgreSQL database whose role may create
// databases (make test starts a throwaway server and sets both).
func Engine() db.Engine {
	if os.Getenv("QINQING_TEST_ENGINE") == string(db.Postgres) {
		return db.Postgres
	}
	return db.SQLite
}

// SQLiteOnly skips a test of something only the SQLite engine has (its file, its WAL,
// its single writer's batches).
func SQLiteOnly(tb testing.TB) {
	if Engine() != db.SQLite {
		tb.Skip("SQLite only")
	}
}

var (
	template     sync.Once
	templateName string
	templateErr  error
	databases    atomic.Int64
)

// OpenPostgres makes a database for this test (see PostgresURL) and opens it, with its
// key file and attachments in the test's temp dir.
func OpenPostgres(tb testing.TB) *db.DB {
	tb.Helper()
	d, err := db.Open(PostgresURL(tb))
	if err != nil {
		tb.Fatal(err)
	}
	dir := tb.TempDir()
	d.SetFilesDir(filepath.Join(dir, "files"))
	tb.Cleanup(func() { d.Close() })
	if _, err := d.OpenKeys(context.Background(), filepath.Join(dir, "test.key")); err != nil {
		tb.Fatal(err)
	}
	return d
}

// PostgresURL makes a migrated database for this test on the test server, copied from a
// template migrated once per test process (a copy is much faster than the migrations),
// and drops it when the test ends. Opening it twice is two servers on one database.
func PostgresURL(tb testing.TB) string {
	tb.Helper()
	server := os.Getenv("QINQING_TEST_PG")
	if server == "" {
		tb.Skip("QINQING_TEST_PG is not set")
	}
	admin, err := sql.Open("pgx", server)
	if err != nil {
		tb.Fatal(err)
	}
	defer admin.Close()
	template.Do(func() { templateName, templateErr = makeTemplate(admin, server) })
	if templateErr != nil {
		tb.Fatal(templateErr)
	}
	return copyDatabase(tb, admin, server, templateName)
}

// copyDatabase makes a database for this test as a copy of the template database named,
// and drops it when the test ends.
func copyDatabase(tb testing.TB, admin *sql.DB, server, from string) string {
	tb.Helper()
	name := fmt.Sprintf("qqt_%d_%d", os.Getpid(), databases.Add(1))
	if _, err := admin.Exec("CREATE DATABASE " + name + " TEMPLATE " + from); err != nil {
		tb.Fatal(err)
	}
	// Registered first, so it runs last: after every handle on the database is closed.
	tb.Cleanup(func() {
		if a, err := sql.Open("pgx", server); err == nil {
			a.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			a.Close()
		}
	})
	return withDatabase(server, name)
}

func makeTemplate(admin *sql.DB, server string) (string, error) {
	name := fmt.Sprintf("qqt_%d_template", os.Getpid())
	admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		return "", fmt.Errorf("dbtest: template: %w", err)
	}
	d, err := db.Open(withDatabase(server, name))
	if err != nil {
		return "", fmt.Errorf("dbtest: template: %w", err)
	}
	return name, d.Close()
}

// withDatabase is the server URL with its database replaced by name.
func withDatabase(server, name string) string {
	u, err := url.Parse(server)
	if err != nil {
		return server
	}
	u.Path = "/" + name
	return u.String()
}

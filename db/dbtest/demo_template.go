package dbtest

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"qinqing/db"
	"qinqing/db/demo"
	"sync"
	"testing"
)

// The demo city's registers (demo.Build: accounts, departments, leaders, 680 enterprises,
// pairs) take seconds to build under the race detector, and most API tests start from
// them: they are built once per test process and each test gets a copy — the file's bytes
// on SQLite, a database made from a template on PostgreSQL.
var (
	demoOnce     sync.Once
	demoFile     []byte // SQLite: the database file
	demoKey      []byte // the key file the city was built with
	demoTemplate string // PostgreSQL: the template database
	demoErr      error
)

// MustDemo opens a fresh database holding the demo city's registers, as demo.Build leaves
// them, built with the real clock.
func MustDemo(tb testing.TB) *db.DB {
	tb.Helper()
	demoOnce.Do(func() { demoErr = buildDemoTemplate() })
	if demoErr != nil {
		tb.Fatal(demoErr)
	}
	dir := tb.TempDir()
	keyPath := filepath.Join(dir, "test.db.key")
	if err := os.WriteFile(keyPath, demoKey, 0o600); err != nil {
		tb.Fatal(err)
	}
	var d *db.DB
	var err error
	if Engine() == db.Postgres {
		admin, aerr := sql.Open("pgx", os.Getenv("QINQING_TEST_PG"))
		if aerr != nil {
			tb.Fatal(aerr)
		}
		defer admin.Close()
		d, err = db.Open(copyDatabase(tb, admin, os.Getenv("QINQING_TEST_PG"), demoTemplate))
		if err == nil {
			d.SetFilesDir(filepath.Join(dir, "files"))
		}
	} else {
		path := filepath.Join(dir, "test.db")
		if err := os.WriteFile(path, demoFile, 0o600); err != nil {
			tb.Fatal(err)
		}
		d, err = db.Open(path)
	}
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { d.Close() })
	if _, err := d.OpenKeys(context.Background(), keyPath); err != nil {
		tb.Fatal(err)
	}
	return d
}

func buildDemoTemplate() error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "qinqing-demo-template-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	keyPath := filepath.Join(dir, "demo.db.key")
	var target string
	if Engine() == db.Postgres {
		server := os.Getenv("QINQING_TEST_PG")
		if server == "" {
			return fmt.Errorf("dbtest: QINQING_TEST_ENGINE=postgres needs QINQING_TEST_PG")
		}
		admin, err := sql.Open("pgx", server)
		if err != nil {
			return err
		}
		defer admin.Close()
		template.Do(func() { templateName, templateErr = makeTemplate(admin, server) })
		if templateErr != nil {
			return templateErr
		}
		demoTemplate = fmt.Sprintf("qqt_%d_demo", os.Getpid())
		admin.Exec("DROP DATABASE IF EXISTS " + demoTemplate + " WITH (FORCE)")
		if _, err := admin.Exec("CREATE DATABASE " + demoTemplate + " TEMPLATE " + templateName); err != nil {
			return fmt.Errorf("dbtest: demo template: %w", err)
		}
		target = withDatabase(server, demoTemplate)
	} else {
		target = filepath.Join(dir, "demo.db")
	}
	d, err := db.Open(target)
	if err != nil {
		return err
	}
	if _, err := d.OpenKeys(ctx, keyPath); err != nil {
		d.Close()
		return err
	}
	if _, err := demo.Build(ctx, d, ""); err != nil {
		d.Close()
		return err
	}
	// Closing checkpoints SQLite's log into the file, so the file alone is the city.
	if err := d.Close(); err != nil {
		return err
	}
	if demoKey, err = os.ReadFile(keyPath); err != nil {
		return err
	}
	if Engine() == db.SQLite {
		demoFile, err = os.ReadFile(target)
	}
	return err
}

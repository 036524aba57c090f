package db

import (
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The two engines keep one ordered set of migrations each, with the same numbers and
// names, reaching the same tables and columns (TestMigrationsEquivalent).
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// migrationFiles are the engine's migrations in order.
func migrationFiles(e Engine) ([]string, error) {
	names, err := fs.Glob(migrations, "migrations/"+string(e)+"/*.sql")
	sort.Strings(names)
	return names, err
}

// migrate applies, in order and each in its own transaction, the embedded migrations
// that the schema_migrations table does not record yet.
func migrate(w *sql.DB, e Engine) error {
	if _, err := w.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("db: migrations table: %w", err)
	}
	names, err := migrationFiles(e)
	if err != nil {
		return err
	}
	for _, name := range names {
		base := name[strings.LastIndexByte(name, '/')+1:]
		version, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("db: migration %s: name must start with a number", base)
		}
		var n int
		if err := w.QueryRow("SELECT COUNT(*) FROM schema_migrations WHERE version = ?", version).Scan(&n); err != nil {
			return fmt.Errorf("db: migration %s: %w", base, err)
		}
		if n > 0 {
			continue
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		tx, err := w.Begin()
		if err != nil {
			return fmt.Errorf("db: migration %s: %w", base, err)
		}
		if _, err := tx.Exec(string(body)); err != nil {
			tx.Rollback()
			return fmt.Errorf("db: migration %s: %w", base, err)
		}
		if _, err := tx.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
			version, base, time.Now().Unix()); err != nil {
			tx.Rollback()
			return fmt.Errorf("db: migration %s: %w", base, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("db: migration %s: %w", base, err)
		}
	}
	return nil
}

// SchemaVersion returns the newest applied migration.
func (db *DB) SchemaVersion() (int, error) {
	var v sql.NullInt64
	err := db.Read.QueryRow("SELECT MAX(version) FROM schema_migrations").Scan(&v)
	return int(v.Int64), err
}

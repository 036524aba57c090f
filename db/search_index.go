package db

import (
	"database/sql"
	"fmt"
)

// indexQueued writes the appeals queued by the search triggers into the full-text index
// in one statement, and empties the queue. The writer calls it once per transaction,
// before committing; see migration 012 for why indexing waits until then.
func indexQueued(q interface {
	Exec(string, ...any) (sql.Result, error)
	QueryRow(string, ...any) *sql.Row
}) error {
	var queued bool
	if err := q.QueryRow("SELECT EXISTS (SELECT 1 FROM appeals_fts_pending)").Scan(&queued); err != nil {
		return fmt.Errorf("db: search index: %w", err)
	}
	if !queued {
		return nil
	}
	if _, err := q.Exec(`INSERT INTO appeals_fts (rowid, title, content)
		SELECT a.id, a.title, a.content FROM appeals_fts_pending p JOIN appeals a ON a.id = p.id`); err != nil {
		return fmt.Errorf("db: search index: %w", err)
	}
	if _, err := q.Exec("DELETE FROM appeals_fts_pending"); err != nil {
		return fmt.Errorf("db: search index: %w", err)
	}
	return nil
}

// indexLeftovers indexes what was queued outside the writer (a migration, a maintenance
// command's raw writes) when the database is opened.
func indexLeftovers(w *sql.DB) error {
	tx, err := w.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := indexQueued(tx); err != nil {
		return err
	}
	return tx.Commit()
}

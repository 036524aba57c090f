package db

import (
	"database/sql"
	"fmt"
	"strings"
)

// searchQueue is the write transaction the queued appeals are indexed in.
type searchQueue interface {
	Exec(string, ...any) (sql.Result, error)
	Query(string, ...any) (*sql.Rows, error)
	QueryRow(string, ...any) *sql.Row
}

// indexQueued writes the appeals queued by the search triggers into the full-text indexes
// and empties the queues. The writer calls it once per transaction, before committing;
// see migration 012 for why indexing waits until then.
func indexQueued(q searchQueue) error {
	if err := indexTrigrams(q); err != nil {
		return fmt.Errorf("db: search index: %w", err)
	}
	if err := indexBigrams(q); err != nil {
		return fmt.Errorf("db: search index (pairs): %w", err)
	}
	return nil
}

// indexTrigrams fills the trigram index in one statement.
func indexTrigrams(q searchQueue) error {
	var queued bool
	if err := q.QueryRow("SELECT EXISTS (SELECT 1 FROM appeals_fts_pending)").Scan(&queued); err != nil || !queued {
		return err
	}
	if _, err := q.Exec(`INSERT INTO appeals_fts (rowid, title, content)
		SELECT a.id, a.title, a.content FROM appeals_fts_pending p JOIN appeals a ON a.id = p.id`); err != nil {
		return err
	}
	_, err := q.Exec("DELETE FROM appeals_fts_pending")
	return err
}

// bigramBatch is how many appeals one statement indexes: bounded so that the backfill of
// a province's appeals neither holds them all in memory nor exceeds SQLite's variables.
const bigramBatch = 500

// indexBigrams writes the character pairs of the queued appeals (migration 014), first
// removing the entries of appeals whose text changed. The pairs are cut here, not in
// SQL, which has no way to split text into characters.
func indexBigrams(q searchQueue) error {
	var queued bool
	if err := q.QueryRow("SELECT EXISTS (SELECT 1 FROM appeals_bigrams_pending)").Scan(&queued); err != nil || !queued {
		return err
	}
	if _, err := q.Exec(`DELETE FROM appeals_bigrams WHERE rowid IN (SELECT id FROM appeals_bigrams_pending WHERE stale)`); err != nil {
		return err
	}
	for after := int64(0); ; {
		rows, err := q.Query(`SELECT p.id, a.title, a.content FROM appeals_bigrams_pending p JOIN appeals a ON a.id = p.id
			WHERE p.id > ? ORDER BY p.id LIMIT ?`, after, bigramBatch)
		if err != nil {
			return err
		}
		var args []any
		for rows.Next() {
			var title, content string
			if err := rows.Scan(&after, &title, &content); err != nil {
				rows.Close()
				return err
			}
			var b strings.Builder
			writePairs(&b, title)
			writePairs(&b, content)
			args = append(args, after, b.String())
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(args) == 0 {
			break
		}
		values := strings.Repeat(", (?, ?)", len(args)/2)[2:]
		if _, err := q.Exec("INSERT INTO appeals_bigrams (rowid, pairs) VALUES "+values, args...); err != nil {
			return err
		}
		if len(args)/2 < bigramBatch {
			break
		}
	}
	_, err := q.Exec("DELETE FROM appeals_bigrams_pending")
	return err
}

// writePairs writes every two adjacent characters of s that the pair index can hold
// as one word (see pairRune), each followed by a space; ASCII letters in lower case.
func writePairs(b *strings.Builder, s string) {
	prev := rune(-1)
	for _, r := range s {
		if !PairRune(r) {
			prev = -1
			continue
		}
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		if prev >= 0 {
			b.WriteRune(prev)
			b.WriteRune(r)
			b.WriteByte(' ')
		}
		prev = r
	}
}

// pairRune reports whether the ascii tokenizer of the pair index keeps r inside a word:
// ASCII letters and digits, and every character beyond ASCII. A search word of two such
// characters is then exactly one word of the index.
func PairRune(r rune) bool {
	return r >= 0x80 || '0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
}

// indexLeftovers indexes what was queued outside the writer (a migration, a maintenance
// command's raw writes) when the database is opened.
func IndexLeftovers(w *sql.DB) error {
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

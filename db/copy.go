package db

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
)

// copySkipped are tables a copy leaves behind: the migrations' own record, and SQLite's
// search queues, which PostgreSQL's trigram indexes make unnecessary (they stay empty).
var copySkipped = []string{"schema_migrations", "appeals_fts_pending", "appeals_bigrams_pending"}

// copySeeded are tables the migrations fill; a copy replaces their rows by the source's.
var copySeeded = []string{"settings", "categories"}

// TableCount is one table's rows after a copy, on both sides.
type TableCount struct {
	Table          string
	Source, Target int64
}

// CopyCity copies every row of a SQLite database into a freshly migrated PostgreSQL
// database, in one transaction: the target ends with the whole city or with nothing.
// It refuses a target that holds any city data. Foreign keys are checked at commit (they
// are deferrable), so tables may go in any order; identity counters are moved past the
// copied ids. The caller verifies the audit chain on the target afterwards.
func CopyCity(ctx context.Context, src, dst *DB) ([]TableCount, error) {
	if src.Engine() != SQLite || dst.Engine() != Postgres {
		return nil, Errorf(EINVALID, "只能从 SQLite 数据库复制到 PostgreSQL 数据库。")
	}
	tables, err := copyTables(ctx, src)
	if err != nil {
		return nil, err
	}
	for _, t := range tables {
		if slices.Contains(copySeeded, t) {
			continue
		}
		var n int64
		if err := dst.Read.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+t).Scan(&n); err != nil {
			return nil, fmt.Errorf("db: copy: target %s: %w", t, err)
		}
		if n > 0 {
			return nil, Errorf(ECONFLICT, "目标数据库不是空的（%s 表已有 %d 行）；请复制到新建的空数据库。", t, n)
		}
	}
	// The source is read in one snapshot, so that a copy of a running city is consistent.
	srcTx, err := src.Read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("db: copy: %w", err)
	}
	defer srcTx.Rollback()
	tx, err := dst.Write.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("db: copy: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "SET CONSTRAINTS ALL DEFERRED"); err != nil {
		return nil, fmt.Errorf("db: copy: %w", err)
	}
	var out []TableCount
	for _, t := range tables {
		n, err := copyTable(ctx, srcTx, tx, t)
		if err != nil {
			return nil, err
		}
		out = append(out, TableCount{Table: t, Source: n})
	}
	if err := moveIdentities(ctx, tx); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("db: copy: commit: %w", err)
	}
	// Statistics for the planner now, not when autovacuum gets round to it: without them
	// it guesses the sizes of the small tables a search reads first, and plans the first
	// searches of the city as if every appeal matched.
	for _, c := range out {
		if _, err := dst.Write.ExecContext(ctx, "ANALYZE "+c.Table); err != nil {
			return nil, fmt.Errorf("db: copy: analyze %s: %w", c.Table, err)
		}
	}
	for i := range out {
		if err := dst.Read.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+out[i].Table).Scan(&out[i].Target); err != nil {
			return nil, fmt.Errorf("db: copy: count %s: %w", out[i].Table, err)
		}
	}
	return out, nil
}

// copyTables are the source's tables that a copy carries, in the order they were made.
func copyTables(ctx context.Context, src *DB) ([]string, error) {
	rows, err := src.Read.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid`)
	if err != nil {
		return nil, fmt.Errorf("db: copy: tables: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		if !slices.Contains(copySkipped, t) && !sqliteOnlyTable(t) {
			out = append(out, t)
		}
	}
	return out, rows.Err()
}

// sqliteOnlyTable tells SQLite's full-text tables and the shadow tables FTS5 keeps.
func sqliteOnlyTable(t string) bool {
	return strings.HasPrefix(t, "sqlite_") || t == "appeals_fts" || t == "appeals_bigrams" ||
		strings.HasPrefix(t, "appeals_fts_") && t != "appeals_fts_pending" ||
		strings.HasPrefix(t, "appeals_bigrams_") && t != "appeals_bigrams_pending"
}

// copyTable copies one table's rows in batches of multi-row INSERTs, converting the
// 0/1 that SQLite stores for a flag into the boolean PostgreSQL keeps.
func copyTable(ctx context.Context, src *sql.Tx, dst *sql.Tx, table string) (int64, error) {
	crows, err := dst.QueryContext(ctx, `SELECT column_name, data_type FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = ? AND is_generated = 'NEVER' ORDER BY ordinal_position`, table)
	if err != nil {
		return 0, fmt.Errorf("db: copy %s: columns: %w", table, err)
	}
	var cols []string
	var isBool []bool
	for crows.Next() {
		var c, typ string
		if err := crows.Scan(&c, &typ); err != nil {
			crows.Close()
			return 0, err
		}
		cols, isBool = append(cols, c), append(isBool, typ == "boolean")
	}
	crows.Close()
	if len(cols) == 0 {
		return 0, fmt.Errorf("db: copy: table %s is missing on the target", table)
	}
	if slices.Contains(copySeeded, table) {
		if _, err := dst.ExecContext(ctx, "DELETE FROM "+table); err != nil {
			return 0, fmt.Errorf("db: copy %s: %w", table, err)
		}
	}
	list := strings.Join(cols, ", ")
	rows, err := src.QueryContext(ctx, "SELECT "+list+" FROM "+table)
	if err != nil {
		return 0, fmt.Errorf("db: copy %s: %w", table, err)
	}
	defer rows.Close()
	per := max(1, 30000/len(cols))
	row := "(" + strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",") + ")"
	var n int64
	var args []any
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		k := len(args) / len(cols)
		q := "INSERT INTO " + table + " (" + list + ") VALUES " + strings.TrimSuffix(strings.Repeat(row+",", k), ",")
		if _, err := dst.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("db: copy %s: %w", table, err)
		}
		n += int64(k)
		args = args[:0]
		return nil
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return 0, fmt.Errorf("db: copy %s: %w", table, err)
		}
		for i, v := range vals {
			if x, ok := v.(int64); ok && isBool[i] {
				v = x != 0
			}
			args = append(args, v)
		}
		if len(args) >= per*len(cols) {
			if err := flush(); err != nil {
				return 0, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("db: copy %s: %w", table, err)
	}
	return n, flush()
}

// moveIdentities sets every identity counter past the largest id copied, so that the
// next row made on PostgreSQL gets a fresh id.
func moveIdentities(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND is_identity = 'YES'`)
	if err != nil {
		return fmt.Errorf("db: copy: identity counters: %w", err)
	}
	var ids [][2]string
	for rows.Next() {
		var t, c string
		if err := rows.Scan(&t, &c); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, [2]string{t, c})
	}
	rows.Close()
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, "SELECT setval(pg_get_serial_sequence(?, ?), COALESCE((SELECT MAX("+id[1]+") FROM "+id[0]+"), 0) + 1, false)",
			id[0], id[1]); err != nil {
			return fmt.Errorf("db: copy: identity counter of %s: %w", id[0], err)
		}
	}
	return nil
}

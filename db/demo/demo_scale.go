package demo

import (
	"context"
	"database/sql"
	"fmt"
	"qinqing/db"
	"strings"
)

// ScaleDemoAppeals grows a demo city's appeals to total by copying the ones the demo
// played through the workflow, round after round, each copy moved back in time by under
// an hour. Playing a million lives through the workflow would take hours; copies keep the
// played city's distributions (stages, tiers, sources, ratings, overdue work, timelines)
// exactly, which is what benchmarks and load tests need. Reports are not copied: their
// receipts belong to one reporter each. Each round is one transaction with one audit
// event naming the ids it added, so the chain says what the generator did.
func ScaleAppeals(ctx context.Context, d *db.DB, total int) (int, error) {
	var have, srcMax int64
	err := d.Read.QueryRowContext(ctx, "SELECT COUNT(*), COALESCE(MAX(id), 0) FROM appeals").Scan(&have, &srcMax)
	if err != nil {
		return 0, err
	}
	if have == 0 {
		return 0, db.Errorf(db.EINVALID, "请先生成演示城市，再扩充诉求数量。")
	}
	var copies []tableCopy
	for _, t := range []struct{ table, key string }{{"appeals", "id"}, {"appeal_events", "appeal_id"},
		{"appeal_departments", "appeal_id"}} {
		c, err := copyPlan(ctx, d, scaleSQL[d.Engine()].columns, t.table, t.key)
		if err != nil {
			return 0, err
		}
		copies = append(copies, c)
	}
	added := 0
	for round := int64(1); have < int64(total); round++ {
		var n int64
		err := d.Update(ctx, func(tx *db.Tx) error {
			var err error
			n, err = copyDemoRound(tx, scaleSQL[d.Engine()], copies, srcMax, round, int64(total)-have)
			return err
		})
		if err != nil {
			return added, err
		}
		if n == 0 {
			return added, db.Errorf(db.EINVALID, "演示城市中没有可复制的诉求。")
		}
		have += n
		added += int(n)
	}
	if added > 0 {
		if err := d.Update(ctx, func(tx *db.Tx) error { return numberCopies(tx, scaleSQL[d.Engine()]) }); err != nil {
			return added, err
		}
	}
	return added, nil
}

// tableCopy is an INSERT … SELECT that copies a table's rows of the source appeals to
// their copies: times move back by the round's shift, the appeal key by the round's
// offset, a row id is left to the table; columns added later are copied as they are.
type tableCopy struct {
	table, cols, exprs string
}

// scaleEngine is what the engines spell differently for scaling: the columns of a table
// in order with each one's place in the primary key (0: not in it), computed columns
// left out as the database fills them; a filing time's year
// in the city's zone (UTC+8, no daylight saving); a sequence number zero-padded to six
// digits; and what must follow rows inserted with their ids given.
type scaleEngine struct {
	columns, year, pad, afterIDs string
}

var scaleSQL = map[db.Engine]scaleEngine{
	db.SQLite: {
		columns: "SELECT name, pk FROM pragma_table_info(?) ORDER BY cid",
		year:    "CAST(strftime('%Y', created_at + 28800, 'unixepoch') AS INTEGER)",
		pad:     "printf('%06d', COALESCE(n.last, 0) + r.rn)",
	},
	db.Postgres: {
		columns: `SELECT c.column_name, COALESCE(k.ordinal_position, 0) FROM information_schema.columns c
			LEFT JOIN information_schema.table_constraints p ON p.table_schema = c.table_schema
				AND p.table_name = c.table_name AND p.constraint_type = 'PRIMARY KEY'
			LEFT JOIN information_schema.key_column_usage k ON k.constraint_schema = p.constraint_schema
				AND k.constraint_name = p.constraint_name AND k.column_name = c.column_name
			WHERE c.table_schema = current_schema() AND c.table_name = ? AND c.is_generated = 'NEVER'
			ORDER BY c.ordinal_position`,
		year: "CAST(EXTRACT(YEAR FROM to_timestamp(created_at + 28800) AT TIME ZONE 'UTC') AS integer)",
		pad:  "lpad(CAST(COALESCE(n.last, 0) + r.rn AS text), 6, '0')",
		// An identity column does not see ids given explicitly; the next filing must not
		// be handed a copy's id.
		afterIDs: "SELECT setval(pg_get_serial_sequence('appeals', 'id'), (SELECT MAX(id) FROM appeals))",
	},
}

func copyPlan(ctx context.Context, d *db.DB, columns, table, key string) (tableCopy, error) {
	rows, err := d.Read.QueryContext(ctx, columns, table)
	if err != nil {
		return tableCopy{}, err
	}
	defer rows.Close()
	var cols, exprs []string
	for rows.Next() {
		var c string
		var pk int
		if err := rows.Scan(&c, &pk); err != nil {
			return tableCopy{}, err
		}
		e := "s." + c
		switch {
		case c == key:
			e = "s." + c + " + :off"
		case pk == 1 && key != "id":
			continue
		case c == "number":
			e = "'~' || (s." + key + " + :off)"
		case c == "external_ref":
			e = "NULL" // a ticket is filed once; its copies are not tickets
		case c == "at" || strings.HasSuffix(c, "_at"):
			e = "s." + c + " - ((s." + key + " * 7919 + :round * 104729) % 3600)"
		}
		cols, exprs = append(cols, c), append(exprs, e)
	}
	return tableCopy{table, strings.Join(cols, ", "), strings.Join(exprs, ", ")}, rows.Err()
}

// copyDemoRound copies up to want of the played appeals (ids up to srcMax), with their
// timelines, departments and vault entries, and returns how many it copied.
func copyDemoRound(t *db.Tx, eng scaleEngine, copies []tableCopy, srcMax, round, want int64) (int64, error) {
	var off int64
	if err := t.QueryRow("SELECT MAX(id) FROM appeals").Scan(&off); err != nil {
		return 0, err
	}
	named := map[string]any{"off": off, "round": round, "src": srcMax, "lim": want}
	exec := func(query string) (sql.Result, error) {
		// Names read better than a row of ?s, but not every driver binds them: each
		// :name becomes a positional parameter carrying its value.
		var args []any
		var b strings.Builder
		for {
			i := strings.IndexByte(query, ':')
			if i < 0 {
				break
			}
			j := i + 1
			for j < len(query) && query[j] >= 'a' && query[j] <= 'z' {
				j++
			}
			v, ok := named[query[i+1:j]]
			if !ok {
				return nil, fmt.Errorf("db: scale demo: no parameter %q", query[i:j])
			}
			b.WriteString(query[:i])
			b.WriteByte('?')
			args = append(args, v)
			query = query[j:]
		}
		b.WriteString(query)
		return t.Exec(b.String(), args...)
	}
	a := copies[0]
	res, err := exec("INSERT INTO appeals (" + a.cols + ") SELECT " + a.exprs +
		" FROM appeals s WHERE s.id <= :src AND s.source != 'report' ORDER BY s.id LIMIT :lim")
	if err != nil {
		return 0, fmt.Errorf("db: scale demo: %w", err)
	}
	n, _ := res.RowsAffected()
	if eng.afterIDs != "" {
		if _, err := t.Exec(eng.afterIDs); err != nil {
			return 0, fmt.Errorf("db: scale demo: %w", err)
		}
	}
	copied := " WHERE s.appeal_id IN (SELECT id - :off FROM appeals WHERE id > :off)"
	for _, c := range copies[1:] {
		order := ""
		if c.table == "appeal_events" {
			order = " ORDER BY s.id"
		}
		if _, err := exec("INSERT INTO " + c.table + " (" + c.cols + ") SELECT " + c.exprs + " FROM " + c.table + " s" + copied + order); err != nil {
			return 0, fmt.Errorf("db: scale demo %s: %w", c.table, err)
		}
	}
	if err := copyIdentities(t, off); err != nil {
		return 0, err
	}
	return n, t.Audit(db.SystemActor, "demo.scale", "city", 0, map[string]int64{
		"appeals": n, "from_id": off + 1, "to_id": off + n, "copied_up_to": srcMax})
}

// copyIdentities seals the vault entry of each confidential copy anew: an entry is bound
// to its appeal and would not open under the copy's id.
func copyIdentities(t *db.Tx, off int64) error {
	rows, err := t.Query("SELECT appeal_id FROM appeal_identities WHERE appeal_id IN (SELECT id - ? FROM appeals WHERE id > ?)", off, off)
	if err != nil {
		return err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		e, err := t.GetIdentity(id)
		if err != nil {
			return err
		}
		if err := t.PutIdentity(id+off, e); err != nil {
			return err
		}
	}
	return nil
}

// numberCopies gives the copies SQ numbers, continuing each year's sequence in filing order.
func numberCopies(t *db.Tx, eng scaleEngine) error {
	ranked := `WITH c AS (SELECT id, created_at, ` + eng.year + ` AS y
		FROM appeals WHERE number LIKE '~%')`
	rows, err := t.Query(ranked + " SELECT y, COUNT(*) FROM c GROUP BY y")
	if err != nil {
		return fmt.Errorf("db: number copies: %w", err)
	}
	counts := map[int]int{}
	for rows.Next() {
		var y, n int
		if err := rows.Scan(&y, &n); err != nil {
			rows.Close()
			return err
		}
		counts[y] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	_, err = t.Exec(ranked + `, r AS (SELECT id, y, ROW_NUMBER() OVER (PARTITION BY y ORDER BY created_at, id) AS rn FROM c)
		UPDATE appeals SET number = 'SQ' || r.y || '-' || ` + eng.pad + `
		FROM r LEFT JOIN appeal_numbers n ON n.year = r.y WHERE appeals.id = r.id`)
	if err != nil {
		return fmt.Errorf("db: number copies: %w", err)
	}
	for y, n := range counts {
		if _, err := t.Exec(`INSERT INTO appeal_numbers (year, last) VALUES (?, ?)
			ON CONFLICT (year) DO UPDATE SET last = appeal_numbers.last + excluded.last`, y, n); err != nil {
			return fmt.Errorf("db: number copies: %w", err)
		}
	}
	return nil
}

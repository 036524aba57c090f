package figures

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"qinqing/db"
	"qinqing/db/appeal"
	"time"
)

// figureTrace, when a test sets it, sees every figures query before it runs, so that
// the test can check the query plans.
var FigureTrace func(query string, args []any)

type tracedQueryer struct{ db.Queryer }

func (t tracedQueryer) Query(query string, args ...any) (*sql.Rows, error) {
	if FigureTrace != nil {
		FigureTrace(query, args)
	}
	return t.Queryer.Query(query, args...)
}

func (t tracedQueryer) QueryRow(query string, args ...any) *sql.Row {
	if FigureTrace != nil {
		FigureTrace(query, args)
	}
	return t.Queryer.QueryRow(query, args...)
}

// fr is the read pool for figures.
func fr(ctx context.Context, d *db.DB) db.Queryer { return tracedQueryer{d.R(ctx)} }

// dimension is what a breakdown groups appeals by, with the covering index that serves
// the city-wide query in one ordered pass.
type dimension struct {
	col, index string
}

// Dimensions are the breakdowns of GET /api/v1/stats/{name}.
var Dimensions = map[string]dimension{
	"departments": {"a.department_id", "appeals_fig_department"},
	"leaders":     {"a.leader_id", "appeals_fig_leader"},
	"categories":  {"a.category", "appeals_fig_category"},
	"sources":     {"a.source", "appeals_fig_source"},
	"tiers":       {"a.tier", "appeals_fig_tier"},
	// Districts are an enterprise's: grouped by enterprise here and folded in Go.
	"districts": {"a.enterprise_id", "appeals_fig_enterprise"},
	"months":    {"a.fig_month", "appeals_fig_month"},
}

// IsDimension reports whether name is a breakdown that Breakdown accepts.
func IsDimension(name string) bool { _, ok := Dimensions[name]; return ok }

// figureQuery is one figures request: its conditions and whether it spans the whole
// city with no filter but the period, which lets it name its covering index.
type figureQuery struct {
	w      db.Where
	city   bool
	now    time.Time
	engine db.Engine
}

func newFigureQuery(ctx context.Context, d *db.DB, a db.Actor, f appeal.Filter) (figureQuery, error) {
	f.Page, f.Sort = db.Page{}, ""
	now := d.Now()
	// Figures count reports in the city's totals for every city-wide role; the drill-down
	// lists behind them show only what the role may list. A class's figures stand beside
	// its list of appeals, and must not count what that list leaves out.
	scope := appeal.CountScope
	if f.IssueClassID != 0 {
		scope = appeal.Scope
	}
	w, err := f.WhereIn(ctx, d, scope, a, now)
	if err != nil {
		return figureQuery{}, err
	}
	bare := appeal.Filter{From: f.From, To: f.To}
	city := a.Is(db.RoleAdmin, db.RoleOffice, db.RoleAuditor, db.RoleSystem) && f == bare
	return figureQuery{w: w, city: city, now: now, engine: d.Engine()}, nil
}

// from names the table, with the covering index when the query spans the city: the
// planner cannot see that an index of generated columns covers a query, and would
// otherwise sort the rows it reads through the filing-time index. PostgreSQL has no
// INDEXED BY and its planner chooses for itself.
func (fq figureQuery) from(index string) string {
	if fq.city && index != "" && fq.engine == db.SQLite {
		return " FROM appeals a INDEXED BY " + index
	}
	return " FROM appeals a"
}

func (fq figureQuery) and(clause string, args ...any) db.Where {
	w := db.Where{Clauses: append([]string(nil), fq.w.Clauses...), Args: append([]any(nil), fq.w.Args...)}
	w.Add(clause, args...)
	return w
}

// groups counts the appeals of each (key, flags) group and adds them up per key.
// Without handling, the handling times are not summed, which rankings do not need.
func (fq figureQuery) groups(q db.Queryer, keyCol, index string, w db.Where, handling bool) (map[string]*Figures, error) {
	sum := "0"
	if handling {
		sum = "COALESCE(SUM(a.fig_handling), 0)"
	}
	rows, err := q.Query("SELECT "+keyCol+", a.fig_flags, COUNT(*), "+sum+
		fq.from(index)+w.Sql()+" GROUP BY "+keyCol+", a.fig_flags", w.Args...)
	if err != nil {
		return nil, fmt.Errorf("db: figures by %s: %w", keyCol, err)
	}
	defer rows.Close()
	out := map[string]*Figures{}
	for rows.Next() {
		var key any
		var flags, handling int64
		var n int
		if err := rows.Scan(&key, &flags, &n, &handling); err != nil {
			return nil, fmt.Errorf("db: figures by %s: %w", keyCol, err)
		}
		k := keyString(key)
		if out[k] == nil {
			out[k] = &Figures{}
		}
		out[k].add(flags, n, handling)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("db: figures by %s: %w", keyCol, err)
	}
	return out, nil
}

// overdue counts, per key, the open appeals past their deadline now; with no key, all
// of them under "".
func (fq figureQuery) overdue(q db.Queryer, keyCol string, base db.Where) (map[string]int, error) {
	w := db.Where{Clauses: append([]string(nil), base.Clauses...), Args: append([]any(nil), base.Args...)}
	cond, args := appeal.OverdueSQL(appeal.OverdueNone, fq.now)
	w.Add(cond, args...)
	query := "SELECT '', COUNT(*)" + fq.from("appeals_fig_open") + w.Sql()
	if keyCol != "" {
		query = "SELECT " + keyCol + ", COUNT(*)" + fq.from("appeals_fig_open") + w.Sql() + " GROUP BY " + keyCol
	}
	rows, err := q.Query(query, w.Args...)
	if err != nil {
		return nil, fmt.Errorf("db: overdue by %s: %w", keyCol, err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var key any
		var n int
		if err := rows.Scan(&key, &n); err != nil {
			return nil, err
		}
		out[keyString(key)] += n
	}
	return out, rows.Err()
}

func keyString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case []byte:
		return string(x)
	}
	return fmt.Sprint(v)
}

// Overview computes the figures of contract §6 for the appeals the actor may see that
// match f (filed in its period).
func Overview(ctx context.Context, d *db.DB, a db.Actor, f appeal.Filter) (*Figures, error) {
	fq, err := newFigureQuery(ctx, d, a, f)
	if err != nil {
		return nil, err
	}
	q := fr(ctx, d)
	rows, err := q.Query("SELECT a.fig_flags, a.fig_hb, COUNT(*), COALESCE(SUM(a.fig_handling), 0)"+
		fq.from("appeals_fig_overview")+fq.w.Sql()+" GROUP BY a.fig_flags, a.fig_hb", fq.w.Args...)
	if err != nil {
		return nil, fmt.Errorf("db: overview: %w", err)
	}
	out := &Figures{}
	buckets := map[int64]int{}
	for rows.Next() {
		var flags, handling int64
		var hb *int64
		var n int
		if err := rows.Scan(&flags, &hb, &n, &handling); err != nil {
			rows.Close()
			return nil, fmt.Errorf("db: overview: %w", err)
		}
		out.add(flags, n, handling)
		if hb != nil {
			buckets[*hb] += n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("db: overview: %w", err)
	}
	over, err := fq.overdue(q, "", fq.w)
	if err != nil {
		return nil, err
	}
	out.Overdue = over[""]
	if out.P90HandlingHours, err = fq.p90(q, buckets, out.Handled); err != nil {
		return nil, err
	}
	out.Finish()
	return out, nil
}

// p90 is the nearest-rank 90th percentile of the handling times: the histogram of
// power-of-two buckets names the bucket that holds it, and one ordered read of that
// bucket finds the value.
func (fq figureQuery) p90(q db.Queryer, buckets map[int64]int, n int) (*float64, error) {
	if n == 0 {
		return nil, nil
	}
	rank := int(math.Ceil(0.9 * float64(n)))
	below := 0
	for b := int64(0); b <= 14; b++ {
		if below+buckets[b] < rank {
			below += buckets[b]
			continue
		}
		w := fq.and("a.fig_hb = ?", b)
		var secs int64
		err := q.QueryRow("SELECT a.fig_handling"+fq.from("appeals_fig_handling")+w.Sql()+
			" ORDER BY a.fig_handling LIMIT 1 OFFSET ?", append(w.Args, rank-below-1)...).Scan(&secs)
		if err != nil {
			return nil, fmt.Errorf("db: p90: %w", err)
		}
		h := Round(float64(secs)/3600, 2)
		return &h, nil
	}
	return nil, nil
}

package figures_test

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/dbtest"
	"qinqing/db/figures"
	"strings"
	"testing"
	"time"
)

// benchAppeals is the size of the benchmark's city.
const benchAppeals = 1_000_000

// fillBench writes n appeals over three years in one transaction. Indexes and the
// full-text triggers are dropped for the load and the indexes rebuilt after it, as a bulk
// import would; the full-text indexes stay empty, which no figure reads.
func fillBench(b *testing.B, d *db.DB, n int) {
	b.Helper()
	w := d.Write
	exec := func(q string) {
		if _, err := w.Exec(q); err != nil {
			b.Fatalf("%s: %v", q, err)
		}
	}
	var indexes []string
	rows, err := w.Query("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'appeals' AND sql IS NOT NULL")
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var s string
		rows.Scan(&s)
		indexes = append(indexes, s)
	}
	rows.Close()
	for _, s := range indexes {
		exec("DROP INDEX " + strings.Fields(s)[2])
	}
	exec("DROP TRIGGER appeals_fts_insert")
	exec("DROP TRIGGER appeals_bigrams_insert")
	exec("PRAGMA synchronous = OFF")
	tx, err := w.Begin()
	if err != nil {
		b.Fatal(err)
	}
	dbtest.SeedCity(b, tx, 30, 40, 5000)
	end := time.Date(2026, 6, 1, 0, 0, 0, 0, db.Zone)
	start := end.AddDate(-3, 0, 0)
	r := rand.New(rand.NewPCG(1, 1))
	const batch = 1000
	list := make([]dbtest.RawAppeal, 0, batch)
	flush := func() {
		dbtest.InsertRaw(b, tx, list)
		list = list[:0]
	}
	step := (end.Unix() - start.Unix()) / int64(n)
	for i := 0; i < n; i++ {
		c := start.Unix() + int64(i)*step
		a := dbtest.RawAppeal{Id: int64(i + 1), Created: c, RespDue: c + 86400, Due: c + 5*86400, Category: dbtest.TestCategories[r.IntN(5)],
			Leader: int64(1 + r.IntN(40)), Enterprise: int64(1 + r.IntN(5000)), Source: appeal.SourcePortal, Tier: appeal.TierFast,
			Stage: appeal.StageClosed, Accepted: dbtest.I64p(c + r.Int64N(100000)), Dept: int64(1 + r.IntN(30))}
		if end.Unix()-c < 45*86400 && r.IntN(3) == 0 { // recent appeals are still open
			a.Stage = appeal.Stages[r.IntN(4)]
		}
		if a.Stage == appeal.StageClosed {
			a.Closed, a.CloseReason = dbtest.I64p(c+r.Int64N(7*86400)), "resolved"
			if r.IntN(30) == 0 {
				a.CloseReason = "merged"
			} else if r.IntN(6) > 0 {
				a.RatedAt, a.Resolved, a.Satisfaction = dbtest.I64p(*a.Closed+3600), r.IntN(20) > 0, []string{"satisfied", "satisfied", "basic", "unsatisfied"}[r.IntN(4)]
			}
		}
		if r.IntN(20) == 0 {
			a.Extended = dbtest.I64p(a.Due + 5*86400)
		}
		a.Reopens, a.Returns = r.IntN(25)/24, r.IntN(30)/29
		list = append(list, a)
		if len(list) == batch {
			flush()
		}
	}
	flush()
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	for _, s := range indexes {
		exec(s)
	}
	// The baseline's covering index: filing time within department.
	exec("CREATE INDEX bench_raw ON appeals (department_id, created_at)")
	exec("PRAGMA synchronous = FULL")
}

// BenchmarkFigures fills a database with a million appeals and times the dashboard's
// overview and the department ranking against a raw COUNT … GROUP BY over a covering
// index for the same period. Run with: go test -tags sqlite_fts5 -run '^$' -bench Figures ./db/
func BenchmarkFigures(b *testing.B) {
	dbtest.SQLiteOnly(b) // loads through sqlite_master and drops the FTS triggers
	d := dbtest.MustOpen(b)
	start := time.Now()
	fillBench(b, d, benchAppeals)
	b.Logf("filled %d appeals in %v", benchAppeals, time.Since(start).Round(time.Millisecond))
	dbtest.FixedClock(d, time.Date(2026, 5, 31, 12, 0, 0, 0, db.Zone))
	periods := []struct{ name, from, to string }{
		{"all", "", ""}, {"12months", "2025-06-01", "2026-05-31"}, {"month", "2026-04-01", "2026-04-30"},
	}
	raw := func(b *testing.B, from, to string) {
		q := "SELECT department_id, COUNT(*) FROM appeals INDEXED BY bench_raw"
		var args []any
		if from != "" {
			q += " WHERE created_at >= ? AND created_at < ?"
			args = append(args, dayStart(from), dayStart(to)+86400)
		}
		rows, err := d.Read.Query(q+" GROUP BY department_id", args...)
		if err != nil {
			b.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var dept sql.NullInt64
			var n int
			rows.Scan(&dept, &n)
		}
	}
	for _, p := range periods {
		f := appeal.Filter{From: p.from, To: p.to}
		b.Run(fmt.Sprintf("raw_count_group_by/%s", p.name), func(b *testing.B) {
			for b.Loop() {
				raw(b, p.from, p.to)
			}
		})
		b.Run(fmt.Sprintf("overview/%s", p.name), func(b *testing.B) {
			for b.Loop() {
				if _, err := figures.Overview(dbtest.Ctx(), d, dbtest.AdminActor, f); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("rankings/%s", p.name), func(b *testing.B) {
			for b.Loop() {
				if _, err := figures.Rankings(dbtest.Ctx(), d, dbtest.AdminActor, "departments", f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

package demo_test

import (
	"qinqing/db"
	"qinqing/db/audit"
	"qinqing/db/dbtest"
	"qinqing/db/demo"
	"testing"
)

func TestBuildDemoAppeals(t *testing.T) {
	d := dbtest.MustOpen(t)
	if _, err := demo.Build(dbtest.Ctx(), d, ""); err != nil {
		t.Fatal(err)
	}
	n, err := demo.BuildAppeals(dbtest.Ctx(), d, 400)
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 || n > 400 {
		t.Fatalf("built %d appeals", n)
	}
	var stages, sources, tiers, categories int
	for _, q := range []struct {
		query string
		dst   *int
	}{
		{"SELECT COUNT(DISTINCT stage) FROM appeals", &stages},
		{"SELECT COUNT(DISTINCT source) FROM appeals", &sources},
		{"SELECT COUNT(DISTINCT tier) FROM appeals", &tiers},
		{"SELECT COUNT(DISTINCT category) FROM appeals", &categories},
	} {
		if err := d.Read.QueryRow(q.query).Scan(q.dst); err != nil {
			t.Fatal(err)
		}
	}
	if stages != 5 || sources != 6 || tiers != 3 || categories < 10 {
		t.Errorf("spread: %d stages, %d sources, %d tiers, %d categories", stages, sources, tiers, categories)
	}
	var reopened, extended, unsatisfied, overdue int
	err = d.Read.QueryRow(`SELECT SUM(CASE WHEN reopen_count > 0 THEN 1 ELSE 0 END), SUM(CASE WHEN extended_due_at IS NOT NULL THEN 1 ELSE 0 END),
		SUM(CASE WHEN satisfaction = 'unsatisfied' THEN 1 ELSE 0 END),
		SUM(CASE WHEN stage != 'closed' AND COALESCE(extended_due_at, due_at) < ? THEN 1 ELSE 0 END) FROM appeals`, d.Now().Unix()).Scan(&reopened, &extended, &unsatisfied, &overdue)
	if err != nil {
		t.Fatal(err)
	}
	if reopened == 0 || extended == 0 || overdue == 0 {
		t.Errorf("reopened %d, extended %d, overdue %d: want some of each", reopened, extended, overdue)
	}
	if res, err := audit.Verify(dbtest.Ctx(), d); err != nil || !res.OK {
		t.Fatalf("verify: %+v %v", res, err)
	}
	if _, err := demo.BuildAppeals(dbtest.Ctx(), d, 10); db.ErrorCode(err) != db.ECONFLICT {
		t.Errorf("second build: %v", err)
	}
}

func BenchmarkBuildDemoAppeals(b *testing.B) {
	for i := 0; i < b.N; i++ {
		d := dbtest.MustOpen(b)
		if _, err := demo.Build(dbtest.Ctx(), d, ""); err != nil {
			b.Fatal(err)
		}
		if _, err := demo.BuildAppeals(dbtest.Ctx(), d, demo.Appeals); err != nil {
			b.Fatal(err)
		}
	}
}

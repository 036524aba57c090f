package db

import "testing"

func TestBuildDemoAppeals(t *testing.T) {
	db := mustOpen(t)
	if _, err := db.BuildDemo(ctx(), ""); err != nil {
		t.Fatal(err)
	}
	n, err := db.BuildDemoAppeals(ctx(), 400)
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
		if err := db.read.QueryRow(q.query).Scan(q.dst); err != nil {
			t.Fatal(err)
		}
	}
	if stages != 5 || sources != 6 || tiers != 3 || categories < 10 {
		t.Errorf("spread: %d stages, %d sources, %d tiers, %d categories", stages, sources, tiers, categories)
	}
	var reopened, extended, unsatisfied, overdue int
	err = db.read.QueryRow(`SELECT SUM(reopen_count > 0), SUM(extended_due_at IS NOT NULL), SUM(return_count > 0 OR 1) * 0 + SUM(satisfaction = 'unsatisfied'),
		SUM(stage != 'closed' AND COALESCE(extended_due_at, due_at) < ?) FROM appeals`, db.Now().Unix()).Scan(&reopened, &extended, &unsatisfied, &overdue)
	if err != nil {
		t.Fatal(err)
	}
	if reopened == 0 || extended == 0 || overdue == 0 {
		t.Errorf("reopened %d, extended %d, overdue %d: want some of each", reopened, extended, overdue)
	}
	if res, err := db.VerifyAudit(ctx()); err != nil || !res.OK {
		t.Fatalf("verify: %+v %v", res, err)
	}
	if _, err := db.BuildDemoAppeals(ctx(), 10); ErrorCode(err) != ECONFLICT {
		t.Errorf("second build: %v", err)
	}
}

func BenchmarkBuildDemoAppeals(b *testing.B) {
	for i := 0; i < b.N; i++ {
		db := mustOpen(b)
		if _, err := db.BuildDemo(ctx(), ""); err != nil {
			b.Fatal(err)
		}
		if _, err := db.BuildDemoAppeals(ctx(), DemoAppeals); err != nil {
			b.Fatal(err)
		}
	}
}

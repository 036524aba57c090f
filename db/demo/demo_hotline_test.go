package demo_test

import (
	"qinqing/db/dbtest"
	"qinqing/db/demo"
	"testing"
)

// TestBuildDemoHotline: the demo's hotline platform files its tickets through its key
// (one about a firm registered for review), an old key stands revoked, and a city grown
// from it copies no ticket number twice.
func TestBuildDemoHotline(t *testing.T) {
	d := dbtest.MustOpen(t)
	ctx := dbtest.Ctx()
	if _, err := demo.Build(ctx, d, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.BuildAppeals(ctx, d, 40); err != nil {
		t.Fatal(err)
	}
	n, err := demo.BuildHotline(ctx, d)
	if err != nil || n != 3 {
		t.Fatalf("hotline tickets: %d, %v", n, err)
	}
	for q, want := range map[string]int{
		"SELECT COUNT(*) FROM appeals WHERE source = 'hotline' AND external_ref IS NOT NULL AND upstream_due_at IS NOT NULL": 3,
		"SELECT COUNT(*) FROM enterprises WHERE needs_review":                                                                1,
		"SELECT COUNT(*) FROM api_keys WHERE revoked_at IS NOT NULL":                                                         1,
		"SELECT uses FROM api_keys WHERE revoked_at IS NULL":                                                                 3,
	} {
		if got := dbtest.Count(t, d, q); got != want {
			t.Errorf("%s: %d, want %d", q, got, want)
		}
	}
	if _, err := demo.ScaleAppeals(ctx, d, 120); err != nil {
		t.Fatalf("growing a city with tickets: %v", err)
	}
	if got := dbtest.Count(t, d, "SELECT COUNT(*) FROM appeals WHERE external_ref IS NOT NULL"); got != 3 {
		t.Errorf("%d appeals carry a ticket number after growing, want 3", got)
	}
}

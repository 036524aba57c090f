package db

import (
	"testing"
)

func TestBuildDemo(t *testing.T) {
	db := mustOpen(t)
	accounts, err := db.BuildDemo(ctx(), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(accounts) != 6 {
		t.Fatalf("accounts = %d, want 6", len(accounts))
	}
	for _, q := range []struct {
		query string
		want  int
	}{
		{"SELECT COUNT(*) FROM enterprises", 680},
		{"SELECT COUNT(*) FROM liaisons WHERE until IS NULL", 680},
		{"SELECT COUNT(*) FROM users", 6},
	} {
		var n int
		if err := db.read.QueryRow(q.query).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != q.want {
			t.Errorf("%s = %d, want %d", q.query, n, q.want)
		}
	}
	for _, a := range accounts {
		u, err := db.Authenticate(ctx(), a.Username, DemoPassword)
		if err != nil {
			t.Fatalf("login %s: %v", a.Username, err)
		}
		if u.Role != a.Role {
			t.Errorf("%s has role %s", a.Username, u.Role)
		}
	}
	if _, err := db.BuildDemo(ctx(), ""); ErrorCode(err) != ECONFLICT {
		t.Errorf("second build: %v, want conflict", err)
	}
	res, err := db.VerifyAudit(ctx())
	if err != nil || !res.OK {
		t.Fatalf("verify after demo: %+v %v", res, err)
	}
}

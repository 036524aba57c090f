package demo_test

import (
	"qinqing/db"
	"qinqing/db/audit"
	"qinqing/db/dbtest"
	"qinqing/db/demo"
	"qinqing/db/register"
	"testing"
)

func TestBuildDemo(t *testing.T) {
	d := dbtest.MustOpen(t)
	accounts, err := demo.Build(dbtest.Ctx(), d, "")
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
		if err := d.Read.QueryRow(q.query).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != q.want {
			t.Errorf("%s = %d, want %d", q.query, n, q.want)
		}
	}
	for _, a := range accounts {
		u, err := register.Authenticate(dbtest.Ctx(), d, a.Username, demo.Password)
		if err != nil {
			t.Fatalf("login %s: %v", a.Username, err)
		}
		if u.Role != a.Role {
			t.Errorf("%s has role %s", a.Username, u.Role)
		}
	}
	if _, err := demo.Build(dbtest.Ctx(), d, ""); db.ErrorCode(err) != db.ECONFLICT {
		t.Errorf("second build: %v, want conflict", err)
	}
	res, err := audit.Verify(dbtest.Ctx(), d)
	if err != nil || !res.OK {
		t.Fatalf("verify after demo: %+v %v", res, err)
	}
}

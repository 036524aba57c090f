package db_test

import (
	"qinqing/db"
	"qinqing/db/dbtest"
	"testing"
)

// TestCountStopsAtTheBound: a list's total counts up to TotalBound and then says only
// that there are more, on either engine; a filter is counted under the same bound.
func TestCountStopsAtTheBound(t *testing.T) {
	d := dbtest.MustOpen(t)
	if _, err := d.Write.Exec("CREATE TABLE bound_rows (n integer NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	fill := func(from, to int) {
		t.Helper()
		if _, err := d.Write.Exec(`INSERT INTO bound_rows (n) WITH RECURSIVE s(n) AS (SELECT CAST(? AS integer) UNION ALL SELECT n + 1 FROM s WHERE n < ?)
			SELECT n FROM s`, from, to); err != nil {
			t.Fatal(err)
		}
	}
	count := func(w db.Where) db.Total {
		t.Helper()
		n, capped, err := db.CountUpTo(d.Read, "bound_rows", w)
		if err != nil {
			t.Fatal(err)
		}
		return db.Total{N: n, Capped: capped}
	}
	fill(1, db.TotalBound)
	if got := count(db.Where{}); got != (db.Total{N: db.TotalBound}) || got.String() != "10000" {
		t.Errorf("exactly the bound: %+v %q", got, got)
	}
	fill(db.TotalBound+1, db.TotalBound+1)
	if got := count(db.Where{}); got != (db.Total{N: db.TotalBound, Capped: true}) || got.String() != "10000+" {
		t.Errorf("one past the bound: %+v %q", got, got)
	}
	var w db.Where
	w.Add("n > ?", 9000)
	if got := count(w); got != (db.Total{N: 1001}) {
		t.Errorf("filtered under the bound: %+v", got)
	}
	sum := db.Total{N: 3}.Plus(db.Total{N: db.TotalBound, Capped: true})
	if sum.String() != "10003+" {
		t.Errorf("a sum with a capped count: %q", sum)
	}
}

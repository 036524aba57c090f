package ledger_test

import (
	"qinqing/db"
	"qinqing/db/dbtest"
	"qinqing/db/demo"
	"testing"
)

// demoLedger is dbtest.DemoLedger with the cut-off date computed in Go, so that it runs
// on either engine (SQLite's date('now', …) does not exist on PostgreSQL): the demo city,
// its leader, an enterprise paired with that leader for over 200 days, and one paired
// with another leader.
func demoLedger(t testing.TB) (d *db.DB, leader db.Actor, own, other int64) {
	t.Helper()
	d = dbtest.MustOpen(t)
	if _, err := demo.Build(dbtest.Ctx(), d, ""); err != nil {
		t.Fatal(err)
	}
	leader = dbtest.DemoActor(t, d, "leader")
	cutoff := d.Now().UTC().AddDate(0, 0, -200).Format(db.DateLayout)
	err := d.Read.QueryRow(`SELECT enterprise_id FROM liaisons WHERE leader_id = ? AND until IS NULL
		AND since < ? ORDER BY enterprise_id LIMIT 1`, leader.LeaderID, cutoff).Scan(&own)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Read.QueryRow("SELECT enterprise_id FROM liaisons WHERE leader_id != ? AND until IS NULL ORDER BY enterprise_id LIMIT 1",
		leader.LeaderID).Scan(&other); err != nil {
		t.Fatal(err)
	}
	return d, leader, own, other
}

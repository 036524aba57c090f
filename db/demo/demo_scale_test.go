package demo_test

import (
	"qinqing/db"
	"qinqing/db/audit"
	"qinqing/db/dbtest"
	"qinqing/db/demo"
	"regexp"
	"testing"
)

// A scaled demo city is the played one copied: each copy has its source's timeline and
// departments, a fresh SQ number in its year's sequence, a vault entry that opens, and
// the audit chain still verifies.
func TestScaleDemoAppeals(t *testing.T) {
	d := dbtest.MustOpen(t)
	if _, err := demo.ScaleAppeals(dbtest.Ctx(), d, 10); db.ErrorCode(err) != db.EINVALID {
		t.Fatalf("scaling an empty city: %v, want EINVALID", err)
	}
	if _, err := demo.Build(dbtest.Ctx(), d, ""); err != nil {
		t.Fatal(err)
	}
	played, err := demo.BuildAppeals(dbtest.Ctx(), d, 120)
	if err != nil {
		t.Fatal(err)
	}
	copied, err := demo.ScaleAppeals(dbtest.Ctx(), d, 500)
	if err != nil {
		t.Fatal(err)
	}
	if played+copied != 500 {
		t.Fatalf("played %d + copied %d, want 500 in all", played, copied)
	}
	q := d.Read
	var total, distinct, bad int
	q.QueryRow("SELECT COUNT(*), COUNT(DISTINCT number) FROM appeals").Scan(&total, &distinct)
	if total != 500 || distinct != 500 {
		t.Fatalf("%d appeals with %d distinct numbers, want 500 and 500", total, distinct)
	}
	rows, err := q.Query("SELECT number FROM appeals")
	if err != nil {
		t.Fatal(err)
	}
	format := regexp.MustCompile(`^SQ\d{4}-\d{6}$`)
	for rows.Next() {
		var n string
		rows.Scan(&n)
		if !format.MatchString(n) {
			bad++
		}
	}
	rows.Close()
	if bad > 0 {
		t.Fatalf("%d numbers not in the SQ{year}-{seq} form", bad)
	}
	// Each year's counter covers every number handed out, so the next filing does not collide.
	var gaps int
	q.QueryRow(`SELECT COUNT(*) FROM appeal_numbers n WHERE n.last != (SELECT MAX(CAST(substr(number, 8) AS INTEGER))
		FROM appeals WHERE substr(number, 3, 4) = CAST(n.year AS TEXT))`).Scan(&gaps)
	if gaps != 0 {
		t.Fatalf("%d years whose counter is not at their highest number", gaps)
	}
	var copiedEvents, sourceless int
	q.QueryRow("SELECT COUNT(*) FROM appeal_events WHERE appeal_id > 120").Scan(&copiedEvents)
	q.QueryRow(`SELECT COUNT(*) FROM appeals c WHERE c.id > 120 AND NOT EXISTS (SELECT 1 FROM appeal_events WHERE appeal_id = c.id)`).Scan(&sourceless)
	if copiedEvents == 0 || sourceless != 0 {
		t.Fatalf("copies carry %d events, %d copies have none", copiedEvents, sourceless)
	}
	var reports int
	q.QueryRow("SELECT COUNT(*) FROM appeals WHERE id > 120 AND source = 'report'").Scan(&reports)
	if reports != 0 {
		t.Fatalf("%d reports copied; a report's receipt belongs to one reporter", reports)
	}
	// Vault entries of confidential copies open under the copy's id.
	var conf []int64
	rows, err = q.Query("SELECT appeal_id FROM appeal_identities WHERE appeal_id > 120")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		conf = append(conf, id)
	}
	rows.Close()
	if len(conf) == 0 {
		t.Fatal("no confidential copies to check")
	}
	err = d.Update(dbtest.Ctx(), func(tx *db.Tx) error {
		for _, id := range conf {
			if _, err := tx.GetIdentity(id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("a copied vault entry does not open: %v", err)
	}
	if v, err := audit.Verify(dbtest.Ctx(), d); err != nil || !v.OK {
		t.Fatalf("audit chain after scaling: %+v %v", v, err)
	}
	// The next appeal filed gets the next number of its year, not a copy's.
	if _, err := demo.ScaleAppeals(dbtest.Ctx(), d, 500); err != nil {
		t.Fatalf("scaling to the size the city has: %v", err)
	}
}

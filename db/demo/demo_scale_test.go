package demo_test

import (
	"fmt"
	"qinqing/db"
	"qinqing/db/appeal"
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
	if _, err := demo.ScaleAppeals(dbtest.Ctx(), d, 500); err != nil {
		t.Fatalf("scaling to the size the city has: %v", err)
	}
	// The next appeal filed gets a fresh id and the next number of its year, not a copy's.
	var ent, maxID int64
	if err := q.QueryRow("SELECT (SELECT MIN(id) FROM enterprises), (SELECT MAX(id) FROM appeals)").Scan(&ent, &maxID); err != nil {
		t.Fatal(err)
	}
	ap, err := appeal.Create(dbtest.Ctx(), d, dbtest.DemoActor(t, d, "office"), appeal.Input{Title: "扩充后提交的诉求",
		Content: "演示城市扩充之后新提交的一件诉求。", Category: "其他", EnterpriseID: &ent, Source: appeal.SourceHotline,
		Tier: appeal.TierFast, ContactName: "企业联系人", ContactPhone: "13900000000"})
	if err != nil {
		t.Fatalf("filing after scaling: %v", err)
	}
	var last int
	if err := q.QueryRow("SELECT last FROM appeal_numbers WHERE year = ?", d.Now().In(db.Zone).Year()).Scan(&last); err != nil {
		t.Fatal(err)
	}
	if ap.ID <= maxID || ap.Number != fmt.Sprintf("SQ%d-%06d", d.Now().In(db.Zone).Year(), last) {
		t.Errorf("filed after scaling: id %d number %s, want past %d and the year's last (%d)", ap.ID, ap.Number, maxID, last)
	}
}

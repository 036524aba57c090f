package appeal_test

import (
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/dbtest"
	"qinqing/db/register"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestSearchForms tries what clerks type into the search box: the number whole or in
// part, an enterprise's name or credit code, a category, and short text.
func TestSearchForms(t *testing.T) {
	w := dbtest.NewWorld(t)
	if _, err := w.DB.Write.Exec("INSERT INTO appeal_numbers (year, last) VALUES (2026, 1844) ON CONFLICT (year) DO UPDATE SET last = CASE WHEN appeal_numbers.last > excluded.last THEN appeal_numbers.last ELSE excluded.last END"); err != nil {
		t.Fatal(err)
	}
	ap := w.File(t, w.Office, func(in *appeal.Input) {
		in.Source, in.Tier = appeal.SourceHotline, appeal.TierFast
		in.EnterpriseID = &w.OtherEnt.EnterpriseID
		in.Title, in.Content, in.Category = "厂区道路积水", "雨后厂门前道路积水严重，车辆无法进出。", "要素保障-用水"
	})
	if ap.Number != "SQ2026-001845" {
		t.Fatalf("filed %s, want SQ2026-001845", ap.Number)
	}
	ent, err := register.FindEnterprise(dbtest.Ctx(), w.DB, w.Admin, w.OtherEnt.EnterpriseID)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(ap.Title+ap.Content, ent.Name) {
		t.Fatal("the test appeal's text names its enterprise; the search by name would prove nothing")
	}
	search := func(who db.Actor, q string) []appeal.Appeal {
		t.Helper()
		list, err := appeal.List(dbtest.Ctx(), w.DB, who, appeal.Filter{Q: q, Page: db.Page{Limit: db.MaxLimit}})
		if err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
		return list.Items
	}
	has := func(items []appeal.Appeal) bool {
		for _, x := range items {
			if x.ID == ap.ID {
				return true
			}
		}
		return false
	}
	namePart := string([]rune(ent.Name)[:utf8.RuneCountInString(ent.Name)-1])
	for _, c := range []struct {
		q    string
		each func(appeal.Appeal) bool // what every hit must satisfy
	}{
		{"SQ2026-001845", func(x appeal.Appeal) bool { return x.Number == "SQ2026-001845" }},
		{"sq2026-001845", func(x appeal.Appeal) bool { return x.Number == "SQ2026-001845" }},
		{"2026-001845", func(x appeal.Appeal) bool { return x.Number == "SQ2026-001845" }},
		{"SQ2026-0018", func(x appeal.Appeal) bool { return strings.HasPrefix(x.Number, "SQ2026-0018") }},
		{"001845", func(x appeal.Appeal) bool { return strings.HasSuffix(x.Number, "-001845") }},
		{"1845", func(x appeal.Appeal) bool { return strings.HasSuffix(x.Number, "-001845") }},
		{ent.Name, func(x appeal.Appeal) bool { return x.EnterpriseName == ent.Name }},
		{namePart, func(x appeal.Appeal) bool { return strings.Contains(x.EnterpriseName, namePart) }},
		{ent.CreditCode, func(x appeal.Appeal) bool { return x.EnterpriseName == ent.Name }},
		{ent.CreditCode[8:], func(x appeal.Appeal) bool { return x.EnterpriseName == ent.Name }},
		{"要素保障-用水", func(x appeal.Appeal) bool { return x.Category == "要素保障-用水" }},
		{"用水", func(x appeal.Appeal) bool {
			return strings.Contains(x.Category, "用水") || strings.Contains(x.Title+x.Content, "用水")
		}},
		{"积水", func(x appeal.Appeal) bool { return strings.Contains(x.Title+x.Content, "积水") }},
		{"道路 1845", func(x appeal.Appeal) bool { return x.ID == ap.ID }},
	} {
		items := search(w.Office, c.q)
		if !has(items) {
			t.Errorf("office searches %q: %s not found among %d", c.q, ap.Number, len(items))
		}
		for _, x := range items {
			if !c.each(x) {
				t.Errorf("search %q lists %s (%s · %s · %s), which it does not match", c.q, x.Number, x.Title, x.EnterpriseName, x.Category)
				break
			}
		}
	}
	// Every way in stays inside the caller's scope: the appeal's own enterprise finds it
	// by number, another enterprise finds nothing by the same number or name.
	if !has(search(w.OtherEnt, "001845")) {
		t.Error("its enterprise cannot find the appeal by number")
	}
	for _, q := range []string{"SQ2026-001845", "1845", ent.Name, ent.CreditCode} {
		if has(search(w.Ent, q)) {
			t.Errorf("another enterprise finds %s by %q", ap.Number, q)
		}
	}
	for _, q := range []string{"SQ2026-009999", "999999", "SQ2031"} {
		if has(search(w.Office, q)) {
			t.Errorf("%q finds %s", q, ap.Number)
		}
	}
}

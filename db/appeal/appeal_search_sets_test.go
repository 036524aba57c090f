package appeal_test

import (
	"fmt"
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/dbtest"
	"qinqing/db/demo"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestSearchFindsWhatAClerkTypes: a search finds exactly the appeals whose number,
// title, content, enterprise (name or credit code) or category holds the word, on either
// engine; on PostgreSQL the enterprises and categories a word names reach the query as
// values, and a word naming more of them than the set holds keeps the subquery and still
// finds the same appeals.
func TestSearchFindsWhatAClerkTypes(t *testing.T) {
	w := dbtest.NewWorld(t)
	ctx := t.Context()
	if _, err := demo.BuildAppeals(ctx, w.DB, 120); err != nil {
		t.Fatal(err)
	}
	all := listAll(t, w.DB, w.Office, "")
	codes := map[int64]string{}
	rows, err := w.DB.Read.Query("SELECT id, credit_code FROM enterprises")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var code string
		rows.Scan(&id, &code)
		codes[id] = code
	}
	rows.Close()
	some := all[len(all)/2]
	seq := some.Number[strings.LastIndex(some.Number, "-")+1:]
	ent := []rune(strings.TrimSuffix(some.EnterpriseName, "有限公司"))
	terms := []string{
		strings.TrimLeft(seq, "0"),     // a sequence as said aloud
		string(ent[len(ent)-4:]),       // the end of an enterprise's name
		codes[*some.EnterpriseID][:10], // the start of its credit code
		"用电",                           // in a category, and in texts
		"物流费用",                         // in texts
		"有限公司",                         // in most enterprises' names
	}
	want := func(term string) []int64 {
		var ids []int64
		low := strings.ToLower(term)
		for _, ap := range all {
			in := func(s string) bool { return strings.Contains(strings.ToLower(s), low) }
			code := ""
			if ap.EnterpriseID != nil {
				code = codes[*ap.EnterpriseID]
			}
			number := false
			if n, err := strconv.Atoi(term); err == nil && n > 0 {
				number = strings.HasSuffix(ap.Number, fmt.Sprintf("-%06d", n))
			}
			if number || in(ap.Title) || in(ap.Content) || in(ap.EnterpriseName) || in(code) || in(ap.Category) {
				ids = append(ids, ap.ID)
			}
		}
		return ids
	}
	check := func(label string) {
		t.Helper()
		for _, term := range terms {
			got := ids(listAll(t, w.DB, w.Office, term))
			if exp := want(term); !slices.Equal(got, exp) {
				t.Errorf("%s: q=%q found %d appeals %v, want %d %v", label, term, len(got), got, len(exp), exp)
			}
		}
	}
	check("sets as read")
	if w.DB.Engine() != db.Postgres {
		return
	}
	for _, term := range terms[:3] {
		var where db.Where
		var v db.Violations
		if err := appeal.Search(db.Postgres, w.DB.R(ctx), &where, &v, term); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(where.Sql(), "SELECT") {
			t.Errorf("q=%q keeps a subquery the planner cannot see into:\n%s", term, where.Sql())
		}
	}
	defer appeal.SetMaxSetValues(1)()
	check("sets over the bound")
}

func listAll(t *testing.T, d *db.DB, a db.Actor, q string) []appeal.Appeal {
	t.Helper()
	var out []appeal.Appeal
	f := appeal.Filter{Q: q, Sort: "old", Page: db.Page{Limit: db.MaxLimit}}
	for {
		l, err := appeal.List(t.Context(), d, a, f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, l.Items...)
		if l.NextCursor == "" {
			return out
		}
		f.Cursor = l.NextCursor
	}
}

func ids(list []appeal.Appeal) []int64 {
	out := make([]int64, len(list))
	for i, ap := range list {
		out[i] = ap.ID
	}
	return out
}

package db_test

import (
	"fmt"
	"maps"
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/dbtest"
	"qinqing/db/demo"
	"slices"
	"strings"
	"sync"
	"testing"
)

// allAppealIDs walks every page of an appeal search and returns the ids it lists.
func allAppealIDs(t *testing.T, d *db.DB, who db.Actor, q string) map[int64]bool {
	t.Helper()
	out := map[int64]bool{}
	f := appeal.Filter{Q: q, Page: db.Page{Limit: db.MaxLimit}}
	for {
		l, err := appeal.List(dbtest.Ctx(), d, who, f)
		if err != nil {
			t.Fatalf("%s searches %q: %v", who.Role, q, err)
		}
		for _, a := range l.Items {
			out[a.ID] = true
		}
		if l.NextCursor == "" {
			return out
		}
		f.Cursor = l.NextCursor
	}
}

// likeMatches is the search as it was before the pair index: LIKE over title and content
// beside the number, enterprise and category alternatives, over all appeals. PostgreSQL's
// LIKE heeds case, SQLite's does not (nor does the search): there the oracle says ILIKE.
func likeMatches(t *testing.T, d *db.DB, term string) map[int64]bool {
	t.Helper()
	like := "LIKE"
	if d.Engine() == db.Postgres {
		like = "ILIKE"
	}
	var alt db.Where
	appeal.NumberMatch(&alt, term)
	pat := "%" + db.EscapeLike(term) + "%"
	alt.Add(`(a.title `+like+` ? ESCAPE '\' OR a.content `+like+` ? ESCAPE '\')`, pat, pat)
	alt.Add(`a.enterprise_id IN (SELECT id FROM enterprises WHERE name `+like+` ? ESCAPE '\' OR credit_code `+like+` ? ESCAPE '\')`, pat, pat)
	alt.Add(`a.category IN (SELECT name FROM categories WHERE name `+like+` ? ESCAPE '\')`, pat)
	rows, err := d.Read.Query("SELECT a.id FROM appeals a WHERE "+strings.Join(alt.Clauses, " OR "), alt.Args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		out[id] = true
	}
	return out
}

// TestPairSearchOracle: on the demo city, every role's two-character search lists exactly
// what LIKE finds among the appeals that role can see, for pairs of every kind the texts
// hold: Chinese, digits, Latin letters in either case, full-width punctuation.
func TestPairSearchOracle(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the demo city")
	}
	w := dbtest.NewWorld(t)
	d := w.DB
	if _, err := demo.BuildAppeals(dbtest.Ctx(), d, 300); err != nil {
		t.Fatal(err)
	}
	// Every distinct pair of the texts, in a fixed order; then a spread of them.
	seen := map[string]bool{}
	rows, err := d.Read.Query("SELECT title, content FROM appeals")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var title, content string
		rows.Scan(&title, &content)
		r := []rune(title + "\n" + content)
		for i := 0; i+1 < len(r); i++ {
			if p := string(r[i : i+2]); len(strings.Fields(p)) == 1 && len([]rune(strings.Fields(p)[0])) == 2 {
				seen[p] = true
			}
		}
	}
	rows.Close()
	all := slices.Sorted(maps.Keys(seen))
	if len(all) < 200 {
		t.Fatalf("only %d distinct pairs in the demo texts", len(all))
	}
	var terms []string
	for i := 0; i < len(all); i += len(all) / 80 {
		terms = append(terms, all[i])
	}
	// Pairs an index could get wrong: ASCII case, digits inside longer numbers, a pair
	// spanning title and content, punctuation (served by LIKE), and pairs found nowhere.
	terms = append(terms, "用电", "审批", "拖延", "Ab", "AB", "20", "26", "，请", "。企", "a%", "_1", "无无", "zq")
	if _, err := d.Write.Exec(`UPDATE appeals SET title = 'ABC-号线路 改造', content = '5G基站2026年建成' WHERE id = (SELECT MIN(id) FROM appeals)`); err != nil {
		t.Fatal(err)
	}
	if err := db.IndexLeftovers(d.Write); err != nil {
		t.Fatal(err)
	}
	terms = append(terms, "bc", "Bc", "5g", "C号", "c-", "路改", "号线", "成5", "改造")
	actors := []db.Actor{w.Admin, w.Office, w.Dept, w.Leader, w.Ent, w.Auditor}
	found := 0
	for _, who := range actors {
		visible := allAppealIDs(t, d, who, "")
		for _, term := range terms {
			want := map[int64]bool{}
			for id := range likeMatches(t, d, term) {
				if visible[id] {
					want[id] = true
				}
			}
			got := allAppealIDs(t, d, who, term)
			if !maps.Equal(got, want) {
				t.Errorf("%s searches %q: %d listed, LIKE finds %d", who.Role, term, len(got), len(want))
			}
			found += len(got)
		}
	}
	if found == 0 {
		t.Fatal("no search found anything: the oracle proves nothing")
	}
}

// TestPairSearchPlan: a two-character search reads the pair index, not every appeal's
// text; a search with punctuation still works through LIKE.
func TestPairSearchPlan(t *testing.T) {
	d := dbtest.MustOpen(t)
	if d.Engine() == db.Postgres {
		trigramSearchPlan(t, d)
		return
	}
	for _, term := range []string{"用电", "5g", "审批 拖延"} {
		var w db.Where
		var v db.Violations
		appeal.Search(d.Engine(), d.R(t.Context()), &w, &v, term)
		rows, err := d.Read.Query("EXPLAIN QUERY PLAN SELECT a.id FROM appeals a WHERE "+strings.Join(w.Clauses, " AND "), w.Args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			rows.Scan(&id, &parent, &unused, &detail)
			plan = append(plan, detail)
		}
		rows.Close()
		text := strings.Join(plan, "\n")
		if !strings.Contains(text, "VIRTUAL TABLE INDEX") || !strings.Contains(text, "appeals_bigrams") {
			t.Errorf("%q does not read the pair index:\n%s", term, text)
		}
		for _, line := range plan {
			if line == "SCAN a" || strings.HasPrefix(line, "SCAN a ") {
				t.Errorf("%q scans the appeals:\n%s", term, text)
			}
		}
	}
}

// trigramSearchPlan: on PostgreSQL, which has no pair index, a word of three characters
// or more reads the trigram indexes of both title and content. The test database is
// empty and unanalysed, so table scans are priced out: the indexes are then read only if
// the search's conditions are ones they serve.
func trigramSearchPlan(t *testing.T, d *db.DB) {
	for _, term := range []string{"审批拖延", "5G基站", "用电 审批拖延"} {
		var w db.Where
		var v db.Violations
		appeal.Search(d.Engine(), d.R(t.Context()), &w, &v, term)
		tx, err := d.Read.Begin()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec("SET LOCAL enable_seqscan = off"); err != nil {
			t.Fatal(err)
		}
		var plan string
		err = tx.QueryRow("EXPLAIN (FORMAT JSON) SELECT a.id FROM appeals a WHERE "+strings.Join(w.Clauses, " AND "), w.Args...).Scan(&plan)
		tx.Rollback()
		if err != nil {
			t.Fatal(err)
		}
		for _, index := range []string{"appeals_title_trgm", "appeals_content_trgm"} {
			if !strings.Contains(plan, `"`+index+`"`) {
				t.Errorf("%q does not read %s:\n%s", term, index, plan)
			}
		}
	}
}

// TestPairIndexQueue: what the writer saves, changes and deletes is what two-character
// searches find once the transaction commits, and a failed request leaves nothing queued.
// PostgreSQL has no pair index to keep, but must find the same.
func TestPairIndexQueue(t *testing.T) {
	w := dbtest.NewWorld(t)
	d := w.DB
	search := func(q string) int {
		t.Helper()
		return len(allAppealIDs(t, d, w.Office, q))
	}
	in := func(title, content string) appeal.Input {
		return appeal.Input{Title: title, Content: content, Category: "其他", EnterpriseID: &w.Ent.EnterpriseID,
			Source: appeal.SourceHotline, Tier: appeal.TierFast}
	}
	words := []string{"甲乙", "丙丁", "戊己", "庚辛", "壬癸", "子丑", "寅卯", "辰巳"}
	var wg sync.WaitGroup
	for i, word := range words {
		wg.Go(func() {
			if _, err := appeal.Create(dbtest.Ctx(), d, w.Office, in("诉求"+word, fmt.Sprintf("第%d件：%s，请办理。", i, word))); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Go(func() {
		err := d.Update(dbtest.Ctx(), func(tx *db.Tx) error {
			if _, err := appeal.FileAppeal(tx, w.Office, in("回滚黄宇", "黄宇之事")); err != nil {
				return err
			}
			return db.Errorf(db.EINVALID, "故意失败")
		})
		if db.ErrorCode(err) != db.EINVALID {
			t.Errorf("failing request: %v", err)
		}
	})
	wg.Wait()
	for _, word := range words {
		if n := search(word); n != 1 {
			t.Errorf("%s finds %d, want 1", word, n)
		}
	}
	if n := search("黄宇"); n != 0 {
		t.Errorf("the failed request's appeal is found %d times", n)
	}
	if n := dbtest.CountOf(t, d, "SELECT COUNT(*) FROM appeals_bigrams_pending"); n != 0 {
		t.Fatalf("%d appeals left in the queue after commit", n)
	}

	// Retitled: found by the new pair, not the old. Twice in one transaction, and filed
	// and retitled in one: each ends indexed once, by its last text.
	id := int64(dbtest.CountOf(t, d, "SELECT id FROM appeals WHERE title = '诉求甲乙'"))
	var fresh int64
	if err := d.Update(dbtest.Ctx(), func(tx *db.Tx) error {
		if _, err := tx.Exec("UPDATE appeals SET title = '乾坤', content = '离坎' WHERE id = ?", id); err != nil {
			return err
		}
		if _, err := tx.Exec("UPDATE appeals SET title = '艮兑' WHERE id = ?", id); err != nil {
			return err
		}
		ap, err := appeal.FileAppeal(tx, w.Office, in("震巽", "日月"))
		if err != nil {
			return err
		}
		fresh = ap.ID
		_, err = tx.Exec("UPDATE appeals SET title = '星辰' WHERE id = ?", fresh)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]int{"甲乙": 0, "诉求": 7, "乾坤": 0, "艮兑": 1, "离坎": 1, "震巽": 0, "星辰": 1, "日月": 1} {
		if n := search(q); n != want {
			t.Errorf("after retitling, %s finds %d, want %d", q, n, want)
		}
	}
	// Deleted, once indexed and once before it was: gone from the index either way.
	if err := d.Update(dbtest.Ctx(), func(tx *db.Tx) error {
		ap, err := appeal.FileAppeal(tx, w.Office, in("鸿雁", "鸿雁"))
		if err != nil {
			return err
		}
		for _, x := range []int64{fresh, ap.ID} {
			if _, err := tx.Exec("DELETE FROM appeal_events WHERE appeal_id = ?", x); err != nil {
				return err
			}
			if _, err := tx.Exec("DELETE FROM appeals WHERE id = ?", x); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"星辰", "日月", "鸿雁"} {
		if n := search(q); n != 0 {
			t.Errorf("after deleting, %s finds %d", q, n)
		}
	}
	if d.Engine() == db.SQLite {
		if n := dbtest.CountOf(t, d, "SELECT COUNT(*) FROM appeals_bigrams WHERE appeals_bigrams MATCH '星辰 OR 日月 OR 鸿雁'"); n != 0 {
			t.Errorf("%d deleted appeals left in the pair index", n)
		}
	}
}

// TestPairIndexBackfill: appeals saved before the pair index existed, and rows written
// past the writer, are indexed when the database is next opened.
func TestPairIndexBackfill(t *testing.T) {
	dbtest.SQLiteOnly(t) // SQLite's migration 014 and its queue, drained when its file is reopened
	d := dbtest.MustOpen(t)
	if _, err := d.Write.Exec(`INSERT INTO appeals (number, title, content, category, source, tier, stage, created_at,
		response_due_at, due_at, updated_at) VALUES ('SQ2026-000001', '道路施工噪音扰民', '夜间施工影响企业员工休息。', '其他', 'hotline',
		'fast', 'discovered', 0, 0, 0, 0)`); err != nil {
		t.Fatal(err)
	}
	path := d.Path
	d.Close()
	office := db.Actor{UserID: 1, Name: "专班", Role: db.RoleOffice}
	d2, err := db.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(allAppealIDs(t, d2, office, "噪音")); n != 1 {
		t.Fatalf("raw row: %d found, want 1", n)
	}
	// Back to the schema before migration 014, holding the appeal: the migration queues it.
	for _, s := range []string{"DROP TABLE appeals_bigrams", "DROP TABLE appeals_bigrams_pending", "DROP TRIGGER appeals_bigrams_insert",
		"DROP TRIGGER appeals_bigrams_update", "DROP TRIGGER appeals_bigrams_delete", "DELETE FROM schema_migrations WHERE version = 14"} {
		if _, err := d2.Write.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	d2.Close()
	d3, err := db.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer d3.Close()
	if n := len(allAppealIDs(t, d3, office, "扰民")); n != 1 {
		t.Fatalf("after the migration: %d found, want 1", n)
	}
	if n := dbtest.CountOf(t, d3, "SELECT COUNT(*) FROM appeals_bigrams_pending"); n != 0 {
		t.Fatalf("%d left queued", n)
	}
}

package appeal_test

import (
	"cmp"
	"encoding/base64"
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/dbtest"
	"qinqing/db/demo"
	"slices"
	"strings"
	"sync"
	"testing"
)

func compareDue(k, o appeal.DueKey) int {
	return cmp.Or(cmp.Compare(k.Closed, o.Closed), cmp.Compare(k.Due, o.Due), cmp.Compare(k.Id, o.Id))
}

// visibleByKey is every appeal the actor may list, in the due order, read by id pages
// (not by the code under test) and sorted here.
func visibleByKey(t *testing.T, d *db.DB, a db.Actor) []appeal.DueKey {
	t.Helper()
	var keys []appeal.DueKey
	f := appeal.Filter{Page: db.Page{Limit: db.MaxLimit}}
	for {
		l, err := appeal.List(dbtest.Ctx(), d, a, f)
		if err != nil {
			t.Fatal(err)
		}
		for i := range l.Items {
			keys = append(keys, appeal.DueKeyOf(&l.Items[i]))
		}
		if l.NextCursor == "" {
			break
		}
		f.Cursor = l.NextCursor
	}
	slices.SortFunc(keys, compareDue)
	return keys
}

// dueWorld is the demo city with more appeals, open and closed, the department's too.
// Appeals filed at one instant share their due second: the id must break the tie.
func dueWorld(t *testing.T) *dbtest.World {
	w := dbtest.NewWorld(t)
	for i := 0; i < 12; i++ {
		ap := w.File(t, w.Office, nil)
		if i%3 == 0 {
			w.Act(t, w.Office, ap, appeal.ActionInput{Action: appeal.ActAccept})
		}
	}
	for range 5 {
		w.At(t, appeal.StageClosed)
		w.At(t, appeal.StageRectifying)
	}
	return w
}

// TestDueCursorWalkWhileFiling walks the due order page by page while appeals are filed,
// at least one between any two pages, with deadlines earlier than most of the walk's: by
// position they would push rows already shown into the next page (repeats) and, as the
// closed ones follow, shift the rest. By key, every appeal that existed at the start comes
// exactly once and in order, and the walk never goes back.
func TestDueCursorWalkWhileFiling(t *testing.T) {
	w := dueWorld(t)
	for _, who := range []db.Actor{w.Office, w.Dept} {
		t.Run(string(who.Role), func(t *testing.T) {
			want := visibleByKey(t, w.DB, who)
			if len(want) < 10 || want[0].Closed != 0 || want[len(want)-1].Closed != 1 {
				t.Fatalf("the fixture must hold open and closed appeals: %d", len(want))
			}
			stop, filed, errc := make(chan struct{}), make(chan struct{}, 1), make(chan error, 2)
			var wg sync.WaitGroup
			for range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						select {
						case <-stop:
							return
						default:
						}
						if err := fileEarly(w, who); err != nil {
							errc <- err
							return
						}
						select {
						case filed <- struct{}{}:
						default:
						}
					}
				}()
			}
			var got []appeal.DueKey
			f := appeal.Filter{Sort: "due", Page: db.Page{Limit: 7}}
			for pages := 0; ; pages++ {
				select {
				case <-filed:
				case err := <-errc:
					t.Fatal(err)
				}
				l, err := appeal.List(dbtest.Ctx(), w.DB, who, f)
				if err != nil {
					t.Fatal(err)
				}
				for i := range l.Items {
					got = append(got, appeal.DueKeyOf(&l.Items[i]))
				}
				if l.NextCursor == "" {
					break
				}
				if raw, _ := base64.RawURLEncoding.DecodeString(l.NextCursor); !strings.HasPrefix(string(raw), "d") {
					t.Fatalf("page %d: next cursor %q is not a key", pages, raw)
				}
				f.Cursor = l.NextCursor
			}
			close(stop)
			wg.Wait()
			for i := 1; i < len(got); i++ {
				if compareDue(got[i-1], got[i]) >= 0 {
					t.Fatalf("row %d %+v does not follow %+v", i, got[i], got[i-1])
				}
			}
			start := map[int64]bool{}
			for _, k := range want {
				start[k.Id] = true
			}
			var old []appeal.DueKey
			for _, k := range got {
				if start[k.Id] {
					old = append(old, k)
				}
			}
			if !slices.Equal(old, want) {
				t.Errorf("the walk showed %d of the %d appeals there at its start, or out of order", len(old), len(want))
			}
			if len(got) == len(old) {
				t.Errorf("no appeal filed during the walk was listed: the walk did not run beside filing")
			}
		})
	}
}

// fileEarly files an appeal of the immediate tier, whose deadline comes before those of
// the appeals already there, and gives it to the department when the walker is one.
func fileEarly(w *dbtest.World, who db.Actor) error {
	ap, err := appeal.Create(dbtest.Ctx(), w.DB, w.Office, appeal.Input{Title: "并发提交的诉求", Content: "翻页期间新提交的诉求，期限更早。",
		Category: "审批服务", EnterpriseID: &w.Ent.EnterpriseID, Tier: appeal.TierImmediate})
	if err != nil || who.Role != db.RoleDepartment {
		return err
	}
	if ap, err = appeal.Act(dbtest.Ctx(), w.DB, w.Office, ap.ID, appeal.ActionInput{Action: appeal.ActAccept, Version: ap.Version}); err != nil {
		return err
	}
	_, err = appeal.Act(dbtest.Ctx(), w.DB, w.Office, ap.ID, appeal.ActionInput{Action: appeal.ActAssign, DepartmentID: &who.DepartmentID, Version: ap.Version})
	return err
}

// TestDueCursorForms: a numbered page goes on by key; an offset cursor from before still
// works; a key cursor of another order, or a forged one, is refused.
func TestDueCursorForms(t *testing.T) {
	w := dueWorld(t)
	want := visibleByKey(t, w.DB, w.Office)
	f := appeal.Filter{Sort: "due", Page: db.Page{Limit: 5}, PageNo: 2}
	l, err := appeal.List(dbtest.Ctx(), w.DB, w.Office, f)
	if err != nil {
		t.Fatal(err)
	}
	if l.Total != len(want) || appeal.DueKeyOf(&l.Items[0]) != want[5] {
		t.Fatalf("page 2 starts at %+v, want %+v (total %d of %d)", appeal.DueKeyOf(&l.Items[0]), want[5], l.Total, len(want))
	}
	next, err := appeal.List(dbtest.Ctx(), w.DB, w.Office, appeal.Filter{Sort: "due", Page: db.Page{Limit: 5, Cursor: l.NextCursor}})
	if err != nil || appeal.DueKeyOf(&next.Items[0]) != want[10] {
		t.Fatalf("after page 2: %v %v", next, err)
	}
	offset := base64.RawURLEncoding.EncodeToString([]byte("o10"))
	byOffset, err := appeal.List(dbtest.Ctx(), w.DB, w.Office, appeal.Filter{Sort: "due", Page: db.Page{Limit: 5, Cursor: offset}})
	if err != nil || appeal.DueKeyOf(&byOffset.Items[0]) != want[10] || byOffset.NextCursor != next.NextCursor {
		t.Fatalf("offset cursor: %v %v", byOffset, err)
	}
	for _, bad := range []string{"d2.1.1", "d0.1", "d0.x.1", "d0.1.0", "12"} {
		c := base64.RawURLEncoding.EncodeToString([]byte(bad))
		if _, err := appeal.List(dbtest.Ctx(), w.DB, w.Office, appeal.Filter{Sort: "due", Page: db.Page{Cursor: c}}); err == nil {
			t.Errorf("cursor %q accepted", bad)
		}
	}
	if _, err := appeal.List(dbtest.Ctx(), w.DB, w.Office, appeal.Filter{Sort: "new", Page: db.Page{Cursor: next.NextCursor}}); err == nil {
		t.Error("a due cursor was accepted by the newest-first order")
	}

	// Numbered pages, run by run, meet at the boundary of the open and the closed.
	var numbered []appeal.DueKey
	for page := 1; ; page++ {
		l, err := appeal.List(dbtest.Ctx(), w.DB, w.Office, appeal.Filter{Sort: "due", Page: db.Page{Limit: 4}, PageNo: page})
		if err != nil {
			t.Fatal(err)
		}
		if len(l.Items) == 0 {
			break
		}
		for i := range l.Items {
			numbered = append(numbered, appeal.DueKeyOf(&l.Items[i]))
		}
	}
	if !slices.Equal(numbered, want) {
		t.Errorf("numbered pages: %v\nwant %v", numbered, want)
	}

	// Only open appeals: the closed run is not read, and the page ends with the open ones.
	yes := true
	open, err := appeal.List(dbtest.Ctx(), w.DB, w.Office, appeal.Filter{Sort: "due", Open: &yes, Page: db.Page{Limit: db.MaxLimit}})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, k := range want {
		if k.Closed == 0 {
			n++
		}
	}
	if len(open.Items) != n || open.Total != n || open.NextCursor != "" {
		t.Errorf("open list: %d rows of %d (total %d)", len(open.Items), n, open.Total)
	}
}

// TestDueOrderUsesIndex guards the index walk: the city's and a department's due lists,
// by key from the start or from a cursor in either run and by number, read the due index
// in order and never sort the matching rows.
func TestDueOrderUsesIndex(t *testing.T) {
	d := dbtest.MustOpen(t)
	dept := db.Actor{Role: db.RoleDepartment, DepartmentID: 2, Name: "单位02"}
	for _, a := range []db.Actor{dbtest.AdminActor, {UserID: 2, Name: "办公室", Role: db.RoleOffice}, dept} {
		f := appeal.Filter{Sort: "due"}
		w, err := f.Where(t.Context(), d, a, d.Now())
		if err != nil {
			t.Fatal(err)
		}
		type q struct {
			name  string
			query string
			args  []any
		}
		var qs []q
		for _, closed := range []int{0, 1} {
			query, args := appeal.DueRunSQL(d.Engine(), w, closed, nil, 51, 0)
			qs = append(qs, q{"first page", query, args})
			query, args = appeal.DueRunSQL(d.Engine(), w, closed, &appeal.DueKey{closed, 1_800_000_000, 40}, 51, 0)
			qs = append(qs, q{"from a cursor", query, args})
			query, args = appeal.DueRunSQL(d.Engine(), w, closed, nil, 51, 100)
			qs = append(qs, q{"numbered page", query, args})
		}
		for _, x := range qs {
			if d.Engine() == db.Postgres {
				plan := postgresPlanWithoutSort(t, d, x.query, x.args)
				if strings.Contains(plan, `"Node Type": "Sort"`) || !strings.Contains(plan, `"appeals_due_order"`) {
					t.Errorf("%s, %s: not a walk of the due index:\n%s\n%s", a.Role, x.name, x.query, plan)
				}
				continue
			}
			plan := strings.Join(dbtest.Explain(t, d, x.query, x.args...), " | ")
			if strings.Contains(plan, "TEMP B-TREE FOR ORDER BY") || !strings.Contains(plan, "appeals_due_order") {
				t.Errorf("%s, %s: not a walk of the due index:\n%s\n%s", a.Role, x.name, x.query, plan)
			}
		}
	}
}

// postgresPlanWithoutSort is PostgreSQL's plan of the query, as JSON, with scans of the
// table and sorts priced out. The test database is empty and unanalysed, so the planner's
// own choice proves nothing; what is proven is that the query's closed-last key and
// order match the index's expressions, for the planner can walk the index for the order
// only if they do, and must otherwise sort.
func postgresPlanWithoutSort(t *testing.T, d *db.DB, query string, args []any) string {
	t.Helper()
	tx, err := d.Read.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	for _, s := range []string{"SET LOCAL enable_seqscan = off", "SET LOCAL enable_sort = off"} {
		if _, err := tx.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	var plan string
	if err := tx.QueryRow("EXPLAIN (FORMAT JSON) "+query, args...).Scan(&plan); err != nil {
		t.Fatalf("explain %s: %v", query, err)
	}
	return plan
}

// BenchmarkDuePages reads pages of the due order from the demo city grown to 100,000
// appeals: deep in the list by key and by number, a department's first page, and the
// escalation job's candidates.
func BenchmarkDuePages(b *testing.B) {
	d := dbtest.MustOpen(b)
	dbtest.FixedClock(d, dbtest.WorldStart)
	if _, err := demo.Build(dbtest.Ctx(), d, ""); err != nil {
		b.Fatal(err)
	}
	if _, err := demo.BuildAppeals(dbtest.Ctx(), d, 300); err != nil {
		b.Fatal(err)
	}
	if _, err := demo.ScaleAppeals(dbtest.Ctx(), d, 100_000); err != nil {
		b.Fatal(err)
	}
	office := db.Actor{UserID: 2, Name: "办公室", Role: db.RoleOffice}
	var dept int64
	if err := d.Read.QueryRow("SELECT department_id FROM appeal_departments GROUP BY 1 ORDER BY COUNT(*) DESC LIMIT 1").Scan(&dept); err != nil {
		b.Fatal(err)
	}
	var deep appeal.DueKey
	if err := d.Read.QueryRow(`SELECT CASE WHEN a.stage = 'closed' THEN 1 ELSE 0 END, COALESCE(a.extended_due_at, a.due_at), a.id FROM appeals a
		WHERE a.source != 'report' ORDER BY 1, 2, 3 LIMIT 1 OFFSET 50000`).Scan(&deep.Closed, &deep.Due, &deep.Id); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		a    db.Actor
		f    appeal.Filter
	}{
		{"office/cursor-at-50000", office, appeal.Filter{Sort: "due", Page: db.Page{Cursor: deep.Cursor()}}},
		{"office/page-1000", office, appeal.Filter{Sort: "due", PageNo: 1000}},
		{"office/first", office, appeal.Filter{Sort: "due"}},
		{"department/first", db.Actor{Role: db.RoleDepartment, DepartmentID: dept, Name: "单位"}, appeal.Filter{Sort: "due"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := appeal.List(dbtest.Ctx(), d, c.a, c.f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("escalation-candidates", func(b *testing.B) {
		for b.Loop() {
			if _, err := appeal.OverdueCandidates(dbtest.Ctx(), d); err != nil {
				b.Fatal(err)
			}
		}
	})
}

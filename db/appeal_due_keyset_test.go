package db

import (
	"cmp"
	"encoding/base64"
	"slices"
	"strings"
	"sync"
	"testing"
)

func compareDue(k, o dueKey) int {
	return cmp.Or(cmp.Compare(k.closed, o.closed), cmp.Compare(k.due, o.due), cmp.Compare(k.id, o.id))
}

// visibleByKey is every appeal the actor may list, in the due order, read by id pages
// (not by the code under test) and sorted here.
func visibleByKey(t *testing.T, d *DB, a Actor) []dueKey {
	t.Helper()
	var keys []dueKey
	f := AppealFilter{Page: Page{Limit: MaxLimit}}
	for {
		l, err := d.ListAppeals(ctx(), a, f)
		if err != nil {
			t.Fatal(err)
		}
		for i := range l.Items {
			keys = append(keys, dueKeyOf(&l.Items[i]))
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
func dueWorld(t *testing.T) *world {
	w := newWorld(t)
	for i := 0; i < 12; i++ {
		ap := w.file(t, w.office, nil)
		if i%3 == 0 {
			w.act(t, w.office, ap, ActionInput{Action: ActAccept})
		}
	}
	for range 5 {
		w.at(t, StageClosed)
		w.at(t, StageRectifying)
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
	for _, who := range []Actor{w.office, w.dept} {
		t.Run(string(who.Role), func(t *testing.T) {
			want := visibleByKey(t, w.db, who)
			if len(want) < 10 || want[0].closed != 0 || want[len(want)-1].closed != 1 {
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
			var got []dueKey
			f := AppealFilter{Sort: "due", Page: Page{Limit: 7}}
			for pages := 0; ; pages++ {
				select {
				case <-filed:
				case err := <-errc:
					t.Fatal(err)
				}
				l, err := w.db.ListAppeals(ctx(), who, f)
				if err != nil {
					t.Fatal(err)
				}
				for i := range l.Items {
					got = append(got, dueKeyOf(&l.Items[i]))
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
				start[k.id] = true
			}
			var old []dueKey
			for _, k := range got {
				if start[k.id] {
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
func fileEarly(w *world, who Actor) error {
	ap, err := w.db.CreateAppeal(ctx(), w.office, AppealInput{Title: "并发提交的诉求", Content: "翻页期间新提交的诉求，期限更早。",
		Category: "审批服务", EnterpriseID: &w.ent.EnterpriseID, Tier: TierImmediate})
	if err != nil || who.Role != RoleDepartment {
		return err
	}
	if ap, err = w.db.Act(ctx(), w.office, ap.ID, ActionInput{Action: ActAccept, Version: ap.Version}); err != nil {
		return err
	}
	_, err = w.db.Act(ctx(), w.office, ap.ID, ActionInput{Action: ActAssign, DepartmentID: &who.DepartmentID, Version: ap.Version})
	return err
}

// TestDueCursorForms: a numbered page goes on by key; an offset cursor from before still
// works; a key cursor of another order, or a forged one, is refused.
func TestDueCursorForms(t *testing.T) {
	w := dueWorld(t)
	want := visibleByKey(t, w.db, w.office)
	f := AppealFilter{Sort: "due", Page: Page{Limit: 5}, PageNo: 2}
	l, err := w.db.ListAppeals(ctx(), w.office, f)
	if err != nil {
		t.Fatal(err)
	}
	if l.Total != len(want) || dueKeyOf(&l.Items[0]) != want[5] {
		t.Fatalf("page 2 starts at %+v, want %+v (total %d of %d)", dueKeyOf(&l.Items[0]), want[5], l.Total, len(want))
	}
	next, err := w.db.ListAppeals(ctx(), w.office, AppealFilter{Sort: "due", Page: Page{Limit: 5, Cursor: l.NextCursor}})
	if err != nil || dueKeyOf(&next.Items[0]) != want[10] {
		t.Fatalf("after page 2: %v %v", next, err)
	}
	offset := base64.RawURLEncoding.EncodeToString([]byte("o10"))
	byOffset, err := w.db.ListAppeals(ctx(), w.office, AppealFilter{Sort: "due", Page: Page{Limit: 5, Cursor: offset}})
	if err != nil || dueKeyOf(&byOffset.Items[0]) != want[10] || byOffset.NextCursor != next.NextCursor {
		t.Fatalf("offset cursor: %v %v", byOffset, err)
	}
	for _, bad := range []string{"d2.1.1", "d0.1", "d0.x.1", "d0.1.0", "12"} {
		c := base64.RawURLEncoding.EncodeToString([]byte(bad))
		if _, err := w.db.ListAppeals(ctx(), w.office, AppealFilter{Sort: "due", Page: Page{Cursor: c}}); err == nil {
			t.Errorf("cursor %q accepted", bad)
		}
	}
	if _, err := w.db.ListAppeals(ctx(), w.office, AppealFilter{Sort: "new", Page: Page{Cursor: next.NextCursor}}); err == nil {
		t.Error("a due cursor was accepted by the newest-first order")
	}

	// Numbered pages, run by run, meet at the boundary of the open and the closed.
	var numbered []dueKey
	for page := 1; ; page++ {
		l, err := w.db.ListAppeals(ctx(), w.office, AppealFilter{Sort: "due", Page: Page{Limit: 4}, PageNo: page})
		if err != nil {
			t.Fatal(err)
		}
		if len(l.Items) == 0 {
			break
		}
		for i := range l.Items {
			numbered = append(numbered, dueKeyOf(&l.Items[i]))
		}
	}
	if !slices.Equal(numbered, want) {
		t.Errorf("numbered pages: %v\nwant %v", numbered, want)
	}

	// Only open appeals: the closed run is not read, and the page ends with the open ones.
	yes := true
	open, err := w.db.ListAppeals(ctx(), w.office, AppealFilter{Sort: "due", Open: &yes, Page: Page{Limit: MaxLimit}})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, k := range want {
		if k.closed == 0 {
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
	d := mustOpen(t)
	dept := Actor{Role: RoleDepartment, DepartmentID: 2, Name: "单位02"}
	for _, a := range []Actor{adminActor, {UserID: 2, Name: "办公室", Role: RoleOffice}, dept} {
		f := AppealFilter{Sort: "due"}
		w, err := f.where(a, d.Now())
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
			query, args := dueRunSQL(w, closed, nil, 51, 0)
			qs = append(qs, q{"first page", query, args})
			query, args = dueRunSQL(w, closed, &dueKey{closed, 1_800_000_000, 40}, 51, 0)
			qs = append(qs, q{"from a cursor", query, args})
			query, args = dueRunSQL(w, closed, nil, 51, 100)
			qs = append(qs, q{"numbered page", query, args})
		}
		for _, x := range qs {
			plan := strings.Join(explain(t, d, x.query, x.args...), " | ")
			if strings.Contains(plan, "TEMP B-TREE FOR ORDER BY") || !strings.Contains(plan, "appeals_due_order") {
				t.Errorf("%s, %s: not a walk of the due index:\n%s\n%s", a.Role, x.name, x.query, plan)
			}
		}
	}
}

// BenchmarkDuePages reads pages of the due order from the demo city grown to 100,000
// appeals: deep in the list by key and by number, a department's first page, and the
// escalation job's candidates.
func BenchmarkDuePages(b *testing.B) {
	d := mustOpen(b)
	fixedClock(d, worldStart)
	if _, err := d.BuildDemo(ctx(), ""); err != nil {
		b.Fatal(err)
	}
	if _, err := d.BuildDemoAppeals(ctx(), 300); err != nil {
		b.Fatal(err)
	}
	if _, err := d.ScaleDemoAppeals(ctx(), 100_000); err != nil {
		b.Fatal(err)
	}
	office := Actor{UserID: 2, Name: "办公室", Role: RoleOffice}
	var dept int64
	if err := d.read.QueryRow("SELECT department_id FROM appeal_departments GROUP BY 1 ORDER BY COUNT(*) DESC LIMIT 1").Scan(&dept); err != nil {
		b.Fatal(err)
	}
	var deep dueKey
	if err := d.read.QueryRow(`SELECT a.stage = 'closed', COALESCE(a.extended_due_at, a.due_at), a.id FROM appeals a
		WHERE a.source != 'report' ORDER BY 1, 2, 3 LIMIT 1 OFFSET 50000`).Scan(&deep.closed, &deep.due, &deep.id); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		a    Actor
		f    AppealFilter
	}{
		{"office/cursor-at-50000", office, AppealFilter{Sort: "due", Page: Page{Cursor: deep.cursor()}}},
		{"office/page-1000", office, AppealFilter{Sort: "due", PageNo: 1000}},
		{"office/first", office, AppealFilter{Sort: "due"}},
		{"department/first", Actor{Role: RoleDepartment, DepartmentID: dept, Name: "单位"}, AppealFilter{Sort: "due"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := d.ListAppeals(ctx(), c.a, c.f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("escalation-candidates", func(b *testing.B) {
		for b.Loop() {
			if _, err := d.overdueCandidates(ctx()); err != nil {
				b.Fatal(err)
			}
		}
	})
}

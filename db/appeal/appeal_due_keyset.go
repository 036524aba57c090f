package appeal

import (
	"encoding/base64"
	"fmt"
	"qinqing/db"
	"strconv"
	"strings"
)

// The due order (closed last, then the effective due time, then the id) is paged by key:
// a cursor names the last row's key and the next page is read from the index on that
// order (appeals_due_order), starting there. Reading a page so costs the same at the end
// of a million appeals as at the start, and appeals filed while someone pages neither
// repeat nor push rows out of the pages still to come.
//
// The order is read as two runs, the open appeals and then the closed ones, each a
// query with the closed-last flag fixed and ordered by due time and id. With the flag
// fixed, the query starts at its key in the index and walks it; the planner does not
// walk the index for the whole three-key order under a key condition, and for that order
// it would sooner sort a department's appeals than walk the city's for them. Numbered
// pages are read by position the same way, run by run, after counting the runs before.

// Parts of the due order as SQL; appealOrders["due"] is the same order.
const (
	dueTimeSQL  = "COALESCE(a.extended_due_at, a.due_at)"
	dueRunOrder = dueTimeSQL + ", a.id"
)

// dueClosed is the condition that a row is in the closed-last key's run closed (0 or 1),
// written as each engine's appeals_due_order indexes the key: SQLite the bare comparison;
// PostgreSQL an integer, since it rewrites a boolean key compared with false into
// stage <> 'closed', which no index of the key matches. SQLite's form binds a Go bool, so
// that it is still right, if slower, when PostgreSQL is handed it.
func dueClosed(e db.Engine, closed int) (string, any) {
	if e == db.Postgres {
		return "CAST(a.stage = 'closed' AS integer) = ?", closed
	}
	return "(a.stage = 'closed') = ?", closed == 1
}

// dueKey is a row's place in the due order.
type DueKey struct {
	Closed int // 1 once closed
	Due    int64
	Id     int64
}

func DueKeyOf(ap *Appeal) DueKey {
	k := DueKey{Due: ap.EffectiveDue().Unix(), Id: ap.ID}
	if ap.Stage == StageClosed {
		k.Closed = 1
	}
	return k
}

// cursor is "d" and the key, so that it cannot be taken for an id or an offset cursor.
func (k DueKey) Cursor() string {
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "d%d.%d.%d", k.Closed, k.Due, k.Id))
}

func parseDueCursor(c string) (DueKey, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || !strings.HasPrefix(string(raw), "d") {
		return DueKey{}, false
	}
	parts := strings.Split(string(raw[1:]), ".")
	if len(parts) != 3 {
		return DueKey{}, false
	}
	var n [3]int64
	for i, p := range parts {
		if n[i], err = strconv.ParseInt(p, 10, 64); err != nil {
			return DueKey{}, false
		}
	}
	k := DueKey{Closed: int(n[0]), Due: n[1], Id: n[2]}
	return k, (k.Closed == 0 || k.Closed == 1) && k.Id > 0
}

var errBadCursor = &db.Error{Code: db.EBADREQUEST, Message: "分页游标无效。", Fields: []db.FieldError{{Field: "cursor", Message: "无效的游标"}}}

// dueSegments are the values of the closed-last flag that the filter can match: a list
// of open appeals must not walk every closed one looking for more. Only filters that
// certainly exclude a run leave it out; any other filter reads both.
func (f *Filter) dueSegments() []int {
	open, closed := f.Open, f.DrillFilter.Open
	switch {
	case open != nil && *open, closed != nil && *closed, f.Overdue != nil && *f.Overdue,
		f.Stage != "" && f.Stage != StageClosed:
		return []int{0}
	case open != nil && !*open, closed != nil && !*closed, f.Stage == StageClosed:
		return []int{1}
	}
	return []int{0, 1}
}

// ListByDue pages by due time, overdue first, in the SQL of engine e. Numbered pages
// (pageNo) and the offset cursors of pages that began by number are read by position,
// run by run; whatever the page, its next cursor is the last row's key.
func ListByDue(e db.Engine, q db.Queryer, w db.Where, p db.Page, pageNo int, segments []int) (*db.List[Appeal], error) {
	var limit, offset int
	var after *DueKey
	var err error
	if pageNo > 0 || offsetCursor(p.Cursor) {
		if limit, offset, err = pageBounds(p, pageNo); err != nil {
			return nil, err
		}
	} else {
		if limit, _, err = pageBounds(db.Page{Limit: p.Limit}, 0); err != nil {
			return nil, err
		}
		if p.Cursor != "" {
			k, ok := parseDueCursor(p.Cursor)
			if !ok {
				return nil, errBadCursor
			}
			after = &k
		}
	}
	out := &db.List[Appeal]{Items: []Appeal{}}
	if !p.NoTotal {
		var err error
		if out.Total, out.TotalCapped, err = db.CountUpTo(q, db.CountFrom(From, CountFrom, w), w); err != nil {
			return nil, fmt.Errorf("db: count appeals: %w", err)
		}
	}
	for i, closed := range segments {
		if after != nil && closed < after.Closed || len(out.Items) > limit {
			continue
		}
		if offset > 0 && i < len(segments)-1 {
			// A position past this run is a position in the next one.
			n, err := dueRunCount(e, q, w, closed)
			if err != nil {
				return nil, err
			}
			if offset >= n {
				offset -= n
				continue
			}
		}
		if err := dueRun(e, q, w, closed, after, limit+1-len(out.Items), offset, out); err != nil {
			return nil, err
		}
		offset = 0
	}
	if len(out.Items) > limit {
		out.Items = out.Items[:limit]
		out.NextCursor = DueKeyOf(&out.Items[limit-1]).Cursor()
	}
	return out, nil
}

func dueRunCount(e db.Engine, q db.Queryer, w db.Where, closed int) (int, error) {
	rw := db.Where{Clauses: append([]string(nil), w.Clauses...), Args: append([]any(nil), w.Args...)}
	rw.Add(dueClosed(e, closed))
	var n int
	if err := q.QueryRow("SELECT COUNT(*) FROM "+db.CountFrom(From, CountFrom, rw)+rw.Sql(), rw.Args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("db: count appeals: %w", err)
	}
	return n, nil
}

// dueRun appends up to n rows of one run (open or closed) that follow after, or that
// follow the first offset rows of the run.
func dueRun(e db.Engine, q db.Queryer, w db.Where, closed int, after *DueKey, n, offset int, out *db.List[Appeal]) error {
	query, args := DueRunSQL(e, w, closed, after, n, offset)
	rows, err := q.Query(query, args...)
	if err != nil {
		return fmt.Errorf("db: list appeals: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		ap, err := Scan(rows)
		if err != nil {
			return err
		}
		out.Items = append(out.Items, *ap)
	}
	return rows.Err()
}

// dueRunSQL is the query of one run's page.
func DueRunSQL(e db.Engine, w db.Where, closed int, after *DueKey, n, offset int) (string, []any) {
	rw := db.Where{Clauses: append([]string(nil), w.Clauses...), Args: append([]any(nil), w.Args...)}
	rw.Add(dueClosed(e, closed))
	if after != nil && after.Closed == closed {
		// The first condition is the index range; the second drops the rows of the
		// cursor's own due second up to and including its id.
		rw.Add(dueTimeSQL+" >= ?", after.Due)
		rw.Add("("+dueTimeSQL+" > ? OR a.id > ?)", after.Due, after.Id)
	}
	return "SELECT " + Columns + " FROM " + From + rw.Sql() + " ORDER BY " + dueRunOrder + " LIMIT ? OFFSET ?", append(rw.Args, n, offset)
}

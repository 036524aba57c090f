package db

import (
	"encoding/base64"
	"fmt"
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
	dueClosedSQL = "(a.stage = 'closed')"
	dueTimeSQL   = "COALESCE(a.extended_due_at, a.due_at)"
	dueRunOrder  = dueTimeSQL + ", a.id"
)

// dueKey is a row's place in the due order.
type dueKey struct {
	closed int // 1 once closed
	due    int64
	id     int64
}

func dueKeyOf(ap *Appeal) dueKey {
	k := dueKey{due: ap.EffectiveDue().Unix(), id: ap.ID}
	if ap.Stage == StageClosed {
		k.closed = 1
	}
	return k
}

// cursor is "d" and the key, so that it cannot be taken for an id or an offset cursor.
func (k dueKey) cursor() string {
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "d%d.%d.%d", k.closed, k.due, k.id))
}

func parseDueCursor(c string) (dueKey, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || !strings.HasPrefix(string(raw), "d") {
		return dueKey{}, false
	}
	parts := strings.Split(string(raw[1:]), ".")
	if len(parts) != 3 {
		return dueKey{}, false
	}
	var n [3]int64
	for i, p := range parts {
		if n[i], err = strconv.ParseInt(p, 10, 64); err != nil {
			return dueKey{}, false
		}
	}
	k := dueKey{closed: int(n[0]), due: n[1], id: n[2]}
	return k, (k.closed == 0 || k.closed == 1) && k.id > 0
}

var errBadCursor = &Error{Code: EBADREQUEST, Message: "分页游标无效。", Fields: []FieldError{{"cursor", "无效的游标"}}}

// dueSegments are the values of the closed-last flag that the filter can match: a list
// of open appeals must not walk every closed one looking for more. Only filters that
// certainly exclude a run leave it out; any other filter reads both.
func (f *AppealFilter) dueSegments() []int {
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

// listByDue pages by due time, overdue first. Numbered pages (pageNo) and the offset
// cursors of pages that began by number are read by position, run by run; whatever the
// page, its next cursor is the last row's key.
func listByDue(q queryer, w where, p Page, pageNo int, segments []int) (*List[Appeal], error) {
	var limit, offset int
	var after *dueKey
	var err error
	if pageNo > 0 || offsetCursor(p.Cursor) {
		if limit, offset, err = pageBounds(p, pageNo); err != nil {
			return nil, err
		}
	} else {
		if limit, _, err = pageBounds(Page{Limit: p.Limit}, 0); err != nil {
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
	out := &List[Appeal]{Items: []Appeal{}}
	if !p.noTotal {
		if err := q.QueryRow("SELECT COUNT(*) FROM "+countFrom(appealFrom, appealCountFrom, w)+w.sql(), w.args...).Scan(&out.Total); err != nil {
			return nil, fmt.Errorf("db: count appeals: %w", err)
		}
	}
	for i, closed := range segments {
		if after != nil && closed < after.closed || len(out.Items) > limit {
			continue
		}
		if offset > 0 && i < len(segments)-1 {
			// A position past this run is a position in the next one.
			n, err := dueRunCount(q, w, closed)
			if err != nil {
				return nil, err
			}
			if offset >= n {
				offset -= n
				continue
			}
		}
		if err := dueRun(q, w, closed, after, limit+1-len(out.Items), offset, out); err != nil {
			return nil, err
		}
		offset = 0
	}
	if len(out.Items) > limit {
		out.Items = out.Items[:limit]
		out.NextCursor = dueKeyOf(&out.Items[limit-1]).cursor()
	}
	return out, nil
}

func dueRunCount(q queryer, w where, closed int) (int, error) {
	rw := where{clauses: append([]string(nil), w.clauses...), args: append([]any(nil), w.args...)}
	rw.add(dueClosedSQL+" = ?", closed)
	var n int
	if err := q.QueryRow("SELECT COUNT(*) FROM "+countFrom(appealFrom, appealCountFrom, rw)+rw.sql(), rw.args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("db: count appeals: %w", err)
	}
	return n, nil
}

// dueRun appends up to n rows of one run (open or closed) that follow after, or that
// follow the first offset rows of the run.
func dueRun(q queryer, w where, closed int, after *dueKey, n, offset int, out *List[Appeal]) error {
	query, args := dueRunSQL(w, closed, after, n, offset)
	rows, err := q.Query(query, args...)
	if err != nil {
		return fmt.Errorf("db: list appeals: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		ap, err := scanAppeal(rows)
		if err != nil {
			return err
		}
		out.Items = append(out.Items, *ap)
	}
	return rows.Err()
}

// dueRunSQL is the query of one run's page.
func dueRunSQL(w where, closed int, after *dueKey, n, offset int) (string, []any) {
	rw := where{clauses: append([]string(nil), w.clauses...), args: append([]any(nil), w.args...)}
	rw.add(dueClosedSQL+" = ?", closed)
	if after != nil && after.closed == closed {
		// The first condition is the index range; the second drops the rows of the
		// cursor's own due second up to and including its id.
		rw.add(dueTimeSQL+" >= ?", after.due)
		rw.add("("+dueTimeSQL+" > ? OR a.id > ?)", after.due, after.id)
	}
	return "SELECT " + appealColumns + " FROM " + appealFrom + rw.sql() + " ORDER BY " + dueRunOrder + " LIMIT ? OFFSET ?", append(rw.args, n, offset)
}

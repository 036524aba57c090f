package appeal

import (
	"context"
	"encoding/base64"
	"fmt"
	"qinqing/db"
	"strconv"
	"strings"
	"time"
)

// appealOrders are the orders a list may take, by the Sort value. Each ends in the id, so
// that a position is stable between pages.
var appealOrders = map[string]string{
	"":    "a.id DESC",
	"new": "a.id DESC",
	"old": "a.id",
	// A department's queue: open before closed, the earliest due (the overdue) first.
	// The due order is paged by key (appeal_due_keyset.go) and served by an index.
	"due": "a.stage = 'closed', COALESCE(a.extended_due_at, a.due_at), a.id",
	// By department name; appeals no department holds yet come last.
	"dept": "a.department_id IS NULL, d.name, a.id DESC",
}

// maxPageNo bounds a page number, so that offset arithmetic never overflows.
const maxPageNo = 1_000_000

// maxListIDs bounds a selection of appeals named by id.
const maxListIDs = db.MaxLimit

// whereIDs narrows to the chosen ids. They are kept as text ("12,40,41") so that a filter
// stays a comparable value, as the figures compare filters.
func (f *Filter) whereIDs(w *db.Where, v *db.Violations) {
	if strings.TrimSpace(f.IDs) == "" {
		return
	}
	parts := strings.Split(f.IDs, ",")
	if len(parts) > maxListIDs {
		v.Add("ids", "一次最多选择 %d 件", maxListIDs)
		return
	}
	args := make([]any, 0, len(parts))
	for _, p := range parts {
		id, err := strconv.ParseInt(strings.TrimSpace(p), 10, 64)
		if err != nil || id <= 0 {
			v.Add("ids", "ids 须为以逗号分隔的诉求编号（id）")
			return
		}
		args = append(args, id)
	}
	w.Add("a.id IN ("+strings.TrimSuffix(strings.Repeat("?,", len(args)), ",")+")", args...)
}

// ListAppeals lists the appeals the actor may see; the page, its total and the hidden
// reports' count are read in one snapshot.
func List(ctx context.Context, d *db.DB, a db.Actor, f Filter) (*db.List[Appeal], error) {
	now := d.Now().Truncate(time.Second)
	w, err := f.Where(ctx, d, a, now)
	if err != nil {
		return nil, err
	}
	if f.PageNo < 0 || f.PageNo > maxPageNo {
		return nil, &db.Error{Code: db.EINVALID, Message: "页码无效。", Fields: []db.FieldError{{Field: "page", Message: "页码无效"}}}
	}
	var out *db.List[Appeal]
	// The page, its total and the hidden reports' count come from one snapshot, or a
	// writer between them makes the total disagree with the rows shown.
	err = d.View(ctx, func(ctx context.Context) error {
		q := d.R(ctx)
		var err error
		if f.Cursor != "" {
			// A cursor goes on from where its page ended, whatever page number came first.
			f.PageNo = 0
		}
		switch {
		case f.Sort == "due":
			out, err = ListByDue(d.Engine(), q, w, f.Page, f.PageNo, f.dueSegments())
		case f.PageNo == 0 && !offsetCursor(f.Cursor) && (f.Sort == "" || f.Sort == "new" || f.Sort == "old"):
			out, err = db.RunList(q, db.ListQuery{From: From, CountFrom: CountFrom, Cols: Columns, ID: "a.id", Where: w, Desc: f.Sort != "old"}, f.Page, Scan)
		default:
			out, err = listByOffset(q, w, appealOrders[f.Sort], f.Page, f.PageNo)
		}
		if err != nil {
			return err
		}
		out.HiddenReports, err = hiddenReports(ctx, d, a, f, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	for i := range out.Items {
		out.Items[i].Present(a, now)
	}
	return out, nil
}

// hiddenReports counts the reports that match the filter and that the city's figures
// count for the actor but its lists never show (the office and admins): a drill-down
// from a figure then says how many it cannot list, rather than silently listing fewer.
func hiddenReports(ctx context.Context, d *db.DB, a db.Actor, f Filter, now time.Time) (int, error) {
	if !a.Is(db.RoleAdmin, db.RoleOffice) {
		return 0, nil
	}
	w, err := f.WhereIn(ctx, d, CountScope, a, now)
	if err != nil {
		return 0, err
	}
	w.Add("a.source = 'report'")
	var n int
	if err := d.R(ctx).QueryRow("SELECT COUNT(*) FROM "+db.CountFrom(From, CountFrom, w)+w.Sql(), w.Args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("db: count hidden reports: %w", err)
	}
	return n, nil
}

// offsetCursor reports whether a cursor is a position ("o" and the offset) rather than a
// key: the pages that began by number go on by position.
func offsetCursor(c string) bool {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	return err == nil && strings.HasPrefix(string(raw), "o")
}

// listByOffset pages by position, for orders that are not by id and for numbered pages.
// The cursor, when given instead of a page number, is "o" and the offset.
func listByOffset(q db.Queryer, w db.Where, order string, p db.Page, pageNo int) (*db.List[Appeal], error) {
	limit, offset, err := pageBounds(p, pageNo)
	if err != nil {
		return nil, err
	}
	out := &db.List[Appeal]{Items: []Appeal{}}
	if out.Total, out.TotalCapped, err = db.CountUpTo(q, db.CountFrom(From, CountFrom, w), w); err != nil {
		return nil, fmt.Errorf("db: count appeals: %w", err)
	}
	rows, err := q.Query("SELECT "+Columns+" FROM "+From+w.Sql()+" ORDER BY "+order+" LIMIT ? OFFSET ?",
		append(w.Args, limit+1, offset)...)
	if err != nil {
		return nil, fmt.Errorf("db: list appeals: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		ap, err := Scan(rows)
		if err != nil {
			return nil, err
		}
		out.Items = append(out.Items, *ap)
	}
	if len(out.Items) > limit {
		out.Items = out.Items[:limit]
		out.NextCursor = base64.RawURLEncoding.EncodeToString([]byte("o" + strconv.Itoa(offset+limit)))
	}
	return out, rows.Err()
}

// pageBounds is a positional page's size and offset, from its number or from an offset
// cursor ("o" and the offset); a cursor of another kind is refused.
func pageBounds(p db.Page, pageNo int) (limit, offset int, err error) {
	limit = p.Limit
	if limit == 0 {
		limit = db.DefaultLimit
	}
	if limit < 1 || limit > db.MaxLimit {
		return 0, 0, db.Errorf(db.EINVALID, "limit 须在 1 到 %d 之间。", db.MaxLimit)
	}
	if pageNo > 0 {
		return limit, (pageNo - 1) * limit, nil
	}
	if p.Cursor != "" {
		raw, err := base64.RawURLEncoding.DecodeString(p.Cursor)
		if err == nil && strings.HasPrefix(string(raw), "o") {
			offset, err = strconv.Atoi(string(raw[1:]))
		}
		if err != nil || offset <= 0 {
			return 0, 0, errBadCursor
		}
	}
	return limit, offset, nil
}

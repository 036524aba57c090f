package db

import (
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Page is the paging part of every list request.
type Page struct {
	Limit  int
	Cursor string
	// noTotal skips the count, for callers that walk every page and never show it.
	NoTotal bool
}

// DefaultLimit and MaxLimit bound list pages (contract §7).
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// TotalBound is where a list stops counting its matches: a page of a million-row list
// costs what a page of a small one does only if its total is not counted to the end, and
// no one reads a total past ten thousand for more than "more than ten thousand".
const TotalBound = 10000

// List is one page of a list with the total count across all pages, up to TotalBound.
type List[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
	Total      int    `json:"total"`
	// TotalCapped says that the list holds more than Total (TotalBound) items.
	TotalCapped bool `json:"total_capped,omitempty"`
	// HiddenReports counts reports that match the filter and are counted in the
	// caller's figures but not listed to it (appeal lists of the office and admins).
	HiddenReports int `json:"hidden_reports,omitempty"`
}

func (p Page) resolve() (limit int, after int64, err error) {
	limit = p.Limit
	if limit == 0 {
		limit = DefaultLimit
	}
	if limit < 1 || limit > MaxLimit {
		return 0, 0, &Error{Code: EINVALID, Message: fmt.Sprintf("limit 须在 1 到 %d 之间。", MaxLimit),
			Fields: []FieldError{{Field: "limit", Message: fmt.Sprintf("须在 1 到 %d 之间", MaxLimit)}}}
	}
	if p.Cursor != "" {
		raw, derr := base64.RawURLEncoding.DecodeString(p.Cursor)
		if derr == nil {
			after, derr = strconv.ParseInt(string(raw), 10, 64)
		}
		if derr != nil || after <= 0 {
			return 0, 0, &Error{Code: EBADREQUEST, Message: "分页游标无效。",
				Fields: []FieldError{{Field: "cursor", Message: "无效的游标"}}}
		}
	}
	return limit, after, nil
}

func encodeCursor(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(id, 10)))
}

// where builds a conjunction of SQL conditions with their arguments.
type Where struct {
	Clauses []string
	Args    []any
}

func (w *Where) Add(clause string, args ...any) {
	w.Clauses = append(w.Clauses, clause)
	w.Args = append(w.Args, args...)
}

func (w *Where) Eq(col, v string) {
	if v != "" {
		w.Add(col+" = ?", v)
	}
}

func (w *Where) EqID(col string, id int64) {
	if id != 0 {
		w.Add(col+" = ?", id)
	}
}

// like matches a user's search text anywhere in any of the columns.
func (w *Where) Like(text string, cols ...string) {
	text = strings.TrimSpace(CleanSearch(text))
	if text == "" {
		return
	}
	// SQLite's LIKE ignores the case of ASCII letters and PostgreSQL's does not; lowering
	// both sides answers alike on both (a leading % uses no index on either).
	pat := "%" + EscapeLike(strings.ToLower(text)) + "%"
	var ors []string
	for _, c := range cols {
		ors = append(ors, "lower("+c+`) LIKE ? ESCAPE '\'`)
		w.Args = append(w.Args, pat)
	}
	w.Clauses = append(w.Clauses, "("+strings.Join(ors, " OR ")+")")
}

func EscapeLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

func (w Where) Sql() string {
	if len(w.Clauses) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.Clauses, " AND ")
}

// listQuery describes a keyset-paged list over one table or join.
type ListQuery struct {
	From string // table or join
	// CountFrom, when set, is From without its left joins: the total is counted there
	// unless the filter names a joined table (see countFrom).
	CountFrom string
	Cols      string // selected columns, in scan order
	ID        string // the unique, ordered key column; "id" when empty
	Where     Where
	Desc      bool
}

type Scanner interface{ Scan(...any) error }

func RunList[T any](q Queryer, lq ListQuery, p Page, scan func(Scanner) (*T, error)) (*List[T], error) {
	limit, after, err := p.resolve()
	if err != nil {
		return nil, err
	}
	idCol := lq.ID
	if idCol == "" {
		idCol = "id"
	}
	out := &List[T]{Items: []T{}}
	if !p.NoTotal {
		if out.Total, out.TotalCapped, err = CountUpTo(q, CountFrom(lq.From, lq.CountFrom, lq.Where), lq.Where); err != nil {
			return nil, fmt.Errorf("db: count %s: %w", lq.From, err)
		}
	}
	w := lq.Where
	w.Clauses = append([]string(nil), w.Clauses...)
	w.Args = append([]any(nil), w.Args...)
	order := " ORDER BY " + idCol
	if lq.Desc {
		order += " DESC"
	}
	if after != 0 {
		if lq.Desc {
			w.Add(idCol+" < ?", after)
		} else {
			w.Add(idCol+" > ?", after)
		}
	}
	rows, err := q.Query("SELECT "+lq.Cols+" FROM "+lq.From+w.Sql()+order+" LIMIT ?", append(w.Args, limit+1)...)
	if err != nil {
		return nil, fmt.Errorf("db: list %s: %w", lq.From, err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		item, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("db: list %s: %w", lq.From, err)
		}
		out.Items = append(out.Items, *item)
		ids = append(ids, idOf(item))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("db: list %s: %w", lq.From, err)
	}
	if len(out.Items) > limit {
		out.Items = out.Items[:limit]
		out.NextCursor = encodeCursor(ids[limit-1])
	}
	return out, nil
}

// CountUpTo counts the rows of from that w selects, stopping past TotalBound: capped
// says there are more than the n (TotalBound) it answers.
func CountUpTo(q Queryer, from string, w Where) (n int, capped bool, err error) {
	err = q.QueryRow(fmt.Sprintf("SELECT COUNT(*) FROM (SELECT 1 FROM %s%s LIMIT %d) counted", from, w.Sql(), TotalBound+1),
		w.Args...).Scan(&n)
	if n > TotalBound {
		return TotalBound, true, err
	}
	return n, false, err
}

// Total is a count that stops past TotalBound.
type Total struct {
	N      int
	Capped bool // there are more than N
}

// String is the count as a page shows it: "10000+" past the bound.
func (t Total) String() string {
	if t.Capped {
		return strconv.Itoa(t.N) + "+"
	}
	return strconv.Itoa(t.N)
}

// Plus adds two counts; the sum is capped if either was.
func (t Total) Plus(u Total) Total { return Total{t.N + u.N, t.Capped || u.Capped} }

// Count is the list's total as a Total.
func (l *List[T]) Count() Total { return Total{l.Total, l.TotalCapped} }

// TotalText is the total as a page shows it: "10000+" past the bound.
func (l *List[T]) TotalText() string { return l.Count().String() }

// identified is implemented by every listed type, so that the cursor can name the last row.
type identified interface{ Key() int64 }

func idOf(v any) int64 {
	if x, ok := v.(identified); ok {
		return x.Key()
	}
	panic(fmt.Sprintf("db: %T has no key", v))
}

func ListRows[T any](q Queryer, table, cols string, w Where, p Page, desc bool, scan func(Scanner) (*T, error)) (*List[T], error) {
	return RunList(q, ListQuery{From: table, Cols: cols, Where: w, Desc: desc}, p, scan)
}

func (e *AuditEvent) Key() int64 { return e.ID }

// findOne reads the one row of lq that matches, or answers "not found" naming what: the
// shared body of every scoped find-by-id.
func FindOne[T any](q Queryer, lq ListQuery, what string, scan func(Scanner) (*T, error)) (*T, error) {
	v, err := scan(q.QueryRow("SELECT "+lq.Cols+" FROM "+lq.From+lq.Where.Sql(), lq.Where.Args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, NotFound(what)
	}
	if err != nil {
		return nil, fmt.Errorf("db: find %s: %w", lq.From, err)
	}
	return v, nil
}

// joinedAlias finds a column of a joined table (e., l., d.) in a filter's SQL.
var joinedAlias = regexp.MustCompile(`(^|[^A-Za-z0-9_.])[eld]\.`)

// countFrom picks what to count over. A left join on a key neither adds nor removes rows,
// so counting the bare table gives the same total at a fraction of the cost (the joins made
// a list's count the most expensive part of a page), as long as the filter does not name
// a joined table.
func CountFrom(full, bare string, w Where) string {
	if bare == "" || joinedAlias.MatchString(w.Sql()) {
		return full
	}
	return bare
}

func Exists(q Queryer, table string, id int64) (bool, error) {
	var n int
	err := q.QueryRow("SELECT COUNT(*) FROM "+table+" WHERE id = ?", id).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("db: exists %s %d: %w", table, id, err)
	}
	return n > 0, nil
}

func QueryIDs(q Queryer, query string, args ...any) ([]int64, error) {
	rows, err := q.Query(query, args...)
	if err != nil {
		return nil, fmt.Errorf("db: ids: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// CleanSearch makes typed search text safe on both engines: control characters (a NUL
// ends an FTS5 string early and turns the query into a syntax error; PostgreSQL refuses a
// NUL in a parameter outright) and bytes that are not UTF-8 become spaces, so they
// separate words as a user would expect.
func CleanSearch(q string) string {
	q = strings.ToValidUTF8(q, " ")
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return ' '
		}
		return r
	}, q)
}

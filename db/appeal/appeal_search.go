package appeal

import (
	"fmt"
	"qinqing/db"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxSearchTerm bounds one word of an appeal search, in characters.
const maxSearchTerm = 100

// Search adds a user's search text: every word must match the appeal somewhere a clerk
// would look for it — its number, its title or content, its enterprise's name or credit
// code, or its category. Each alternative stays on an index: numbers by the unique number
// column, text as the engine's text search serves it, and the enterprise and category
// through the sets of them the word names, before appeals are probed by enterprise_id and
// category. q reads those sets where the engine wants them as values (PostgreSQL).
func Search(e db.Engine, q db.Queryer, w *db.Where, v *db.Violations, text string) error {
	sd, ok := searchDialects[e]
	if !ok {
		sd = searchDialects[db.SQLite]
	}
	for _, term := range strings.Fields(db.CleanSearch(text)) {
		if utf8.RuneCountInString(term) > maxSearchTerm {
			v.Add("q", "搜索词过长")
			return nil
		}
		var alt db.Where
		pat := "%" + db.EscapeLike(term) + "%"
		sets := []struct {
			col, subquery string
			args          []any
		}{
			{"a.number", numbersOf, []any{}},
			{"a.enterprise_id", `SELECT id FROM enterprises WHERE name ` + sd.like + ` ? ESCAPE '\' OR credit_code ` + sd.like + ` ? ESCAPE '\'`, []any{pat, pat}},
			{"a.category", `SELECT name FROM categories WHERE name ` + sd.like + ` ? ESCAPE '\'`, []any{pat}},
		}
		if seq, ok := sequenceNumber(term); ok {
			sets[0].args = []any{seq}
		} else {
			numberRange(&alt, term)
			sets = sets[1:]
		}
		sd.text(&alt, term)
		for _, set := range sets {
			if err := sd.in(q, &alt, set.col, set.subquery, set.args); err != nil {
				return err
			}
		}
		w.Add("("+strings.Join(alt.Clauses, " OR ")+")", alt.Args...)
	}
	return nil
}

// searchDialect is how an engine's SQL says the parts of a search.
type searchDialect struct {
	// like matches a pattern ignoring ASCII case, as SQLite's LIKE does and PostgreSQL's
	// does not.
	like string
	// in adds the condition that col is in the set the uncorrelated subquery selects.
	in func(q db.Queryer, w *db.Where, col, subquery string, args []any) error
	// text adds the condition that a word occurs in the title or content, ignoring case.
	text func(*db.Where, string)
}

var searchDialects = map[db.Engine]searchDialect{
	db.SQLite:   {like: "LIKE", in: inSubquery, text: searchTextSQLite},
	db.Postgres: {like: "ILIKE", in: inValues, text: searchTextPostgres},
}

// inSubquery is an IN list, which SQLite's OR optimisation probes an index with.
func inSubquery(_ db.Queryer, w *db.Where, col, subquery string, args []any) error {
	w.Add(col+" IN ("+subquery+")", args...)
	return nil
}

// maxSetValues bounds the set a word's enterprises or categories are read into.
var maxSetValues = 500

// inValues reads the set first and writes its values into the query, so that PostgreSQL
// plans with them: an IN (subquery) there becomes a filter that every appeal is read to
// test, and a set it cannot see (= ANY(ARRAY(subquery))) is guessed at ten values, which
// for the fifteen categories is most appeals — the plan then walks appeals by id hoping
// to meet the page early, and reads them all when the word is rare. An empty set adds
// nothing; a word naming more than maxSetValues keeps the array, whose guess is then near.
func inValues(q db.Queryer, w *db.Where, col, subquery string, args []any) error {
	rows, err := q.Query(subquery+fmt.Sprintf(" LIMIT %d", maxSetValues+1), args...)
	if err != nil {
		return fmt.Errorf("db: search set: %w", err)
	}
	defer rows.Close()
	var vals []any
	for rows.Next() {
		var v any
		if err := rows.Scan(&v); err != nil {
			return err
		}
		vals = append(vals, v)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	switch {
	case len(vals) > maxSetValues:
		w.Add(col+" = ANY(ARRAY("+subquery+"))", args...)
	case len(vals) > 0:
		w.Add(col+" IN ("+strings.TrimSuffix(strings.Repeat("?,", len(vals)), ",")+")", vals...)
	}
	return nil
}

// searchTextSQLite reads the FTS5 trigram index for three characters or more and the pair
// index for two.
func searchTextSQLite(alt *db.Where, term string) {
	switch n := utf8.RuneCountInString(term); {
	case n >= 3:
		alt.Add("a.id IN (SELECT rowid FROM appeals_fts WHERE appeals_fts MATCH ?)", ftsPhrase(term))
	case n == 2 && pairTerm(term):
		alt.Add("a.id IN (SELECT rowid FROM appeals_bigrams WHERE appeals_bigrams MATCH ?)", ftsPhrase(term))
	default:
		// One character would be a prefix query over every pair it starts, and
		// the commonest match most appeals anyway; a pair with punctuation is
		// not a word of the pair index. Both are rare enough to scan for.
		alt.Like(term, "a.title", "a.content")
	}
}

// searchTextPostgres matches with ILIKE, which the trigram GIN indexes on title and
// content serve for three characters or more (a bitmap OR of the two); shorter words have
// no trigram and are read from every appeal's text.
func searchTextPostgres(alt *db.Where, term string) {
	pat := "%" + db.EscapeLike(term) + "%"
	alt.Add(`(a.title ILIKE ? ESCAPE '\' OR a.content ILIKE ? ESCAPE '\')`, pat, pat)
}

var (
	// numberPrefix is the start of an appeal number as typed: SQ, SQ2026, SQ2026-0018 …
	numberPrefix = regexp.MustCompile(`^SQ\d{0,4}(-\d{0,9})?$`)
	// yearSequence is a number without its letters: 2026-001845 or 2026-1845.
	yearSequence = regexp.MustCompile(`^(\d{4})-(\d{1,9})$`)
	// sequenceOnly is the part clerks say aloud: 001845 or 1845, in whatever year.
	sequenceOnly = regexp.MustCompile(`^\d{1,9}$`)
)

// numbersOf is the number a bare sequence has in each year that has appeals
// (appeal_numbers holds one row per year), so that it never scans appeals.
const numbersOf = "SELECT 'SQ' || year || '-' || ? FROM appeal_numbers"

// NumberMatch adds the number conditions a word may mean, if any, in SQL that both
// engines read.
func NumberMatch(w *db.Where, term string) {
	if seq, ok := sequenceNumber(term); ok {
		w.Add("a.number IN ("+numbersOf+")", seq)
		return
	}
	numberRange(w, term)
}

// sequenceNumber is the zero-padded sequence of a word that is one, the part clerks say
// aloud: 001845 or 1845, in whatever year.
func sequenceNumber(term string) (string, bool) {
	if !sequenceOnly.MatchString(term) {
		return "", false
	}
	seq, _ := strconv.Atoi(term)
	return fmt.Sprintf("%06d", seq), seq > 0
}

// numberRange adds the condition of a word that is a number's prefix (a range on the
// unique number column) or a number without its letters, if it is either.
func numberRange(w *db.Where, term string) {
	t := strings.ToUpper(term)
	switch {
	case numberPrefix.MatchString(t):
		// Numbers are ASCII digits, so "~" sorts after every continuation of the prefix.
		w.Add("a.number BETWEEN ? AND ?", t, t+"~")
	case yearSequence.MatchString(t):
		m := yearSequence.FindStringSubmatch(t)
		seq, _ := strconv.Atoi(m[2])
		w.Add("a.number = ?", fmt.Sprintf("SQ%s-%06d", m[1], seq))
	}
}

// ftsPhrase quotes one word as an FTS5 string, so that its characters are matched
// literally and never read as operators.
func ftsPhrase(term string) string {
	return `"` + strings.ReplaceAll(term, `"`, `""`) + `"`
}

// pairTerm reports whether a two-character word is one word of the pair index.
func pairTerm(term string) bool {
	for _, r := range term {
		if !db.PairRune(r) {
			return false
		}
	}
	return true
}

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
// column, text as the engine's text search serves it, and the enterprise and category as
// uncorrelated sets, resolved once per query before probing appeals by enterprise_id and
// category.
func Search(e db.Engine, w *db.Where, v *db.Violations, q string) {
	sd, ok := searchDialects[e]
	if !ok {
		sd = searchDialects[db.SQLite]
	}
	for _, term := range strings.Fields(db.CleanSearch(q)) {
		if utf8.RuneCountInString(term) > maxSearchTerm {
			v.Add("q", "搜索词过长")
			return
		}
		var alt db.Where
		numberMatch(&alt, term, sd.in)
		sd.text(&alt, term)
		pat := "%" + db.EscapeLike(term) + "%"
		alt.Add(sd.in("a.enterprise_id", `SELECT id FROM enterprises WHERE name `+sd.like+` ? ESCAPE '\' OR credit_code `+sd.like+` ? ESCAPE '\'`), pat, pat)
		alt.Add(sd.in("a.category", `SELECT name FROM categories WHERE name `+sd.like+` ? ESCAPE '\'`), pat)
		w.Add("("+strings.Join(alt.Clauses, " OR ")+")", alt.Args...)
	}
}

// searchDialect is how an engine's SQL says the parts of a search.
type searchDialect struct {
	// like matches a pattern ignoring ASCII case, as SQLite's LIKE does and PostgreSQL's
	// does not.
	like string
	// in is the condition that col is in the set the uncorrelated subquery selects.
	in func(col, subquery string) string
	// text adds the condition that a word occurs in the title or content, ignoring case.
	text func(*db.Where, string)
}

var searchDialects = map[db.Engine]searchDialect{
	db.SQLite:   {like: "LIKE", in: inSubquery, text: searchTextSQLite},
	db.Postgres: {like: "ILIKE", in: inArray, text: searchTextPostgres},
}

// inSubquery is an IN list, which SQLite's OR optimisation probes an index with.
func inSubquery(col, subquery string) string { return col + " IN (" + subquery + ")" }

// inArray reads the subquery once into an array, so that PostgreSQL probes col's index
// with it inside the bitmap OR of a word's alternatives; an IN (subquery) there becomes a
// filter that every row of appeals is read to test.
func inArray(col, subquery string) string { return col + " = ANY(ARRAY(" + subquery + "))" }

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

// NumberMatch adds the number conditions a word may mean, if any, in SQL that both
// engines read.
func NumberMatch(w *db.Where, term string) { numberMatch(w, term, inSubquery) }

// numberMatch adds the number conditions a word may mean, if any. A prefix is a range
// on the unique number column; a bare sequence becomes the exact number in each year
// that has appeals (appeal_numbers holds one row per year), so neither scans appeals.
func numberMatch(w *db.Where, term string, in func(col, subquery string) string) {
	t := strings.ToUpper(term)
	switch {
	case numberPrefix.MatchString(t):
		// Numbers are ASCII digits, so "~" sorts after every continuation of the prefix.
		w.Add("a.number BETWEEN ? AND ?", t, t+"~")
	case yearSequence.MatchString(t):
		m := yearSequence.FindStringSubmatch(t)
		seq, _ := strconv.Atoi(m[2])
		w.Add("a.number = ?", fmt.Sprintf("SQ%s-%06d", m[1], seq))
	case sequenceOnly.MatchString(t):
		seq, _ := strconv.Atoi(t)
		if seq > 0 {
			w.Add(in("a.number", "SELECT 'SQ' || year || '-' || ? FROM appeal_numbers"), fmt.Sprintf("%06d", seq))
		}
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

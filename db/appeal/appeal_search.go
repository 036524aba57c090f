package appeal

import (
	"fmt"
	"qinqing/db"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxSearchTerm bounds one word of an appeal search, in characters.
const maxSearchTerm = 100

// Search adds a user's search text: every word must match the appeal somewhere a clerk
// would look for it — its number, its title or content, its enterprise's name or credit
// code, or its category. Each alternative stays on an index: numbers by the unique number
// column, text as the engine's text search serves it (searchText), and the enterprise and
// category as uncorrelated IN lists, resolved to a set once per query before probing
// appeals by enterprise_id and category.
func Search(e db.Engine, w *db.Where, v *db.Violations, q string) {
	text := searchText[e]
	if text == nil {
		text = searchTextSQLite
	}
	like := "LIKE"
	if e == db.Postgres {
		// SQLite's LIKE ignores ASCII case; PostgreSQL's does not.
		like = "ILIKE"
	}
	for _, term := range strings.Fields(CleanSearch(q)) {
		if utf8.RuneCountInString(term) > maxSearchTerm {
			v.Add("q", "搜索词过长")
			return
		}
		var alt db.Where
		NumberMatch(&alt, term)
		text(&alt, term)
		pat := "%" + db.EscapeLike(term) + "%"
		alt.Add(`a.enterprise_id IN (SELECT id FROM enterprises WHERE name `+like+` ? ESCAPE '\' OR credit_code `+like+` ? ESCAPE '\')`, pat, pat)
		alt.Add(`a.category IN (SELECT name FROM categories WHERE name `+like+` ? ESCAPE '\')`, pat)
		w.Add("("+strings.Join(alt.Clauses, " OR ")+")", alt.Args...)
	}
}

// searchText adds, per engine, the condition that a word occurs in an appeal's title or
// content, ignoring case.
var searchText = map[db.Engine]func(*db.Where, string){
	db.SQLite:   searchTextSQLite,
	db.Postgres: searchTextPostgres,
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

// numberMatch adds the number conditions a word may mean, if any. A prefix is a range
// on the unique number column; a bare sequence becomes the exact number in each year
// that has appeals (appeal_numbers holds one row per year), so neither scans appeals.
func NumberMatch(w *db.Where, term string) {
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
			w.Add("a.number IN (SELECT 'SQ' || year || '-' || ? FROM appeal_numbers)", fmt.Sprintf("%06d", seq))
		}
	}
}

// cleanSearch makes typed text safe for the full-text query language: control characters
// (a NUL ends an FTS5 string early and turns the query into a syntax error) and bytes that
// are not UTF-8 become spaces, so they separate words as a user would expect.
func CleanSearch(q string) string {
	q = strings.ToValidUTF8(q, " ")
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return ' '
		}
		return r
	}, q)
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

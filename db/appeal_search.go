package db

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxSearchTerm bounds one word of an appeal search, in characters.
const maxSearchTerm = 100

// searchAppeals adds a user's search text: every word must occur in the title or the
// content. Words of three or more characters go through the trigram index, shorter ones
// through LIKE.
func searchAppeals(w *where, v *Violations, q string) {
	for _, term := range strings.Fields(cleanSearch(q)) {
		if utf8.RuneCountInString(term) > maxSearchTerm {
			v.Add("q", "搜索词过长")
			return
		}
		if utf8.RuneCountInString(term) >= 3 {
			w.add("a.id IN (SELECT rowid FROM appeals_fts WHERE appeals_fts MATCH ?)", ftsPhrase(term))
		} else {
			w.like(term, "a.title", "a.content")
		}
	}
}

// cleanSearch makes typed text safe for the full-text query language: control characters
// (a NUL ends an FTS5 string early and turns the query into a syntax error) and bytes that
// are not UTF-8 become spaces, so they separate words as a user would expect.
func cleanSearch(q string) string {
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

package figures

import (
	"context"
	"fmt"
	"qinqing/db"
	"qinqing/db/appeal"
	"sort"
	"strings"
	"time"
	"unicode"
)

// Candidate is an appeal that may belong to an issue class, with how much of its text it
// shares with the class.
type Candidate struct {
	ID         int64        `json:"id"`
	Number     string       `json:"number"`
	Title      string       `json:"title"`
	Stage      appeal.Stage `json:"stage"`
	CreatedAt  time.Time    `json:"created_at"`
	Similarity float64      `json:"similarity"` // shared trigrams over the candidate's, 0–1
}

// trigrams are the three-character pieces of the letters in s, the same pieces the
// full-text index (appeals_fts, tokenize trigram) keys on.
func trigrams(s string) map[string]bool {
	var runes []rune
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			runes = append(runes, unicode.ToLower(r))
		} else if len(runes) > 0 && runes[len(runes)-1] != ' ' {
			runes = append(runes, ' ')
		}
	}
	out := map[string]bool{}
	for i := 0; i+3 <= len(runes); i++ {
		t := string(runes[i : i+3])
		if !strings.Contains(t, " ") {
			out[t] = true
		}
	}
	return out
}

// anyTrigram keeps the appeals whose title or content holds any of the trigrams, each
// engine through its own text index: SQLite's trigram FTS table, PostgreSQL's pg_trgm
// indexes on the two columns (a bitmap OR of ILIKE probes; ILIKE ignores case as the
// FTS tokenizer does).
var anyTrigram = map[db.Engine]func(w *db.Where, terms []string){
	db.SQLite: func(w *db.Where, terms []string) {
		quoted := make([]string, len(terms))
		for i, t := range terms {
			quoted[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"`
		}
		w.Add("a.id IN (SELECT rowid FROM appeals_fts WHERE appeals_fts MATCH ?)", strings.Join(quoted, " OR "))
	},
	db.Postgres: func(w *db.Where, terms []string) {
		var alt []string
		var args []any
		for _, t := range terms {
			pat := "%" + db.EscapeLike(t) + "%"
			alt = append(alt, `a.title ILIKE ? ESCAPE '\' OR a.content ILIKE ? ESCAPE '\'`)
			args = append(args, pat, pat)
		}
		w.Add("("+strings.Join(alt, " OR ")+")", args...)
	},
}

// IssueClassCandidates suggests appeals for a class: same category and department, not
// in the class yet, filed in the last year, ranked by the trigrams they share with the
// class's title, cause and appeals. The full-text index finds them; Go scores them.
func IssueClassCandidates(ctx context.Context, d *db.DB, a db.Actor, id int64, limit int) ([]Candidate, error) {
	c, err := FindIssueClass(ctx, d, a, id)
	if err != nil {
		return nil, err
	}
	q := d.R(ctx)
	text := c.Title + " " + c.Cause
	for _, ap := range c.AppealIDs {
		var title string
		if err := q.QueryRow("SELECT title FROM appeals WHERE id = ?", ap).Scan(&title); err == nil {
			text += " " + title
		}
	}
	class := trigrams(text)
	terms := make([]string, 0, len(class))
	for t := range class {
		terms = append(terms, t)
	}
	sort.Strings(terms)
	if len(terms) > 60 {
		terms = terms[:60]
	}
	out := []Candidate{}
	if len(terms) == 0 {
		return out, nil
	}
	var w db.Where
	appeal.Scope(&w, a)
	anyTrigram[d.Engine()](&w, terms)
	w.Add("a.department_id = ?", c.DepartmentID)
	w.Eq("a.category", c.Category)
	w.Add("a.created_at >= ?", d.Now().AddDate(-1, 0, 0).Unix())
	w.Add("a.id NOT IN (SELECT appeal_id FROM issue_class_appeals WHERE class_id = ?)", id)
	rows, err := q.Query("SELECT a.id, a.number, a.title, a.content, a.stage, a.created_at FROM appeals a"+w.Sql()+
		" ORDER BY a.id DESC LIMIT 500", w.Args...)
	if err != nil {
		return nil, fmt.Errorf("db: issue class candidates: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var x Candidate
		var content string
		var created int64
		if err := rows.Scan(&x.ID, &x.Number, &x.Title, &content, &x.Stage, &created); err != nil {
			return nil, err
		}
		x.CreatedAt = time.Unix(created, 0).In(db.Zone)
		own := trigrams(x.Title + " " + content)
		shared := 0
		for t := range own {
			if class[t] {
				shared++
			}
		}
		if len(own) > 0 {
			x.Similarity = Round(float64(shared)/float64(len(own)), 3)
		}
		out = append(out, x)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Similarity > out[j].Similarity })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// Cluster is a group of a month's appeals with one category and one department, large
// enough to be worth a class.
type Cluster struct {
	Category       string `json:"category"`
	DepartmentID   int64  `json:"department_id"`
	DepartmentName string `json:"department_name"`
	Appeals        int    `json:"appeals"`
	Unsatisfied    int    `json:"unsatisfied"`
}

// IssueClassSuggestions lists, for the office, the category and department pairs with at
// least minAppeals appeals filed in the month and not yet in a class, most first.
func IssueClassSuggestions(ctx context.Context, d *db.DB, a db.Actor, month string, minAppeals int) ([]Cluster, error) {
	if !a.Is(db.RoleOffice, db.RoleAdmin, db.RoleAuditor) {
		return nil, db.Forbidden()
	}
	p, err := MonthPeriod(month)
	if err != nil {
		return nil, err
	}
	f := appeal.Filter{From: p.From, To: p.To}
	w, err := f.Where(ctx, d, a, d.Now())
	if err != nil {
		return nil, err
	}
	w.Add("a.department_id IS NOT NULL")
	w.Add("a.id NOT IN (SELECT appeal_id FROM issue_class_appeals)")
	rows, err := d.R(ctx).Query(`SELECT a.category, a.department_id, COALESCE(d.name, ''), COUNT(*),
		SUM(CASE WHEN (a.fig_flags & 40) = 8 THEN 1 ELSE 0 END)
		FROM appeals a LEFT JOIN departments d ON d.id = a.department_id`+w.Sql()+`
		GROUP BY a.category, a.department_id, d.name HAVING COUNT(*) >= ? ORDER BY COUNT(*) DESC, a.category, a.department_id LIMIT 20`,
		append(w.Args, minAppeals)...)
	if err != nil {
		return nil, fmt.Errorf("db: issue class suggestions: %w", err)
	}
	defer rows.Close()
	out := []Cluster{}
	for rows.Next() {
		var c Cluster
		if err := rows.Scan(&c.Category, &c.DepartmentID, &c.DepartmentName, &c.Appeals, &c.Unsatisfied); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

package oversight

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"qinqing/db"
	"qinqing/db/appeal"
	"strings"
	"time"
	"unicode/utf8"
)

// TypicalCase (典型案例) is an auditor's account of an appeal, written for publication to
// every signed-in user. It never quotes the appeal: the text is the auditor's own, and
// readers who may not see the appeal are not told its number.
type TypicalCase struct {
	ID       int64  `json:"id"`
	AppealID int64  `json:"appeal_id,omitempty"`
	Number   string `json:"number,omitempty"`
	Title    string `json:"title"`
	Summary  string `json:"summary"`
	Lesson   string `json:"lesson"`
	Category string `json:"category"`
	// Department is the one the case is about: a report's subject, else the handler.
	Department  string     `json:"department"`
	Published   bool       `json:"published"`
	PublishedAt *time.Time `json:"published_at"`
	// Measures are the accountability measures taken over the appeal.
	Measures  []string  `json:"measures"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func (c *TypicalCase) Key() int64 { return c.ID }

// CaseInput marks an appeal as a typical case or, with pointer semantics, edits one.
type CaseInput struct {
	AppealID int64   `json:"appeal_id"`
	Title    *string `json:"title"`
	Summary  *string `json:"summary"`
	Lesson   *string `json:"lesson"`
	Publish  *bool   `json:"published"`
}

func (in *CaseInput) validate(c *TypicalCase) error {
	var v db.Violations
	if in.Title != nil {
		c.Title = strings.TrimSpace(*in.Title)
	}
	if in.Summary != nil {
		c.Summary = strings.TrimSpace(*in.Summary)
	}
	if in.Lesson != nil {
		c.Lesson = strings.TrimSpace(*in.Lesson)
	}
	if n := utf8.RuneCountInString(c.Title); n < 4 || n > 100 {
		v.Add("title", "标题须为 4 到 100 个字符")
	}
	if n := utf8.RuneCountInString(c.Summary); n < 20 || n > 5000 {
		v.Add("summary", "案情须为 20 到 5000 个字符")
	}
	if utf8.RuneCountInString(c.Lesson) > 2000 {
		v.Add("lesson", "警示意义最多 2000 个字符")
	}
	return v.Err()
}

// CreateCase marks an appeal as a typical case (auditors only), unpublished unless asked.
func CreateCase(ctx context.Context, d *db.DB, a db.Actor, in CaseInput) (*TypicalCase, error) {
	if !a.Is(db.RoleAuditor) {
		return nil, db.Forbidden()
	}
	var c TypicalCase
	if err := in.validate(&c); err != nil {
		return nil, err
	}
	var id int64
	err := d.Update(ctx, func(tx *db.Tx) error {
		var err error
		id, err = InsertCase(tx, a, in.AppealID, &c, in.Publish != nil && *in.Publish)
		return err
	})
	if err != nil {
		return nil, err
	}
	return FindCase(ctx, d, a, id)
}

// insertCase writes a validated case, one per appeal, with its audit event.
func InsertCase(t *db.Tx, a db.Actor, appealID int64, c *TypicalCase, publish bool) (int64, error) {
	if _, err := appeal.FindOn(t, a, appealID); err != nil {
		return 0, db.InvalidField("appeal_id", "诉求不存在")
	}
	var n int
	if err := t.QueryRow("SELECT COUNT(*) FROM typical_cases WHERE appeal_id = ?", appealID).Scan(&n); err != nil {
		return 0, fmt.Errorf("db: case: %w", err)
	}
	if n > 0 {
		return 0, db.Errorf(db.ECONFLICT, "该诉求已是典型案例。")
	}
	var published any
	if publish {
		published = t.Now.Unix()
	}
	id, err := t.InsertID(`INSERT INTO typical_cases (appeal_id, title, summary, lesson, published_at, created_by,
		created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)`, appealID, c.Title, c.Summary, c.Lesson, published,
		appeal.NullID(a.UserID), t.Now.Unix(), t.Now.Unix())
	if err != nil {
		return 0, fmt.Errorf("db: case: %w", err)
	}
	return id, t.Audit(a, "case.create", "case", id, map[string]any{"appeal_id": appealID, "title": c.Title, "published": published != nil})
}

// UpdateCase edits, publishes or withdraws a typical case (auditors only).
func UpdateCase(ctx context.Context, d *db.DB, a db.Actor, id int64, in CaseInput) (*TypicalCase, error) {
	if !a.Is(db.RoleAuditor) {
		return nil, db.Forbidden()
	}
	err := d.Update(ctx, func(tx *db.Tx) error {
		c, err := findCase(tx, a, id)
		if err != nil {
			return err
		}
		if err := in.validate(c); err != nil {
			return err
		}
		published := any(nil)
		if c.PublishedAt != nil {
			published = c.PublishedAt.Unix()
		}
		if in.Publish != nil && *in.Publish != c.Published {
			published = nil
			if *in.Publish {
				published = tx.Now.Unix()
			}
		}
		if _, err := tx.Exec("UPDATE typical_cases SET title = ?, summary = ?, lesson = ?, published_at = ?, updated_at = ? WHERE id = ?",
			c.Title, c.Summary, c.Lesson, published, tx.Now.Unix(), id); err != nil {
			return fmt.Errorf("db: case %d: %w", id, err)
		}
		return tx.Audit(a, "case.update", "case", id, map[string]any{"title": c.Title, "published": published != nil})
	})
	if err != nil {
		return nil, err
	}
	return FindCase(ctx, d, a, id)
}

const caseCols = `c.id, c.appeal_id, a.number, c.title, c.summary, c.lesson, a.category,
	COALESCE(ad.name, d.name, ''), c.published_at, c.created_at, c.updated_at`
const caseFrom = `typical_cases c JOIN appeals a ON a.id = c.appeal_id
	LEFT JOIN departments ad ON ad.id = a.about_department_id LEFT JOIN departments d ON d.id = a.department_id`

func scanCase(s db.Scanner) (*TypicalCase, error) {
	var c TypicalCase
	var published sql.NullInt64
	var created, updated int64
	if err := s.Scan(&c.ID, &c.AppealID, &c.Number, &c.Title, &c.Summary, &c.Lesson, &c.Category, &c.Department,
		&published, &created, &updated); err != nil {
		return nil, err
	}
	c.PublishedAt, c.Published = appeal.UnixPtr(published), published.Valid
	c.CreatedAt, c.UpdatedAt = time.Unix(created, 0).In(db.Zone), time.Unix(updated, 0).In(db.Zone)
	c.Measures = []string{}
	return &c, nil
}

// caseScope: auditors see drafts and the appeal behind each case; everyone else sees
// published cases only, without the appeal's id or number.
func caseScope(w *db.Where, a db.Actor) {
	if !a.Is(db.RoleAuditor) {
		w.Add("c.published_at IS NOT NULL")
	}
}

func (c *TypicalCase) present(q db.Queryer, a db.Actor) error {
	rows, err := q.Query(`SELECT x.subject_type, x.person_title, x.person_name, d.name, x.measure
		FROM accountability_appeals l JOIN accountabilities x ON x.id = l.accountability_id
		JOIN departments d ON d.id = x.department_id WHERE l.appeal_id = ? ORDER BY x.id`, c.AppealID)
	if err != nil {
		return fmt.Errorf("db: case measures: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		x := Accountability{}
		if err := rows.Scan(&x.SubjectType, &x.PersonTitle, &x.PersonName, &x.DepartmentName, &x.Measure); err != nil {
			return err
		}
		c.Measures = append(c.Measures, x.Subject()+"："+x.Measure)
	}
	if !a.Is(db.RoleAuditor) {
		c.AppealID, c.Number = 0, ""
	}
	return rows.Err()
}

func findCase(q db.Queryer, a db.Actor, id int64) (*TypicalCase, error) {
	var w db.Where
	w.Add("c.id = ?", id)
	caseScope(&w, a)
	c, err := scanCase(q.QueryRow("SELECT "+caseCols+" FROM "+caseFrom+w.Sql(), w.Args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, db.NotFound("典型案例")
	}
	if err != nil {
		return nil, fmt.Errorf("db: case %d: %w", id, err)
	}
	return c, c.present(q, a)
}

// FindCase returns one typical case the actor may see.
func FindCase(ctx context.Context, d *db.DB, a db.Actor, id int64) (*TypicalCase, error) {
	return findCase(d.R(ctx), a, id)
}

// CaseFilter selects typical cases; From and To bound the publication date (YYYY-MM-DD).
type CaseFilter struct {
	AppealID int64
	// Published leaves drafts out, for auditors too.
	Published bool
	From, To  string
	db.Page
}

// ListCases lists typical cases, newest first: published ones for everyone signed in,
// drafts too for auditors. The monthly 通报 takes those published in its month.
func ListCases(ctx context.Context, d2 *db.DB, a db.Actor, f CaseFilter) (*db.List[TypicalCase], error) {
	var w db.Where
	caseScope(&w, a)
	w.EqID("c.appeal_id", f.AppealID)
	if f.Published {
		w.Add("c.published_at IS NOT NULL")
	}
	var v db.Violations
	for _, d := range []struct {
		field, val, op string
		shift          time.Duration
	}{{"from", f.From, ">=", 0}, {"to", f.To, "<", 24 * time.Hour}} {
		if d.val == "" {
			continue
		}
		t, _, err := db.ParseTime(d.val)
		if err != nil {
			v.Add(d.field, "日期"+db.DateHint)
			continue
		}
		t = db.CalDayStart(t) // a time stands for its day in the city
		w.Add("c.published_at "+d.op+" ?", t.Add(d.shift).Unix())
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	q := d2.R(ctx)
	out, err := db.RunList(q, db.ListQuery{From: caseFrom, Cols: caseCols, ID: "c.id", Where: w, Desc: true}, f.Page, scanCase)
	if err != nil {
		return nil, err
	}
	for i := range out.Items {
		if err := out.Items[i].present(q, a); err != nil {
			return nil, err
		}
	}
	return out, nil
}

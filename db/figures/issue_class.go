package figures

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

// IssueClass is a 一类问题 (每月一题): appeals that share one systemic cause, with the
// department that owns its remedy and a deadline.
type IssueClass struct {
	ID             int64      `json:"id"`
	Title          string     `json:"title"`
	Cause          string     `json:"cause"`
	Category       string     `json:"category"`
	DepartmentID   int64      `json:"department_id"`
	DepartmentName string     `json:"department_name"`
	Month          string     `json:"month"`
	DueDate        string     `json:"due_date"`
	Status         string     `json:"status"`
	Conclusion     string     `json:"conclusion"`
	Version        int64      `json:"version"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	ClosedAt       *time.Time `json:"closed_at"`
	AppealIDs      []int64    `json:"appeal_ids"`
	Overdue        bool       `json:"overdue"`
}

func (c *IssueClass) Key() int64 { return c.ID }

const issueClassColumns = `c.id, c.title, c.cause, c.category, c.department_id, COALESCE(d.name, ''), c.month, c.due_date,
	c.status, c.conclusion, c.version, c.created_at, c.updated_at, c.closed_at`

const issueClassFrom = "issue_classes c LEFT JOIN departments d ON d.id = c.department_id"

func scanIssueClass(s db.Scanner) (*IssueClass, error) {
	var c IssueClass
	var created, updated int64
	var closed sql.NullInt64
	if err := s.Scan(&c.ID, &c.Title, &c.Cause, &c.Category, &c.DepartmentID, &c.DepartmentName, &c.Month, &c.DueDate,
		&c.Status, &c.Conclusion, &c.Version, &created, &updated, &closed); err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt, c.ClosedAt = time.Unix(created, 0).In(db.Zone), time.Unix(updated, 0).In(db.Zone), appeal.UnixPtr(closed)
	c.AppealIDs = []int64{}
	return &c, nil
}

// IssueClassInput is a new issue class.
type IssueClassInput struct {
	Title        string  `json:"title"`
	Cause        string  `json:"cause"`
	Category     string  `json:"category"`
	DepartmentID int64   `json:"department_id"`
	Month        string  `json:"month"`
	DueDate      string  `json:"due_date"`
	AppealIDs    []int64 `json:"appeal_ids"`
}

// IssueClassUpdate changes an issue class; nil fields stay. Status "closed" closes it
// (a conclusion is required), "open" opens it again; both are recorded in the audit chain.
type IssueClassUpdate struct {
	Version       int64   `json:"version"`
	Title         *string `json:"title"`
	Cause         *string `json:"cause"`
	Category      *string `json:"category"`
	DepartmentID  *int64  `json:"department_id"`
	DueDate       *string `json:"due_date"`
	Status        *string `json:"status"`
	Conclusion    *string `json:"conclusion"`
	AddAppeals    []int64 `json:"add_appeals"`
	RemoveAppeals []int64 `json:"remove_appeals"`
}

// issueClassScope: the office, auditors and admins see every class; a department the
// classes it owns.
func issueClassScope(w *db.Where, a db.Actor) {
	switch a.Role {
	case db.RoleAdmin, db.RoleOffice, db.RoleAuditor, db.RoleSystem:
	case db.RoleDepartment:
		w.Add("c.department_id = ?", a.DepartmentID)
	default:
		w.Add("FALSE")
	}
}

func (c *IssueClass) validate(v *db.Violations) {
	c.Title, c.Cause, c.Category = strings.TrimSpace(c.Title), strings.TrimSpace(c.Cause), strings.TrimSpace(c.Category)
	if n := utf8.RuneCountInString(c.Title); n < 4 || n > 100 {
		v.Add("title", "标题须为 4 到 100 个字符")
	}
	if utf8.RuneCountInString(c.Cause) > 2000 {
		v.Add("cause", "成因分析最多 2000 个字符")
	}
	if c.DepartmentID <= 0 {
		v.Add("department_id", "请选择牵头责任单位")
	}
	if _, err := time.ParseInLocation("2006-01", c.Month, db.Zone); err != nil {
		v.Add("month", "月份格式须为 YYYY-MM")
	}
	if !db.NormDate(&c.DueDate) {
		v.Add("due_date", "整治期限"+db.DateHint)
	}
}

// IssueClassFilter selects issue classes.
type IssueClassFilter struct {
	Month        string
	Status       string
	DepartmentID int64
	db.Page
}

// ListIssueClasses lists the classes the actor may see, newest first.
func ListIssueClasses(ctx context.Context, d *db.DB, a db.Actor, f IssueClassFilter) (*db.List[IssueClass], error) {
	var w db.Where
	issueClassScope(&w, a)
	w.Eq("c.month", f.Month)
	w.Eq("c.status", f.Status)
	w.EqID("c.department_id", f.DepartmentID)
	q := d.R(ctx)
	out, err := db.RunList(q, db.ListQuery{From: issueClassFrom, Cols: issueClassColumns, ID: "c.id", Where: w, Desc: true}, f.Page, scanIssueClass)
	if err != nil {
		return nil, err
	}
	for i := range out.Items {
		if err := fillIssueClass(d, q, a, &out.Items[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// fillIssueClass lists the class's appeals that the actor may see: a class is shared,
// its members are not, and an id alone tells that a report exists.
func fillIssueClass(d *db.DB, q db.Queryer, a db.Actor, c *IssueClass) error {
	var w db.Where
	w.Add("a.id IN (SELECT appeal_id FROM issue_class_appeals WHERE class_id = ?)", c.ID)
	appeal.Scope(&w, a)
	rows, err := q.Query("SELECT a.id FROM appeals a"+w.Sql()+" ORDER BY a.id", w.Args...)
	if err != nil {
		return fmt.Errorf("db: issue class %d appeals: %w", c.ID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		c.AppealIDs = append(c.AppealIDs, id)
	}
	c.Overdue = c.Status == "open" && d.Now().In(db.Zone).Format(db.DateLayout) > c.DueDate
	return rows.Err()
}

func findIssueClass(q db.Queryer, a db.Actor, id int64) (*IssueClass, error) {
	var w db.Where
	w.Add("c.id = ?", id)
	issueClassScope(&w, a)
	return db.FindOne(q, db.ListQuery{From: issueClassFrom, Cols: issueClassColumns, Where: w}, "一类问题", scanIssueClass)
}

// FindIssueClass returns one class the actor may see, with its appeals.
func FindIssueClass(ctx context.Context, d *db.DB, a db.Actor, id int64) (*IssueClass, error) {
	q := d.R(ctx)
	c, err := findIssueClass(q, a, id)
	if err != nil {
		return nil, err
	}
	return c, fillIssueClass(d, q, a, c)
}

// CreateIssueClass groups appeals into a new class (office, admin).
func CreateIssueClass(ctx context.Context, d *db.DB, a db.Actor, in IssueClassInput) (*IssueClass, error) {
	if !a.Is(db.RoleOffice, db.RoleAdmin) {
		return nil, db.Forbidden()
	}
	c := IssueClass{Title: in.Title, Cause: in.Cause, Category: in.Category, DepartmentID: in.DepartmentID,
		Month: in.Month, DueDate: in.DueDate, Status: "open"}
	var v db.Violations
	c.validate(&v)
	if err := v.Err(); err != nil {
		return nil, err
	}
	var id int64
	err := d.Update(ctx, func(tx *db.Tx) error {
		if ok, err := db.Exists(tx, "departments", c.DepartmentID); err != nil || !ok {
			return errors.Join(err, db.InvalidField("department_id", "责任单位不存在"))
		}
		var err error
		id, err = tx.InsertID(`INSERT INTO issue_classes (title, cause, category, department_id, month, due_date, created_by,
			created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)`, c.Title, c.Cause, c.Category, c.DepartmentID, c.Month,
			c.DueDate, appeal.NullID(a.UserID), tx.Now.Unix(), tx.Now.Unix())
		if err != nil {
			return fmt.Errorf("db: create issue class: %w", err)
		}
		if err := classAppeals(tx, a, id, in.AppealIDs, nil); err != nil {
			return err
		}
		return tx.Audit(a, "issue_class.create", "issue_class", id, map[string]any{"title": c.Title,
			"department_id": c.DepartmentID, "due_date": c.DueDate, "appeal_ids": in.AppealIDs})
	})
	if err != nil {
		return nil, err
	}
	return FindIssueClass(ctx, d, a, id)
}

// classAppeals adds and removes appeals of a class; each added appeal must be one the
// actor may see, and no report may go to a class owned by the department it is about.
func classAppeals(t *db.Tx, a db.Actor, id int64, add, remove []int64) error {
	var owner int64
	if err := t.QueryRow("SELECT department_id FROM issue_classes WHERE id = ?", id).Scan(&owner); err != nil {
		return fmt.Errorf("db: issue class %d: %w", id, err)
	}
	for _, ap := range add {
		x, err := appeal.FindOn(t, a, ap)
		if err != nil {
			return db.InvalidField("appeal_ids", fmt.Sprintf("诉求 %d 不存在", ap))
		}
		if x.AboutDepartmentID != nil && *x.AboutDepartmentID == owner {
			return db.InvalidField("appeal_ids", fmt.Sprintf("诉求 %d 涉及牵头单位，不能归入其牵头的一类问题", ap))
		}
		if _, err := t.Exec("INSERT INTO issue_class_appeals (class_id, appeal_id, added_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
			id, ap, t.Now.Unix()); err != nil {
			return fmt.Errorf("db: issue class appeal: %w", err)
		}
	}
	for _, ap := range remove {
		if _, err := t.Exec("DELETE FROM issue_class_appeals WHERE class_id = ? AND appeal_id = ?", id, ap); err != nil {
			return fmt.Errorf("db: issue class appeal: %w", err)
		}
	}
	return checkClassOwner(t, id, owner)
}

// checkClassOwner refuses a class that holds a report about the department owning it,
// which a change of owner could otherwise bring about.
func checkClassOwner(t *db.Tx, id, owner int64) error {
	var n int
	err := t.QueryRow(`SELECT COUNT(*) FROM issue_class_appeals i JOIN appeals a ON a.id = i.appeal_id
		WHERE i.class_id = ? AND a.about_department_id = ?`, id, owner).Scan(&n)
	if err != nil {
		return fmt.Errorf("db: issue class %d owner: %w", id, err)
	}
	if n > 0 {
		return db.InvalidField("department_id", "一类问题中有涉及该单位的举报，不能由其牵头")
	}
	return nil
}

// UpdateIssueClass changes, closes or reopens a class (office, admin). A stale version
// answers 409 and changes nothing.
func UpdateIssueClass(ctx context.Context, d *db.DB, a db.Actor, id int64, up IssueClassUpdate) (*IssueClass, error) {
	if !a.Is(db.RoleOffice, db.RoleAdmin) {
		return nil, db.Forbidden()
	}
	err := d.Update(ctx, func(tx *db.Tx) error {
		c, err := findIssueClass(tx, a, id)
		if err != nil {
			return err
		}
		if up.Version != c.Version {
			return &db.Error{Code: db.ECONFLICT, Message: "一类问题已被他人更新，请刷新后重试。",
				Fields: []db.FieldError{{Field: "version", Message: fmt.Sprintf("当前版本为 %d", c.Version)}}}
		}
		wasOpen := c.Status == "open"
		for _, x := range []struct {
			dst *string
			src *string
		}{{&c.Title, up.Title}, {&c.Cause, up.Cause}, {&c.Category, up.Category}, {&c.DueDate, up.DueDate},
			{&c.Conclusion, up.Conclusion}, {&c.Status, up.Status}} {
			if x.src != nil {
				*x.dst = *x.src
			}
		}
		if up.DepartmentID != nil {
			c.DepartmentID = *up.DepartmentID
		}
		var v db.Violations
		c.validate(&v)
		c.Conclusion = strings.TrimSpace(c.Conclusion)
		if c.Status != "open" && c.Status != "closed" {
			v.Add("status", "状态须为 open 或 closed")
		}
		if c.Status == "closed" && utf8.RuneCountInString(c.Conclusion) < 4 {
			v.Add("conclusion", "办结须写明整治结论")
		}
		if err := v.Err(); err != nil {
			return err
		}
		if ok, err := db.Exists(tx, "departments", c.DepartmentID); err != nil || !ok {
			return errors.Join(err, db.InvalidField("department_id", "责任单位不存在"))
		}
		var closedAt any
		if c.Status == "closed" {
			closedAt = tx.Now.Unix()
			if c.ClosedAt != nil && !wasOpen {
				closedAt = c.ClosedAt.Unix()
			}
		}
		_, err = tx.Exec(`UPDATE issue_classes SET title = ?, cause = ?, category = ?, department_id = ?, due_date = ?,
			status = ?, conclusion = ?, closed_at = ?, version = version + 1, updated_at = ? WHERE id = ?`,
			c.Title, c.Cause, c.Category, c.DepartmentID, c.DueDate, c.Status, c.Conclusion, closedAt, tx.Now.Unix(), id)
		if err != nil {
			return fmt.Errorf("db: update issue class %d: %w", id, err)
		}
		if err := classAppeals(tx, a, id, up.AddAppeals, up.RemoveAppeals); err != nil {
			return err
		}
		action := "issue_class.update"
		switch {
		case wasOpen && c.Status == "closed":
			action = "issue_class.close"
		case !wasOpen && c.Status == "open":
			action = "issue_class.reopen"
		}
		return tx.Audit(a, action, "issue_class", id, up)
	})
	if err != nil {
		return nil, err
	}
	return FindIssueClass(ctx, d, a, id)
}

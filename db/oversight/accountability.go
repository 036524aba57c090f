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

// Accountability is a measure (问责) taken against a person or a department, with the
// appeals behind it.
type Accountability struct {
	ID             int64       `json:"id"`
	SubjectType    string      `json:"subject_type"` // person, department
	PersonName     string      `json:"person_name"`
	PersonTitle    string      `json:"person_title"`
	DepartmentID   int64       `json:"department_id"`
	DepartmentName string      `json:"department_name"`
	Measure        string      `json:"measure"`
	Facts          string      `json:"facts"`
	DecidedOn      string      `json:"decided_on"`
	Appeals        []AppealRef `json:"appeals"`
	CreatedBy      string      `json:"created_by"`
	CreatedAt      time.Time   `json:"created_at"`
}

func (x *Accountability) Key() int64 { return x.ID }

// Subject says in one phrase who was held to account.
func (x *Accountability) Subject() string {
	if x.SubjectType == "department" {
		return x.DepartmentName
	}
	return x.DepartmentName + x.PersonTitle + x.PersonName
}

// AppealRef names an appeal.
type AppealRef struct {
	ID     int64  `json:"id"`
	Number string `json:"number"`
	Title  string `json:"title"`
}

// AccountabilityMeasures are the measures of the rules on accountability, for persons
// and for departments.
var AccountabilityMeasures = map[string][]string{
	"person":     {"批评教育", "责令检查", "诫勉", "通报批评", "组织调整或组织处理", "党纪政务处分", "移送司法机关"},
	"department": {"责令整改", "约谈", "责令检查", "通报批评", "取消评先评优资格"},
}

// AccountabilityInput records a measure. Appeals may be named by id or by number.
type AccountabilityInput struct {
	SubjectType   string   `json:"subject_type"`
	PersonName    string   `json:"person_name"`
	PersonTitle   string   `json:"person_title"`
	DepartmentID  *int64   `json:"department_id"`
	Measure       string   `json:"measure"`
	Facts         string   `json:"facts"`
	DecidedOn     string   `json:"decided_on"`
	AppealIDs     []int64  `json:"appeal_ids"`
	AppealNumbers []string `json:"appeal_numbers"`
}

func (in *AccountabilityInput) validate(q db.Queryer, now time.Time) ([]int64, error) {
	in.PersonName, in.PersonTitle = strings.TrimSpace(in.PersonName), strings.TrimSpace(in.PersonTitle)
	in.Facts, in.DecidedOn = strings.TrimSpace(in.Facts), strings.TrimSpace(in.DecidedOn)
	var v db.Violations
	measures, ok := AccountabilityMeasures[in.SubjectType]
	if !ok {
		v.Add("subject_type", "问责对象须为 person（个人）或 department（单位）")
	} else if !appeal.Contains(measures, in.Measure) {
		v.Add("measure", "问责方式须为：%s", strings.Join(measures, "、"))
	}
	if in.SubjectType == "person" && (utf8.RuneCountInString(in.PersonName) < 2 || utf8.RuneCountInString(in.PersonName) > 30) {
		v.Add("person_name", "请填写被问责人员姓名（2 到 30 个字符）")
	}
	if utf8.RuneCountInString(in.PersonTitle) > 50 {
		v.Add("person_title", "职务最多 50 个字符")
	}
	if in.DepartmentID == nil {
		v.Add("department_id", "请选择单位")
	} else if ok, err := db.Exists(q, "departments", *in.DepartmentID); err != nil {
		return nil, err
	} else if !ok {
		v.Add("department_id", "单位不存在")
	}
	if n := utf8.RuneCountInString(in.Facts); n < 10 || n > 5000 {
		v.Add("facts", "请写明问责事实（10 到 5000 个字符）")
	}
	if !db.NormDate(&in.DecidedOn) {
		v.Add("decided_on", "决定日期"+db.DateHint)
	} else if d, _, _ := db.ParseTime(in.DecidedOn); d.After(now) {
		v.Add("decided_on", "决定日期不能晚于今天")
	}
	ids := append([]int64(nil), in.AppealIDs...)
	for _, num := range in.AppealNumbers {
		num = strings.TrimSpace(num)
		if num == "" {
			continue
		}
		var id int64
		err := q.QueryRow("SELECT id FROM appeals WHERE number = ?", strings.ToUpper(num)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			v.Add("appeal_numbers", "诉求编号 %s 不存在", num)
			continue
		} else if err != nil {
			return nil, fmt.Errorf("db: appeal number: %w", err)
		}
		ids = append(ids, id)
	}
	for _, id := range in.AppealIDs {
		if ok, err := db.Exists(q, "appeals", id); err != nil {
			return nil, err
		} else if !ok {
			v.Add("appeal_ids", "诉求 %d 不存在", id)
		}
	}
	if len(ids) == 0 && len(v.Fields) == 0 {
		v.Add("appeal_numbers", "请关联至少一件诉求")
	}
	return ids, v.Err()
}

// CreateAccountability records a measure (auditors only).
func CreateAccountability(ctx context.Context, d *db.DB, a db.Actor, in AccountabilityInput) (*Accountability, error) {
	if !a.Is(db.RoleAuditor) {
		return nil, db.Forbidden()
	}
	ids, err := in.validate(d.R(ctx), d.Now())
	if err != nil {
		return nil, err
	}
	if in.SubjectType == "department" {
		in.PersonName, in.PersonTitle = "", ""
	}
	var id int64
	err = d.Update(ctx, func(tx *db.Tx) error {
		id, err = InsertAccountability(tx, a, in, ids)
		return err
	})
	if err != nil {
		return nil, err
	}
	return FindAccountability(ctx, d, a, id)
}

// insertAccountability writes a validated record, its appeals and its audit event.
func InsertAccountability(t *db.Tx, a db.Actor, in AccountabilityInput, ids []int64) (int64, error) {
	id, err := t.InsertID(`INSERT INTO accountabilities (subject_type, person_name, person_title, department_id, measure,
		facts, decided_on, created_by, created_at) VALUES (?,?,?,?,?,?,?,?,?)`, in.SubjectType, in.PersonName,
		in.PersonTitle, *in.DepartmentID, in.Measure, in.Facts, in.DecidedOn, appeal.NullID(a.UserID), t.Now.Unix())
	if err != nil {
		return 0, fmt.Errorf("db: accountability: %w", err)
	}
	for _, ap := range ids {
		if _, err := t.Exec("INSERT INTO accountability_appeals (accountability_id, appeal_id) VALUES (?, ?) ON CONFLICT DO NOTHING", id, ap); err != nil {
			return 0, fmt.Errorf("db: accountability appeal: %w", err)
		}
	}
	return id, t.Audit(a, "accountability.create", "accountability", id, map[string]any{"subject_type": in.SubjectType,
		"department_id": *in.DepartmentID, "measure": in.Measure, "decided_on": in.DecidedOn, "appeal_ids": ids})
}

const accountabilityCols = `x.id, x.subject_type, x.person_name, x.person_title, x.department_id, d.name, x.measure,
	x.facts, x.decided_on, COALESCE(u.display_name, ''), x.created_at`
const accountabilityFrom = `accountabilities x JOIN departments d ON d.id = x.department_id LEFT JOIN users u ON u.id = x.created_by`

func scanAccountability(s db.Scanner) (*Accountability, error) {
	var x Accountability
	var created int64
	if err := s.Scan(&x.ID, &x.SubjectType, &x.PersonName, &x.PersonTitle, &x.DepartmentID, &x.DepartmentName,
		&x.Measure, &x.Facts, &x.DecidedOn, &x.CreatedBy, &created); err != nil {
		return nil, err
	}
	x.CreatedAt = time.Unix(created, 0).In(db.Zone)
	x.Appeals = []AppealRef{}
	return &x, nil
}

// FindAccountability returns one record (auditors only).
func FindAccountability(ctx context.Context, d *db.DB, a db.Actor, id int64) (*Accountability, error) {
	if !a.Is(db.RoleAuditor) {
		return nil, db.NotFound("问责记录")
	}
	q := d.R(ctx)
	x, err := scanAccountability(q.QueryRow("SELECT "+accountabilityCols+" FROM "+accountabilityFrom+" WHERE x.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, db.NotFound("问责记录")
	}
	if err != nil {
		return nil, fmt.Errorf("db: accountability %d: %w", id, err)
	}
	return x, linkAppeals(q, []*Accountability{x})
}

// AccountabilityFilter selects records.
type AccountabilityFilter struct {
	DepartmentID int64
	AppealID     int64
	Measure      string
	db.Page
}

// ListAccountability lists records, newest first (auditors only).
func ListAccountability(ctx context.Context, d *db.DB, a db.Actor, f AccountabilityFilter) (*db.List[Accountability], error) {
	if !a.Is(db.RoleAuditor) {
		return nil, db.Forbidden()
	}
	var w db.Where
	w.EqID("x.department_id", f.DepartmentID)
	w.Eq("x.measure", f.Measure)
	if f.AppealID != 0 {
		w.Add("x.id IN (SELECT accountability_id FROM accountability_appeals WHERE appeal_id = ?)", f.AppealID)
	}
	q := d.R(ctx)
	out, err := db.RunList(q, db.ListQuery{From: accountabilityFrom, Cols: accountabilityCols, ID: "x.id", Where: w, Desc: true}, f.Page, scanAccountability)
	if err != nil {
		return nil, err
	}
	ptrs := make([]*Accountability, len(out.Items))
	for i := range out.Items {
		ptrs[i] = &out.Items[i]
	}
	return out, linkAppeals(q, ptrs)
}

func linkAppeals(q db.Queryer, list []*Accountability) error {
	for _, x := range list {
		rows, err := q.Query(`SELECT a.id, a.number, a.title FROM accountability_appeals l JOIN appeals a ON a.id = l.appeal_id
			WHERE l.accountability_id = ? ORDER BY a.id`, x.ID)
		if err != nil {
			return fmt.Errorf("db: accountability appeals: %w", err)
		}
		for rows.Next() {
			var r AppealRef
			if err := rows.Scan(&r.ID, &r.Number, &r.Title); err != nil {
				rows.Close()
				return err
			}
			x.Appeals = append(x.Appeals, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

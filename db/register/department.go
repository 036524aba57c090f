package register

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"qinqing/db"
	"strings"
	"time"
	"unicode/utf8"
)

// Department is a body that rectifies appeals (责任单位).
type Department struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Kind      string    `json:"kind"`
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
}

func (d *Department) Key() int64 { return d.ID }

const departmentColumns = "id, name, kind, version, created_at"

func scanDepartment(s db.Scanner) (*Department, error) {
	var d Department
	var created int64
	if err := s.Scan(&d.ID, &d.Name, &d.Kind, &d.Version, &created); err != nil {
		return nil, err
	}
	d.CreatedAt = time.Unix(created, 0).In(db.Zone)
	return &d, nil
}

// DepartmentInput is a new department or, with pointer semantics in DepartmentUpdate, a change.
type DepartmentInput struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
}

// DepartmentUpdate changes a department; nil fields stay. Version, when given, must be
// the version the change was made against.
type DepartmentUpdate struct {
	Name    *string `json:"name"`
	Kind    *string `json:"kind"`
	Version *int64  `json:"version"`
}

func validateDepartment(v *db.Violations, d *Department) {
	d.Name = strings.TrimSpace(d.Name)
	d.Kind = strings.TrimSpace(d.Kind)
	if n := utf8.RuneCountInString(d.Name); n < 2 || n > 60 {
		v.Add("name", "单位名称须为 2 到 60 个字符")
	}
	if utf8.RuneCountInString(d.Kind) > 30 {
		v.Add("kind", "单位类别最多 30 个字符")
	}
}

func duplicateName(q db.Queryer, table, name string, except int64) error {
	var n int
	if err := q.QueryRow("SELECT COUNT(*) FROM "+table+" WHERE name = ? AND id != ?", name, except).Scan(&n); err != nil {
		return fmt.Errorf("db: duplicate check %s: %w", table, err)
	}
	if n > 0 {
		return &db.Error{Code: db.ECONFLICT, Message: "名称“" + name + "”已存在。", Fields: []db.FieldError{{Field: "name", Message: "名称已存在"}}}
	}
	return nil
}

// CreateDepartment adds a department (admin).
func CreateDepartment(ctx context.Context, d2 *db.DB, a db.Actor, in DepartmentInput) (*Department, error) {
	if !a.Is(db.RoleAdmin, db.RoleSystem) {
		return nil, db.Forbidden()
	}
	d := &Department{Name: in.Name, Kind: in.Kind}
	var v db.Violations
	validateDepartment(&v, d)
	if err := v.Err(); err != nil {
		return nil, err
	}
	err := d2.Update(ctx, func(tx *db.Tx) error {
		if err := duplicateName(tx, "departments", d.Name, 0); err != nil {
			return err
		}
		var err error
		d.ID, err = tx.InsertID("INSERT INTO departments (name, kind, created_at) VALUES (?, ?, ?)", d.Name, d.Kind, tx.Now.Unix())
		if err != nil {
			return fmt.Errorf("db: create department: %w", err)
		}
		d.Version = 1
		d.CreatedAt = tx.Now.In(db.Zone)
		return tx.Audit(a, "department.create", "department", d.ID, in)
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// FindDepartment returns one department; every signed-in role may read departments.
func FindDepartment(ctx context.Context, d *db.DB, id int64) (*Department, error) {
	return findDepartment(d.R(ctx), id)
}

func findDepartment(q db.Queryer, id int64) (*Department, error) {
	d, err := scanDepartment(q.QueryRow("SELECT "+departmentColumns+" FROM departments WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, db.NotFound("责任单位")
	}
	if err != nil {
		return nil, fmt.Errorf("db: find department %d: %w", id, err)
	}
	return d, nil
}

// UpdateDepartment renames or reclassifies a department (admin). The row is read and
// written in one write transaction, and only the fields that change are written.
func UpdateDepartment(ctx context.Context, d2 *db.DB, a db.Actor, id int64, up DepartmentUpdate) (*Department, error) {
	if !a.Is(db.RoleAdmin) {
		return nil, db.Forbidden()
	}
	var out *Department
	err := d2.Update(ctx, func(tx *db.Tx) error {
		cur, err := findDepartment(tx, id)
		if err != nil {
			return err
		}
		if err := checkVersion("责任单位", up.Version, cur.Version); err != nil {
			return err
		}
		d := *cur
		if up.Name != nil {
			d.Name = *up.Name
		}
		if up.Kind != nil {
			d.Kind = *up.Kind
		}
		var v db.Violations
		validateDepartment(&v, &d)
		if err := v.Err(); err != nil {
			return err
		}
		var c changes
		c.add("name", d.Name != cur.Name, d.Name, d.Name)
		c.add("kind", d.Kind != cur.Kind, d.Kind, d.Kind)
		if out = cur; c.empty() {
			return nil
		}
		if d.Name != cur.Name {
			if err := duplicateName(tx, "departments", d.Name, id); err != nil {
				return err
			}
		}
		if err := saveChanges(tx, "departments", id, cur.Version, &c, false); err != nil {
			return err
		}
		d.Version++
		out = &d
		return tx.Audit(a, "department.update", "department", id, c.audit)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DepartmentFilter selects departments.
type DepartmentFilter struct {
	Q    string
	Kind string
	db.Page
}

// ListDepartments lists departments by id.
func ListDepartments(ctx context.Context, d *db.DB, f DepartmentFilter) (*db.List[Department], error) {
	var w db.Where
	w.Like(f.Q, "name")
	w.Eq("kind", f.Kind)
	return db.ListRows(d.R(ctx), "departments", departmentColumns, w, f.Page, false, scanDepartment)
}

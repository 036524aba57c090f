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

// Liaison is one leader-enterprise pair (包保关系). Ended pairs keep their until date.
type Liaison struct {
	ID             int64     `json:"id"`
	LeaderID       int64     `json:"leader_id"`
	LeaderName     string    `json:"leader_name"`
	LeaderTitle    string    `json:"leader_title"`
	EnterpriseID   int64     `json:"enterprise_id"`
	EnterpriseName string    `json:"enterprise_name"`
	Since          string    `json:"since"`
	Until          *string   `json:"until"`
	Active         bool      `json:"active"`
	Note           string    `json:"note"`
	Version        int64     `json:"version"`
	CreatedAt      time.Time `json:"created_at"`
}

func (l *Liaison) Key() int64 { return l.ID }

const LiaisonColumns = `p.id, p.leader_id, ld.name, ld.title, p.enterprise_id, e.name, p.since, p.until, p.note, p.version, p.created_at`

const LiaisonFrom = `liaisons p JOIN leaders ld ON ld.id = p.leader_id JOIN enterprises e ON e.id = p.enterprise_id`

func ScanLiaison(s db.Scanner) (*Liaison, error) {
	var l Liaison
	var created int64
	if err := s.Scan(&l.ID, &l.LeaderID, &l.LeaderName, &l.LeaderTitle, &l.EnterpriseID, &l.EnterpriseName,
		&l.Since, &l.Until, &l.Note, &l.Version, &created); err != nil {
		return nil, err
	}
	l.Active = l.Until == nil
	l.CreatedAt = time.Unix(created, 0).In(db.Zone)
	return &l, nil
}

// LiaisonInput is a new pair. An enterprise's active pair with another leader ends on the
// new pair's since date, which keeps the history.
type LiaisonInput struct {
	LeaderID     int64  `json:"leader_id"`
	EnterpriseID int64  `json:"enterprise_id"`
	Since        string `json:"since"`
	Note         string `json:"note"`
}

// LiaisonUpdate ends a pair or edits its note. Version, when given, must be the version
// the change was made against.
type LiaisonUpdate struct {
	Until   *string `json:"until"`
	Note    *string `json:"note"`
	Version *int64  `json:"version"`
}

// CreateLiaison pairs a leader with an enterprise (admin).
func CreateLiaison(ctx context.Context, d *db.DB, a db.Actor, in LiaisonInput) (*Liaison, error) {
	if !a.Is(db.RoleAdmin, db.RoleSystem) {
		return nil, db.Forbidden()
	}
	in.Since, in.Note = strings.TrimSpace(in.Since), strings.TrimSpace(in.Note)
	var v db.Violations
	if in.Since == "" {
		in.Since = db.Today(d.Now())
	} else if !db.NormDate(&in.Since) {
		v.Add("since", "开始日期"+db.DateHint)
	}
	if utf8.RuneCountInString(in.Note) > 200 {
		v.Add("note", "备注最多 200 个字符")
	}
	q := d.R(ctx)
	for _, x := range []struct {
		field, table, what string
		id                 int64
	}{{"leader_id", "leaders", "包保领导", in.LeaderID}, {"enterprise_id", "enterprises", "企业", in.EnterpriseID}} {
		ok, err := db.Exists(q, x.table, x.id)
		if err != nil {
			return nil, err
		}
		if !ok {
			v.Add(x.field, "%s不存在", x.what)
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var id int64
	err := d.Update(ctx, func(tx *db.Tx) error {
		var err error
		id, err = InsertLiaison(tx, a, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	return findLiaisonRead(ctx, d, id)
}

// insertLiaison writes a validated pair, ending the enterprise's current one.
func InsertLiaison(t *db.Tx, a db.Actor, in LiaisonInput) (int64, error) {
	var curID, curLeader int64
	var curSince string
	err := t.QueryRow("SELECT id, leader_id, since FROM liaisons WHERE enterprise_id = ? AND until IS NULL",
		in.EnterpriseID).Scan(&curID, &curLeader, &curSince)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		// With no current pair, the history must still not overlap: start after the last end.
		var lastUntil sql.NullString
		if err := t.QueryRow("SELECT MAX(until) FROM liaisons WHERE enterprise_id = ?", in.EnterpriseID).Scan(&lastUntil); err != nil {
			return 0, fmt.Errorf("db: last liaison: %w", err)
		}
		if lastUntil.Valid && in.Since < lastUntil.String {
			return 0, &db.Error{Code: db.EINVALID, Message: "新的包保关系不能早于上一段关系的结束日期 " + lastUntil.String + "。",
				Fields: []db.FieldError{{Field: "since", Message: "不能早于 " + lastUntil.String}}}
		}
	case err != nil:
		return 0, fmt.Errorf("db: current liaison: %w", err)
	case curLeader == in.LeaderID:
		return 0, &db.Error{Code: db.ECONFLICT, Message: "该企业已由这位领导包保。", Fields: []db.FieldError{{Field: "leader_id", Message: "已是当前包保领导"}}}
	case in.Since < curSince:
		return 0, &db.Error{Code: db.EINVALID, Message: "新的包保关系不能早于当前关系的开始日期 " + curSince + "。",
			Fields: []db.FieldError{{Field: "since", Message: "不能早于 " + curSince}}}
	default:
		if _, err := t.Exec("UPDATE liaisons SET until = ?, version = version + 1 WHERE id = ?", in.Since, curID); err != nil {
			return 0, fmt.Errorf("db: end liaison %d: %w", curID, err)
		}
		if err := t.Audit(a, "liaison.end", "liaison", curID, map[string]any{"until": in.Since, "replaced": true}); err != nil {
			return 0, err
		}
	}
	id, err := t.InsertID("INSERT INTO liaisons (leader_id, enterprise_id, since, note, created_at) VALUES (?,?,?,?,?)",
		in.LeaderID, in.EnterpriseID, in.Since, in.Note, t.Now.Unix())
	if err != nil {
		return 0, fmt.Errorf("db: create liaison: %w", err)
	}
	return id, t.Audit(a, "liaison.create", "liaison", id, in)
}

func findLiaisonRead(ctx context.Context, d *db.DB, id int64) (*Liaison, error) {
	return findLiaison(d.R(ctx), id)
}

func findLiaison(q db.Queryer, id int64) (*Liaison, error) {
	l, err := ScanLiaison(q.QueryRow("SELECT "+LiaisonColumns+" FROM "+LiaisonFrom+" WHERE p.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, db.NotFound("包保关系")
	}
	if err != nil {
		return nil, fmt.Errorf("db: find liaison %d: %w", id, err)
	}
	return l, nil
}

func liaisonScope(w *db.Where, a db.Actor) {
	switch a.Role {
	case db.RoleAdmin, db.RoleOffice, db.RoleAuditor, db.RoleSystem:
	case db.RoleLeader:
		w.Add("p.leader_id = ?", a.LeaderID)
	case db.RoleEnterprise:
		w.Add("p.enterprise_id = ?", a.EnterpriseID)
	default:
		w.Add("FALSE")
	}
}

// FindLiaison returns a pair the actor may see.
func FindLiaison(ctx context.Context, d *db.DB, a db.Actor, id int64) (*Liaison, error) {
	var w db.Where
	w.Add("p.id = ?", id)
	liaisonScope(&w, a)
	l, err := ScanLiaison(d.R(ctx).QueryRow("SELECT "+LiaisonColumns+" FROM "+LiaisonFrom+w.Sql(), w.Args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, db.NotFound("包保关系")
	}
	if err != nil {
		return nil, fmt.Errorf("db: find liaison %d: %w", id, err)
	}
	return l, nil
}

// UpdateLiaison ends a pair or edits its note (admin). An ended pair cannot be reopened:
// a new pair is made instead, so the history stays true. The pair is read and written in
// one write transaction, and only the fields that change are written, so a note edited
// from a page opened before the pair ended never clears its end date.
func UpdateLiaison(ctx context.Context, d *db.DB, a db.Actor, id int64, up LiaisonUpdate) (*Liaison, error) {
	if !a.Is(db.RoleAdmin) {
		return nil, db.Forbidden()
	}
	var out *Liaison
	err := d.Update(ctx, func(tx *db.Tx) error {
		cur, err := findLiaison(tx, id)
		if err != nil {
			return err
		}
		if err := checkVersion("包保关系", up.Version, cur.Version); err != nil {
			return err
		}
		var v db.Violations
		var c changes
		if up.Until != nil {
			u := strings.TrimSpace(*up.Until)
			switch {
			case cur.Until != nil:
				v.Add("until", "该包保关系已于 %s 结束", *cur.Until)
			case !db.NormDate(&u):
				v.Add("until", "结束日期"+db.DateHint)
			case u < cur.Since:
				v.Add("until", "结束日期不能早于开始日期 %s", cur.Since)
			}
			c.add("until", true, u, u)
		}
		if up.Note != nil {
			note := strings.TrimSpace(*up.Note)
			if utf8.RuneCountInString(note) > 200 {
				v.Add("note", "备注最多 200 个字符")
			}
			c.add("note", note != cur.Note, note, note)
		}
		if err := v.Err(); err != nil {
			return err
		}
		if out = cur; c.empty() {
			return nil
		}
		if err := saveChanges(tx, "liaisons", id, cur.Version, &c, false); err != nil {
			return err
		}
		if out, err = findLiaison(tx, id); err != nil {
			return err
		}
		action := "liaison.update"
		if up.Until != nil {
			action = "liaison.end"
		}
		return tx.Audit(a, action, "liaison", id, c.audit)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// LiaisonFilter selects pairs.
type LiaisonFilter struct {
	LeaderID     int64
	EnterpriseID int64
	Active       *bool
	Q            string // enterprise or leader name
	db.Page
}

// ListLiaisons lists the pairs the actor may see, newest first.
func ListLiaisons(ctx context.Context, d *db.DB, a db.Actor, f LiaisonFilter) (*db.List[Liaison], error) {
	var w db.Where
	liaisonScope(&w, a)
	w.EqID("p.leader_id", f.LeaderID)
	w.EqID("p.enterprise_id", f.EnterpriseID)
	if f.Active != nil {
		if *f.Active {
			w.Add("p.until IS NULL")
		} else {
			w.Add("p.until IS NOT NULL")
		}
	}
	w.Like(f.Q, "e.name", "ld.name")
	return db.RunList(d.R(ctx), db.ListQuery{From: LiaisonFrom, Cols: LiaisonColumns, ID: "p.id", Where: w, Desc: true}, f.Page, ScanLiaison)
}

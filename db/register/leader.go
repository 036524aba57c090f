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

// Leader is a city leader or official with liaison enterprises (包保领导).
type Leader struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	Title       string    `json:"title"`
	Phone       string    `json:"phone"`
	Enterprises int       `json:"enterprises"`
	Version     int64     `json:"version"`
	CreatedAt   time.Time `json:"created_at"`
}

func (l *Leader) Key() int64 { return l.ID }

const leaderColumns = `id, name, title, phone,
	(SELECT COUNT(*) FROM liaisons WHERE leader_id = leaders.id AND until IS NULL), version, created_at`

func scanLeader(s db.Scanner) (*Leader, error) {
	var l Leader
	var created int64
	if err := s.Scan(&l.ID, &l.Name, &l.Title, &l.Phone, &l.Enterprises, &l.Version, &created); err != nil {
		return nil, err
	}
	l.CreatedAt = time.Unix(created, 0).In(db.Zone)
	return &l, nil
}

// LeaderInput is a new leader.
type LeaderInput struct {
	Name  string `json:"name"`
	Title string `json:"title"`
	Phone string `json:"phone"`
}

// LeaderUpdate changes a leader; nil fields stay. Version, when given, must be the
// version the change was made against.
type LeaderUpdate struct {
	Name    *string `json:"name"`
	Title   *string `json:"title"`
	Phone   *string `json:"phone"`
	Version *int64  `json:"version"`
}

func validateLeader(v *db.Violations, l *Leader) {
	l.Name, l.Title, l.Phone = strings.TrimSpace(l.Name), strings.TrimSpace(l.Title), strings.TrimSpace(l.Phone)
	if n := utf8.RuneCountInString(l.Name); n < 2 || n > 30 {
		v.Add("name", "姓名须为 2 到 30 个字符")
	}
	if utf8.RuneCountInString(l.Title) > 60 {
		v.Add("title", "职务最多 60 个字符")
	}
	if l.Phone != "" && !PhonePattern.MatchString(l.Phone) {
		v.Add("phone", "电话号码格式不正确")
	}
}

// CreateLeader adds a leader (admin).
func CreateLeader(ctx context.Context, d *db.DB, a db.Actor, in LeaderInput) (*Leader, error) {
	if !a.Is(db.RoleAdmin, db.RoleSystem) {
		return nil, db.Forbidden()
	}
	l := &Leader{Name: in.Name, Title: in.Title, Phone: in.Phone}
	var v db.Violations
	validateLeader(&v, l)
	if err := v.Err(); err != nil {
		return nil, err
	}
	err := d.Update(ctx, func(tx *db.Tx) error {
		var err error
		l.ID, err = InsertLeader(tx, a, LeaderInput{Name: l.Name, Title: l.Title, Phone: l.Phone})
		l.CreatedAt, l.Version = tx.Now.In(db.Zone), 1
		return err
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// insertLeader writes a validated leader; import uses it for leaders a pairs file names.
func InsertLeader(t *db.Tx, a db.Actor, in LeaderInput) (int64, error) {
	id, err := t.InsertID("INSERT INTO leaders (name, title, phone, created_at) VALUES (?, ?, ?, ?)",
		in.Name, in.Title, in.Phone, t.Now.Unix())
	if err != nil {
		return 0, fmt.Errorf("db: create leader: %w", err)
	}
	return id, t.Audit(a, "leader.create", "leader", id, in)
}

// FindLeader returns one leader; leaders' names and titles are public within the system.
func FindLeader(ctx context.Context, d *db.DB, id int64) (*Leader, error) {
	return findLeader(d.R(ctx), id)
}

func findLeader(q db.Queryer, id int64) (*Leader, error) {
	l, err := scanLeader(q.QueryRow("SELECT "+leaderColumns+" FROM leaders WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, db.NotFound("包保领导")
	}
	if err != nil {
		return nil, fmt.Errorf("db: find leader %d: %w", id, err)
	}
	return l, nil
}

// UpdateLeader edits a leader (admin). The row is read and written in one write
// transaction, and only the fields that change are written.
func UpdateLeader(ctx context.Context, d *db.DB, a db.Actor, id int64, up LeaderUpdate) (*Leader, error) {
	if !a.Is(db.RoleAdmin) {
		return nil, db.Forbidden()
	}
	var out *Leader
	err := d.Update(ctx, func(tx *db.Tx) error {
		cur, err := findLeader(tx, id)
		if err != nil {
			return err
		}
		if err := checkVersion("包保领导", up.Version, cur.Version); err != nil {
			return err
		}
		l := *cur
		for _, f := range []struct{ dst, src *string }{{&l.Name, up.Name}, {&l.Title, up.Title}, {&l.Phone, up.Phone}} {
			if f.src != nil {
				*f.dst = *f.src
			}
		}
		var v db.Violations
		validateLeader(&v, &l)
		if err := v.Err(); err != nil {
			return err
		}
		var c changes
		c.add("name", l.Name != cur.Name, l.Name, l.Name)
		c.add("title", l.Title != cur.Title, l.Title, l.Title)
		c.add("phone", l.Phone != cur.Phone, l.Phone, l.Phone)
		if out = cur; c.empty() {
			return nil
		}
		if err := saveChanges(tx, "leaders", id, cur.Version, &c, false); err != nil {
			return err
		}
		l.Version++
		out = &l
		return tx.Audit(a, "leader.update", "leader", id, c.audit)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// LeaderFilter selects leaders.
type LeaderFilter struct {
	Q string
	db.Page
}

// ListLeaders lists leaders by id.
func ListLeaders(ctx context.Context, d *db.DB, f LeaderFilter) (*db.List[Leader], error) {
	var w db.Where
	w.Like(f.Q, "name", "title")
	return db.ListRows(d.R(ctx), "leaders", leaderColumns, w, f.Page, false, scanLeader)
}

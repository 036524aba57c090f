// Package notify keeps the in-app notices: who is told what, written in the transaction
// of the step that caused it, read and marked read by its recipient.
package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"qinqing/db"
	"strings"
	"time"
)

// Notice kinds: what happened, named as the outbound events are.
const (
	AppealAssigned    = "appeal.assigned"    // 交办到本单位
	AppealUrged       = "appeal.urged"       // 催办
	AppealEscalated   = "appeal.escalated"   // 提级，告知包保领导
	AppealSupervised  = "appeal.supervised"  // 督办
	AppealExtension   = "appeal.extension"   // 延期申请待审批
	AppealReturned    = "appeal.returned"    // 退回待重新交办
	AppealFeedback    = "appeal.feedback"    // 已反馈，待企业评价
	AppealUnsatisfied = "appeal.unsatisfied" // 评价不满意
	AppealDueSoon     = "appeal.due_soon"    // 办理时限已用 80%
	AppealOverdue     = "appeal.overdue"     // 已超期
	DirectMessage     = "directline.message" // 直通车留言
)

// KindLabels are the kinds' names on the notice list.
var KindLabels = map[string]string{
	AppealAssigned: "交办", AppealUrged: "催办", AppealEscalated: "提级", AppealSupervised: "督办",
	AppealExtension: "延期申请", AppealReturned: "退回", AppealFeedback: "待评价", AppealUnsatisfied: "不满意",
	AppealDueSoon: "即将到期", AppealOverdue: "超期", DirectMessage: "直通车",
}

// Notice is one notice to one user.
type Notice struct {
	ID         int64      `json:"id"`
	Kind       string     `json:"kind"`
	KindLabel  string     `json:"kind_label"`
	Title      string     `json:"title"`
	Body       string     `json:"body"`
	Link       string     `json:"link"`
	ObjectType string     `json:"object_type"`
	ObjectID   *int64     `json:"object_id"`
	CreatedAt  time.Time  `json:"created_at"`
	ReadAt     *time.Time `json:"read_at"`
}

func (n *Notice) Key() int64 { return n.ID }

// To names a notice's recipients: every active user of the roles, and of the department,
// the enterprise and the leader named. Except is a department never told, whatever else
// names it (the department a report is about).
type To struct {
	Roles                                []db.Role
	DepartmentID, EnterpriseID, LeaderID int64
	Except                               int64
}

// Add writes the notice to each of its recipients inside t, and answers how many it
// reached. A notice with no recipient (a department with no account yet) is no error.
func Add(t *db.Tx, n Notice, to To) (int, error) {
	var or []string
	var args []any
	if len(to.Roles) > 0 {
		or = append(or, "role IN ("+strings.TrimSuffix(strings.Repeat("?,", len(to.Roles)), ",")+")")
		for _, r := range to.Roles {
			args = append(args, string(r))
		}
	}
	for _, c := range []struct {
		col string
		id  int64
	}{{"department_id", to.DepartmentID}, {"enterprise_id", to.EnterpriseID}, {"leader_id", to.LeaderID}} {
		if c.id > 0 {
			or = append(or, c.col+" = ?")
			args = append(args, c.id)
		}
	}
	if len(or) == 0 {
		return 0, nil
	}
	where := "disabled = FALSE AND (" + strings.Join(or, " OR ") + ")"
	if to.Except > 0 {
		where += " AND (department_id IS NULL OR department_id != ?)"
		args = append(args, to.Except)
	}
	var obj any
	if n.ObjectID != nil {
		obj = *n.ObjectID
	}
	res, err := t.Exec(`INSERT INTO notices (user_id, kind, title, body, link, object_type, object_id, created_at)
		SELECT id, CAST(? AS text), CAST(? AS text), CAST(? AS text), CAST(? AS text), CAST(? AS text), CAST(? AS bigint), CAST(? AS bigint)
		FROM users WHERE `+where, append([]any{n.Kind, n.Title, n.Body, n.Link, n.ObjectType, obj, t.Now.Unix()}, args...)...)
	if err != nil {
		return 0, fmt.Errorf("db: notice %s: %w", n.Kind, err)
	}
	k, err := res.RowsAffected()
	return int(k), err
}

// Claim marks that the once-only notice kind has been sent for the object, and answers
// false if it had been already.
func Claim(t *db.Tx, kind string, objectID int64) (bool, error) {
	res, err := t.Exec("INSERT INTO notices_sent (kind, object_id, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", kind, objectID, t.Now.Unix())
	if err != nil {
		return false, fmt.Errorf("db: claim notice %s %d: %w", kind, objectID, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// List is a page of the actor's notices, newest first, with the count of unread ones.
type List struct {
	db.List[Notice]
	Unread int `json:"unread"`
}

// Mine lists the actor's notices, only the unread ones if unread is set.
func Mine(ctx context.Context, d *db.DB, a db.Actor, p db.Page, unread bool) (*List, error) {
	if a.UserID == 0 {
		return nil, db.Forbidden()
	}
	var w db.Where
	w.Add("n.user_id = ?", a.UserID)
	if unread {
		w.Add("n.read_at IS NULL")
	}
	out := &List{}
	err := d.View(ctx, func(ctx context.Context) error {
		q := d.R(ctx)
		l, err := db.RunList(q, db.ListQuery{From: "notices n", Cols: "n.id, n.kind, n.title, n.body, n.link, n.object_type, n.object_id, n.created_at, n.read_at",
			ID: "n.id", Where: w, Desc: true}, p, scan)
		if err != nil {
			return err
		}
		out.List = *l
		out.Unread, err = unreadOn(q, a.UserID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func scan(s db.Scanner) (*Notice, error) {
	var n Notice
	var created int64
	var read *int64
	if err := s.Scan(&n.ID, &n.Kind, &n.Title, &n.Body, &n.Link, &n.ObjectType, &n.ObjectID, &created, &read); err != nil {
		return nil, err
	}
	n.KindLabel = KindLabels[n.Kind]
	n.CreatedAt = time.Unix(created, 0).In(db.Zone)
	if read != nil {
		at := time.Unix(*read, 0).In(db.Zone)
		n.ReadAt = &at
	}
	return &n, nil
}

// Unread is the number of the actor's unread notices, for the bell on every page.
func Unread(ctx context.Context, d *db.DB, a db.Actor) (int, error) {
	if a.UserID == 0 {
		return 0, nil
	}
	return unreadOn(d.R(ctx), a.UserID)
}

func unreadOn(q db.Queryer, userID int64) (int, error) {
	var w db.Where
	w.Add("user_id = ? AND read_at IS NULL", userID)
	n, _, err := db.CountUpTo(q, "notices", w)
	if err != nil {
		return 0, fmt.Errorf("db: unread notices: %w", err)
	}
	return n, nil
}

// maxMark bounds the ids one request marks read.
const maxMark = 500

// MarkRead marks the actor's notices read: those ids, or all of them. Another user's ids
// are not the actor's and change nothing. It answers how many were marked.
func MarkRead(ctx context.Context, d *db.DB, a db.Actor, ids []int64, all bool) (int, error) {
	if a.UserID == 0 {
		return 0, db.Forbidden()
	}
	if !all && len(ids) == 0 {
		return 0, db.InvalidField("ids", "请指定要标为已读的通知，或 all: true")
	}
	if len(ids) > maxMark {
		return 0, db.InvalidField("ids", fmt.Sprintf("一次最多 %d 条", maxMark))
	}
	var n int64
	err := d.Update(ctx, func(t *db.Tx) error {
		query := "UPDATE notices SET read_at = ? WHERE user_id = ? AND read_at IS NULL"
		args := []any{t.Now.Unix(), a.UserID}
		if !all {
			query += " AND id IN (" + strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",") + ")"
			for _, id := range ids {
				args = append(args, id)
			}
		}
		res, err := t.Exec(query, args...)
		if err != nil {
			return fmt.Errorf("db: mark notices read: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// Open marks one of the actor's notices read and returns it, to go to what it is about.
// Another user's notice is not found.
func Open(ctx context.Context, d *db.DB, a db.Actor, id int64) (*Notice, error) {
	var out *Notice
	err := d.Update(ctx, func(t *db.Tx) error {
		if _, err := t.Exec("UPDATE notices SET read_at = ? WHERE id = ? AND user_id = ? AND read_at IS NULL", t.Now.Unix(), id, a.UserID); err != nil {
			return fmt.Errorf("db: open notice: %w", err)
		}
		var err error
		out, err = scan(t.QueryRow(`SELECT id, kind, title, body, link, object_type, object_id, created_at, read_at
			FROM notices WHERE id = ? AND user_id = ?`, id, a.UserID))
		if errors.Is(err, sql.ErrNoRows) {
			return db.Errorf(db.ENOTFOUND, "通知不存在。")
		}
		return err
	})
	return out, err
}

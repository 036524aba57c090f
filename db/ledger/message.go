package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/notify"
	"strings"
	"time"
	"unicode/utf8"
)

// DirectMessage is an enterprise's message straight to its liaison leader (领导干部直通车).
// The leader may turn it into an appeal.
type DirectMessage struct {
	ID             int64      `json:"id"`
	EnterpriseID   int64      `json:"enterprise_id"`
	EnterpriseName string     `json:"enterprise_name"`
	LeaderID       int64      `json:"leader_id"`
	LeaderName     string     `json:"leader_name"`
	Title          string     `json:"title"`
	Body           string     `json:"body"`
	CreatedAt      time.Time  `json:"created_at"`
	ReadAt         *time.Time `json:"read_at"`
	AppealID       *int64     `json:"appeal_id"`
	AppealNumber   string     `json:"appeal_number"`
}

func (m *DirectMessage) Key() int64 { return m.ID }

const messageColumns = `m.id, m.enterprise_id, e.name, m.leader_id, ld.name, m.title, m.body, m.created_at, m.read_at,
	m.appeal_id, COALESCE(ap.number, '')`

const messageFrom = `direct_messages m JOIN enterprises e ON e.id = m.enterprise_id JOIN leaders ld ON ld.id = m.leader_id
	LEFT JOIN appeals ap ON ap.id = m.appeal_id`

func scanMessage(s db.Scanner) (*DirectMessage, error) {
	var m DirectMessage
	var created int64
	var read sql.NullInt64
	if err := s.Scan(&m.ID, &m.EnterpriseID, &m.EnterpriseName, &m.LeaderID, &m.LeaderName, &m.Title, &m.Body,
		&created, &read, &m.AppealID, &m.AppealNumber); err != nil {
		return nil, err
	}
	m.CreatedAt = time.Unix(created, 0).In(db.Zone)
	m.ReadAt = appeal.UnixPtr(read)
	return &m, nil
}

// messageScope: the enterprise sees what it sent, the leader what was sent to them, and
// the admin and the discipline office everything.
func messageScope(w *db.Where, a db.Actor) {
	switch a.Role {
	case db.RoleAdmin, db.RoleAuditor, db.RoleSystem:
	case db.RoleLeader:
		w.Add("m.leader_id = ?", a.LeaderID)
	case db.RoleEnterprise:
		w.Add("m.enterprise_id = ?", a.EnterpriseID)
	default:
		w.Add("FALSE")
	}
}

// MessageInput is a new direct message.
type MessageInput struct {
	Title string `json:"title"`
	Body  string `json:"body"`
}

// SendMessage sends an enterprise's message to the leader who holds its pair now.
func SendMessage(ctx context.Context, d *db.DB, a db.Actor, in MessageInput) (*DirectMessage, error) {
	if !a.Is(db.RoleEnterprise) {
		return nil, db.Forbidden()
	}
	in.Title, in.Body = strings.TrimSpace(in.Title), strings.TrimSpace(in.Body)
	var v db.Violations
	if n := utf8.RuneCountInString(in.Title); n < 4 || n > 100 {
		v.Add("title", "标题须为 4 到 100 个字符")
	}
	if n := utf8.RuneCountInString(in.Body); n < 10 || n > 5000 {
		v.Add("body", "内容须为 10 到 5000 个字符，请把情况说清楚")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var id int64
	err := d.Update(ctx, func(tx *db.Tx) error {
		var leader int64
		err := tx.QueryRow("SELECT leader_id FROM liaisons WHERE enterprise_id = ? AND until IS NULL", a.EnterpriseID).Scan(&leader)
		if errors.Is(err, sql.ErrNoRows) {
			return db.Errorf(db.EINVALID, "贵企业暂未安排包保领导，请通过诉求提交。")
		}
		if err != nil {
			return fmt.Errorf("db: message leader: %w", err)
		}
		var createdBy any
		if a.UserID != 0 {
			createdBy = a.UserID
		}
		id, err = tx.InsertID(`INSERT INTO direct_messages (enterprise_id, leader_id, title, body, created_by, created_at)
			VALUES (?,?,?,?,?,?)`, a.EnterpriseID, leader, in.Title, in.Body, createdBy, tx.Now.Unix())
		if err != nil {
			return fmt.Errorf("db: send message: %w", err)
		}
		if _, err := notify.Add(tx, notify.Notice{Kind: notify.DirectMessage, Title: "直通车：" + in.Title, Body: in.Body,
			Link: "/#inbox", ObjectType: "message", ObjectID: &id}, notify.To{LeaderID: leader}); err != nil {
			return err
		}
		return tx.Audit(a, "message.send", "message", id, map[string]any{"enterprise_id": a.EnterpriseID, "leader_id": leader})
	})
	if err != nil {
		return nil, err
	}
	return FindMessage(ctx, d, a, id)
}

// FindMessage returns a message the actor may see.
func FindMessage(ctx context.Context, d *db.DB, a db.Actor, id int64) (*DirectMessage, error) {
	return findMessage(d.R(ctx), a, id)
}

func findMessage(q db.Queryer, a db.Actor, id int64) (*DirectMessage, error) {
	var w db.Where
	w.Add("m.id = ?", id)
	messageScope(&w, a)
	return db.FindOne(q, db.ListQuery{From: messageFrom, Cols: messageColumns, Where: w}, "消息", scanMessage)
}

// MessageFilter selects messages. Pending selects those not yet turned into an appeal
// nor marked read.
type MessageFilter struct {
	LeaderID     int64
	EnterpriseID int64
	Pending      *bool
	db.Page
}

// ListMessages lists the messages the actor may see, newest first.
func ListMessages(ctx context.Context, d *db.DB, a db.Actor, f MessageFilter) (*db.List[DirectMessage], error) {
	var w db.Where
	messageScope(&w, a)
	w.EqID("m.leader_id", f.LeaderID)
	w.EqID("m.enterprise_id", f.EnterpriseID)
	if f.Pending != nil {
		if *f.Pending {
			w.Add("m.appeal_id IS NULL AND m.read_at IS NULL")
		} else {
			w.Add("(m.appeal_id IS NOT NULL OR m.read_at IS NOT NULL)")
		}
	}
	return db.RunList(d.R(ctx), db.ListQuery{From: messageFrom, Cols: messageColumns, ID: "m.id", Where: w, Desc: true}, f.Page, scanMessage)
}

// MessageAppealInput is what the leader adds when turning a message into an appeal.
type MessageAppealInput struct {
	Category string      `json:"category"`
	Tier     appeal.Tier `json:"tier"`
	Title    string      `json:"title"`
}

// leaderMessage reads a message addressed to the acting leader, inside a write.
func leaderMessage(t *db.Tx, a db.Actor, id int64) (*DirectMessage, error) {
	if !a.Is(db.RoleLeader) {
		return nil, db.Forbidden()
	}
	return findMessage(t, a, id)
}

// MessageToAppeal files the message as an appeal of its enterprise, linked to the
// leader, and marks the message handled, in one transaction. The enterprise raised it,
// so the appeal's source is the portal; the audit row links the two.
func MessageToAppeal(ctx context.Context, d *db.DB, a db.Actor, id int64, in MessageAppealInput) (*appeal.Appeal, error) {
	var out *appeal.Appeal
	err := d.Update(ctx, func(tx *db.Tx) error {
		m, err := leaderMessage(tx, a, id)
		if err != nil {
			return err
		}
		if m.AppealID != nil {
			return db.Errorf(db.ECONFLICT, "该消息已转为诉求 %s。", m.AppealNumber)
		}
		title := strings.TrimSpace(in.Title)
		if title == "" {
			title = m.Title
		}
		enterprise, leader := m.EnterpriseID, m.LeaderID
		ap := appeal.Input{Title: title, Content: m.Body, Category: in.Category, Tier: in.Tier,
			Source: appeal.SourceVisit, EnterpriseID: &enterprise, LeaderID: &leader}
		// Checked as the leader's own filing, then filed under the source it came from.
		if err := ap.Validate(tx, a); err != nil {
			return err
		}
		ap.Source = appeal.SourcePortal
		if out, err = appeal.FileAppeal(tx, a, ap); err != nil {
			return err
		}
		if _, err := tx.Exec("UPDATE direct_messages SET appeal_id = ?, read_at = COALESCE(read_at, ?) WHERE id = ?",
			out.ID, tx.Now.Unix(), id); err != nil {
			return fmt.Errorf("db: message %d to appeal: %w", id, err)
		}
		return tx.Audit(a, "message.appeal", "message", id, map[string]any{"appeal_id": out.ID, "number": out.Number})
	})
	if err != nil {
		return nil, err
	}
	out.Present(a, d.Now())
	return out, nil
}

// MarkMessageRead records that the leader has dealt with a message without an appeal.
func MarkMessageRead(ctx context.Context, d *db.DB, a db.Actor, id int64) (*DirectMessage, error) {
	err := d.Update(ctx, func(tx *db.Tx) error {
		m, err := leaderMessage(tx, a, id)
		if err != nil {
			return err
		}
		if m.ReadAt != nil {
			return nil
		}
		if _, err := tx.Exec("UPDATE direct_messages SET read_at = ? WHERE id = ?", tx.Now.Unix(), id); err != nil {
			return fmt.Errorf("db: read message %d: %w", id, err)
		}
		return tx.Audit(a, "message.read", "message", id, nil)
	})
	if err != nil {
		return nil, err
	}
	return FindMessage(ctx, d, a, id)
}

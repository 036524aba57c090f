package oversight

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"qinqing/db"
	"qinqing/db/appeal"
	"strings"
	"time"
	"unicode/utf8"
)

// Identity is who filed a report or a confidential appeal, as the vault keeps it apart
// from the ticket. Only an auditor who gives a reason ever receives one.
type Identity struct {
	AppealID  int64  `json:"appeal_id"`
	Number    string `json:"number"`
	Anonymous bool   `json:"anonymous"`
	Name      string `json:"name"`
	Phone     string `json:"phone"`
	// UserID, Username and UserName are the account that filed it, if any.
	UserID     *int64    `json:"user_id"`
	Username   string    `json:"username"`
	UserName   string    `json:"user_display_name"`
	Reason     string    `json:"reason"`
	RevealedAt time.Time `json:"revealed_at"`
	RevealedBy string    `json:"revealed_by"`
}

// RevealIdentity opens the vault for one appeal. Everyone but an auditor is told the
// appeal does not exist; the auditor must give a reason, and the reveal, with that reason
// but never the identity, becomes an audit event that every auditor sees.
func RevealIdentity(ctx context.Context, d *db.DB, a db.Actor, id int64, reason string) (*Identity, error) {
	if !a.Is(db.RoleAuditor) {
		return nil, db.NotFound("诉求")
	}
	reason = strings.TrimSpace(reason)
	switch n := utf8.RuneCountInString(reason); {
	case n < 4:
		return nil, db.InvalidField("reason", "请写明查阅举报人身份的理由（至少 4 个字）")
	case n > 500:
		return nil, db.InvalidField("reason", "理由最多 500 个字符")
	}
	var out *Identity
	err := d.Update(ctx, func(tx *db.Tx) error {
		ap, err := appeal.FindOn(tx, a, id)
		if err != nil {
			return err
		}
		out = &Identity{AppealID: id, Number: ap.Number, Reason: reason, RevealedAt: tx.Now.In(db.Zone), RevealedBy: a.Name}
		e, err := tx.GetIdentity(id)
		if errors.Is(err, sql.ErrNoRows) {
			return db.Errorf(db.ENOTFOUND, "该诉求不是举报件或保密诉求，没有受保护的身份信息。")
		}
		if err != nil {
			return fmt.Errorf("db: identity %d: %w", id, err)
		}
		out.Name, out.Phone, out.UserID = e.Name, e.Phone, e.UserID
		if e.UserID != nil {
			err := tx.QueryRow("SELECT username, display_name FROM users WHERE id = ?", *e.UserID).Scan(&out.Username, &out.UserName)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("db: identity %d: %w", id, err)
			}
		}
		out.Anonymous = out.Name == "" && out.Phone == "" && out.UserID == nil
		return AuditReveal(tx, a, id, ap.Number, reason)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// auditReveal records an opening of the vault: who, which appeal, why; never whose identity.
func AuditReveal(t *db.Tx, a db.Actor, id int64, number, reason string) error {
	return t.Audit(a, "identity.reveal", "appeal", id, map[string]any{"number": number, "reason": reason})
}

// Reveal is one opening of the vault, as every auditor sees it.
type Reveal struct {
	ID        int64     `json:"id"`
	At        time.Time `json:"at"`
	ActorName string    `json:"actor_name"`
	AppealID  int64     `json:"appeal_id"`
	Number    string    `json:"number"`
	Reason    string    `json:"reason"`
}

func (r *Reveal) Key() int64 { return r.ID }

// ListReveals lists the vault's openings, newest first, for auditors.
func ListReveals(ctx context.Context, d *db.DB, a db.Actor, appealID int64, p db.Page) (*db.List[Reveal], error) {
	if !a.Is(db.RoleAuditor) {
		return nil, db.Forbidden()
	}
	var w db.Where
	w.Add("action = 'identity.reveal'")
	w.EqID("object_id", appealID)
	return db.ListRows(d.R(ctx), "audit_events", "id, at, actor_name, COALESCE(object_id, 0), payload", w, p, true,
		func(s db.Scanner) (*Reveal, error) {
			var r Reveal
			var at int64
			var payload string
			if err := s.Scan(&r.ID, &at, &r.ActorName, &r.AppealID, &payload); err != nil {
				return nil, err
			}
			r.At = time.Unix(at, 0).In(db.Zone)
			var body struct{ Number, Reason string }
			json.Unmarshal([]byte(payload), &body)
			r.Number, r.Reason = body.Number, body.Reason
			return &r, nil
		})
}

package db

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// GenesisHash is the prev_hash of the first event.
var GenesisHash = strings.Repeat("0", 64)

// AuditEvent is one row of the append-only audit chain.
type AuditEvent struct {
	ID         int64           `json:"id"`
	At         time.Time       `json:"at"`
	ActorID    *int64          `json:"actor_id"`
	ActorName  string          `json:"actor_name"`
	ActorRole  Role            `json:"actor_role"`
	Action     string          `json:"action"`
	ObjectType string          `json:"object_type"`
	ObjectID   *int64          `json:"object_id"`
	Payload    json.RawMessage `json:"payload"`
	PrevHash   string          `json:"prev_hash"`
	Hash       string          `json:"hash"`
}

// hashOf is the SHA-256 of the event's canonical content: a JSON array of every column
// but hash, the payload as the exact stored text.
func HashOf(e *AuditEvent) string {
	b, _ := json.Marshal([]any{e.ID, e.At.Unix(), e.ActorID, e.ActorName, e.ActorRole,
		e.Action, e.ObjectType, e.ObjectID, string(e.Payload), e.PrevHash})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Audit appends one event to the chain in the same transaction as the change it records.
// objectID 0 means the event concerns no single object.
func (t *Tx) Audit(a Actor, action, objectType string, objectID int64, payload any) error {
	if payload == nil {
		payload = struct{}{}
	}
	body, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("db: audit payload: %w", err)
	}
	e := AuditEvent{At: t.Now, ActorName: a.Name, ActorRole: a.Role, Action: action,
		ObjectType: objectType, Payload: body, PrevHash: GenesisHash}
	if a.UserID != 0 {
		e.ActorID = &a.UserID
	}
	if objectID != 0 {
		e.ObjectID = &objectID
	}
	var lastID int64
	err = t.QueryRow("SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1").Scan(&lastID, &e.PrevHash)
	if err != nil && err != sql.ErrNoRows {
		return fmt.Errorf("db: audit head: %w", err)
	}
	e.ID = lastID + 1
	e.Hash = HashOf(&e)
	_, err = t.Exec(`INSERT INTO audit_events (id, at, actor_id, actor_name, actor_role, action,
		object_type, object_id, payload, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
		e.ID, e.At.Unix(), e.ActorID, e.ActorName, string(e.ActorRole), e.Action, e.ObjectType,
		e.ObjectID, string(e.Payload), e.PrevHash, e.Hash)
	if err != nil {
		return fmt.Errorf("db: audit insert: %w", err)
	}
	return t.appendTree(e.ID-1, LeafData(&e))
}

const AuditColumns = `id, at, actor_id, actor_name, actor_role, action, object_type, object_id, payload, prev_hash, hash`

func ScanAudit(s Scanner) (*AuditEvent, error) {
	var e AuditEvent
	var at int64
	var payload string
	var role string
	if err := s.Scan(&e.ID, &at, &e.ActorID, &e.ActorName, &role, &e.Action, &e.ObjectType,
		&e.ObjectID, &payload, &e.PrevHash, &e.Hash); err != nil {
		return nil, err
	}
	e.At = time.Unix(at, 0).In(Zone)
	e.ActorRole = Role(role)
	e.Payload = json.RawMessage(payload)
	return &e, nil
}

package audit

import (
	"context"
	"database/sql"
	"fmt"
	"qinqing/db"
)

// VerifyResult is the outcome of recomputing the chain.
type VerifyResult struct {
	OK         bool   `json:"ok"`
	Events     int64  `json:"events"`
	FirstBadID *int64 `json:"first_bad_id"`
	// Head is the hash of the last verified event: the chain's head unless Pending > 0.
	Head string `json:"head"`
	// Incremental tells that only the events after VerifiedFrom were re-hashed.
	Incremental  bool  `json:"incremental"`
	VerifiedFrom int64 `json:"verified_from"`
	VerifiedTo   int64 `json:"verified_to"`
	// Hashed is how many events this run re-hashed; Pending how many are left for the next.
	Hashed  int64 `json:"hashed"`
	Pending int64 `json:"pending"`
}

// VerifyAudit recomputes every hash of the chain in one consistent snapshot and names the
// first row whose content or link does not match. It then sets the verified-up-to mark
// to the last intact event, from which VerifyAuditSince goes on.
func Verify(ctx context.Context, d *db.DB) (VerifyResult, error) {
	tx, err := d.Read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return VerifyResult{}, fmt.Errorf("db: verify audit: %w", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, "SELECT "+db.AuditColumns+" FROM audit_events ORDER BY id")
	if err != nil {
		return VerifyResult{}, fmt.Errorf("db: verify audit: %w", err)
	}
	defer rows.Close()
	res := VerifyResult{OK: true, Head: db.GenesisHash}
	prev := db.GenesisHash
	good := auditMark{Hash: db.GenesisHash}
	for rows.Next() {
		e, err := db.ScanAudit(rows)
		if err != nil {
			return VerifyResult{}, fmt.Errorf("db: verify audit: %w", err)
		}
		res.Events++
		res.Hashed++
		if res.OK && (e.ID != good.ID+1 || !checkEvent(e, prev)) {
			res.OK = false
			id := e.ID
			res.FirstBadID = &id
		}
		if res.OK {
			good = auditMark{e.ID, e.Hash}
		}
		prev = e.Hash
		res.Head = e.Hash
	}
	if err := rows.Err(); err != nil {
		return VerifyResult{}, fmt.Errorf("db: verify audit: %w", err)
	}
	rows.Close()
	tx.Rollback()
	res.VerifiedTo = good.ID
	if err := saveMark(ctx, d, good, false); err != nil {
		return VerifyResult{}, fmt.Errorf("db: verify audit: %w", err)
	}
	return res, nil
}

// AuditFilter selects events; zero fields select all.
type Filter struct {
	ObjectType string
	ObjectID   int64
	ActorID    int64
	Action     string
	db.Page
}

// ListAuditEvents lists events newest first. Only auditors and admins read the log.
func ListEvents(ctx context.Context, d *db.DB, a db.Actor, f Filter) (*db.List[db.AuditEvent], error) {
	if !a.Is(db.RoleAuditor, db.RoleAdmin) {
		return nil, db.Forbidden()
	}
	var w db.Where
	w.Eq("object_type", f.ObjectType)
	w.EqID("object_id", f.ObjectID)
	w.EqID("actor_id", f.ActorID)
	w.Eq("action", f.Action)
	if !a.Is(db.RoleAuditor) {
		// A report's steps carry its notes: admins read the rest of the log, not them.
		w.Add("NOT (object_type = 'appeal' AND object_id IN (SELECT id FROM appeals WHERE source = 'report'))")
	}
	return db.ListRows(d.R(ctx), "audit_events", db.AuditColumns, w, f.Page, true, db.ScanAudit)
}

package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"qinqing/db"
	"strconv"
	"strings"
	"sync/atomic"
)

// auditMarkKey is the setting that remembers how far the chain was verified, as
// "id hash": every event up to id was re-hashed and linked, and id's hash was this.
const MarkKey = "audit_verified_up_to"

// auditVerifyBatch is how many events one incremental verification re-hashes at most, so
// that a page view stays cheap even when the mark is far behind (or not yet set); the
// next view goes on from where this one stopped. A variable so tests can make it small.
var VerifyBatch = 20000

// auditHashed counts the events a verification re-hashed, so tests can tell an
// incremental verification from a full one.
var Hashed atomic.Int64

// checkEvent re-hashes e and tells whether it is intact and linked to prev.
func checkEvent(e *db.AuditEvent, prev string) bool {
	Hashed.Add(1)
	return e.PrevHash == prev && db.HashOf(e) == e.Hash
}

// auditMark is the verified-up-to mark; id 0 means nothing was verified yet.
type auditMark struct {
	ID   int64
	Hash string
}

func ReadMark(q db.Queryer) (auditMark, error) {
	v, err := db.Setting(q, MarkKey)
	if err != nil || v == "" {
		return auditMark{Hash: db.GenesisHash}, err
	}
	id, hash, _ := strings.Cut(v, " ")
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n < 0 || len(hash) != len(db.GenesisHash) {
		// A mangled mark proves nothing: start again from the first event.
		return auditMark{Hash: db.GenesisHash}, nil
	}
	return auditMark{n, hash}, nil
}

// saveMark stores the mark. Incremental runs only move it forward, so that two runs
// racing cannot pull it back; a full run may move it back to before a broken event.
func saveMark(ctx context.Context, d *db.DB, m auditMark, forwardOnly bool) error {
	if d.ReadOnly {
		// A copy on read-only media is verified all the same; there is no mark to move.
		return nil
	}
	return d.Update(ctx, func(tx *db.Tx) error {
		old, err := ReadMark(tx)
		if err != nil {
			return err
		}
		if old == m || forwardOnly && old.ID >= m.ID {
			return nil
		}
		return tx.SetSetting(MarkKey, fmt.Sprintf("%d %s", m.ID, m.Hash))
	})
}

// VerifyAuditSince verifies the chain from the verified-up-to mark on: the marked event
// must still carry the hash it had when it was verified, and every later event (at most
// auditVerifyBatch of them) is re-hashed and linked to the one before. Events before the
// mark are not re-hashed here; the full VerifyAudit and the signed checkpoints cover
// them. An intact run moves the mark forward; a broken one leaves it where it was, so
// the break is reported again on the next run.
//
// Within a View it reads that View's snapshot, so that the head it reports is the head
// of the same state as everything else read there.
func VerifySince(ctx context.Context, d *db.DB) (VerifyResult, error) {
	var res VerifyResult
	var last auditMark
	err := d.View(ctx, func(ctx context.Context) error {
		var err error
		res, last, err = readVerifySince(d.R(ctx))
		return err
	})
	if err != nil || !res.OK {
		return res, err
	}
	if err := saveMark(ctx, d, last, true); err != nil {
		return VerifyResult{}, fmt.Errorf("db: verify audit: %w", err)
	}
	return res, nil
}

// readVerifySince is VerifyAuditSince's reading part, on one snapshot; last is how far an
// intact run got.
func readVerifySince(q db.Queryer) (VerifyResult, auditMark, error) {
	fail := func(err error) (VerifyResult, auditMark, error) {
		return VerifyResult{}, auditMark{}, fmt.Errorf("db: verify audit: %w", err)
	}
	mark, err := ReadMark(q)
	if err != nil {
		return VerifyResult{}, auditMark{}, err
	}
	res := VerifyResult{OK: true, Head: mark.Hash, VerifiedFrom: mark.ID, Incremental: true}
	if err := q.QueryRow("SELECT COUNT(*) FROM audit_events").Scan(&res.Events); err != nil {
		return fail(err)
	}
	if mark.ID > 0 {
		var h string
		err := q.QueryRow("SELECT hash FROM audit_events WHERE id = ?", mark.ID).Scan(&h)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fail(err)
		}
		if h != mark.Hash {
			// The marked event was changed or removed since it was verified.
			id := mark.ID
			res.OK, res.FirstBadID = false, &id
			return res, mark, nil
		}
	}
	rows, err := q.Query("SELECT "+db.AuditColumns+" FROM audit_events WHERE id > ? ORDER BY id LIMIT ?", mark.ID, VerifyBatch)
	if err != nil {
		return fail(err)
	}
	defer rows.Close()
	last := mark
	for rows.Next() {
		e, err := db.ScanAudit(rows)
		if err != nil {
			return fail(err)
		}
		res.Hashed++
		if e.ID != last.ID+1 || !checkEvent(e, last.Hash) {
			id := e.ID
			res.OK, res.FirstBadID = false, &id
			break
		}
		last = auditMark{e.ID, e.Hash}
	}
	if err := rows.Err(); err != nil {
		return fail(err)
	}
	rows.Close()
	res.VerifiedTo, res.Head = last.ID, last.Hash
	if res.OK {
		if err := q.QueryRow("SELECT COUNT(*) FROM audit_events WHERE id > ?", last.ID).Scan(&res.Pending); err != nil {
			return fail(err)
		}
	}
	return res, last, nil
}

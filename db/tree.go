package db

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"golang.org/x/mod/sumdb/tlog"
)

// The audit log is also a Merkle tree (RFC 6962, as golang.org/x/mod/sumdb/tlog builds it):
// event id i is leaf i-1. Its stored hashes are appended to audit_tree in the transaction
// that writes the event, so a checkpoint's root is O(log n) reads away, however long the log.

// leafData is what the tree hashes for an event: its canonical content and its chain hash.
func LeafData(e *AuditEvent) []byte {
	b, _ := json.Marshal([]any{e.ID, e.At.Unix(), e.ActorID, e.ActorName, e.ActorRole,
		e.Action, e.ObjectType, e.ObjectID, string(e.Payload), e.PrevHash, e.Hash})
	return b
}

// treeHashes reads stored hashes from the database, through a read or a write transaction.
type TreeHashes struct{ Q Queryer }

func (r TreeHashes) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, idx := range indexes {
		var b []byte
		if err := r.Q.QueryRow("SELECT hash FROM audit_tree WHERE id = ?", idx).Scan(&b); err != nil {
			return nil, fmt.Errorf("db: audit tree hash %d: %w", idx, err)
		}
		copy(out[i][:], b)
	}
	return out, nil
}

// memHashes are stored hashes recomputed in memory, indexed as tlog stores them.
type MemHashes []tlog.Hash

func (m MemHashes) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, idx := range indexes {
		if idx < 0 || idx >= int64(len(m)) {
			return nil, fmt.Errorf("db: tree hash %d not computed", idx)
		}
		out[i] = m[idx]
	}
	return out, nil
}

// storedCount is how many stored hashes audit_tree holds.
func StoredCount(q Queryer) (int64, error) {
	var n int64
	if err := q.QueryRow("SELECT COALESCE(MAX(id) + 1, 0) FROM audit_tree").Scan(&n); err != nil {
		return 0, fmt.Errorf("db: audit tree size: %w", err)
	}
	return n, nil
}

// treeLeaves is the number of leaves whose stored hashes number count, or an error when
// no tree has exactly that many (the table was tampered with).
func treeLeaves(count, max int64) (int64, error) {
	n := int64(sort.Search(int(max)+1, func(i int) bool { return tlog.StoredHashCount(int64(i)) >= count }))
	if n > max || tlog.StoredHashCount(n) != count {
		return 0, fmt.Errorf("db: audit tree holds %d hashes, which fits no tree of up to %d events", count, max)
	}
	return n, nil
}

// appendTree adds event n+1 (leaf n) to the tree, first catching up on any events written
// before the tree existed (a database from before migration 004).
func (t *Tx) appendTree(n int64, data []byte) error {
	if err := t.CatchUpTree(n); err != nil {
		return err
	}
	return t.storeLeaf(n, tlog.RecordHash(data))
}

func (t *Tx) storeLeaf(n int64, leaf tlog.Hash) error {
	hashes, err := tlog.StoredHashesForRecordHash(n, leaf, TreeHashes{t})
	if err != nil {
		return fmt.Errorf("db: audit tree: %w", err)
	}
	base := tlog.StoredHashIndex(0, n)
	for i, h := range hashes {
		if _, err := t.Exec("INSERT INTO audit_tree (id, hash) VALUES (?, ?)", base+int64(i), h[:]); err != nil {
			return fmt.Errorf("db: audit tree insert: %w", err)
		}
	}
	return nil
}

// catchUpTree makes the tree hold the first n events.
func (t *Tx) CatchUpTree(n int64) error {
	count, err := StoredCount(t)
	if err != nil {
		return err
	}
	if count == tlog.StoredHashCount(n) {
		return nil
	}
	have, err := treeLeaves(count, n)
	if err != nil {
		return err
	}
	for i := have; i < n; i++ {
		e, err := ScanAudit(t.QueryRow("SELECT "+AuditColumns+" FROM audit_events WHERE id = ?", i+1))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("db: audit tree: event %d is missing", i+1)
		}
		if err != nil {
			return fmt.Errorf("db: audit tree: event %d: %w", i+1, err)
		}
		if err := t.storeLeaf(i, tlog.RecordHash(LeafData(e))); err != nil {
			return err
		}
	}
	return nil
}

// eventCount is the number of events in the log (ids run from 1 without gaps).
func EventCount(q Queryer) (int64, error) {
	var n int64
	if err := q.QueryRow("SELECT COALESCE(MAX(id), 0) FROM audit_events").Scan(&n); err != nil {
		return 0, fmt.Errorf("db: audit size: %w", err)
	}
	return n, nil
}

package audit

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"qinqing/db"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Checkpoint is a signed statement of the audit log's size and Merkle root, in the
// transparency-log checkpoint form: origin line, size, base64 root, then extension lines.
type Checkpoint struct {
	Size int64     `json:"size"`
	Root string    `json:"root"`
	Time time.Time `json:"time"`
	// Note is the signed text, to be kept by whoever downloads it.
	Note string `json:"note"`
}

func checkpointBody(size int64, root tlog.Hash, at time.Time) string {
	return fmt.Sprintf("%s\n%d\n%s\ntime %s\n", db.KeyName, size, root, at.In(db.Zone).Format(time.RFC3339))
}

func parseCheckpointBody(text string) (size int64, root tlog.Hash, at time.Time, ok bool) {
	lines := strings.Split(text, "\n")
	if len(lines) < 4 || lines[0] != db.KeyName {
		return 0, root, at, false
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || lines[1] != strconv.FormatInt(size, 10) {
		return 0, root, at, false
	}
	raw, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(raw) != tlog.HashSize {
		return 0, root, at, false
	}
	copy(root[:], raw)
	if t, ok := strings.CutPrefix(lines[3], "time "); ok {
		at, _ = time.Parse(time.RFC3339, t)
	}
	return size, root, at, true
}

// SignCheckpoint signs the log's current size and root.
func SignCheckpoint(ctx context.Context, d *db.DB, k *db.Keys) (*Checkpoint, error) {
	var size int64
	var root tlog.Hash
	var at time.Time
	// Under the writer, so that the tree is caught up and nothing is appended meanwhile.
	err := d.Update(ctx, func(tx *db.Tx) error {
		var err error
		size, root, err = treeHead(tx)
		at = tx.Now
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("db: checkpoint: %w", err)
	}
	signed, err := note.Sign(&note.Note{Text: checkpointBody(size, root, at)}, k.Signer)
	if err != nil {
		return nil, fmt.Errorf("db: sign checkpoint: %w", err)
	}
	return &Checkpoint{Size: size, Root: root.String(), Time: at.In(db.Zone), Note: string(signed)}, nil
}

// treeHead is the log's size and Merkle root, the tree first caught up with the events.
func treeHead(t *db.Tx) (int64, tlog.Hash, error) {
	size, err := db.EventCount(t)
	if err != nil {
		return 0, tlog.Hash{}, err
	}
	if err := t.CatchUpTree(size); err != nil {
		return 0, tlog.Hash{}, err
	}
	root, err := tlog.TreeHash(size, db.TreeHashes{Q: t})
	return size, root, err
}

// CheckpointCheck is the outcome of proving that the log extends a checkpoint.
type CheckpointCheck struct {
	OK             bool      `json:"ok"`
	CheckpointSize int64     `json:"checkpoint_size"`
	CheckpointRoot string    `json:"checkpoint_root"`
	CheckpointTime time.Time `json:"checkpoint_time"`
	Size           int64     `json:"size"`
	Root           string    `json:"root"`
	// Proof is the RFC 6962 consistency proof from the checkpoint's tree to today's.
	Proof []string `json:"proof"`
	// FirstBadID is the first event found altered, inserted or missing, when it can be named.
	FirstBadID *int64 `json:"first_bad_id"`
	// TreeOK tells whether the stored tree hashes agree with the events.
	TreeOK  bool   `json:"tree_ok"`
	Problem string `json:"problem,omitempty"`
}

// VerifyCheckpoint checks the checkpoint's signature against this server's key, recomputes
// the whole tree from the events themselves (never trusting the stored hashes), and proves
// that today's log extends the checkpoint: its first checkpoint_size events are unchanged.
func VerifyCheckpoint(ctx context.Context, d *db.DB, k *db.Keys, signed []byte) (*CheckpointCheck, error) {
	n, err := note.Open(signed, note.VerifierList(k.NoteVerifier))
	if err != nil {
		return nil, db.InvalidField("checkpoint", "检查点的签名无法验证：它不是本系统的密钥签发的，或内容被改动过")
	}
	size0, root0, at0, ok := parseCheckpointBody(n.Text)
	if !ok {
		return nil, db.InvalidField("checkpoint", "检查点格式无效")
	}
	res := &CheckpointCheck{CheckpointSize: size0, CheckpointRoot: root0.String(), CheckpointTime: at0.In(db.Zone), Proof: []string{}}
	tx, err := d.Read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("db: verify checkpoint: %w", err)
	}
	defer tx.Rollback()
	q := db.TxReader{Ctx: ctx, Tx: tx}
	mem, size, bad, err := recomputeTree(q)
	if err != nil {
		return nil, err
	}
	res.FirstBadID, res.Size = bad, size
	root, err := tlog.TreeHash(res.Size, mem)
	if err != nil {
		return nil, fmt.Errorf("db: verify checkpoint: %w", err)
	}
	res.Root = root.String()
	if stored, err := db.StoredCount(q); err == nil && stored == int64(len(mem)) {
		sroot, err := tlog.TreeHash(res.Size, db.TreeHashes{Q: q})
		res.TreeOK = err == nil && sroot == root
	}
	switch {
	case res.Size < size0:
		res.Problem = fmt.Sprintf("审计日志只有 %d 条事件，少于检查点记录的 %d 条：日志被截断或删除过。", res.Size, size0)
		if res.FirstBadID == nil {
			missing := res.Size + 1
			res.FirstBadID = &missing
		}
	default:
		old, err := tlog.TreeHash(size0, mem)
		if err != nil {
			return nil, fmt.Errorf("db: verify checkpoint: %w", err)
		}
		var proof tlog.TreeProof
		if size0 > 0 {
			if proof, err = tlog.ProveTree(res.Size, size0, mem); err != nil {
				return nil, fmt.Errorf("db: verify checkpoint: %w", err)
			}
		}
		if old != root0 || size0 > 0 && tlog.CheckTree(proof, res.Size, root, size0, root0) != nil {
			res.Problem = fmt.Sprintf("前 %d 条事件与检查点不一致：有事件被改动、插入、删除，或整个日志被替换。", size0)
			if res.FirstBadID == nil {
				res.FirstBadID = firstChangedLeaf(q, mem, size0)
			}
			break
		}
		for _, h := range proof {
			res.Proof = append(res.Proof, h.String())
		}
		res.OK = true
	}
	// Events after the checkpoint are still covered by the hash chain.
	if res.OK && res.FirstBadID != nil {
		res.OK, res.Problem = false, fmt.Sprintf("检查点之前的事件完好，但第 %d 号事件的哈希链不符。", *res.FirstBadID)
	}
	return res, nil
}

// recomputeTree hashes every event afresh into an in-memory tree, and names the first
// event whose id breaks the sequence or whose chain hash does not match.
func recomputeTree(q db.Queryer) (db.MemHashes, int64, *int64, error) {
	rows, err := q.Query("SELECT " + db.AuditColumns + " FROM audit_events ORDER BY id")
	if err != nil {
		return nil, 0, nil, fmt.Errorf("db: recompute tree: %w", err)
	}
	defer rows.Close()
	var mem db.MemHashes
	var bad *int64
	prev := db.GenesisHash
	var n int64
	for rows.Next() {
		e, err := db.ScanAudit(rows)
		if err != nil {
			return nil, 0, nil, fmt.Errorf("db: recompute tree: %w", err)
		}
		if bad == nil && (e.ID != n+1 || e.PrevHash != prev || db.HashOf(e) != e.Hash) {
			id := e.ID
			bad = &id
		}
		prev = e.Hash
		hashes, err := tlog.StoredHashesForRecordHash(n, tlog.RecordHash(db.LeafData(e)), mem)
		if err != nil {
			return nil, 0, nil, fmt.Errorf("db: recompute tree: %w", err)
		}
		mem = append(mem, hashes...)
		n++
	}
	if err := rows.Err(); err != nil {
		return nil, 0, nil, fmt.Errorf("db: recompute tree: %w", err)
	}
	return mem, n, bad, nil
}

// firstChangedLeaf compares recomputed leaves with the stored ones, which name the first
// altered event when only the events were changed behind the application's back.
func firstChangedLeaf(q db.Queryer, mem db.MemHashes, size int64) *int64 {
	for i := int64(0); i < size; i++ {
		idx := tlog.StoredHashIndex(0, i)
		stored, err := db.TreeHashes{Q: q}.ReadHashes([]int64{idx})
		if err != nil || stored[0] != mem[idx] {
			id := i + 1
			return &id
		}
	}
	return nil
}

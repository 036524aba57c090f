package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"qinqing/db"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// AutoCheckpoint is a signed checkpoint the server made by itself: one per calendar
// day in the server's zone, kept in the database for auditors to download.
type AutoCheckpoint struct {
	Day  string    `json:"day"`
	Size int64     `json:"size"`
	Root string    `json:"root"`
	Time time.Time `json:"time"`
	Note string    `json:"note"`
}

const autoCheckpointColumns = "day, size, root, note, created_at"

func scanAutoCheckpoint(s db.Scanner) (*AutoCheckpoint, error) {
	var c AutoCheckpoint
	var at int64
	if err := s.Scan(&c.Day, &c.Size, &c.Root, &c.Note, &at); err != nil {
		return nil, err
	}
	c.Time = time.Unix(at, 0).In(db.Zone)
	return &c, nil
}

// latestAutoCheckpoint is the newest automatic checkpoint, or nil before the first.
func latestAutoCheckpoint(q db.Queryer) (*AutoCheckpoint, error) {
	c, err := scanAutoCheckpoint(q.QueryRow("SELECT " + autoCheckpointColumns + " FROM audit_checkpoints ORDER BY day DESC LIMIT 1"))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("db: latest checkpoint: %w", err)
	}
	return c, nil
}

// DailyCheckpoint signs today's checkpoint unless there is one already, and says whether
// it made one. The day is the table's key and the check runs under the writer, so any
// number of runs on one day, by one server or several, leave exactly one.
//
// Before signing it checks, cheaply, that the log still extends the latest automatic
// checkpoint: a log that shrank, or whose stored tree no longer gives that checkpoint's
// root, is refused, so that a truncated log is never signed over as if it were whole.
func DailyCheckpoint(ctx context.Context, d *db.DB) (*AutoCheckpoint, bool, error) {
	day := db.Today(d.Now())
	have, err := scanAutoCheckpoint(d.R(ctx).QueryRow("SELECT "+autoCheckpointColumns+" FROM audit_checkpoints WHERE day = ?", day))
	if err == nil {
		return have, false, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, false, fmt.Errorf("db: daily checkpoint: %w", err)
	}
	var out *AutoCheckpoint
	created := false
	err = d.Update(ctx, func(tx *db.Tx) error {
		day := db.Today(tx.Now)
		c, err := scanAutoCheckpoint(tx.QueryRow("SELECT "+autoCheckpointColumns+" FROM audit_checkpoints WHERE day = ?", day))
		if err == nil {
			out = c
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if tx.Keys == nil {
			return errors.New("db: daily checkpoint: no signing key")
		}
		if err := extendsLatest(tx); err != nil {
			return err
		}
		size, root, err := treeHead(tx)
		if err != nil {
			return err
		}
		signed, err := note.Sign(&note.Note{Text: checkpointBody(size, root, tx.Now)}, tx.Keys.Signer)
		if err != nil {
			return fmt.Errorf("db: sign checkpoint: %w", err)
		}
		out = &AutoCheckpoint{Day: day, Size: size, Root: root.String(), Time: tx.Now.In(db.Zone), Note: string(signed)}
		if _, err := tx.Exec("INSERT INTO audit_checkpoints (day, size, root, note, created_at) VALUES (?,?,?,?,?)",
			out.Day, out.Size, out.Root, out.Note, tx.Now.Unix()); err != nil {
			return fmt.Errorf("db: daily checkpoint: %w", err)
		}
		created = true
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return out, created, nil
}

// extendsLatest refuses a log that no longer extends the latest automatic checkpoint.
func extendsLatest(t *db.Tx) error {
	last, err := latestAutoCheckpoint(t)
	if err != nil || last == nil {
		return err
	}
	size, err := db.EventCount(t)
	if err != nil {
		return err
	}
	if size < last.Size {
		return db.Errorf(db.ECONFLICT, "审计日志只有 %d 条事件，少于 %s 自动检查点记录的 %d 条：日志被截断或删除过，不再签发新的检查点。",
			size, last.Day, last.Size)
	}
	if err := t.CatchUpTree(size); err != nil {
		return db.Errorf(db.ECONFLICT, "审计日志的默克尔树与事件对不上（%v），不再签发新的检查点。", err)
	}
	root, err := tlog.TreeHash(last.Size, db.TreeHashes{Q: t})
	if err != nil || root.String() != last.Root {
		return db.Errorf(db.ECONFLICT, "审计日志的前 %d 条事件与 %s 自动检查点不一致，不再签发新的检查点。", last.Size, last.Day)
	}
	return nil
}

// ListAutoCheckpoints lists the automatic checkpoints, newest first, to auditors.
func ListAutoCheckpoints(ctx context.Context, d *db.DB, a db.Actor, limit int) ([]AutoCheckpoint, error) {
	if !a.Is(db.RoleAuditor) {
		return nil, db.Forbidden()
	}
	if limit <= 0 || limit > db.MaxLimit {
		limit = db.MaxLimit
	}
	rows, err := d.R(ctx).Query("SELECT "+autoCheckpointColumns+" FROM audit_checkpoints ORDER BY day DESC LIMIT ?", limit)
	if err != nil {
		return nil, fmt.Errorf("db: list checkpoints: %w", err)
	}
	defer rows.Close()
	out := []AutoCheckpoint{}
	for rows.Next() {
		c, err := scanAutoCheckpoint(rows)
		if err != nil {
			return nil, fmt.Errorf("db: list checkpoints: %w", err)
		}
		out = append(out, *c)
	}
	return out, rows.Err()
}

// FindAutoCheckpoint returns the automatic checkpoint of a day (YYYY-MM-DD), or the
// latest for "latest", to auditors.
func FindAutoCheckpoint(ctx context.Context, d *db.DB, a db.Actor, day string) (*AutoCheckpoint, error) {
	if !a.Is(db.RoleAuditor) {
		return nil, db.Forbidden()
	}
	q := d.R(ctx)
	if day == "latest" {
		c, err := latestAutoCheckpoint(q)
		if err == nil && c == nil {
			err = db.NotFound("检查点")
		}
		return c, err
	}
	if !db.NormDate(&day) {
		return nil, db.InvalidField("day", "日期格式须为 YYYY-MM-DD")
	}
	c, err := scanAutoCheckpoint(q.QueryRow("SELECT "+autoCheckpointColumns+" FROM audit_checkpoints WHERE day = ?", day))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, db.NotFound("检查点")
	}
	if err != nil {
		return nil, fmt.Errorf("db: find checkpoint %s: %w", day, err)
	}
	return c, nil
}

// VerifyAutoCheckpoint proves, from the events themselves, that today's log extends the
// automatic checkpoint of a day (or the latest), as an uploaded one would be checked.
func VerifyAutoCheckpoint(ctx context.Context, d *db.DB, a db.Actor, k *db.Keys, day string) (*AutoCheckpoint, *CheckpointCheck, error) {
	c, err := FindAutoCheckpoint(ctx, d, a, day)
	if err != nil {
		return nil, nil, err
	}
	res, err := VerifyCheckpoint(ctx, d, k, []byte(c.Note))
	return c, res, err
}

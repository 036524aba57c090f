package oversight

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"qinqing/db"
	"qinqing/db/appeal"
	"time"
)

// 抽查: each month the discipline office draws a random sample of the previous month's
// closures and gives each a verdict through the workflow's audit action (fail reopens).
// A month's sample is drawn once and kept, so that it cannot be drawn again until it suits.

// DefaultSampleSize is how many closures a sample takes unless told otherwise.
const DefaultSampleSize = 10

// Sample is one month's sample with the verdicts given so far.
type Sample struct {
	Month string `json:"month"`
	// Population is the number of closures of the month the sample was drawn from.
	Population int          `json:"population"`
	Drawn      bool         `json:"drawn"`
	DrawnAt    *time.Time   `json:"drawn_at"`
	DrawnBy    string       `json:"drawn_by"`
	Items      []SampleItem `json:"items"`
	Checked    int          `json:"checked"`
	Failed     int          `json:"failed"`
}

// SampleItem is one sampled closure and its verdict, if given.
type SampleItem struct {
	Appeal    *appeal.Appeal `json:"appeal"`
	Verdict   string         `json:"verdict"` // "", pass, fail
	Note      string         `json:"note"`
	CheckedAt *time.Time     `json:"checked_at"`
	CheckedBy string         `json:"checked_by"`
}

// monthRange parses YYYY-MM into its first instant and the next month's.
func MonthRange(month string) (time.Time, time.Time, error) {
	start, err := time.ParseInLocation("2006-01", month, db.Zone)
	if err != nil {
		return start, start, &db.Error{Code: db.EINVALID, Message: "月份格式须为 YYYY-MM。", Fields: []db.FieldError{{Field: "month", Message: "格式须为 YYYY-MM"}}}
	}
	return start, start.AddDate(0, 1, 0), nil
}

// LastMonth is the month before now, as YYYY-MM.
func LastMonth(now time.Time) string {
	t := now.In(db.Zone)
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, db.Zone).AddDate(0, -1, 0).Format("2006-01")
}

const closuresOf = `FROM appeals WHERE stage = 'closed' AND COALESCE(close_reason, '') != 'merged'
	AND closed_at >= ? AND closed_at < ?`

// DrawSample draws the month's sample, once; the month must be over.
func DrawSample(ctx context.Context, d *db.DB, a db.Actor, month string, size int) (*Sample, error) {
	if !a.Is(db.RoleAuditor) {
		return nil, db.Forbidden()
	}
	start, end, err := MonthRange(month)
	if err != nil {
		return nil, err
	}
	if size == 0 {
		size = DefaultSampleSize
	}
	if size < 1 || size > 200 {
		return nil, db.InvalidField("size", "抽查数量须在 1 到 200 之间")
	}
	err = d.Update(ctx, func(tx *db.Tx) error {
		// The month must be over by the write's own clock, the one its rows carry.
		if end.After(tx.Now) {
			return db.InvalidField("month", "只能抽查已经结束的月份")
		}
		_, err := DrawSampleTx(tx, a, month, start, end, size)
		return err
	})
	if err != nil {
		return nil, err
	}
	return MonthSample(ctx, d, a, month)
}

// drawSample draws and keeps a month's sample, once, and returns the appeals picked.
func DrawSampleTx(t *db.Tx, a db.Actor, month string, start, end time.Time, size int) ([]int64, error) {
	var n int
	if err := t.QueryRow("SELECT COUNT(*) FROM audit_samples WHERE month = ?", month).Scan(&n); err != nil {
		return nil, fmt.Errorf("db: sample: %w", err)
	}
	if n > 0 {
		return nil, db.Errorf(db.ECONFLICT, "%s 的样本已经抽取，不能重抽。", month)
	}
	ids, err := db.QueryIDs(t, "SELECT id "+closuresOf+" ORDER BY id", start.Unix(), end.Unix())
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, db.Errorf(db.ECONFLICT, "%s 没有办结的诉求可供抽查。", month)
	}
	// math/rand/v2's global source is seeded from the operating system's randomness.
	rand.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	picked := ids[:min(size, len(ids))]
	for _, id := range picked {
		if _, err := t.Exec("INSERT INTO audit_samples (month, appeal_id, drawn_by, drawn_at) VALUES (?,?,?,?)",
			month, id, appeal.NullID(a.UserID), t.Now.Unix()); err != nil {
			return nil, fmt.Errorf("db: sample: %w", err)
		}
	}
	return picked, t.Audit(a, "oversight.sample", "month", 0, map[string]any{"month": month, "population": len(ids), "appeal_ids": picked})
}

// Sample returns the month's sample with the verdicts given since it was drawn.
func MonthSample(ctx context.Context, d2 *db.DB, a db.Actor, month string) (*Sample, error) {
	if !a.Is(db.RoleAuditor) {
		return nil, db.Forbidden()
	}
	start, end, err := MonthRange(month)
	if err != nil {
		return nil, err
	}
	q := d2.R(ctx)
	out := &Sample{Month: month, Items: []SampleItem{}}
	if err := q.QueryRow("SELECT COUNT(*) "+closuresOf, start.Unix(), end.Unix()).Scan(&out.Population); err != nil {
		return nil, fmt.Errorf("db: sample: %w", err)
	}
	rows, err := q.Query(`SELECT s.appeal_id, s.drawn_at, COALESCE(u.display_name, ''), v.at, v.actor_name, v.note, v.data
		FROM audit_samples s LEFT JOIN users u ON u.id = s.drawn_by
		LEFT JOIN appeal_events v ON v.id = (SELECT MAX(x.id) FROM appeal_events x WHERE x.appeal_id = s.appeal_id
			AND x.action = 'audit' AND x.at >= s.drawn_at)
		WHERE s.month = ? ORDER BY s.appeal_id`, month)
	if err != nil {
		return nil, fmt.Errorf("db: sample: %w", err)
	}
	type row struct {
		id      int64
		item    SampleItem
		drawnAt int64
		drawnBy string
	}
	var list []row
	for rows.Next() {
		var r row
		var at sql.NullInt64
		var by, note, data sql.NullString
		if err := rows.Scan(&r.id, &r.drawnAt, &r.drawnBy, &at, &by, &note, &data); err != nil {
			rows.Close()
			return nil, fmt.Errorf("db: sample: %w", err)
		}
		if at.Valid {
			var d struct{ Verdict string }
			json.Unmarshal([]byte(data.String), &d)
			r.item.Verdict, r.item.Note, r.item.CheckedBy, r.item.CheckedAt = d.Verdict, note.String, by.String, appeal.UnixPtr(at)
		}
		list = append(list, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	now := d2.Now()
	for _, r := range list {
		ap, err := appeal.FindOn(q, a, r.id)
		if errors.Is(err, sql.ErrNoRows) || db.ErrorCode(err) == db.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		ap.Present(a, now)
		r.item.Appeal = ap
		out.Items = append(out.Items, r.item)
		out.Drawn, out.DrawnAt, out.DrawnBy = true, appeal.UnixPtr(sql.NullInt64{Int64: r.drawnAt, Valid: true}), r.drawnBy
		if r.item.Verdict != "" {
			out.Checked++
		}
		if r.item.Verdict == "fail" {
			out.Failed++
		}
	}
	return out, nil
}

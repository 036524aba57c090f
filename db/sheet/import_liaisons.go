package sheet

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"qinqing/db"
	"qinqing/db/ledger"
	"qinqing/db/register"
	"sort"
	"unicode/utf8"
)

// liaisonRow is one validated row of a pairs file.
type liaisonRow struct {
	number       int
	leader       leaderKey
	leaderID     int64 // 0 until the leader is found or created
	enterpriseID int64
	since, until string
	note         string
}

// leaderKey names a leader as a pairs file does.
type leaderKey struct{ name, title string }

// leaderFinder resolves the leaders a pairs file names: by name and title, or by name
// alone when only one leader has it. A name nobody has is a new leader.
type leaderFinder struct{ byName map[string][]register.Leader }

func (f *leaderFinder) find(k leaderKey) (id int64, ambiguous bool) {
	same := f.byName[k.name]
	for _, l := range same {
		if l.Title == k.title {
			return l.ID, false
		}
	}
	switch len(same) {
	case 0:
		return 0, false
	case 1:
		return same[0].ID, false
	}
	return 0, true
}

func importLiaisons(ctx context.Context, d *db.DB, a db.Actor, s *Sheet) (*ImportResult, error) {
	at, err := columnsOf(s.Header, liaisonColumnsX, "leader")
	if err != nil {
		return nil, err
	}
	_, hasCode := at["credit_code"]
	if _, hasName := at["enterprise"]; !hasCode && !hasName {
		return nil, sheetError("缺少“统一社会信用代码”列（或“企业名称”列）")
	}
	leaders, err := ledger.Collect(func(p db.Page) (*db.List[register.Leader], error) {
		return register.ListLeaders(ctx, d, register.LeaderFilter{Page: p})
	})
	if err != nil {
		return nil, err
	}
	finder := &leaderFinder{byName: map[string][]register.Leader{}}
	for _, l := range leaders {
		finder.byName[l.Name] = append(finder.byName[l.Name], l)
	}
	today := db.Today(d.Now())
	q := d.R(ctx)
	var errs rowErrors
	active := map[int64]int{}
	rows := make([]liaisonRow, 0, len(s.Rows))
	for _, r := range s.Rows {
		row := liaisonRow{number: r.Number, leader: leaderKey{get(r, at, "leader"), get(r, at, "leader_title")}, note: get(r, at, "note")}
		if n := utf8.RuneCountInString(row.leader.name); n < 2 || n > 30 {
			errs.add(r.Number, "leader", "包保领导姓名须为 2 到 30 个字符")
		} else if id, ambiguous := finder.find(row.leader); ambiguous {
			errs.add(r.Number, "leader_title", "有多位名为“%s”的领导，请填写准确的领导职务", row.leader.name)
		} else {
			row.leaderID = id
		}
		if utf8.RuneCountInString(row.leader.title) > 60 {
			errs.add(r.Number, "leader_title", "领导职务最多 60 个字符")
		}
		if utf8.RuneCountInString(row.note) > 200 {
			errs.add(r.Number, "note", "备注最多 200 个字符")
		}
		if msg, err := row.findEnterprise(q, get(r, at, "credit_code"), get(r, at, "enterprise")); err != nil {
			return nil, err
		} else if msg != "" {
			errs.add(r.Number, "credit_code", "%s", msg)
		}
		var ok bool
		if row.since, ok = Date(get(r, at, "since")); !ok {
			errs.add(r.Number, "since", "开始日期“%s”无法识别，请写成 YYYY-MM-DD", get(r, at, "since"))
		} else if row.since == "" {
			row.since = today
		}
		if row.until, ok = Date(get(r, at, "until")); !ok {
			errs.add(r.Number, "until", "结束日期“%s”无法识别，请写成 YYYY-MM-DD", get(r, at, "until"))
		} else if row.until != "" && row.until < row.since {
			errs.add(r.Number, "until", "结束日期不能早于开始日期 %s", row.since)
		}
		if row.until == "" && row.enterpriseID != 0 {
			if first, dup := active[row.enterpriseID]; dup {
				errs.add(r.Number, "credit_code", "与第 %d 行重复：一家企业同时只能有一位包保领导", first)
			} else {
				active[row.enterpriseID] = r.Number
			}
		}
		rows = append(rows, row)
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	// Ended pairs first, oldest first, so that the current pairs come last and stay current.
	sort.SliceStable(rows, func(i, j int) bool {
		if (rows[i].until == "") != (rows[j].until == "") {
			return rows[j].until == ""
		}
		return rows[i].until != "" && rows[i].since < rows[j].since
	})
	res := &ImportResult{Kind: "liaisons", Rows: len(rows)}
	err = d.Update(ctx, func(tx *db.Tx) error {
		created := map[leaderKey]int64{}
		var errs rowErrors
		for i := range rows {
			row := &rows[i]
			if row.leaderID == 0 {
				if row.leaderID = created[row.leader]; row.leaderID == 0 {
					id, err := register.InsertLeader(tx, a, register.LeaderInput{Name: row.leader.name, Title: row.leader.title})
					if err != nil {
						return err
					}
					row.leaderID, created[row.leader] = id, id
					res.LeadersCreated++
				}
			}
			if err := importPair(tx, a, row, res); err != nil {
				e, ok := db.AsError(err)
				if !ok {
					return err
				}
				errs.add(row.number, "since", "%s", e.Message)
			}
		}
		if err := errs.err(); err != nil {
			return err
		}
		return tx.Audit(a, "import.liaisons", "import", 0, res)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// findEnterprise sets the row's enterprise from its credit code, or else its exact
// name, and explains a miss.
func (row *liaisonRow) findEnterprise(q db.Queryer, code, name string) (string, error) {
	query, arg := "SELECT id FROM enterprises WHERE credit_code = ?", any(register.NormalizeCreditCode(code))
	what := "统一社会信用代码为 " + register.NormalizeCreditCode(code) + " 的企业"
	switch {
	case code != "" && !register.ValidCreditCode(register.NormalizeCreditCode(code)):
		return "统一社会信用代码“" + code + "”无效", nil
	case code == "" && name == "":
		return "请填写统一社会信用代码或企业名称", nil
	case code == "":
		query, arg, what = "SELECT id FROM enterprises WHERE name = ?", name, "名为“"+name+"”的企业"
	}
	rows, err := q.Query(query+" LIMIT 2", arg)
	if err != nil {
		return "", fmt.Errorf("db: import pair enterprise: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return "", err
		}
		ids = append(ids, id)
	}
	switch len(ids) {
	case 0:
		return what + "不存在，请先导入企业", rows.Err()
	case 1:
		row.enterpriseID = ids[0]
		return "", rows.Err()
	}
	return what + "不止一家，请填写统一社会信用代码", rows.Err()
}

// importPair records one row: an ended pair as history, a current one as the
// enterprise's pair now (ending the pair it replaces, as a reassignment does).
func importPair(t *db.Tx, a db.Actor, row *liaisonRow, res *ImportResult) error {
	if row.until != "" {
		var id int64
		var until sql.NullString
		err := t.QueryRow(`SELECT id, until FROM liaisons WHERE leader_id = ? AND enterprise_id = ? AND since = ?
			AND (until IS NULL OR until = ?)`, row.leaderID, row.enterpriseID, row.since, row.until).Scan(&id, &until)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return fmt.Errorf("db: import pair: %w", err)
		case until.Valid:
			res.Unchanged++
			return nil
		default:
			res.Updated++
			if _, err := t.Exec("UPDATE liaisons SET until = ?, version = version + 1 WHERE id = ?", row.until, id); err != nil {
				return fmt.Errorf("db: import pair %d: %w", id, err)
			}
			return t.Audit(a, "liaison.end", "liaison", id, map[string]any{"until": row.until, "import": true})
		}
		id, err = t.InsertID("INSERT INTO liaisons (leader_id, enterprise_id, since, until, note, created_at) VALUES (?,?,?,?,?,?)",
			row.leaderID, row.enterpriseID, row.since, row.until, row.note, t.Now.Unix())
		if err != nil {
			return fmt.Errorf("db: import pair: %w", err)
		}
		res.Created++
		return t.Audit(a, "liaison.create", "liaison", id, map[string]any{"leader_id": row.leaderID,
			"enterprise_id": row.enterpriseID, "since": row.since, "until": row.until, "note": row.note, "import": true})
	}
	var cur int64
	err := t.QueryRow("SELECT leader_id FROM liaisons WHERE enterprise_id = ? AND until IS NULL", row.enterpriseID).Scan(&cur)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("db: import pair: %w", err)
	}
	if cur == row.leaderID {
		res.Unchanged++
		return nil
	}
	if _, err := register.InsertLiaison(t, a, register.LiaisonInput{LeaderID: row.leaderID, EnterpriseID: row.enterpriseID, Since: row.since, Note: row.note}); err != nil {
		return err
	}
	res.Created++
	return nil
}

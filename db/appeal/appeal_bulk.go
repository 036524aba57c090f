package appeal

import (
	"context"
	"fmt"
	"qinqing/db"
	"strings"
)

// MaxBulk bounds how many appeals one bulk action takes.
const MaxBulk = 200

// BulkActions are the actions the office may take on many appeals at once.
var BulkActions = []Action{ActAccept, ActAssign, ActUrge, ActReassign}

// BulkInput is one action on many appeals, named by id or by number. Fields carries what
// the action needs (department_id, tier, note), the same for every appeal.
type BulkInput struct {
	Action  Action   `json:"action"`
	IDs     []int64  `json:"ids"`
	Numbers []string `json:"numbers"`
	// Versions holds, by id, the version the caller saw; each appeal is checked against
	// its own, so one changed meanwhile fails alone. An appeal without one is taken at
	// its version when its turn comes.
	Versions map[int64]int64 `json:"versions"`
	Fields   ActionInput     `json:"fields"`
}

// BulkItem is the outcome for one appeal.
type BulkItem struct {
	ID      int64  `json:"id,omitempty"`
	Number  string `json:"number,omitempty"`
	OK      bool   `json:"ok"`
	Version int64  `json:"version,omitempty"`
	Stage   Stage  `json:"stage,omitempty"`
	Code    string `json:"code,omitempty"`
	Error   string `json:"error,omitempty"`
}

// BulkResult is the outcome of a bulk action: how many succeeded, and each appeal's.
type BulkResult struct {
	Action      Action     `json:"action"`
	ActionLabel string     `json:"action_label"`
	Succeeded   int        `json:"succeeded"`
	Failed      int        `json:"failed"`
	Items       []BulkItem `json:"items"`
}

// BulkAct takes one action on many appeals, each through the ordinary workflow in its
// own transaction: an appeal either changes completely, with its event and audit row, or
// not at all, and a failure (a stale version, a stage that does not allow the action, an
// appeal out of scope) stops only that appeal.
func BulkAct(ctx context.Context, d *db.DB, a db.Actor, in BulkInput) (*BulkResult, error) {
	if !a.Is(db.RoleOffice, db.RoleAuditor) {
		return nil, db.Errorf(db.EFORBIDDEN, "只有专班和纪检监督可以批量办理诉求。")
	}
	if !Contains(BulkActions, in.Action) {
		return nil, &db.Error{Code: db.EINVALID, Message: "批量操作只支持受理、交办、催办和改派。",
			Fields: []db.FieldError{{Field: "action", Message: "须为 accept、assign、urge 或 reassign"}}}
	}
	targets, err := bulkTargets(in)
	if err != nil {
		return nil, err
	}
	tr, _ := TransitionOf(in.Action)
	out := &BulkResult{Action: in.Action, ActionLabel: tr.Label, Items: make([]BulkItem, 0, len(targets))}
	for _, tg := range targets {
		item := bulkOne(ctx, d, a, in, tg)
		if item.OK {
			out.Succeeded++
		} else {
			out.Failed++
		}
		out.Items = append(out.Items, item)
	}
	return out, nil
}

type bulkTarget struct {
	id     int64
	number string
}

// bulkTargets lists the appeals named, each once, in the order given.
func bulkTargets(in BulkInput) ([]bulkTarget, error) {
	var out []bulkTarget
	seenID, seenNo := map[int64]bool{}, map[string]bool{}
	for _, id := range in.IDs {
		if id > 0 && !seenID[id] {
			seenID[id] = true
			out = append(out, bulkTarget{id: id})
		}
	}
	for _, n := range in.Numbers {
		n = strings.ToUpper(strings.TrimSpace(n))
		if n != "" && !seenNo[n] {
			seenNo[n] = true
			out = append(out, bulkTarget{number: n})
		}
	}
	switch {
	case len(out) == 0:
		return nil, &db.Error{Code: db.EINVALID, Message: "请选择要办理的诉求。", Fields: []db.FieldError{{Field: "ids", Message: "请选择要办理的诉求"}}}
	case len(out) > MaxBulk:
		return nil, &db.Error{Code: db.EINVALID, Message: fmt.Sprintf("一次最多批量办理 %d 件。", MaxBulk),
			Fields: []db.FieldError{{Field: "ids", Message: fmt.Sprintf("最多 %d 件", MaxBulk)}}}
	}
	return out, nil
}

func bulkOne(ctx context.Context, d *db.DB, a db.Actor, in BulkInput, tg bulkTarget) BulkItem {
	item := BulkItem{ID: tg.id, Number: tg.number}
	var done *Appeal
	err := d.Update(ctx, func(tx *db.Tx) error {
		id := tg.id
		if id == 0 {
			var w db.Where
			w.Add("a.number = ?", tg.number)
			Scope(&w, a)
			ap, err := db.FindOne(tx, db.ListQuery{From: From, Cols: Columns, Where: w}, "诉求", Scan)
			if err != nil {
				return err
			}
			id = ap.ID
		}
		cur, err := FindOn(tx, a, id)
		if err != nil {
			return err
		}
		// Known from here on: the caller may see this appeal.
		item.ID, item.Number = cur.ID, cur.Number
		act := in.Fields
		act.Action, act.Version = in.Action, cur.Version
		if v, ok := in.Versions[cur.ID]; ok {
			act.Version = v
		}
		done, err = ActTx(tx, a, cur.ID, act)
		return err
	})
	if err != nil {
		item.Code = db.ErrorCode(err)
		if e, ok := db.AsError(err); ok && e.Code != db.EINTERNAL {
			item.Error = e.Message
			if len(e.Fields) > 0 && !strings.Contains(e.Message, e.Fields[0].Message) && e.Fields[0].Field != "version" {
				item.Error = strings.TrimSuffix(e.Message, "。") + "：" + e.Fields[0].Message + "。"
			}
		} else {
			item.Error = "处理失败，请稍后重试。"
		}
		return item
	}
	item.OK, item.Version, item.Stage = true, done.Version, done.Stage
	return item
}

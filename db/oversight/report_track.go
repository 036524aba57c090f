package oversight

import (
	"context"
	"encoding/json"
	"fmt"
	"qinqing/db"
	"qinqing/db/appeal"
	"time"
)

// PublicReport is what a receipt code opens: the report's progress as the reporter may
// see it. Who handles it inside, internal comments and the department's files stay out.
type PublicReport struct {
	Number     string         `json:"number"`
	Title      string         `json:"title"`
	Content    string         `json:"content"`
	Category   string         `json:"category"`
	Stage      appeal.Stage   `json:"stage"`
	StageLabel string         `json:"stage_label"`
	CreatedAt  time.Time      `json:"created_at"`
	ClosedAt   *time.Time     `json:"closed_at"`
	Rating     *appeal.Rating `json:"rating"`
	CanRate    bool           `json:"can_rate"`
	Steps      []PublicStep   `json:"steps"`
}

// PublicStep is one step of a report's progress shown to its reporter.
type PublicStep struct {
	At    time.Time `json:"at"`
	Kind  string    `json:"kind"` // status, result, reply, message
	Label string    `json:"label"`
	Text  string    `json:"text"`
	Files []string  `json:"files"`
}

// publicLabels name the steps a reporter sees; actions not listed stay internal.
var publicLabels = map[appeal.Action]struct{ kind, label string }{
	"file":              {"status", "提交举报"},
	appeal.ActAccept:    {"status", "已受理"},
	appeal.ActAssign:    {"status", "已交有关单位整改"},
	appeal.ActReport:    {"result", "办理结果"},
	appeal.ActDismiss:   {"result", "核查结论"},
	appeal.ActReject:    {"result", "不予受理"},
	appeal.ActMerge:     {"status", "与其他举报合并办理"},
	appeal.ActClose:     {"status", "已办结"},
	appeal.ActReopen:    {"status", "重新办理"},
	appeal.ActRate:      {"message", "您的评价"},
	appeal.ActComment:   {"message", "您补充的情况"},
	appeal.ActAttach:    {"message", "您补充的材料"},
	appeal.ActSupervise: {"status", "纪检监督已督办"},
}

// FindReport opens a report by its receipt code.
func FindReport(ctx context.Context, d *db.DB, k *db.Keys, code string) (*PublicReport, error) {
	q := d.R(ctx)
	id, err := ReceiptAppeal(q, k, code)
	if err != nil {
		return nil, err
	}
	return reportView(q, id, d.Now())
}

// reportView builds the reporter's view of report id.
func reportView(q db.Queryer, id int64, now time.Time) (*PublicReport, error) {
	a := Reporter(id)
	ap, err := appeal.FindOn(q, a, id)
	if err != nil {
		return nil, err
	}
	out := &PublicReport{Number: ap.Number, Title: ap.Title, Content: ap.Content, Category: ap.Category,
		Stage: ap.Stage, StageLabel: ap.Stage.Label(), CreatedAt: ap.CreatedAt, ClosedAt: ap.ClosedAt,
		Rating: ap.Rating, CanRate: appeal.Contains(appeal.AllowedActions(ap, a, now), appeal.ActRate), Steps: []PublicStep{}}
	rows, err := q.Query(`SELECT e.id, e.at, e.actor_role, e.action, e.note, e.data FROM appeal_events e
		WHERE e.appeal_id = ? ORDER BY e.id`, id)
	if err != nil {
		return nil, fmt.Errorf("db: report steps: %w", err)
	}
	defer rows.Close()
	filesOf := map[int64]int{}
	for rows.Next() {
		var eid, at int64
		var role, note, data string
		var act appeal.Action
		if err := rows.Scan(&eid, &at, &role, &act, &note, &data); err != nil {
			return nil, fmt.Errorf("db: report steps: %w", err)
		}
		step, ok := publicStep(db.Role(role), act, note, data)
		if !ok {
			continue
		}
		step.At = time.Unix(at, 0).In(db.Zone)
		// Only the files the reporter sent, or that came with a reply to them, are listed.
		if act == "file" || step.Kind == "message" || step.Kind == "reply" {
			filesOf[eid] = len(out.Steps)
		}
		out.Steps = append(out.Steps, step)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("db: report steps: %w", err)
	}
	atts, err := appeal.ListAttachments(q, id)
	if err != nil {
		return nil, err
	}
	for _, at := range atts {
		if at.EventID == nil {
			continue
		}
		if i, ok := filesOf[*at.EventID]; ok {
			out.Steps[i].Files = append(out.Steps[i].Files, at.Name)
		}
	}
	return out, nil
}

// publicStep turns one event into what the reporter sees, if they see it at all.
func publicStep(role db.Role, act appeal.Action, note, data string) (PublicStep, bool) {
	var d struct {
		Public       bool   `json:"public"`
		Satisfaction string `json:"satisfaction"`
		Verdict      string `json:"verdict"`
	}
	json.Unmarshal([]byte(data), &d)
	switch {
	case act == appeal.ActComment && d.Public:
		return PublicStep{Kind: "reply", Label: "纪检监督答复", Text: note, Files: []string{}}, true
	case act == appeal.ActAudit && d.Verdict == "fail":
		return PublicStep{Kind: "status", Label: "抽查发现问题，重新办理", Files: []string{}}, true
	case (act == appeal.ActComment || act == appeal.ActAttach || act == appeal.ActRate) && role != db.RolePublic:
		return PublicStep{}, false
	}
	l, ok := publicLabels[act]
	if !ok {
		return PublicStep{}, false
	}
	s := PublicStep{Kind: l.kind, Label: l.label, Files: []string{}}
	switch l.kind {
	case "result", "message":
		s.Text = note
	}
	if act == appeal.ActRate {
		s.Text = appeal.SatisfactionLabel(d.Satisfaction)
		if note != "" {
			s.Text += "：" + note
		}
	}
	return s, true
}

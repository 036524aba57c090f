package handlers

import (
	"context"
	"encoding/json"
	"qinqing/db/appeal"
	"qinqing/db/register"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// appealView is the detail page: the appeal, its clock, its timeline and the forms of
// the actions the viewer may take now.
type appealView struct {
	Appeal     *appeal.Appeal
	Steps      []stageStep
	Clock      clockView
	Events     []eventView
	Actions    []actionView
	Depts      []register.Department
	Candidates []appeal.Appeal // other appeals of the same enterprise, for a merge
	MergedInto *appeal.Appeal
	Lost       string // a note typed into a form whose action is no longer open
	Tiers      []appeal.Tier
	Tomorrow   string // the earliest supervision deadline
	MaxFile    int    // MB, each file
	MaxBody    int    // MB, the whole form
	Redo       *redoView
}

// redoView tells an enterprise that has just rated 不满意 what happens next.
type redoView struct {
	Where   string    // who does the work again
	Due     time.Time // the deadline that still counts: the clock never restarts
	Overdue bool
}

// redoNext is what follows an unsatisfied rating: the work goes back to the department
// (or to the office's verification when none had it), still against the original due time.
func redoNext(ap *appeal.Appeal, now time.Time) *redoView {
	if ap.Stage != appeal.StageRectifying && ap.Stage != appeal.StageVerifying {
		return nil
	}
	r := &redoView{Where: "专班重新核查", Due: ap.EffectiveDue(), Overdue: now.After(ap.EffectiveDue())}
	if ap.Stage == appeal.StageRectifying && ap.DepartmentName != "" {
		r.Where = ap.DepartmentName + "重新整改"
	}
	return r
}

type eventView struct {
	appeal.Event
	RoleLabel string
	StageFrom string // both set when the stage changed
	StageTo   string
	Details   []string
	Redo      bool // an unsatisfied rating or failed audit: the work is done again (重办)
	Files     []fileView
}

type fileView struct {
	ID   int64
	Name string
	Size string
}

// actionView is one action form; the flags say which fields the workflow table needs.
type actionView struct {
	Action       appeal.Action
	Label        string
	Primary      bool
	Danger       bool
	Confirm      string
	NoteLabel    string
	NoteRequired bool

	Basis, Department, Tier, Days, Target, Rate, Verdict, DueAt, File bool
}

// primaryActions move an appeal along the main path; their forms start open.
var primaryActions = map[appeal.Action]bool{appeal.ActAccept: true, appeal.ActAssign: true, appeal.ActReport: true,
	appeal.ActRate: true, appeal.ActClose: true, appeal.ActAudit: true, appeal.ActApproveExtension: true}

var fileActions = map[appeal.Action]bool{appeal.ActReport: true, appeal.ActComment: true, appeal.ActAttach: true}

var noteLabels = map[appeal.Action]string{appeal.ActReport: "整改情况", appeal.ActReject: "不予受理理由", appeal.ActDismiss: "核查结论与说明",
	appeal.ActReturn: "退回理由", appeal.ActReopen: "重新办理理由", appeal.ActDenyExtension: "不批准理由", appeal.ActInstruct: "批示内容",
	appeal.ActRequestExtension: "延期理由", appeal.ActSupervise: "督办要求", appeal.ActComment: "留言或补充内容",
	appeal.ActRate: "评价意见", appeal.ActAudit: "抽查意见", appeal.ActAttach: "附件说明"}

// noteLabelOf names an action's note field, and says when it may be left empty.
func noteLabelOf(a appeal.Action, required bool) string {
	label := noteLabels[a]
	if label == "" {
		label = "说明"
	}
	if !required {
		label += "（可选）"
	}
	return label
}

func actionViews(ap *appeal.Appeal) []actionView {
	var out []actionView
	for _, act := range ap.AllowedActions {
		t, ok := appeal.TransitionOf(act)
		if !ok {
			continue
		}
		v := actionView{Action: act, Label: t.Label, Primary: primaryActions[act], File: fileActions[act]}
		for _, need := range t.Needs {
			switch need {
			case appeal.NeedNote:
				v.NoteRequired = true
			case appeal.NeedBasis:
				v.Basis = true
			case appeal.NeedDepartment:
				v.Department, v.Tier = true, true
			case appeal.NeedTarget:
				v.Target = true
			case appeal.NeedDays:
				v.Days = true
			case appeal.NeedRating:
				v.Rate = true
			case appeal.NeedVerdict:
				v.Verdict = true
			case appeal.NeedDueAt:
				v.DueAt = true
			}
		}
		v.NoteLabel = noteLabelOf(act, v.NoteRequired)
		switch act {
		case appeal.ActReject, appeal.ActDismiss, appeal.ActReturn, appeal.ActMerge, appeal.ActDenyExtension, appeal.ActReopen:
			v.Danger = true
		}
		switch act {
		case appeal.ActClose:
			v.Confirm = "确定办结该诉求吗？办结后只有纪检监督可以重新打开。"
		case appeal.ActMerge:
			v.Confirm = "确定将该诉求作为重复件合并吗？合并后本诉求办结。"
		case appeal.ActReject:
			v.Confirm = "确定不予受理该诉求吗？"
		}
		out = append(out, v)
	}
	return out
}

// eventDetails says in words what an event's data records.
func eventDetails(e appeal.Event, data map[string]any, deptName func(int64) string) (details []string, redo bool) {
	str := func(k string) string { s, _ := data[k].(string); return s }
	num := func(k string) int64 { f, _ := data[k].(float64); return int64(f) }
	when := func(k string) string {
		t, err := time.Parse(time.RFC3339, str(k))
		if err != nil {
			return str(k)
		}
		return t.In(db.Zone).Format("2006-01-02 15:04")
	}
	switch e.Action {
	case "file":
		details = append(details, "来源："+appeal.Source(str("source")).Label()+" · 办理等级："+appeal.Tier(str("tier")).Label()+" · 类别："+str("category"))
	case appeal.ActAssign:
		details = append(details, "交办至 "+deptName(num("department_id")))
		if t := appeal.Tier(str("tier")); t != "" {
			details = append(details, "办理等级："+t.Label())
		}
	case appeal.ActReassign:
		from := ""
		if id := num("from_department_id"); id != 0 {
			from = "自 " + deptName(id) + " "
		}
		details = append(details, "改派"+from+"至 "+deptName(num("department_id")))
		if t := appeal.Tier(str("tier")); t != "" {
			details = append(details, "办理等级："+t.Label())
		}
	case appeal.ActReturn:
		details = append(details, "退回依据："+str("basis"))
	case appeal.ActRate:
		resolved, _ := data["resolved"].(bool)
		r := "问题未解决"
		if resolved {
			r = "问题已解决"
		}
		details = append(details, r+" · "+appeal.SatisfactionLabel(str("satisfaction")))
		redo = str("satisfaction") == "unsatisfied"
	case appeal.ActAudit:
		if str("verdict") == "fail" {
			details, redo = append(details, "抽查结论：不通过，重新办理"), true
		} else {
			details = append(details, "抽查结论：通过")
		}
	case appeal.ActReopen:
		redo = true
	case appeal.ActMerge:
		details = append(details, "合并到 "+str("target_number"))
	case appeal.ActRequestExtension:
		details = append(details, "申请延期 "+strconv.FormatInt(num("days"), 10)+" 天")
	case appeal.ActApproveExtension:
		details = append(details, "批准延期 "+strconv.FormatInt(num("days"), 10)+" 天，办理期限延至 "+when("extended_due_at"))
	case appeal.ActDenyExtension:
		details = append(details, "不批准延期 "+strconv.FormatInt(num("days"), 10)+" 天")
	case appeal.ActSupervise:
		details = append(details, "督办期限："+when("due_at"))
	case "auto_escalate":
		details = append(details, "办理等级："+appeal.Tier(str("tier_before")).Label()+" → 提级办")
	case "auto_supervise":
		details = append(details, "督办期限："+when("supervision_due_at"))
	case appeal.ActRemindRating:
		details = append(details, "反馈时间："+when("feedback_at")+"，请在 "+when("due")+" 前评价")
	case appeal.ActCloseUnrated:
		details = append(details, "反馈时间："+when("feedback_at")+" · 结果：未评价（不计入满意）")
	}
	return details, redo
}

func (s *Server) appealData(ctx context.Context, a db.Actor, id int64) (*appealView, error) {
	ap, err := appeal.Find(ctx, s.db, a, id)
	if err != nil {
		return nil, err
	}
	events, err := appeal.Events(ctx, s.db, a, id)
	if err != nil {
		return nil, err
	}
	if events, err = s.withReveals(ctx, a, id, events); err != nil {
		return nil, err
	}
	depts, err := register.ListDepartments(ctx, s.db, register.DepartmentFilter{Page: db.Page{Limit: db.MaxLimit}})
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for _, d := range depts.Items {
		names[d.ID] = d.Name
	}
	deptName := func(id int64) string {
		if n, ok := names[id]; ok {
			return n
		}
		return "#" + strconv.FormatInt(id, 10)
	}
	v := &appealView{Appeal: ap, Steps: stageSteps(ap.Stage), Clock: clockOf(ap, s.db.Now()), Actions: actionViews(ap),
		Depts: depts.Items, Tiers: appeal.Tiers, Tomorrow: db.Today(s.db.Now().Add(24 * time.Hour)), MaxFile: appeal.MaxAttachmentSize >> 20,
		MaxBody: maxUploadBody >> 20}
	v.Clock.answeredByRejection(events)
	for _, e := range events {
		ev := eventView{Event: e, RoleLabel: e.ActorRole.Label()}
		if e.StageBefore != e.StageAfter {
			ev.StageFrom, ev.StageTo = e.StageBefore.Label(), e.StageAfter.Label()
		}
		var data map[string]any
		_ = json.Unmarshal(e.Data, &data)
		ev.Details, ev.Redo = eventDetails(e, data, deptName)
		for _, f := range e.Attachments {
			ev.Files = append(ev.Files, fileView{f.ID, f.Name, humanSize(f.Size)})
		}
		v.Events = append(v.Events, ev)
	}
	if ap.MergedInto != nil {
		if m, err := appeal.Find(ctx, s.db, a, *ap.MergedInto); err == nil {
			v.MergedInto = m
		}
	}
	if containsAction(ap.AllowedActions, appeal.ActMerge) && ap.EnterpriseID != nil {
		list, err := appeal.List(ctx, s.db, a, appeal.Filter{EnterpriseID: *ap.EnterpriseID, Page: db.Page{Limit: 50}})
		if err != nil {
			return nil, err
		}
		for _, o := range list.Items {
			if o.ID != ap.ID && o.CloseReason != "merged" {
				v.Candidates = append(v.Candidates, o)
			}
		}
	}
	return v, nil
}

func (s *Server) appealPage(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	v, err := s.appealData(c.UserContext(), a, id)
	if err != nil {
		return err
	}
	if c.Query("rated") == "unsatisfied" && a.Is(db.RoleEnterprise) {
		v.Redo = redoNext(v.Appeal, s.db.Now())
	}
	return s.render(c, "appeal", v.Appeal.Number+" "+v.Appeal.Title, v)
}

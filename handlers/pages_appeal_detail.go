package handlers

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// appealView is the detail page: the appeal, its clock, its timeline and the forms of
// the actions the viewer may take now.
type appealView struct {
	Appeal     *db.Appeal
	Steps      []stageStep
	Clock      clockView
	Events     []eventView
	Actions    []actionView
	Depts      []db.Department
	Candidates []db.Appeal // other appeals of the same enterprise, for a merge
	MergedInto *db.Appeal
	Lost       string // a note typed into a form whose action is no longer open
	Tiers      []db.Tier
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
func redoNext(ap *db.Appeal, now time.Time) *redoView {
	if ap.Stage != db.StageRectifying && ap.Stage != db.StageVerifying {
		return nil
	}
	r := &redoView{Where: "专班重新核查", Due: ap.EffectiveDue(), Overdue: now.After(ap.EffectiveDue())}
	if ap.Stage == db.StageRectifying && ap.DepartmentName != "" {
		r.Where = ap.DepartmentName + "重新整改"
	}
	return r
}

type eventView struct {
	db.AppealEvent
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
	Action       db.Action
	Label        string
	Primary      bool
	Danger       bool
	Confirm      string
	NoteLabel    string
	NoteRequired bool

	Basis, Department, Tier, Days, Target, Rate, Verdict, DueAt, File bool
}

// primaryActions move an appeal along the main path; their forms start open.
var primaryActions = map[db.Action]bool{db.ActAccept: true, db.ActAssign: true, db.ActReport: true,
	db.ActRate: true, db.ActClose: true, db.ActAudit: true, db.ActApproveExtension: true}

var fileActions = map[db.Action]bool{db.ActReport: true, db.ActComment: true, db.ActAttach: true}

var noteLabels = map[db.Action]string{db.ActReport: "整改情况", db.ActReject: "不予受理理由", db.ActDismiss: "核查结论与说明",
	db.ActReturn: "退回理由", db.ActReopen: "重新办理理由", db.ActDenyExtension: "不批准理由", db.ActInstruct: "批示内容",
	db.ActRequestExtension: "延期理由", db.ActSupervise: "督办要求", db.ActComment: "留言或补充内容",
	db.ActRate: "评价意见", db.ActAudit: "抽查意见", db.ActAttach: "附件说明"}

// noteLabelOf names an action's note field, and says when it may be left empty.
func noteLabelOf(a db.Action, required bool) string {
	label := noteLabels[a]
	if label == "" {
		label = "说明"
	}
	if !required {
		label += "（可选）"
	}
	return label
}

func actionViews(ap *db.Appeal) []actionView {
	var out []actionView
	for _, act := range ap.AllowedActions {
		t, ok := db.TransitionOf(act)
		if !ok {
			continue
		}
		v := actionView{Action: act, Label: t.Label, Primary: primaryActions[act], File: fileActions[act]}
		for _, need := range t.Needs {
			switch need {
			case db.NeedNote:
				v.NoteRequired = true
			case db.NeedBasis:
				v.Basis = true
			case db.NeedDepartment:
				v.Department, v.Tier = true, true
			case db.NeedTarget:
				v.Target = true
			case db.NeedDays:
				v.Days = true
			case db.NeedRating:
				v.Rate = true
			case db.NeedVerdict:
				v.Verdict = true
			case db.NeedDueAt:
				v.DueAt = true
			}
		}
		v.NoteLabel = noteLabelOf(act, v.NoteRequired)
		switch act {
		case db.ActReject, db.ActDismiss, db.ActReturn, db.ActMerge, db.ActDenyExtension, db.ActReopen:
			v.Danger = true
		}
		switch act {
		case db.ActClose:
			v.Confirm = "确定办结该诉求吗？办结后只有纪检监督可以重新打开。"
		case db.ActMerge:
			v.Confirm = "确定将该诉求作为重复件合并吗？合并后本诉求办结。"
		case db.ActReject:
			v.Confirm = "确定不予受理该诉求吗？"
		}
		out = append(out, v)
	}
	return out
}

// eventDetails says in words what an event's data records.
func eventDetails(e db.AppealEvent, data map[string]any, deptName func(int64) string) (details []string, redo bool) {
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
		details = append(details, "来源："+db.Source(str("source")).Label()+" · 办理等级："+db.Tier(str("tier")).Label()+" · 类别："+str("category"))
	case db.ActAssign:
		details = append(details, "交办至 "+deptName(num("department_id")))
		if t := db.Tier(str("tier")); t != "" {
			details = append(details, "办理等级："+t.Label())
		}
	case db.ActReassign:
		from := ""
		if id := num("from_department_id"); id != 0 {
			from = "自 " + deptName(id) + " "
		}
		details = append(details, "改派"+from+"至 "+deptName(num("department_id")))
		if t := db.Tier(str("tier")); t != "" {
			details = append(details, "办理等级："+t.Label())
		}
	case db.ActReturn:
		details = append(details, "退回依据："+str("basis"))
	case db.ActRate:
		resolved, _ := data["resolved"].(bool)
		r := "问题未解决"
		if resolved {
			r = "问题已解决"
		}
		details = append(details, r+" · "+db.SatisfactionLabel(str("satisfaction")))
		redo = str("satisfaction") == "unsatisfied"
	case db.ActAudit:
		if str("verdict") == "fail" {
			details, redo = append(details, "抽查结论：不通过，重新办理"), true
		} else {
			details = append(details, "抽查结论：通过")
		}
	case db.ActReopen:
		redo = true
	case db.ActMerge:
		details = append(details, "合并到 "+str("target_number"))
	case db.ActRequestExtension:
		details = append(details, "申请延期 "+strconv.FormatInt(num("days"), 10)+" 天")
	case db.ActApproveExtension:
		details = append(details, "批准延期 "+strconv.FormatInt(num("days"), 10)+" 天，办理期限延至 "+when("extended_due_at"))
	case db.ActDenyExtension:
		details = append(details, "不批准延期 "+strconv.FormatInt(num("days"), 10)+" 天")
	case db.ActSupervise:
		details = append(details, "督办期限："+when("due_at"))
	case "auto_escalate":
		details = append(details, "办理等级："+db.Tier(str("tier_before")).Label()+" → 提级办")
	case "auto_supervise":
		details = append(details, "督办期限："+when("supervision_due_at"))
	case db.ActRemindRating:
		details = append(details, "反馈时间："+when("feedback_at")+"，请在 "+when("due")+" 前评价")
	case db.ActCloseUnrated:
		details = append(details, "反馈时间："+when("feedback_at")+" · 结果：未评价（不计入满意）")
	}
	return details, redo
}

func (s *Server) appealData(ctx context.Context, a db.Actor, id int64) (*appealView, error) {
	ap, err := s.db.FindAppeal(ctx, a, id)
	if err != nil {
		return nil, err
	}
	events, err := s.db.AppealEvents(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if events, err = s.withReveals(ctx, a, id, events); err != nil {
		return nil, err
	}
	depts, err := s.db.ListDepartments(ctx, db.DepartmentFilter{Page: db.Page{Limit: db.MaxLimit}})
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
		Depts: depts.Items, Tiers: db.Tiers, Tomorrow: db.Today(s.db.Now().Add(24 * time.Hour)), MaxFile: db.MaxAttachmentSize >> 20,
		MaxBody: maxUploadBody >> 20}
	v.Clock.answeredByRejection(events)
	for _, e := range events {
		ev := eventView{AppealEvent: e, RoleLabel: e.ActorRole.Label()}
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
		if m, err := s.db.FindAppeal(ctx, a, *ap.MergedInto); err == nil {
			v.MergedInto = m
		}
	}
	if containsAction(ap.AllowedActions, db.ActMerge) && ap.EnterpriseID != nil {
		list, err := s.db.ListAppeals(ctx, a, db.AppealFilter{EnterpriseID: *ap.EnterpriseID, Page: db.Page{Limit: 50}})
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

package appeal

import (
	"qinqing/db"
)

// The closed loop 发现—核查—整改—反馈—办结 as one pure table: stage × action × role → next
// stage and required fields. The API, the UI's buttons and the tests all derive from it.

// Stage is where an appeal stands in the loop.
type Stage string

// The stages in order.
const (
	StageDiscovered Stage = "discovered"
	StageVerifying  Stage = "verifying"
	StageRectifying Stage = "rectifying"
	StageFeedback   Stage = "feedback"
	StageClosed     Stage = "closed"
)

// Stages lists the stages in order.
var Stages = []Stage{StageDiscovered, StageVerifying, StageRectifying, StageFeedback, StageClosed}

var stageLabels = map[Stage]string{StageDiscovered: "发现", StageVerifying: "核查", StageRectifying: "整改",
	StageFeedback: "反馈", StageClosed: "办结"}

// Label is the stage's Chinese name.
func (s Stage) Label() string { return stageLabels[s] }

// Action is something done to an appeal.
type Action string

// The actions of contract §3.
const (
	ActAccept           Action = "accept"
	ActMerge            Action = "merge"
	ActReject           Action = "reject"
	ActAssign           Action = "assign"
	ActReassign         Action = "reassign"
	ActDismiss          Action = "dismiss"
	ActReport           Action = "report"
	ActReturn           Action = "return"
	ActClose            Action = "close"
	ActRate             Action = "rate"
	ActReopen           Action = "reopen"
	ActComment          Action = "comment"
	ActUrge             Action = "urge"
	ActEscalate         Action = "escalate"
	ActInstruct         Action = "instruct"
	ActRequestExtension Action = "request_extension"
	ActApproveExtension Action = "approve_extension"
	ActDenyExtension    Action = "deny_extension"
	ActSupervise        Action = "supervise"
	ActAudit            Action = "audit"
	ActAttach           Action = "attach"
)

// Field names an action may require.
const (
	NeedNote       = "note"
	NeedBasis      = "basis"
	NeedDepartment = "department_id"
	NeedTarget     = "target_id"
	NeedDays       = "days"
	NeedRating     = "satisfaction"
	NeedResolved   = "resolved"
	NeedVerdict    = "verdict"
	NeedDueAt      = "due_at"
)

// Transition is one row of the workflow table. To is the next stage; "" keeps the stage.
// Rate and audit may go elsewhere depending on their answer (see nextStage).
type Transition struct {
	Action Action
	From   []Stage
	Roles  []db.Role
	To     Stage
	Needs  []string
	Label  string
}

var (
	open   = []Stage{StageDiscovered, StageVerifying, StageRectifying, StageFeedback}
	every  = []Stage{StageDiscovered, StageVerifying, StageRectifying, StageFeedback, StageClosed}
	intake = []db.Role{db.RoleOffice, db.RoleAuditor}
	// Everyone who takes part in appeals; admins keep the registers, not the appeals.
	parties = []db.Role{db.RoleOffice, db.RoleDepartment, db.RoleLeader, db.RoleEnterprise, db.RoleAuditor}
	// The public, holding a report's receipt code, may add information to it.
	partiesAndPublic = append(parties[:len(parties):len(parties)], db.RolePublic)
)

// Workflow is the table. Auditors appear beside the office on intake actions because
// reports about officials are handled by the discipline office itself.
var Workflow = []Transition{
	{ActAccept, []Stage{StageDiscovered}, intake, StageVerifying, nil, "受理"},
	{ActMerge, []Stage{StageDiscovered}, intake, StageClosed, []string{NeedTarget}, "合并重复件"},
	{ActReject, []Stage{StageDiscovered}, intake, StageFeedback, []string{NeedNote}, "不予受理"},
	{ActAssign, []Stage{StageVerifying}, intake, StageRectifying, []string{NeedDepartment}, "交办"},
	// 改派: the office moves work a department holds to another one, without waiting for a
	// return; only the office, which answers for where work goes, and always with a reason.
	{ActReassign, []Stage{StageRectifying}, []db.Role{db.RoleOffice}, "", []string{NeedDepartment, NeedNote}, "改派"},
	{ActDismiss, []Stage{StageVerifying}, intake, StageFeedback, []string{NeedNote}, "核查不属实/办结说明"},
	{ActReport, []Stage{StageRectifying}, []db.Role{db.RoleDepartment, db.RoleAuditor}, StageFeedback, []string{NeedNote}, "报告整改结果"},
	{ActReturn, []Stage{StageRectifying}, []db.Role{db.RoleDepartment}, StageVerifying, []string{NeedNote, NeedBasis}, "退回"},
	{ActClose, []Stage{StageFeedback}, intake, StageClosed, nil, "办结"},
	{ActRate, []Stage{StageFeedback}, []db.Role{db.RoleEnterprise, db.RolePublic}, "", []string{NeedResolved, NeedRating}, "评价"},
	// The minute clock's steps when a rating does not come (db/timing_rating.go).
	{ActRemindRating, []Stage{StageFeedback}, []db.Role{db.RoleSystem}, "", nil, "提醒评价"},
	{ActCloseUnrated, []Stage{StageFeedback}, []db.Role{db.RoleSystem}, StageClosed, nil, "超期未评价，系统办结"},
	{ActReopen, []Stage{StageClosed}, []db.Role{db.RoleAuditor}, StageRectifying, []string{NeedNote}, "重新办理"},
	{ActComment, every, partiesAndPublic, "", []string{NeedNote}, "留言/补充"},
	{ActUrge, []Stage{StageDiscovered, StageVerifying, StageRectifying}, []db.Role{db.RoleLeader, db.RoleOffice, db.RoleAuditor}, "", nil, "催办"},
	{ActEscalate, []Stage{StageDiscovered, StageVerifying, StageRectifying}, []db.Role{db.RoleLeader, db.RoleOffice}, "", nil, "提级"},
	{ActInstruct, open, []db.Role{db.RoleLeader}, "", []string{NeedNote}, "批示"},
	{ActRequestExtension, []Stage{StageRectifying}, []db.Role{db.RoleDepartment}, "", []string{NeedDays, NeedNote}, "申请延期"},
	{ActApproveExtension, []Stage{StageRectifying}, intake, "", nil, "批准延期"},
	{ActDenyExtension, []Stage{StageRectifying}, intake, "", []string{NeedNote}, "不批准延期"},
	{ActSupervise, open, []db.Role{db.RoleAuditor}, "", []string{NeedDueAt, NeedNote}, "督办"},
	{ActAudit, []Stage{StageClosed}, []db.Role{db.RoleAuditor}, "", []string{NeedVerdict}, "抽查"},
	{ActAttach, every, partiesAndPublic, "", nil, "上传附件"},
}

var workflowIndex = func() map[Action]*Transition {
	m := map[Action]*Transition{}
	for i := range Workflow {
		m[Workflow[i].Action] = &Workflow[i]
	}
	return m
}()

// TransitionOf returns the table row of an action.
func TransitionOf(a Action) (*Transition, bool) {
	t, ok := workflowIndex[a]
	return t, ok
}

// ActionLabel is the action's Chinese name.
func ActionLabel(a Action) string {
	if t, ok := workflowIndex[a]; ok {
		return t.Label
	}
	switch a {
	case "file":
		return "提交诉求"
	case "auto_escalate":
		return "超期自动提级"
	case "auto_supervise":
		return "超期转纪检督办"
	}
	return string(a)
}

func Contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// RoleMay reports whether a role may ever take the action (otherwise: 403).
func RoleMay(role db.Role, a Action) bool {
	t, ok := workflowIndex[a]
	return ok && Contains(t.Roles, role)
}

// StageAllows reports whether the action may be taken from the stage (otherwise: 409).
func StageAllows(s Stage, a Action) bool {
	t, ok := workflowIndex[a]
	return ok && Contains(t.From, s)
}

// Check applies the table: the error code a role gets for an action in a stage, or "".
func Check(s Stage, role db.Role, a Action) string {
	switch {
	case workflowIndex[a] == nil:
		return db.EINVALID
	case !RoleMay(role, a):
		return db.EFORBIDDEN
	case !StageAllows(s, a):
		return db.ECONFLICT
	}
	return ""
}

// nextStage is where the action leads. An unsatisfied rating sends the work back to the
// department (or to verification if none ever had it); a failed audit reopens.
func NextStage(t *Transition, from Stage, in ActionInput, hadDepartment bool) Stage {
	switch t.Action {
	case ActRate:
		if in.Satisfaction == "unsatisfied" {
			if hadDepartment {
				return StageRectifying
			}
			return StageVerifying
		}
		return from
	case ActAudit:
		if in.Verdict == "fail" {
			if hadDepartment {
				return StageRectifying
			}
			return StageVerifying
		}
		return from
	case ActReopen:
		if !hadDepartment {
			return StageVerifying
		}
	}
	if t.To == "" {
		return from
	}
	return t.To
}

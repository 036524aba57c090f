package appeal

import (
	"context"
	"qinqing/db"
	"strings"
	"time"
	"unicode/utf8"
)

// ActionInput is one action on an appeal (contract §7).
type ActionInput struct {
	Action       Action `json:"action"`
	Version      int64  `json:"version"`
	Note         string `json:"note"`
	DepartmentID *int64 `json:"department_id"`
	Tier         Tier   `json:"tier"`
	Basis        string `json:"basis"`
	Days         int    `json:"days"`
	// DayKind says whether an extension's days are working days or calendar days.
	DayKind      ExtensionKind `json:"day_kind"`
	TargetID     *int64        `json:"target_id"`
	Resolved     *bool         `json:"resolved"`
	Satisfaction string        `json:"satisfaction"`
	Verdict      string        `json:"verdict"`
	DueAt        string        `json:"due_at"`
	// Public marks an auditor's comment on a report as a reply its reporter sees.
	Public bool `json:"public"`
}

// MaxExtensionDays bounds one extension request.
const MaxExtensionDays = 60

// unratedAfter is how long feedback waits for a rating before the office may close it as 未评价.
const UnratedAfter = 7 * 24 * time.Hour

// precondition explains why an action the table allows cannot be taken on this appeal
// now, or returns "".
func precondition(ap *Appeal, a db.Actor, act Action, now time.Time) string {
	switch act {
	case ActReport, ActReturn, ActRequestExtension, ActAttach:
		if a.Role == db.RoleDepartment && (ap.DepartmentID == nil || *ap.DepartmentID != a.DepartmentID) {
			return "该诉求当前不由本单位办理"
		}
	}
	switch act {
	case ActReport:
		if a.Role == db.RoleAuditor && ap.Source != SourceReport {
			return "只有举报件由纪检监督直接报告整改结果"
		}
	case ActRequestExtension:
		if ap.Extension != nil {
			return "已有待审批的延期申请"
		}
	case ActApproveExtension, ActDenyExtension:
		if ap.Extension == nil {
			return "没有待审批的延期申请"
		}
	case ActEscalate:
		if ap.Tier == TierEscalated {
			return "诉求已是提级办"
		}
	case ActRate:
		if ap.Rating != nil && ap.FeedbackAt != nil && !ap.Rating.RatedAt.Before(*ap.FeedbackAt) {
			return "本轮反馈已评价"
		}
		if ap.ClosedAt == nil && ap.CloseReason == "merged" {
			return "已合并的诉求无需评价"
		}
	case ActClose:
		rated := ap.Rating != nil && ap.FeedbackAt != nil && !ap.Rating.RatedAt.Before(*ap.FeedbackAt)
		if !rated && (ap.FeedbackAt == nil || now.Sub(*ap.FeedbackAt) < UnratedAfter) {
			return "企业尚未评价；反馈满 7 天未评价后方可按未评价办结"
		}
	case ActAudit:
		if ap.CloseReason == "merged" {
			return "合并件不需抽查"
		}
	case ActReassign:
		if ap.DepartmentID == nil {
			return "诉求尚无责任单位，请先交办"
		}
	case ActReopen:
		if ap.MergedInto != nil || ap.CloseReason == "merged" {
			return "合并件随原诉求办理，不能单独重新办理；请重新办理它并入的诉求"
		}
	}
	if IsIntake(act) {
		if a.Role == db.RoleAuditor && ap.Source != SourceReport {
			return "非举报件由专班办理"
		}
		if a.Role == db.RoleOffice && ap.Source == SourceReport {
			return "举报件由纪检监督办理"
		}
	}
	return ""
}

// isIntake reports whether an action belongs to whoever handles the appeal's intake:
// the office, or the discipline office for reports about officials.
func IsIntake(act Action) bool {
	switch act {
	case ActAccept, ActMerge, ActReject, ActAssign, ActReassign, ActDismiss, ActClose, ActApproveExtension, ActDenyExtension:
		return true
	}
	return false
}

// allowedActions lists what the actor may do to the appeal now.
func AllowedActions(ap *Appeal, a db.Actor, now time.Time) []Action {
	out := []Action{}
	for _, t := range Workflow {
		if Check(ap.Stage, a.Role, t.Action) == "" && precondition(ap, a, t.Action, now) == "" {
			out = append(out, t.Action)
		}
	}
	return out
}

var satisfactions = map[string]string{"satisfied": "满意", "basic": "基本满意", "unsatisfied": "不满意"}

// SatisfactionLabel is the Chinese name of a satisfaction answer.
func SatisfactionLabel(s string) string { return satisfactions[s] }

// validateInput checks the fields the action needs (422 on anything missing or wrong).
func ValidateInput(t *Transition, in *ActionInput, now time.Time) (supervisionDue time.Time, err error) {
	in.Note, in.Basis = strings.TrimSpace(in.Note), strings.TrimSpace(in.Basis)
	var v db.Violations
	if utf8.RuneCountInString(in.Note) > 5000 {
		v.Add("note", "说明最多 5000 个字符")
	}
	for _, need := range t.Needs {
		switch need {
		case NeedNote:
			if in.Note == "" {
				v.Add("note", "请填写%s", noteLabel(t.Action))
			}
		case NeedBasis:
			if utf8.RuneCountInString(in.Basis) < 4 {
				v.Add("basis", "退回须写明所依据的法律法规或政策条款")
			}
		case NeedDepartment:
			if in.DepartmentID == nil {
				v.Add("department_id", "请选择责任单位")
			}
		case NeedTarget:
			if in.TargetID == nil {
				v.Add("target_id", "请指定要合并到的原诉求")
			}
		case NeedDays:
			if in.Days < 1 || in.Days > MaxExtensionDays {
				v.Add("days", "延期天数须在 1 到 %d 之间", MaxExtensionDays)
			}
			if in.DayKind == "" {
				in.DayKind = ExtendCalendarDays
			} else if in.DayKind != ExtendCalendarDays && in.DayKind != ExtendWorkdays {
				v.Add("day_kind", "延期天数的类型须为 workdays（工作日）或 calendar（自然日）")
			}
		case NeedResolved:
			if in.Resolved == nil {
				v.Add("resolved", "请回答问题是否已解决")
			}
		case NeedRating:
			if _, ok := satisfactions[in.Satisfaction]; !ok {
				v.Add("satisfaction", "满意度须为 satisfied（满意）、basic（基本满意）或 unsatisfied（不满意）")
			}
		case NeedVerdict:
			if in.Verdict != "pass" && in.Verdict != "fail" {
				v.Add("verdict", "抽查结论须为 pass 或 fail")
			} else if in.Verdict == "fail" && in.Note == "" {
				v.Add("note", "抽查不通过须写明原因")
			}
		case NeedDueAt:
			d, dateOnly, perr := db.ParseTime(in.DueAt)
			if perr == nil && dateOnly {
				d = d.Add(24*time.Hour - time.Second) // a date alone means to the end of that day
			}
			switch {
			case perr != nil:
				v.Add("due_at", "督办期限格式须为 RFC 3339 时间或 YYYY-MM-DD 日期")
			case !d.After(now):
				v.Add("due_at", "督办期限须晚于当前时间")
			}
			supervisionDue = d
		}
	}
	if in.Tier != "" && !Contains(Tiers, in.Tier) {
		v.Add("tier", "办理等级须为 immediate、fast 或 escalated")
	}
	return supervisionDue, v.Err()
}

func noteLabel(a Action) string {
	switch a {
	case ActReport:
		return "整改情况"
	case ActReject, ActDismiss, ActDenyExtension, ActReopen, ActReturn, ActReassign:
		return "理由"
	case ActInstruct:
		return "批示内容"
	case ActRequestExtension:
		return "延期理由"
	case ActSupervise:
		return "督办要求"
	}
	return "内容"
}

// Act performs one action on an appeal, with its event and audit row, in one transaction.
func Act(ctx context.Context, d *db.DB, a db.Actor, id int64, in ActionInput) (*Appeal, error) {
	if _, ok := TransitionOf(in.Action); !ok {
		return nil, &db.Error{Code: db.EINVALID, Message: "未知的操作：" + string(in.Action), Fields: []db.FieldError{{Field: "action", Message: "未知的操作"}}}
	}
	if in.Action == ActAttach {
		return nil, db.InvalidField("file", "上传附件请使用附件接口")
	}
	var out *Appeal
	err := d.Update(ctx, func(tx *db.Tx) error {
		ap, err := ActTx(tx, a, id, in)
		out = ap
		return err
	})
	if err != nil {
		return nil, err
	}
	out.Present(a, d.Now())
	return out, nil
}

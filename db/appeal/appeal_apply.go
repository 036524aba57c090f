package appeal

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"qinqing/db"
	"sort"
	"time"
)

// act loads, checks and changes one appeal inside the caller's transaction.
func ActTx(t *db.Tx, a db.Actor, id int64, in ActionInput) (*Appeal, error) {
	tr, _ := TransitionOf(in.Action)
	ap, err := FindOn(t, a, id)
	if err != nil {
		return nil, err
	}
	switch Check(ap.Stage, a.Role, in.Action) {
	case db.EFORBIDDEN:
		return nil, db.Errorf(db.EFORBIDDEN, "您的角色不能对诉求进行“%s”操作。", tr.Label)
	case db.ECONFLICT:
		return nil, &db.Error{Code: db.ECONFLICT, Message: fmt.Sprintf("诉求处于“%s”环节，不能%s。", ap.Stage.Label(), tr.Label),
			Allowed: ActionNames(AllowedActions(ap, a, t.Now))}
	}
	if in.Version != ap.Version {
		return nil, &db.Error{Code: db.ECONFLICT, Message: "诉求已被他人更新，请刷新后重试。",
			Fields: []db.FieldError{{Field: "version", Message: fmt.Sprintf("当前版本为 %d", ap.Version)}}, Allowed: ActionNames(AllowedActions(ap, a, t.Now))}
	}
	if why := precondition(ap, a, in.Action, t.Now); why != "" {
		return nil, &db.Error{Code: db.ECONFLICT, Message: why + "。", Allowed: ActionNames(AllowedActions(ap, a, t.Now))}
	}
	supDue, err := ValidateInput(tr, &in, t.Now)
	if err != nil {
		return nil, err
	}
	if err := checkPublicReply(ap, a, in); err != nil {
		return nil, err
	}
	before := ap.Stage
	data := map[string]any{}
	set := map[string]any{}
	hadDepartment := ap.AssignedAt != nil
	now := t.Now.Unix()
	if in.Public {
		data["public"] = true
	}
	switch in.Action {
	case ActAccept:
		set["accepted_at"] = now
	case ActMerge:
		if *in.TargetID == ap.ID {
			return nil, db.InvalidField("target_id", "不能合并到自身")
		}
		target, err := FindOn(t, a, *in.TargetID)
		switch {
		case db.ErrorCode(err) == db.ENOTFOUND:
			return nil, db.InvalidField("target_id", "原诉求不存在")
		case err != nil:
			return nil, err
		case target.MergedInto != nil || target.CloseReason == "merged":
			// Chains A→B→C would hide where the work is actually done.
			return nil, db.InvalidField("target_id", "原诉求本身已被合并，请合并到它最终并入的诉求")
		case target.Stage == StageClosed:
			return nil, db.InvalidField("target_id", "原诉求已办结，不能再并入；请作为新诉求受理")
		}
		// A merge names the target on the merged appeal's timeline: a report and an
		// ordinary appeal are never one matter, and neither may learn of the other.
		if (ap.Source == SourceReport) != (target.Source == SourceReport) {
			return nil, db.InvalidField("target_id", "举报件只能与举报件合并，其他诉求不能并入举报件")
		}
		set["merged_into"], set["closed_at"], set["close_reason"] = target.ID, now, "merged"
		data["target_number"] = target.Number
	case ActReject, ActDismiss:
		set["reported_at"] = now
		clearRating(set)
		if in.Action == ActReject {
			set["accepted_at"] = coalesceTime(ap.AcceptedAt, now)
		}
	case ActAssign:
		if err := checkAssignee(t, ap, *in.DepartmentID); err != nil {
			return nil, err
		}
		set["department_id"] = *in.DepartmentID
		if ap.AssignedAt == nil {
			set["assigned_at"] = now
		}
		if in.Tier != "" && in.Tier != ap.Tier {
			// The clock still runs from filing: a new tier only re-derives the deadlines.
			d, err := deadlines(t, in.Tier)
			if err != nil {
				return nil, err
			}
			resp, res, err := due(t, d, ap.CreatedAt)
			if err != nil {
				return nil, err
			}
			set["tier"], set["response_due_at"], set["due_at"] = string(in.Tier), resp.Unix(), res.Unix()
		}
		if _, err := t.Exec("INSERT INTO appeal_departments (appeal_id, department_id) VALUES (?, ?) ON CONFLICT DO NOTHING", ap.ID, *in.DepartmentID); err != nil {
			return nil, fmt.Errorf("db: assign: %w", err)
		}
		data["department_id"], data["tier"] = *in.DepartmentID, in.Tier
	case ActReassign:
		if err := reassign(t, ap, in, set, data); err != nil {
			return nil, err
		}
	case ActReport:
		set["reported_at"] = now
		clearRating(set)
		set["ext_requested_days"], set["ext_requested_note"], set["ext_requested_kind"] = nil, nil, nil
	case ActReturn:
		set["return_count"] = ap.ReturnCount + 1
		set["ext_requested_days"], set["ext_requested_note"], set["ext_requested_kind"] = nil, nil, nil
		data["basis"] = in.Basis
	case ActClose:
		set["closed_at"] = now
		if ap.Rating != nil && ap.FeedbackAt != nil && !ap.Rating.RatedAt.Before(*ap.FeedbackAt) {
			set["close_reason"] = "resolved"
		} else {
			set["close_reason"] = "unrated"
		}
	case ActRate:
		set["rated_at"], set["resolved"], set["satisfaction"], set["rating_comment"] = now, *in.Resolved, in.Satisfaction, in.Note
		if in.Satisfaction == "unsatisfied" {
			set["reopen_count"] = ap.ReopenCount + 1
		}
		data["resolved"], data["satisfaction"] = *in.Resolved, in.Satisfaction
	case ActReopen:
		set["reopen_count"], set["closed_at"], set["close_reason"] = ap.ReopenCount+1, nil, nil
	case ActAudit:
		data["verdict"] = in.Verdict
		if in.Verdict == "fail" {
			set["reopen_count"], set["closed_at"], set["close_reason"] = ap.ReopenCount+1, nil, nil
		}
	case ActEscalate:
		set["tier"] = string(TierEscalated)
	case ActRequestExtension:
		set["ext_requested_days"], set["ext_requested_note"], set["ext_requested_kind"] = in.Days, in.Note, in.DayKind
		data["days"], data["day_kind"] = in.Days, in.DayKind
	case ActApproveExtension:
		ext, err := extendedDue(t, ap)
		if err != nil {
			return nil, err
		}
		set["extended_due_at"], set["ext_requested_days"], set["ext_requested_note"], set["ext_requested_kind"] = ext.Unix(), nil, nil, nil
		data["days"], data["day_kind"], data["extended_due_at"] = ap.Extension.Days, ap.Extension.DayKind, ext.In(db.Zone).Format(time.RFC3339)
	case ActDenyExtension:
		set["ext_requested_days"], set["ext_requested_note"], set["ext_requested_kind"] = nil, nil, nil
		data["days"] = ap.Extension.Days
	case ActSupervise:
		set["supervision_due_at"] = supDue.Unix()
		data["due_at"] = supDue.In(db.Zone).Format(time.RFC3339)
	}
	after := NextStage(tr, before, in, hadDepartment)
	if after == StageClosed && before != StageClosed && set["closed_at"] == nil {
		set["closed_at"] = now
	}
	out, err := saveAction(t, a, ap, in.Action, before, after, in.Note, data, set)
	if err != nil {
		return nil, err
	}
	if err := keepMeasures(t, out, before, in); err != nil {
		return nil, err
	}
	return out, nil
}

// clearRating starts a new round of feedback. The row holds the rating of the current
// round only, so that one given a moment before (in the same second) is never taken
// for the answer to this one; every earlier rating stays on the timeline and in the
// audit chain.
func clearRating(set map[string]any) {
	set["rated_at"], set["resolved"], set["satisfaction"], set["rating_comment"] = nil, nil, nil, nil
}

func coalesceTime(p *time.Time, now int64) any {
	if p != nil {
		return p.Unix()
	}
	return now
}

func ActionNames(list []Action) []string {
	out := make([]string, len(list))
	for i, a := range list {
		out[i] = string(a)
	}
	return out
}

// checkAssignee refuses a department that does not exist, or that a report is about:
// the body complained of never handles the complaint.
func checkAssignee(t *db.Tx, ap *Appeal, dept int64) error {
	ok, err := db.Exists(t, "departments", dept)
	if err != nil {
		return err
	}
	if !ok {
		return db.InvalidField("department_id", "责任单位不存在")
	}
	if ap.AboutDepartmentID != nil && *ap.AboutDepartmentID == dept {
		return db.InvalidField("department_id", "举报涉及该单位，不能交由其办理")
	}
	return nil
}

// saveAction writes the changed columns, the timeline event and the audit row.
func saveAction(t *db.Tx, a db.Actor, ap *Appeal, act Action, before, after Stage, note string, data, set map[string]any) (*Appeal, error) {
	set["stage"] = string(after)
	set["version"] = ap.Version + 1
	set["updated_at"] = t.Now.Unix()
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	// A fixed column order gives one statement text per shape, which the Tx caches.
	sort.Strings(keys)
	cols := ""
	args := []any{}
	for _, k := range keys {
		if cols != "" {
			cols += ", "
		}
		cols += k + " = ?"
		args = append(args, set[k])
	}
	args = append(args, ap.ID, ap.Version)
	out, err := Scan(t.QueryRow("UPDATE appeals SET "+cols+" WHERE id = ? AND version = ? RETURNING "+appealRowColumns, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, db.Errorf(db.ECONFLICT, "诉求已被他人更新，请刷新后重试。")
	}
	if err != nil {
		return nil, fmt.Errorf("db: act on appeal %d: %w", ap.ID, err)
	}
	if err := appealEvent(t, maskFiler(a, ap), ap.ID, act, before, after, note, data); err != nil {
		return nil, err
	}
	if err := notifyStep(t, ap, out, act, data); err != nil {
		return nil, err
	}
	// The event and its audit row leave the appeals row as updated.
	return withNames(t, out, ap)
}

// appealEvent records one step of an appeal on its timeline and in the audit chain.
func appealEvent(t *db.Tx, a db.Actor, appealID int64, act Action, before, after Stage, note string, data map[string]any) error {
	body, err := json.Marshal(data)
	if err != nil {
		return err
	}
	var actorID any
	if a.UserID != 0 {
		actorID = a.UserID
	}
	t.LastEvent, err = t.InsertID(`INSERT INTO appeal_events (appeal_id, at, actor_id, actor_name, actor_role, action, stage_before,
		stage_after, note, data) VALUES (?,?,?,?,?,?,?,?,?,?)`, appealID, t.Now.Unix(), actorID, a.Name, string(a.Role),
		string(act), string(before), string(after), note, string(body))
	if err != nil {
		return fmt.Errorf("db: appeal event: %w", err)
	}
	return t.Audit(a, "appeal."+string(act), "appeal", appealID, map[string]any{
		"stage_before": before, "stage_after": after, "note": note, "data": data})
}

// checkPublicReply allows a public reply only from an auditor, as a comment on a report.
func checkPublicReply(ap *Appeal, a db.Actor, in ActionInput) error {
	switch {
	case !in.Public:
		return nil
	case in.Action != ActComment:
		return db.InvalidField("public", "只有留言可以作为对举报人的公开答复")
	case a.Role != db.RoleAuditor:
		return db.Errorf(db.EFORBIDDEN, "只有纪检监督可以答复举报人。")
	case ap.Source != SourceReport:
		return db.InvalidField("public", "只有举报件可以答复举报人")
	}
	return nil
}

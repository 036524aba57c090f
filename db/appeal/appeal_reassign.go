package appeal

import (
	"fmt"
	"qinqing/db"
)

// reassign (改派) hands work a department holds to another department without a return.
// The clock keeps running from filing: the due times stay, and so does an extension
// already granted, because it was granted for the appeal's work, not for a department. A
// pending extension request was the old department's and lapses with its part. A new
// tier, if given, re-derives the deadlines from filing, as 交办 does.
func reassign(t *db.Tx, ap *Appeal, in ActionInput, set, data map[string]any) error {
	to := *in.DepartmentID
	if ap.DepartmentID != nil && *ap.DepartmentID == to {
		return db.InvalidField("department_id", "该诉求已由这个单位办理，请选择其他责任单位")
	}
	if err := checkAssignee(t, ap, to); err != nil {
		return err
	}
	set["department_id"] = to
	if ap.Extension != nil {
		set["ext_requested_days"], set["ext_requested_note"] = nil, nil
		data["lapsed_extension_days"] = ap.Extension.Days
	}
	if in.Tier != "" && in.Tier != ap.Tier {
		d, err := deadlines(t, in.Tier)
		if err != nil {
			return err
		}
		resp, res, err := due(t, d, ap.CreatedAt)
		if err != nil {
			return err
		}
		set["tier"], set["response_due_at"], set["due_at"] = string(in.Tier), resp.Unix(), res.Unix()
	}
	// The department keeps seeing the appeal it once held, as after a return.
	if _, err := t.Exec("INSERT INTO appeal_departments (appeal_id, department_id) VALUES (?, ?) ON CONFLICT DO NOTHING", ap.ID, to); err != nil {
		return fmt.Errorf("db: reassign: %w", err)
	}
	if ap.DepartmentID != nil {
		data["from_department_id"] = *ap.DepartmentID
	}
	data["department_id"], data["tier"] = to, in.Tier
	return nil
}

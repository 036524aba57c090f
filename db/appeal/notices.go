package appeal

import (
	"fmt"
	"qinqing/db"
	"qinqing/db/notify"
	"slices"
)

// notifyStep tells the people a step concerns, in the step's transaction: the department
// that holds the appeal, the enterprise, its 包保 leader, or the desk that decides next
// (the office; the discipline office for reports, which the office never sees). The
// department a report is about is never told of it. ap is the appeal before the step,
// out after it.
func notifyStep(t *db.Tx, ap, out *Appeal, act Action, data map[string]any) error {
	n := notify.Notice{Title: fmt.Sprintf("%s：%s", out.Number, out.Title), ObjectType: "appeal", ObjectID: &out.ID}
	report := out.Source == SourceReport
	holder, except := holderOf(out), exceptOf(out)
	leader := notify.To{Except: except}
	if out.LeaderID != nil && !report {
		leader.LeaderID = *out.LeaderID
	}
	var sends []send
	switch act {
	case ActAssign, ActReassign:
		if out.DepartmentID != nil && (ap.DepartmentID == nil || *ap.DepartmentID != *out.DepartmentID) {
			sends = append(sends, send{notify.AppealAssigned, "诉求交办到本单位，请在期限内办理", holder})
		}
	case ActUrge:
		sends = append(sends, send{notify.AppealUrged, "催办：请加快办理", holder})
	case ActEscalate:
		sends = append(sends, send{notify.AppealEscalated, "诉求已提级办理", leader})
	case "auto_escalate":
		sends = append(sends, send{notify.AppealOverdue, "诉求已超过办理期限，自动提级", holder},
			send{notify.AppealEscalated, "包保企业的诉求超期，已自动提级", leader})
	case ActSupervise, "auto_supervise":
		if act == "auto_supervise" && ap.EscalationLevel == 0 {
			sends = append(sends, send{notify.AppealOverdue, "诉求已超过办理期限", holder})
		}
		sends = append(sends, send{notify.AppealSupervised, "诉求已列入督办", holder}, send{notify.AppealSupervised, "包保企业的诉求已列入督办", leader})
		if act == "auto_supervise" {
			// The clock hands it to the discipline office, which has to take it up.
			sends = append(sends, send{notify.AppealSupervised, "提级后仍超期，已转纪检监督督办", notify.To{Roles: []db.Role{db.RoleAuditor}}})
		}
	case ActRequestExtension:
		sends = append(sends, send{notify.AppealExtension, "责任单位申请延期，待审批", desk(report, except)})
	case ActReturn:
		sends = append(sends, send{notify.AppealReturned, "责任单位退回，待重新交办", desk(report, except)})
	case ActReport:
		if out.EnterpriseID != nil && !report {
			sends = append(sends, send{notify.AppealFeedback, "诉求已反馈办理结果，请评价", notify.To{EnterpriseID: *out.EnterpriseID}})
		}
	case ActRate:
		if data["satisfaction"] == "unsatisfied" {
			sends = append(sends, send{notify.AppealUnsatisfied, "企业评价不满意，诉求退回重办", desk(report, except)})
			if ap.DepartmentID != nil {
				sends = append(sends, send{notify.AppealUnsatisfied, "企业评价不满意，请重新整改", notify.To{DepartmentID: *ap.DepartmentID, Except: except}})
			}
		}
	}
	for _, s := range sends {
		n.Kind, n.Body, n.Link = s.kind, s.body, linkFor(out, s.to)
		if _, err := notify.Add(t, n, s.to); err != nil {
			return err
		}
	}
	return nil
}

// linkFor is the page of the appeal for the recipients: the discipline office reads a
// report in its workspace.
func linkFor(ap *Appeal, to notify.To) string {
	if ap.Source == SourceReport && slices.Contains(to.Roles, db.RoleAuditor) {
		return fmt.Sprintf("/oversight/appeals/%d", ap.ID)
	}
	return fmt.Sprintf("/appeals/%d", ap.ID)
}

// holderOf is who holds the appeal now: its department, or the desk before one has it.
func holderOf(ap *Appeal) notify.To {
	if ap.DepartmentID != nil {
		return notify.To{DepartmentID: *ap.DepartmentID, Except: exceptOf(ap)}
	}
	return desk(ap.Source == SourceReport, exceptOf(ap))
}

// exceptOf is the department never told of the appeal: the one a report is about.
func exceptOf(ap *Appeal) int64 {
	if ap.AboutDepartmentID != nil {
		return *ap.AboutDepartmentID
	}
	return 0
}

// send is one notice of a step and who gets it.
type send struct {
	kind, body string
	to         notify.To
}

// deskOf is the role that decides an appeal's next step: the discipline office decides
// reports, the office everything else.
func deskOf(report bool) db.Role {
	if report {
		return db.RoleAuditor
	}
	return db.RoleOffice
}

func desk(report bool, except int64) notify.To {
	return notify.To{Roles: []db.Role{deskOf(report)}, Except: except}
}

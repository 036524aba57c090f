package appeal_test

import (
	"qinqing/db"
	"qinqing/db/appeal"
	"strings"
	"testing"
)

// contractLoop is CONTRACT §3 written out by hand, so that the table in workflow.go is
// held against the contract and not against itself. from lists stages by initial:
// D discovered, V verifying, R rectifying, F feedback, C closed.
//
// The actions drawn in the diagram may be taken "only from the stages drawn". Who may
// take them is §2; auditors share the intake of reports (举报), which §2's identity vault
// puts "under the auditor's own handling". The actions that keep the stage are not
// drawn; their stages are the ones in which they make sense.
var contractLoop = map[appeal.Action]struct{ from, roles string }{
	"accept": {"D", "office auditor"},
	"merge":  {"D", "office auditor"},
	"reject": {"D", "office auditor"},
	"assign": {"V", "office auditor"},
	// Reassignment moves work between departments without a return; the office alone.
	"reassign": {"R", "office"},
	"dismiss":  {"V", "office auditor"},
	"report":   {"R", "department auditor"},
	"return":   {"R", "department"},
	"close":    {"F", "office auditor"},
	"rate":     {"F", "enterprise public"},
	"reopen":   {"C", "auditor"},
	// The clock reminds the rater after 3 days in 反馈 and closes as 未评价 after 7.
	"remind_rating": {"F", "system"},
	"close_unrated": {"F", "system"},

	// Anyone taking part adds information at any time; admins keep the registers only.
	// The public follows up its own report with the receipt code (§2), files included.
	"comment": {"DVRFC", "office department leader enterprise auditor public"},
	"attach":  {"DVRFC", "office department leader enterprise auditor public"},
	// Urging and escalating push work that is still waiting on the government side.
	"urge":     {"DVR", "leader office auditor"},
	"escalate": {"DVR", "leader office"},
	// Instructions and supervision orders concern any appeal that is not closed.
	"instruct":  {"DVRF", "leader"},
	"supervise": {"DVRF", "auditor"},
	// Extensions are about rectification time.
	"request_extension": {"R", "department"},
	"approve_extension": {"R", "office auditor"},
	"deny_extension":    {"R", "office auditor"},
	// Sample audits look at closures.
	"audit": {"C", "auditor"},
}

// contractNeeds are the fields §3 and §7 require of an action, at the least.
var contractNeeds = map[appeal.Action]string{
	"report": "note", "return": "note basis", "dismiss": "note", "reject": "note", "reopen": "note",
	"deny_extension": "note", "assign": "department_id", "reassign": "department_id note", "request_extension": "days", "merge": "target_id",
	"rate": "resolved satisfaction", "audit": "verdict", "supervise": "due_at",
}

var stageInitials = map[appeal.Stage]string{appeal.StageDiscovered: "D", appeal.StageVerifying: "V", appeal.StageRectifying: "R",
	appeal.StageFeedback: "F", appeal.StageClosed: "C"}

// allActors are the six account roles, the public and the system.
var allActors = []db.Role{db.RoleAdmin, db.RoleOffice, db.RoleDepartment, db.RoleLeader, db.RoleEnterprise, db.RoleAuditor, db.RolePublic, db.RoleSystem}

func TestWorkflowCoversTheContract(t *testing.T) {
	if len(appeal.Workflow) != len(contractLoop) {
		t.Errorf("table has %d actions, contract %d", len(appeal.Workflow), len(contractLoop))
	}
	for _, tr := range appeal.Workflow {
		if _, ok := contractLoop[tr.Action]; !ok {
			t.Errorf("table action %q is not in the contract", tr.Action)
		}
		if tr.Label == "" || appeal.ActionLabel(tr.Action) != tr.Label {
			t.Errorf("action %q has no Chinese label", tr.Action)
		}
	}
	for act, needs := range contractNeeds {
		tr, ok := appeal.TransitionOf(act)
		if !ok {
			t.Errorf("contract action %q missing from the table", act)
			continue
		}
		for _, n := range strings.Fields(needs) {
			if !appeal.Contains(tr.Needs, n) {
				t.Errorf("%s does not require %s", act, n)
			}
		}
	}
}

// TestWorkflowCheck tries every stage × action × role against the contract.
func TestWorkflowCheck(t *testing.T) {
	if len(allActors) != len(db.Roles)+2 {
		t.Fatalf("allActors misses a role: %v", db.Roles)
	}
	for act, rule := range contractLoop {
		for _, stage := range appeal.Stages {
			for _, role := range allActors {
				want := ""
				switch {
				case !appeal.Contains(strings.Fields(rule.roles), string(role)):
					want = db.EFORBIDDEN
				case !strings.Contains(rule.from, stageInitials[stage]):
					want = db.ECONFLICT
				}
				if got := appeal.Check(stage, role, act); got != want {
					t.Errorf("Check(%s, %s, %s) = %q, want %q", stage, role, act, got, orOK(want))
				}
				if appeal.RoleMay(role, act) != (want != db.EFORBIDDEN) {
					t.Errorf("RoleMay(%s, %s) = %v", role, act, appeal.RoleMay(role, act))
				}
			}
			if appeal.StageAllows(stage, act) != strings.Contains(rule.from, stageInitials[stage]) {
				t.Errorf("StageAllows(%s, %s) = %v", stage, act, appeal.StageAllows(stage, act))
			}
		}
	}
	for _, role := range allActors {
		if got := appeal.Check(appeal.StageDiscovered, role, "fly"); got != db.EINVALID {
			t.Errorf("Check of an unknown action by %s = %q, want %q", role, got, db.EINVALID)
		}
	}
}

func orOK(code string) string {
	if code == "" {
		return "ok"
	}
	return code
}

// expectedNext is where §3 says an action leads, written apart from nextStage.
func expectedNext(act appeal.Action, from appeal.Stage, answer string, hadDepartment bool) appeal.Stage {
	back := appeal.StageRectifying
	if !hadDepartment {
		back = appeal.StageVerifying // nobody ever rectified it: it goes back to verification
	}
	switch act {
	case "accept":
		return appeal.StageVerifying
	case "assign":
		return appeal.StageRectifying
	case "report", "dismiss", "reject":
		return appeal.StageFeedback
	case "return":
		return appeal.StageVerifying
	case "close", "merge", "close_unrated":
		return appeal.StageClosed
	case "reopen":
		return back
	case "rate":
		if answer == "unsatisfied" {
			return back
		}
	case "audit":
		if answer == "fail" {
			return back
		}
	}
	return from
}

// TestNextStage follows every allowed action from every stage it may start in, with
// every answer that rate and audit can give, with and without a department.
func TestNextStage(t *testing.T) {
	answers := map[appeal.Action][]string{"rate": {"satisfied", "basic", "unsatisfied"}, "audit": {"pass", "fail"}}
	n := 0
	for act, rule := range contractLoop {
		tr, _ := appeal.TransitionOf(act)
		list := answers[act]
		if list == nil {
			list = []string{""}
		}
		for _, stage := range appeal.Stages {
			if !strings.Contains(rule.from, stageInitials[stage]) {
				continue
			}
			for _, answer := range list {
				for _, had := range []bool{true, false} {
					in := appeal.ActionInput{Action: act, Satisfaction: answer, Verdict: answer}
					want := expectedNext(act, stage, answer, had)
					if got := appeal.NextStage(tr, stage, in, had); got != want {
						t.Errorf("%s from %s (%q, department %v) → %s, want %s", act, stage, answer, had, got, want)
					}
					n++
				}
			}
		}
	}
	if n < 60 {
		t.Errorf("only %d transitions tried", n)
	}
}

// TestAllowedActions checks what each caller is offered on a portal appeal that the
// department 7 handles, in table order.
func TestAllowedActions(t *testing.T) {
	dept := int64(7)
	for _, c := range []struct {
		stage appeal.Stage
		role  db.Role
		want  string
	}{
		{appeal.StageDiscovered, db.RoleOffice, "accept merge reject comment urge escalate attach"},
		{appeal.StageDiscovered, db.RoleAuditor, "comment urge supervise attach"}, // intake of non-reports is the office's
		{appeal.StageDiscovered, db.RoleAdmin, ""},
		{appeal.StageVerifying, db.RoleOffice, "assign dismiss comment urge escalate attach"},
		{appeal.StageRectifying, db.RoleDepartment, "report return comment request_extension attach"},
		{appeal.StageRectifying, db.RoleLeader, "comment urge escalate instruct attach"},
		{appeal.StageFeedback, db.RoleEnterprise, "rate comment attach"},
		{appeal.StageFeedback, db.RolePublic, "rate comment attach"},
		{appeal.StageFeedback, db.RoleOffice, "comment attach"}, // no close before a rating or 7 days
		{appeal.StageClosed, db.RoleAuditor, "reopen comment audit attach"},
		{appeal.StageClosed, db.RoleSystem, ""},
	} {
		ap := &appeal.Appeal{Stage: c.stage, Source: appeal.SourcePortal, Tier: appeal.TierFast, DepartmentID: &dept}
		got := strings.Join(appeal.ActionNames(appeal.AllowedActions(ap, db.Actor{Role: c.role, DepartmentID: dept}, ap.CreatedAt)), " ")
		if got != c.want {
			t.Errorf("%s in %s is offered %q, want %q", c.role, c.stage, got, c.want)
		}
	}
}

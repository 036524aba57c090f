package db

import (
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
var contractLoop = map[Action]struct{ from, roles string }{
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
var contractNeeds = map[Action]string{
	"report": "note", "return": "note basis", "dismiss": "note", "reject": "note", "reopen": "note",
	"deny_extension": "note", "assign": "department_id", "reassign": "department_id note", "request_extension": "days", "merge": "target_id",
	"rate": "resolved satisfaction", "audit": "verdict", "supervise": "due_at",
}

var stageInitials = map[Stage]string{StageDiscovered: "D", StageVerifying: "V", StageRectifying: "R",
	StageFeedback: "F", StageClosed: "C"}

// allActors are the six account roles, the public and the system.
var allActors = []Role{RoleAdmin, RoleOffice, RoleDepartment, RoleLeader, RoleEnterprise, RoleAuditor, RolePublic, RoleSystem}

func TestWorkflowCoversTheContract(t *testing.T) {
	if len(Workflow) != len(contractLoop) {
		t.Errorf("table has %d actions, contract %d", len(Workflow), len(contractLoop))
	}
	for _, tr := range Workflow {
		if _, ok := contractLoop[tr.Action]; !ok {
			t.Errorf("table action %q is not in the contract", tr.Action)
		}
		if tr.Label == "" || ActionLabel(tr.Action) != tr.Label {
			t.Errorf("action %q has no Chinese label", tr.Action)
		}
	}
	for act, needs := range contractNeeds {
		tr, ok := TransitionOf(act)
		if !ok {
			t.Errorf("contract action %q missing from the table", act)
			continue
		}
		for _, n := range strings.Fields(needs) {
			if !contains(tr.Needs, n) {
				t.Errorf("%s does not require %s", act, n)
			}
		}
	}
}

// TestWorkflowCheck tries every stage × action × role against the contract.
func TestWorkflowCheck(t *testing.T) {
	if len(allActors) != len(Roles)+2 {
		t.Fatalf("allActors misses a role: %v", Roles)
	}
	for act, rule := range contractLoop {
		for _, stage := range Stages {
			for _, role := range allActors {
				want := ""
				switch {
				case !contains(strings.Fields(rule.roles), string(role)):
					want = EFORBIDDEN
				case !strings.Contains(rule.from, stageInitials[stage]):
					want = ECONFLICT
				}
				if got := Check(stage, role, act); got != want {
					t.Errorf("Check(%s, %s, %s) = %q, want %q", stage, role, act, got, orOK(want))
				}
				if RoleMay(role, act) != (want != EFORBIDDEN) {
					t.Errorf("RoleMay(%s, %s) = %v", role, act, RoleMay(role, act))
				}
			}
			if StageAllows(stage, act) != strings.Contains(rule.from, stageInitials[stage]) {
				t.Errorf("StageAllows(%s, %s) = %v", stage, act, StageAllows(stage, act))
			}
		}
	}
	for _, role := range allActors {
		if got := Check(StageDiscovered, role, "fly"); got != EINVALID {
			t.Errorf("Check of an unknown action by %s = %q, want %q", role, got, EINVALID)
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
func expectedNext(act Action, from Stage, answer string, hadDepartment bool) Stage {
	back := StageRectifying
	if !hadDepartment {
		back = StageVerifying // nobody ever rectified it: it goes back to verification
	}
	switch act {
	case "accept":
		return StageVerifying
	case "assign":
		return StageRectifying
	case "report", "dismiss", "reject":
		return StageFeedback
	case "return":
		return StageVerifying
	case "close", "merge", "close_unrated":
		return StageClosed
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
	answers := map[Action][]string{"rate": {"satisfied", "basic", "unsatisfied"}, "audit": {"pass", "fail"}}
	n := 0
	for act, rule := range contractLoop {
		tr, _ := TransitionOf(act)
		list := answers[act]
		if list == nil {
			list = []string{""}
		}
		for _, stage := range Stages {
			if !strings.Contains(rule.from, stageInitials[stage]) {
				continue
			}
			for _, answer := range list {
				for _, had := range []bool{true, false} {
					in := ActionInput{Action: act, Satisfaction: answer, Verdict: answer}
					want := expectedNext(act, stage, answer, had)
					if got := nextStage(tr, stage, in, had); got != want {
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
		stage Stage
		role  Role
		want  string
	}{
		{StageDiscovered, RoleOffice, "accept merge reject comment urge escalate attach"},
		{StageDiscovered, RoleAuditor, "comment urge supervise attach"}, // intake of non-reports is the office's
		{StageDiscovered, RoleAdmin, ""},
		{StageVerifying, RoleOffice, "assign dismiss comment urge escalate attach"},
		{StageRectifying, RoleDepartment, "report return comment request_extension attach"},
		{StageRectifying, RoleLeader, "comment urge escalate instruct attach"},
		{StageFeedback, RoleEnterprise, "rate comment attach"},
		{StageFeedback, RolePublic, "rate comment attach"},
		{StageFeedback, RoleOffice, "comment attach"}, // no close before a rating or 7 days
		{StageClosed, RoleAuditor, "reopen comment audit attach"},
		{StageClosed, RoleSystem, ""},
	} {
		ap := &Appeal{Stage: c.stage, Source: SourcePortal, Tier: TierFast, DepartmentID: &dept}
		got := strings.Join(actionNames(allowedActions(ap, Actor{Role: c.role, DepartmentID: dept}, ap.CreatedAt)), " ")
		if got != c.want {
			t.Errorf("%s in %s is offered %q, want %q", c.role, c.stage, got, c.want)
		}
	}
}

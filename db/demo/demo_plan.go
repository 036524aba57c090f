package demo

import (
	"fmt"
	"math/rand/v2"
	"qinqing/db"
	"qinqing/db/appeal"
	"time"
)

// planDemoAppeal writes the life of one demo appeal as timed steps. A few lives stop
// part-way, as some work in a real city does: those appeals end up overdue.
func planDemoAppeal(r *rand.Rand, c *demoCast, i int, now time.Time) []demoStep {
	steps := planDemoLife(r, c, i, now)
	// Only recent work stalls: a city does not leave appeals untouched for a year.
	recent := now.Sub(steps[0].at) < 60*24*time.Hour
	if recent && len(steps) > 1 && r.Float64() < 0.25 {
		cut := 1 + r.IntN(len(steps)-1)
		kept := steps[:cut:cut]
		// People stall; the clock does not: its rating steps still come (and do nothing
		// when the appeal is not waiting for a rating).
		for _, s := range steps[cut:] {
			if s.actor.Role == db.RoleSystem {
				kept = append(kept, s)
			}
		}
		steps = kept
	}
	return steps
}

func planDemoLife(r *rand.Rand, c *demoCast, i int, now time.Time) []demoStep {
	t0 := now.Add(-time.Duration(r.Float64() * 365 * 24 * float64(time.Hour)))
	// One appeal in forty was filed in the last days and its rating has not come yet, so
	// that the city always has feedback waiting, some of it reminded.
	waiting := i%40 == 7
	if waiting {
		t0 = now.Add(-hours(96 + r.Float64()*72))
	}
	firm := pick(r, c.enterprises)
	roll := r.Float64()
	source := appeal.SourcePortal
	switch {
	case roll < 0.02:
		source = appeal.SourceReport
	case roll < 0.07:
		source = appeal.SourceInspection
	case roll < 0.17:
		source = appeal.SourceSteward
	case roll < 0.37:
		source = appeal.SourceHotline
	case roll < 0.62:
		source = appeal.SourceVisit
	}
	topic := pick(r, demoTopics)
	for source == appeal.SourceReport && !conductCategory(topic.Category) {
		topic = pick(r, demoTopics)
	}
	tier := appeal.TierFast
	if x := r.Float64(); x < 0.2 {
		tier = appeal.TierImmediate
	} else if x > 0.85 {
		tier = appeal.TierEscalated
	}
	in := appeal.Input{Title: topic.Title, Content: demoText(r, topic.Content, firm.name), Category: topic.Category,
		Source: source, Tier: tier, EnterpriseID: &firm.id}
	intake := c.office
	var filer db.Actor
	switch source {
	case appeal.SourcePortal:
		filer = db.Actor{Name: firm.name, Role: db.RoleEnterprise, EnterpriseID: firm.id}
		in.ContactName, in.ContactPhone = "企业联系人", fmt.Sprintf("1390427%04d", r.IntN(10000))
	case appeal.SourceVisit:
		filer = c.leaders[firm.leader]
	case appeal.SourceReport:
		filer, intake = db.Actor{Name: "公众", Role: db.RolePublic}, c.auditor
		in.EnterpriseID = nil
		about := c.deptIDs[topic.Departments[0]]
		in.AboutDepartmentID = &about
		in.Content = demoText(r, topic.Content, "某企业")
		if r.IntN(2) == 0 {
			in.ContactName, in.ContactPhone = "举报人", fmt.Sprintf("1580427%04d", r.IntN(10000))
		}
	default:
		filer = c.office
	}
	if source != appeal.SourceReport && r.IntN(20) == 0 {
		in.Confidential = true
	}
	p := &demoPlan{r: r, c: c, i: i, at: t0, intake: intake, firm: firm, waiting: waiting}
	p.add(0, filer, appeal.ActionInput{Action: "file"})
	p.steps[0].file = in
	d := defaultDeadlines[tier]
	respond := hours(r.Float64() * d.response.Hours() * 0.9)
	if r.IntN(8) == 0 {
		respond = hours(d.response.Hours() * (1.1 + r.Float64()))
	}
	switch x := r.Float64(); {
	case x < 0.02 && source != appeal.SourceReport:
		// The original is found when the step runs: the enterprise's latest earlier appeal.
		p.add(respond, intake, appeal.ActionInput{Action: appeal.ActMerge, Note: "与此前登记的诉求重复"})
		return p.steps
	case x < 0.05:
		p.add(respond, intake, appeal.ActionInput{Action: appeal.ActReject, Note: pick(r, demoReplies.Reject)})
		p.closeWithoutRating()
		return p.steps
	}
	p.add(respond, intake, appeal.ActionInput{Action: appeal.ActAccept})
	if r.Float64() < 0.03 {
		p.add(hours(3+r.Float64()*20), intake, appeal.ActionInput{Action: appeal.ActDismiss, Note: pick(r, demoReplies.Dismiss)})
		p.closeWithoutRating()
		return p.steps
	}
	depts := topic.Departments
	if source == appeal.SourceReport && len(depts) > 1 {
		depts = depts[1:]
	} else if source == appeal.SourceReport {
		depts = []string{"市营商环境建设局（市数据局）"}
	}
	dept := depts[0]
	p.assign(dept, tier)
	leader, hasLeader := c.leaders[firm.leader]
	if hasLeader && source != appeal.SourceReport && r.Float64() < 0.15 {
		p.add(hours(4+r.Float64()*30), leader, appeal.ActionInput{Action: appeal.ActUrge, Note: pick(r, demoReplies.Urge)})
	}
	if hasLeader && source != appeal.SourceReport && r.Float64() < 0.08 {
		p.add(hours(2+r.Float64()*10), leader, appeal.ActionInput{Action: appeal.ActInstruct, Note: pick(r, demoReplies.Instruct)})
	}
	if r.Float64() < 0.05 && len(topic.Departments) > 1 && source != appeal.SourceReport {
		p.add(hours(6+r.Float64()*30), c.departments[dept], appeal.ActionInput{Action: appeal.ActReturn,
			Note: "不属于本单位职责范围", Basis: pick(r, demoReplies.Return)})
		dept = topic.Departments[1]
		p.at = p.at.Add(hours(2 + r.Float64()*6))
		p.assign(dept, "")
	}
	due := t0.Add(d.resolution)
	if r.Float64() < 0.1 {
		p.add(hours(12+r.Float64()*36), c.departments[dept], appeal.ActionInput{Action: appeal.ActRequestExtension,
			Days: 5 + r.IntN(11), Note: pick(r, demoReplies.Extension)})
		if r.Float64() < 0.75 {
			p.add(hours(2+r.Float64()*10), intake, appeal.ActionInput{Action: appeal.ActApproveExtension})
			due = due.Add(10 * 24 * time.Hour)
		} else {
			p.add(hours(2+r.Float64()*10), intake, appeal.ActionInput{Action: appeal.ActDenyExtension, Note: "理由不充分，请按期办结"})
		}
	}
	reportAt := t0.Add(hours(d.resolution.Hours() * (0.2 + 0.45*r.Float64())))
	if r.Float64() < 0.18 {
		reportAt = due.Add(hours(d.resolution.Hours() * (0.1 + 0.8*r.Float64())))
		if r.Float64() < 0.4 {
			p.addAt(due.Add(hours(20)), c.auditor, appeal.ActionInput{Action: appeal.ActSupervise, Note: pick(r, demoReplies.Supervise),
				DueAt: due.Add(5 * 24 * time.Hour).Format(time.RFC3339)})
		}
	}
	p.report(reportAt, dept, topic, firm)
	if source == appeal.SourceReport {
		p.closeWithoutRating()
		return p.steps
	}
	if r.Float64() < 0.1 {
		p.rate(false, "unsatisfied", "问题没有实际解决，要求重新办理")
		p.report(p.at.Add(hours(24+r.Float64()*72)), dept, topic, firm)
		// A third of the redone work still does not satisfy: a hard case that goes back
		// again and stays with the department under the discipline office's supervision.
		// These carry the 不满意 that keeps a believable city's 满意率 near 96–97%.
		if r.Float64() < 0.33 {
			p.rate(false, "unsatisfied", pick(r, demoHardCase))
			p.add(hours(20+r.Float64()*30), c.auditor, appeal.ActionInput{Action: appeal.ActSupervise, Note: pick(r, demoReplies.Supervise),
				DueAt: p.at.Add(15 * 24 * time.Hour).Format(time.RFC3339)})
			return p.steps
		}
	}
	if r.Float64() < 0.1 {
		p.closeWithoutRating()
	} else {
		if r.Float64() < 0.78 {
			p.rate(true, "satisfied", "")
		} else {
			p.rate(true, "basic", "")
		}
		p.add(hours(0.5+r.Float64()*6), intake, appeal.ActionInput{Action: appeal.ActClose})
	}
	if r.Float64() < 0.06 {
		if r.Float64() < 0.8 {
			p.add(hours(72+r.Float64()*400), c.auditor, appeal.ActionInput{Action: appeal.ActAudit, Verdict: "pass", Note: "抽查回访，企业确认问题已解决"})
		} else {
			p.add(hours(72+r.Float64()*400), c.auditor, appeal.ActionInput{Action: appeal.ActAudit, Verdict: "fail", Note: pick(r, demoReplies.AuditFail)})
			p.report(p.at.Add(hours(48+r.Float64()*72)), dept, topic, firm)
			p.rate(true, "basic", "")
			p.add(hours(2+r.Float64()*20), intake, appeal.ActionInput{Action: appeal.ActClose})
		}
	}
	return p.steps
}

// demoPlan accumulates one appeal's steps; at is the time of the last step.
type demoPlan struct {
	r      *rand.Rand
	c      *demoCast
	i      int
	at     time.Time
	intake db.Actor
	firm   demoFirm
	steps  []demoStep
	// waiting holds the first rating back past now.
	waiting bool
}

func (p *demoPlan) add(after time.Duration, a db.Actor, in appeal.ActionInput) {
	p.addAt(p.at.Add(after), a, in)
}

func (p *demoPlan) addAt(at time.Time, a db.Actor, in appeal.ActionInput) {
	if at.Before(p.at) {
		at = p.at.Add(time.Minute)
	}
	p.at = at
	p.steps = append(p.steps, demoStep{at: at, appeal: p.i, actor: a, in: in})
}

func (p *demoPlan) assign(dept string, tier appeal.Tier) {
	id := p.c.deptIDs[dept]
	p.add(hours(1+p.r.Float64()*20), p.intake, appeal.ActionInput{Action: appeal.ActAssign, DepartmentID: &id, Tier: tier,
		Note: "请按期办理并反馈"})
}

func (p *demoPlan) report(at time.Time, dept string, topic demoTopic, firm demoFirm) {
	// Rectification takes hours at the least: a report minutes after the assignment is
	// what the discipline office flags as suspicious, and the demo keeps those rare.
	if earliest := p.at.Add(3 * time.Hour); at.Before(earliest) {
		at = earliest
	}
	p.addAt(at, p.c.departments[dept], appeal.ActionInput{Action: appeal.ActReport, Note: demoText(p.r, topic.Report, firm.name)})
}

// rate gives the enterprise's rating, most within the day; a quarter come after days,
// the later ones after the system's reminder.
func (p *demoPlan) rate(resolved bool, satisfaction, comment string) {
	ent := db.Actor{Name: p.firm.name, Role: db.RoleEnterprise, EnterpriseID: p.firm.id}
	fed, delay := p.at, hours(1+p.r.Float64()*20)
	switch {
	case p.waiting:
		delay, p.waiting = appeal.UnratedAfter-hours(2), false
	case p.r.Float64() < 0.25:
		delay = hours(24 + p.r.Float64()*130)
	}
	if delay > appeal.RatingReminderAfter {
		p.addAt(fed.Add(appeal.RatingReminderAfter+hours(p.r.Float64()/2)), db.SystemActor, appeal.ActionInput{Action: appeal.ActRemindRating})
	}
	p.addAt(fed.Add(delay), ent, appeal.ActionInput{Action: appeal.ActRate, Resolved: &resolved, Satisfaction: satisfaction, Note: comment})
}

// closeWithoutRating lets the feedback wait unrated: the system reminds after three days
// and closes as 未评价 after seven, as the minute clock does (db/timing_rating.go).
func (p *demoPlan) closeWithoutRating() {
	fed := p.at
	p.addAt(fed.Add(appeal.RatingReminderAfter+hours(p.r.Float64())), db.SystemActor, appeal.ActionInput{Action: appeal.ActRemindRating})
	p.addAt(fed.Add(appeal.UnratedAfter+hours(p.r.Float64())), db.SystemActor, appeal.ActionInput{Action: appeal.ActCloseUnrated})
}

// demoHardCase is what an enterprise says when the redone work still falls short.
var demoHardCase = []string{"重新办理后问题仍未解决，要求继续整改", "答复与实际情况不符，问题依旧存在", "整改只做了一部分，仍影响正常生产"}

func conductCategory(c string) bool {
	return c == "服务意识不强" || c == "办事拖沓" || c == "推拖绕" || c == "吃拿卡要"
}

// defaultDeadlines mirror the defaults of migration 002, for planning demo timing.
var defaultDeadlines = map[appeal.Tier]struct{ response, resolution time.Duration }{
	appeal.TierImmediate: {2 * time.Hour, 24 * time.Hour},
	appeal.TierFast:      {24 * time.Hour, 5 * 24 * time.Hour},
	appeal.TierEscalated: {24 * time.Hour, 15 * 24 * time.Hour},
}

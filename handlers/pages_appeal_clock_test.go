package handlers

import (
	"context"
	"fmt"
	"qinqing/db/appeal"
	"qinqing/db/demo"
	"regexp"
	"strings"
	"testing"
	"time"

	"qinqing/db"
)

var acceptedLine = regexp.MustCompile(`已于 [0-9-]+ [0-9:]+ 受理`)

var clockCard = regexp.MustCompile(`<div class="clock-item clock-(\w+)" data-clock="\w+">\s*<span class="clock-k">([^<]*)</span>`)

// TestClockCard: the appeal page's clock is red whenever the appeal is overdue or was
// reported late (it once showed 已超期 in green on a reported appeal), amber at 80 % of
// the time, and a rejected appeal never says 已受理.
func TestClockCard(t *testing.T) {
	clock := &stillClock{at: time.Date(2026, 6, 15, 9, 0, 0, 0, db.Zone).UnixNano()}
	base, d := startClockServer(t, clock, 0)
	ctx := context.Background()
	ent, office, dept := actorFor(t, d, "enterprise"), actorFor(t, d, "office"), actorFor(t, d, "department")
	file := func(title string) *appeal.Appeal {
		t.Helper()
		ap, err := appeal.Create(ctx, d, ent, appeal.Input{Title: title, Content: title + "，请尽快处理。", Category: "审批服务"})
		if err != nil {
			t.Fatal(err)
		}
		return ap
	}
	act := func(who db.Actor, ap *appeal.Appeal, in appeal.ActionInput) *appeal.Appeal {
		t.Helper()
		in.Version = ap.Version
		out, err := appeal.Act(ctx, d, who, ap.ID, in)
		if err != nil {
			t.Fatalf("%s: %v", in.Action, err)
		}
		return out
	}
	rejected := act(office, file("不属于受理范围的事项"), appeal.ActionInput{Action: appeal.ActReject, Note: "不属于营商环境诉求受理范围"})
	reported := file("审批材料反复退回")
	reported = act(office, reported, appeal.ActionInput{Action: appeal.ActAccept})
	reported = act(office, reported, appeal.ActionInput{Action: appeal.ActAssign, DepartmentID: &dept.DepartmentID})
	open := file("证照办理超时")
	open = act(office, open, appeal.ActionInput{Action: appeal.ActAccept})
	open = act(office, open, appeal.ActionInput{Action: appeal.ActAssign, DepartmentID: &dept.DepartmentID})

	b := pageSignIn(t, base, "office", demo.Password)
	card := func(id int64) (string, string, string) {
		t.Helper()
		p := b.get(fmt.Sprint("/appeals/", id))
		m := clockCard.FindStringSubmatch(p.Body)
		if p.Status != 200 || m == nil {
			t.Fatalf("appeal %d: %d, no clock card", id, p.Status)
		}
		return m[1], m[2], p.Body
	}
	if st, _, body := card(rejected.ID); acceptedLine.MatchString(body) || !strings.Contains(body, "答复不予受理") {
		t.Errorf("rejected appeal: clock %s, says 已受理 or not 不予受理", st)
	}
	if st, label, _ := card(open.ID); st != "ok" {
		t.Errorf("fresh appeal: clock %s %s, want ok", st, label)
	}
	clock.advance(4*24*time.Hour + time.Hour) // past 80 % of the 5 days of 快速办
	if st, _, _ := card(open.ID); st != "soon" {
		t.Errorf("at 80 %%: clock %s, want soon", st)
	}
	clock.advance(24 * time.Hour)
	act(dept, reported, appeal.ActionInput{Action: appeal.ActReport, Note: "已按要求整改完毕"})
	for _, c := range []struct {
		what string
		id   int64
	}{{"overdue", open.ID}, {"reported late", reported.ID}} {
		if st, label, _ := card(c.id); st != "bad" {
			t.Errorf("%s: clock %s (%s), want bad (red)", c.what, st, label)
		}
	}
}

package handlers_test

import (
	"context"
	"fmt"
	"net/url"
	"qinqing/db/appeal"
	"strings"
	"testing"
	"time"
)

// toFeedback files an appeal as the demo enterprise and walks it to 反馈.
func toFeedback(a *api, dept any) *resp {
	a.t.Helper()
	return a.walkLoop(a.loopFile("enterprise", nil),
		step{"office", map[string]any{"action": "accept"}, "verifying"},
		step{"office", map[string]any{"action": "assign", "department_id": dept}, "rectifying"},
		step{"department", map[string]any{"action": "report", "note": "已协调办理"}, "feedback"},
	)
}

func eventCount(a *api, id int64, action string) int {
	a.t.Helper()
	n := 0
	for _, e := range a.do("GET", fmt.Sprintf("/api/v1/appeals/%d/events", id), a.login("office"), nil).items() {
		if e["action"] == action {
			n++
		}
	}
	return n
}

// TestRatingArrives: the enterprise's home asks for its rating; after 3 days the system
// reminds it once (home and timeline); after 7 the system closes the appeal as 未评价,
// and a rated appeal is left as it was.
func TestRatingArrives(t *testing.T) {
	a, clk := startLoopAPI(t)
	ctx := context.Background()
	// The demo city's own waiting appeals are stepped first, far ahead of this test's.
	a.advance(clk, 30*24*time.Hour)
	if _, err := appeal.RatingTimers(ctx, a.db); err != nil {
		t.Fatal(err)
	}
	dept := a.me(a.login("department"))["department_id"]
	waiting := toFeedback(a, dept)
	rated := a.walkLoop(toFeedback(a, dept),
		step{"enterprise", map[string]any{"action": "rate", "resolved": true, "satisfaction": "satisfied"}, "feedback"})
	number := str(waiting.JSON, "number")

	home := string(a.page("GET", "/", a.login("enterprise"), nil).Body)
	if !strings.Contains(home, "待您评价") || !strings.Contains(home, number) || strings.Contains(home, str(rated.JSON, "number")+"</span> ") {
		t.Fatalf("the enterprise's home does not ask for the rating of %s", number)
	}
	if !strings.Contains(home, fmt.Sprintf(`href="/appeals/%d#actions"`, waiting.id("id"))) {
		t.Error("待您评价 does not link to the rating form")
	}

	a.advance(clk, 3*24*time.Hour+time.Minute)
	for range 2 {
		if _, err := appeal.RatingTimers(ctx, a.db); err != nil {
			t.Fatal(err)
		}
	}
	if n := eventCount(a, waiting.id("id"), "remind_rating"); n != 1 {
		t.Errorf("reminders after two runs: %d, want 1", n)
	}
	home = string(a.page("GET", "/", a.login("enterprise"), nil).Body)
	if !strings.Contains(home, "系统提醒：诉求 "+number) {
		t.Error("the reminder is not on the enterprise's home")
	}
	detail := string(a.page("GET", fmt.Sprintf("/appeals/%d", waiting.id("id")), a.login("enterprise"), nil).Body)
	if !strings.Contains(detail, "提醒评价") {
		t.Error("the reminder is not on the appeal's timeline")
	}

	a.advance(clk, 4*24*time.Hour)
	for range 2 {
		if _, err := appeal.RatingTimers(ctx, a.db); err != nil {
			t.Fatal(err)
		}
	}
	got := a.do("GET", fmt.Sprintf("/api/v1/appeals/%d", waiting.id("id")), a.login("office"), nil)
	if got.JSON["stage"] != "closed" || got.JSON["close_reason"] != "unrated" || got.JSON["rating"] != nil {
		t.Errorf("after 7 days unrated: %s", got)
	}
	if n := eventCount(a, waiting.id("id"), "close_unrated"); n != 1 {
		t.Errorf("system closures: %d, want 1", n)
	}
	still := a.do("GET", fmt.Sprintf("/api/v1/appeals/%d", rated.id("id")), a.login("office"), nil)
	if still.JSON["stage"] != "feedback" || still.id("version") != rated.id("version") || eventCount(a, rated.id("id"), "remind_rating") != 0 {
		t.Errorf("a rated appeal was touched: %s", still)
	}
	if home = string(a.page("GET", "/", a.login("enterprise"), nil).Body); strings.Contains(home, number) && strings.Contains(home, "待您评价") &&
		strings.Contains(home, fmt.Sprintf(`href="/appeals/%d#actions"`, waiting.id("id"))) {
		t.Error("a closed appeal still asks for a rating")
	}
}

// TestUnsatisfiedSaysWhatNext: the page after a 不满意 rating says where the work goes.
func TestUnsatisfiedSaysWhatNext(t *testing.T) {
	a, _ := startLoopAPI(t)
	dept := a.me(a.login("department"))["department_id"]
	ap := toFeedback(a, dept)
	form := url.Values{"action": {"rate"}, "version": {fmt.Sprint(ap.id("version"))}, "resolved": {"no"},
		"satisfaction": {"unsatisfied"}, "note": {"问题没有解决"}}
	// This server's client follows the redirect, as a browser does.
	r := a.page("POST", fmt.Sprintf("/appeals/%d/actions", ap.id("id")), a.login("enterprise"), form)
	page := string(r.Body)
	if r.Status != 200 || !strings.Contains(page, "接下来会怎样") || !strings.Contains(page, str(ap.JSON, "department_name")+"重新整改") {
		t.Error("the page after 不满意 does not say what happens next")
	}
}

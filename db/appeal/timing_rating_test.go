package appeal_test

import (
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/dbtest"
	"qinqing/db/figures"
	"testing"
	"time"
)

// TestRatingTimers: a reminder after 3 days in 反馈, recorded once; the system closes as
// 未评价 after 7; a rated appeal is left alone; running again changes nothing.
func TestRatingTimers(t *testing.T) {
	w := dbtest.NewWorld(t)
	// The demo city has its own waiting appeals; step them first, so the counts below
	// are about this test's appeals alone.
	w.Advance(30 * day)
	if _, err := appeal.RatingTimers(dbtest.Ctx(), w.DB); err != nil {
		t.Fatal(err)
	}
	waiting := w.At(t, appeal.StageFeedback)
	rated := w.At(t, appeal.StageFeedback)
	rated = w.Act(t, w.Ent, rated, appeal.ActionInput{Action: appeal.ActRate, Resolved: dbtest.Ptr(true), Satisfaction: "satisfied"})
	run := func(want int) {
		t.Helper()
		n, err := appeal.RatingTimers(dbtest.Ctx(), w.DB)
		if err != nil || n != want {
			t.Fatalf("rating timers: %d steps, %v; want %d", n, err, want)
		}
	}
	events := func(id int64, act appeal.Action) int {
		return dbtest.CountOf(t, w.DB, "SELECT COUNT(*) FROM appeal_events WHERE appeal_id = ? AND action = ?", id, string(act))
	}

	w.Advance(3*day - time.Minute)
	run(0)
	w.Advance(time.Minute)
	run(1)
	run(0)
	w.Advance(2 * day)
	run(0)
	if got := events(waiting.ID, appeal.ActRemindRating); got != 1 {
		t.Errorf("reminders: %d, want 1", got)
	}
	if got := dbtest.CountOf(t, w.DB, "SELECT COUNT(*) FROM audit_events WHERE action = 'appeal.remind_rating' AND object_id = ?", waiting.ID); got != 1 {
		t.Errorf("reminder audit rows: %d, want 1", got)
	}
	due, err := appeal.AwaitingRating(dbtest.Ctx(), w.DB, w.Ent)
	if err != nil || len(due) != 1 || due[0].ID != waiting.ID || !due[0].Reminded {
		t.Fatalf("awaiting rating: %+v %v", due, err)
	}

	before := w.Snap(t, rated.ID)
	w.Advance(2*day - time.Minute)
	run(0)
	w.Advance(time.Minute)
	run(1)
	run(0)
	ap, err := appeal.Find(dbtest.Ctx(), w.DB, w.Office, waiting.ID)
	if err != nil {
		t.Fatal(err)
	}
	if ap.Stage != appeal.StageClosed || ap.CloseReason != "unrated" || ap.ClosedAt == nil || ap.Rating != nil {
		t.Errorf("after 7 days: stage %s, reason %q, closed %v, rating %v", ap.Stage, ap.CloseReason, ap.ClosedAt, ap.Rating)
	}
	if got := events(waiting.ID, appeal.ActCloseUnrated); got != 1 {
		t.Errorf("system closures: %d, want 1", got)
	}
	if got := dbtest.CountOf(t, w.DB, "SELECT COUNT(*) FROM appeal_events WHERE appeal_id = ? AND action = 'close_unrated' AND actor_role = 'system'", waiting.ID); got != 1 {
		t.Error("the closure is not the system's")
	}
	after, err := appeal.Find(dbtest.Ctx(), w.DB, db.SystemActor, rated.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after.Stage != appeal.StageFeedback || after.Version != before.Ap.Version || events(rated.ID, appeal.ActRemindRating) != 0 {
		t.Errorf("a rated appeal was touched: stage %s, version %d→%d", after.Stage, before.Ap.Version, after.Version)
	}
	if due, _ := appeal.AwaitingRating(dbtest.Ctx(), w.DB, w.Ent); len(due) != 0 {
		t.Errorf("still awaiting rating: %+v", due)
	}
	// 未评价 is not a rating: the figures do not count it as satisfied.
	f, err := figures.Overview(dbtest.Ctx(), w.DB, w.Office, appeal.Filter{From: dbtest.WorldStart.AddDate(0, 0, 30).Format("2006-01-02")})
	if err != nil {
		t.Fatal(err)
	}
	if f.Rated != 1 || f.Satisfactory != 1 || f.Closed != 1 {
		t.Errorf("figures over the two appeals: rated %d, satisfactory %d, closed %d; want 1, 1, 1", f.Rated, f.Satisfactory, f.Closed)
	}
}

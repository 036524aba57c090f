package figures_test

import (
	"math/rand/v2"
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/dbtest"
	"qinqing/db/figures"
	"testing"
	"time"
)

// sampleFixture is a city of three busy leaders and a fourth with one appeal, closed in
// time, resolved and rated satisfied: a perfect score on a sample of one.
func sampleFixture(t *testing.T) *db.DB {
	t.Helper()
	r := rand.New(rand.NewPCG(7, 7))
	list := dbtest.RandomAppeals(r, 1, 400, figuresNow.AddDate(0, -2, 0), figuresNow, 4, 3, 12)
	c := figuresNow.AddDate(0, 0, -10).Unix()
	list = append(list, dbtest.RawAppeal{Id: 900, Dept: 1, Assigned: []int64{1}, Leader: 4, Enterprise: 1, Category: "物流",
		Stage: appeal.StageClosed, Created: c, RespDue: c + 86400, Due: c + 5*86400, Accepted: dbtest.I64p(c + 60),
		Closed: dbtest.I64p(c + 86400), RatedAt: dbtest.I64p(c + 2*86400), CloseReason: "rated", Resolved: true, Satisfaction: "satisfied",
		Source: appeal.SourcePortal, Tier: appeal.TierFast})
	d := dbtest.MustFixture(t, list, 4, 4, 12)
	dbtest.FixedClock(d, figuresNow)
	return d
}

func TestRankingLeavesSmallSamplesUnranked(t *testing.T) {
	d := sampleFixture(t)
	f := appeal.Filter{From: figuresNow.AddDate(0, -2, 0).Format(db.DateLayout), To: figuresNow.Format(db.DateLayout)}
	rk, err := figures.Rankings(dbtest.Ctx(), d, dbtest.AdminActor, "leaders", f)
	if err != nil {
		t.Fatal(err)
	}
	if rk.MinSample != db.DefaultMinSample || len(rk.Items) != 3 || len(rk.Unranked) != 1 {
		t.Fatalf("min sample %d, ranked %d, unranked %+v", rk.MinSample, len(rk.Items), rk.Unranked)
	}
	small := rk.Unranked[0]
	if small.Label != "领导04" || small.Rank != 0 || small.Closed != 1 || small.Score == nil || *small.Score != 100 {
		t.Errorf("the leader with one appeal: %+v", small)
	}
	for _, it := range rk.Items {
		if it.Label == "领导04" || it.Closed < db.DefaultMinSample || it.Rank < 1 {
			t.Errorf("ranked: %+v", it)
		}
	}
	if rk.Items[0].Rank != 1 {
		t.Errorf("first place: %+v", rk.Items[0])
	}

	one := 1
	if _, err := d.SetReportSettings(dbtest.Ctx(), dbtest.AdminActor, db.ReportSettingsUpdate{MinSample: &one}); err != nil {
		t.Fatal(err)
	}
	rk, err = figures.Rankings(dbtest.Ctx(), d, dbtest.AdminActor, "leaders", f)
	if err != nil {
		t.Fatal(err)
	}
	if len(rk.Unranked) != 0 || rk.Items[0].Label != "领导04" || rk.Items[0].Rank != 1 {
		t.Errorf("with a sample of one the perfect score ranks first: %+v", rk.Items[0])
	}
}

func TestReportSettings(t *testing.T) {
	d := dbtest.MustOpen(t)
	rs, err := d.ReportSettings(dbtest.Ctx())
	if err != nil || rs != (db.ReportSettings{MinSample: db.DefaultMinSample, Issuer: db.DefaultIssuer}) {
		t.Fatalf("defaults: %+v (%v)", rs, err)
	}
	n, issuer := 8, "  某市营商办  "
	if _, err := d.SetReportSettings(dbtest.Ctx(), db.Actor{Role: db.RoleOffice}, db.ReportSettingsUpdate{MinSample: &n}); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Errorf("the office changes the report settings: %v", err)
	}
	for _, bad := range []int{0, -1, 1001} {
		if _, err := d.SetReportSettings(dbtest.Ctx(), dbtest.AdminActor, db.ReportSettingsUpdate{MinSample: &bad}); db.ErrorCode(err) != db.EINVALID {
			t.Errorf("min sample %d: %v", bad, err)
		}
	}
	blank := " "
	if _, err := d.SetReportSettings(dbtest.Ctx(), dbtest.AdminActor, db.ReportSettingsUpdate{Issuer: &blank}); db.ErrorCode(err) != db.EINVALID {
		t.Errorf("blank issuer: %v", err)
	}
	if rs, err = d.SetReportSettings(dbtest.Ctx(), dbtest.AdminActor, db.ReportSettingsUpdate{MinSample: &n, Issuer: &issuer}); err != nil || rs != (db.ReportSettings{MinSample: 8, Issuer: "某市营商办"}) {
		t.Errorf("set: %+v (%v)", rs, err)
	}
	// A nil field is left as it was.
	if rs, _ = d.SetReportSettings(dbtest.Ctx(), dbtest.AdminActor, db.ReportSettingsUpdate{}); rs.MinSample != 8 {
		t.Errorf("an empty update changed the settings: %+v", rs)
	}
}

func TestReportMonthAndDocNumber(t *testing.T) {
	for _, tt := range []struct {
		now        time.Time
		month, doc string
	}{
		{time.Date(2026, 11, 29, 12, 0, 0, 0, db.Zone), "2026-10", "〔2026〕10号"},
		{time.Date(2026, 1, 1, 0, 30, 0, 0, db.Zone), "2025-12", "〔2025〕12号"},
		{time.Date(2026, 3, 31, 23, 59, 0, 0, db.Zone), "2026-02", "〔2026〕2号"},
	} {
		if m := figures.LastCompleteMonth(tt.now); m != tt.month || figures.DocNumber(m) != tt.doc {
			t.Errorf("%s: month %s (%s)", tt.now, m, figures.DocNumber(m))
		}
	}
}

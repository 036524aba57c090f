package figures_test

import (
	"math/rand/v2"
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/dbtest"
	"qinqing/db/figures"
	"reflect"
	"strings"
	"testing"
	"time"
)

var figuresNow = time.Date(2026, 5, 20, 10, 0, 0, 0, db.Zone)

// figureFixture is 800 appeals over four months in a city of 4 departments, 3 leaders
// and 12 enterprises, plus department 5 that never had a rating.
func figureFixture(t *testing.T) (*db.DB, []dbtest.RawAppeal) {
	t.Helper()
	r := rand.New(rand.NewPCG(6, 6))
	list := dbtest.RandomAppeals(r, 1, 800, figuresNow.AddDate(0, -4, 0), figuresNow, 4, 3, 12)
	// Department 5 has closed and open appeals but no rating at all.
	for i, stage := range []appeal.Stage{appeal.StageClosed, appeal.StageRectifying} {
		c := figuresNow.AddDate(0, 0, -10).Unix()
		a := dbtest.RawAppeal{Id: int64(900 + i), Dept: 5, Assigned: []int64{5}, Category: "物流", Stage: stage, Created: c,
			RespDue: c + 86400, Due: c + 5*86400, Accepted: dbtest.I64p(c + 60), Leader: 1, Enterprise: 1, Source: appeal.SourcePortal, Tier: appeal.TierFast}
		if stage == appeal.StageClosed {
			a.Closed, a.CloseReason = dbtest.I64p(c+3*86400), "unrated"
		}
		list = append(list, a)
	}
	d := dbtest.MustFixture(t, list, 5, 3, 12)
	dbtest.FixedClock(d, figuresNow)
	return d, list
}

func selectRaw(list []dbtest.RawAppeal, keep func(dbtest.RawAppeal) bool) []dbtest.RawAppeal {
	var out []dbtest.RawAppeal
	for _, a := range list {
		if keep(a) {
			out = append(out, a)
		}
	}
	return out
}

func dayStart(s string) int64 {
	t, _ := time.ParseInLocation(db.DateLayout, s, db.Zone)
	return t.Unix()
}

// sameFigures compares every count and rate; a nil rate must be nil on both sides.
func sameFigures(t *testing.T, name string, got *figures.Figures, want figures.Figures) {
	t.Helper()
	g := *got
	g.HandlingSeconds, want.HandlingSeconds = 0, 0
	if !reflect.DeepEqual(g, want) {
		t.Errorf("%s:\n got %+v\nwant %+v\n rates got %v %v %v %v %v, want %v %v %v %v %v", name, g, want,
			dbtest.Fp(g.ResponseRate), dbtest.Fp(g.ResolutionRate), dbtest.Fp(g.SatisfactionRate), dbtest.Fp(g.OnTimeRate), dbtest.Fp(g.OnTimeExtendedRate),
			dbtest.Fp(want.ResponseRate), dbtest.Fp(want.ResolutionRate), dbtest.Fp(want.SatisfactionRate), dbtest.Fp(want.OnTimeRate), dbtest.Fp(want.OnTimeExtendedRate))
	}
}

func TestFiguresEqualRatesRecomputedFromRawAppeals(t *testing.T) {
	d, list := figureFixture(t)
	from, to := figuresNow.AddDate(0, -2, 0).Format(db.DateLayout), figuresNow.AddDate(0, 0, -3).Format(db.DateLayout)
	inPeriod := func(a dbtest.RawAppeal) bool { return a.Created >= dayStart(from) && a.Created < dayStart(to)+86400 }
	dept2 := db.Actor{UserID: 9, Name: "单位02", Role: db.RoleDepartment, DepartmentID: 2}
	ent3 := db.Actor{UserID: 8, Name: "企业3", Role: db.RoleEnterprise, EnterpriseID: 3}
	for _, c := range []struct {
		name  string
		actor db.Actor
		f     appeal.Filter
		keep  func(dbtest.RawAppeal) bool
	}{
		{"city", dbtest.AdminActor, appeal.Filter{}, func(dbtest.RawAppeal) bool { return true }},
		{"city in a period", dbtest.AdminActor, appeal.Filter{From: from, To: to}, inPeriod},
		{"department_id=2 for the office", db.Actor{Role: db.RoleOffice, Name: "专班"}, appeal.Filter{DepartmentID: 2},
			func(a dbtest.RawAppeal) bool { return a.Dept == 2 }},
		{"department_id=2 in a period", dbtest.AdminActor, appeal.Filter{DepartmentID: 2, From: from, To: to},
			func(a dbtest.RawAppeal) bool { return a.Dept == 2 && inPeriod(a) }},
		{"department 2 signed in: every appeal it was ever assigned", dept2, appeal.Filter{},
			func(a dbtest.RawAppeal) bool { return appeal.Contains(a.Assigned, 2) }},
		{"enterprise 3 signed in: its own", ent3, appeal.Filter{},
			func(a dbtest.RawAppeal) bool { return a.Enterprise == 3 && a.Source != appeal.SourceReport }},
		{"category and leader", dbtest.AdminActor, appeal.Filter{Category: "融资", LeaderID: 2},
			func(a dbtest.RawAppeal) bool { return a.Category == "融资" && a.Leader == 2 }},
		{"district", dbtest.AdminActor, appeal.Filter{DrillFilter: appeal.DrillFilter{District: "区1"}},
			func(a dbtest.RawAppeal) bool { return a.Enterprise != 0 && a.Enterprise%3 == 1 }},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := figures.Overview(dbtest.Ctx(), d, c.actor, c.f)
			if err != nil {
				t.Fatal(err)
			}
			want := dbtest.Expected(selectRaw(list, c.keep), figuresNow)
			if want.Filed == 0 || want.Rated == 0 || want.Handled == 0 {
				t.Fatalf("fixture too thin for %s: %+v", c.name, want)
			}
			sameFigures(t, c.name, got, want)
		})
	}
}

func TestFiguresWithoutDataAreNullNotZero(t *testing.T) {
	d, _ := figureFixture(t)
	got, err := figures.Overview(dbtest.Ctx(), d, dbtest.AdminActor, appeal.Filter{DepartmentID: 5})
	if err != nil {
		t.Fatal(err)
	}
	if got.Filed != 2 || got.Rated != 0 || got.ResolutionRate != nil || got.SatisfactionRate != nil {
		t.Errorf("department without ratings: %+v, resolution %v satisfaction %v", got, dbtest.Fp(got.ResolutionRate), dbtest.Fp(got.SatisfactionRate))
	}
	if got.OnTimeRate == nil || *got.OnTimeRate != 1 || got.ResponseRate == nil || *got.ResponseRate != 1 {
		t.Errorf("department 5 closed on time and responded: %v %v", dbtest.Fp(got.OnTimeRate), dbtest.Fp(got.ResponseRate))
	}
	empty, err := figures.Overview(dbtest.Ctx(), d, dbtest.AdminActor, appeal.Filter{From: "2020-01-01", To: "2020-01-31"})
	if err != nil {
		t.Fatal(err)
	}
	if empty.Filed != 0 || empty.ResponseRate != nil || empty.OnTimeRate != nil || empty.OnTimeExtendedRate != nil ||
		empty.AvgHandlingHours != nil || empty.P90HandlingHours != nil {
		t.Errorf("a period without appeals must have no rates: %+v", empty)
	}
}

func TestFiguresExtensionsAndReopenedAppeals(t *testing.T) {
	c := figuresNow.AddDate(0, 0, -20).Unix()
	base := dbtest.RawAppeal{Dept: 1, Assigned: []int64{1}, Category: "融资", Stage: appeal.StageClosed, Created: c, RespDue: c + 3600,
		Due: c + 86400, Accepted: dbtest.I64p(c + 60), Leader: 1, Enterprise: 1, Source: appeal.SourcePortal, Tier: appeal.TierImmediate,
		CloseReason: "resolved", RatedAt: dbtest.I64p(c + 5*86400), Resolved: true, Satisfaction: "satisfied"}
	a := base // late against the original due time, on time against its extension
	a.Id, a.Extended, a.Closed = 1, dbtest.I64p(c+3*86400), dbtest.I64p(c+2*86400)
	b := base // reopened three times, rated unsatisfied first and satisfied last: counted once
	b.Id, b.Reopens, b.Closed = 2, 3, dbtest.I64p(c+3600)
	e := base // late against both
	e.Id, e.Extended, e.Closed = 3, dbtest.I64p(c+2*86400), dbtest.I64p(c+4*86400)
	d := dbtest.MustFixture(t, []dbtest.RawAppeal{a, b, e}, 1, 1, 1)
	dbtest.FixedClock(d, figuresNow)
	got, err := figures.Overview(dbtest.Ctx(), d, dbtest.AdminActor, appeal.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Filed != 3 || got.Reopened != 1 || got.Rated != 3 || got.OnTime != 1 || got.OnTimeExtended != 2 {
		t.Errorf("got %+v", got)
	}
	if *got.OnTimeRate != 1.0/3 || *got.OnTimeExtendedRate != 2.0/3 || *got.SatisfactionRate != 1 {
		t.Errorf("on time %v, with extensions %v, satisfaction %v", *got.OnTimeRate, *got.OnTimeExtendedRate, *got.SatisfactionRate)
	}
	sameFigures(t, "three appeals", got, dbtest.Expected([]dbtest.RawAppeal{a, b, e}, figuresNow))
}

// TestFigureListsMatchFigures checks that each figure's drill-down filter lists exactly
// the appeals the figure counts, for an auditor; an admin's figures count the same city,
// reports included, while the lists behind them leave the reports out.
func TestFigureListsMatchFigures(t *testing.T) {
	d, _ := figureFixture(t)
	auditor := db.Actor{UserID: 1, Name: "测试纪检", Role: db.RoleAuditor}
	f := appeal.Filter{From: figuresNow.AddDate(0, -3, 0).Format(db.DateLayout), To: figuresNow.Format(db.DateLayout)}
	got, err := figures.Overview(dbtest.Ctx(), d, auditor, f)
	if err != nil {
		t.Fatal(err)
	}
	admins, err := figures.Overview(dbtest.Ctx(), d, dbtest.AdminActor, f)
	if err != nil {
		t.Fatal(err)
	}
	if admins.Filed != got.Filed || admins.Closed != got.Closed || admins.Rated != got.Rated {
		t.Errorf("city figures differ: admin %+v, auditor %+v", *admins, *got)
	}
	counts := map[string]int{"filed": got.Filed, "open": got.Open, "overdue": got.Overdue, "closed": got.Closed,
		"merged": got.Merged, "handled": got.Handled, "reopened": got.Reopened, "returned": got.Returned,
		"responded": got.Responded, "unresponded": got.Filed - got.Responded, "rated": got.Rated, "resolved": got.Resolved,
		"unresolved": got.Rated - got.Resolved, "satisfactory": got.Satisfactory, "unsatisfied": got.Unsatisfied,
		"on_time": got.OnTime, "late": got.Handled - got.OnTime, "on_time_extended": got.OnTimeExtended,
		"late_extended": got.Handled - got.OnTimeExtended}
	drill := f.Drill()
	total := func(a db.Actor, g appeal.Filter) int {
		t.Helper()
		g.Page = db.Page{Limit: 1}
		list, err := appeal.List(dbtest.Ctx(), d, a, g)
		if err != nil {
			t.Fatal(err)
		}
		return list.Total
	}
	reports := 0
	for name, want := range counts {
		g := f
		applyTestQuery(t, &g, drill[name])
		if n := total(auditor, g); n != want {
			t.Errorf("%s: figure %d, list (%s) %d", name, want, drill[name], n)
		}
		r := g
		r.Source = appeal.SourceReport
		n := total(auditor, r)
		reports += n
		if got := total(dbtest.AdminActor, g); got != want-n {
			t.Errorf("%s: admin lists %d, want %d without the %d reports", name, got, want-n, n)
		}
	}
	if reports == 0 {
		t.Error("the fixture has no reports: the admin's lists were not put to the test")
	}
}

// applyTestQuery sets the drill-down fields that a query string names, as the handler does.
func applyTestQuery(t *testing.T, f *appeal.Filter, q string) {
	t.Helper()
	yes, no := true, false
	for _, kv := range strings.Split(q, "&") {
		k, v, _ := strings.Cut(kv, "=")
		b := &no
		if v == "true" {
			b = &yes
		}
		switch k {
		case "stage":
			f.Stage = appeal.Stage(v)
		case "overdue":
			f.Overdue = b
		case "open":
			f.Open = b
		case "reopened":
			f.Reopened = b
		case "returned":
			f.Returned = b
		case "merged":
			f.Merged = b
		case "responded":
			f.Responded = v
		case "rated":
			f.Rated = v
		case "on_time":
			f.OnTime = v
		case "from", "to", "":
		default:
			t.Fatalf("unexpected drill parameter %s", k)
		}
	}
}

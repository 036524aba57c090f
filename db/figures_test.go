package db

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
)

var figuresNow = time.Date(2026, 5, 20, 10, 0, 0, 0, Zone)

// figureFixture is 800 appeals over four months in a city of 4 departments, 3 leaders
// and 12 enterprises, plus department 5 that never had a rating.
func figureFixture(t *testing.T) (*DB, []rawAppeal) {
	t.Helper()
	r := rand.New(rand.NewPCG(6, 6))
	list := randomAppeals(r, 1, 800, figuresNow.AddDate(0, -4, 0), figuresNow, 4, 3, 12)
	// Department 5 has closed and open appeals but no rating at all.
	for i, stage := range []Stage{StageClosed, StageRectifying} {
		c := figuresNow.AddDate(0, 0, -10).Unix()
		a := rawAppeal{id: int64(900 + i), dept: 5, assigned: []int64{5}, category: "物流", stage: stage, created: c,
			respDue: c + 86400, due: c + 5*86400, accepted: i64p(c + 60), leader: 1, enterprise: 1, source: SourcePortal, tier: TierFast}
		if stage == StageClosed {
			a.closed, a.closeReason = i64p(c+3*86400), "unrated"
		}
		list = append(list, a)
	}
	d := mustFixture(t, list, 5, 3, 12)
	fixedClock(d, figuresNow)
	return d, list
}

func selectRaw(list []rawAppeal, keep func(rawAppeal) bool) []rawAppeal {
	var out []rawAppeal
	for _, a := range list {
		if keep(a) {
			out = append(out, a)
		}
	}
	return out
}

func dayStart(s string) int64 {
	t, _ := time.ParseInLocation(DateLayout, s, Zone)
	return t.Unix()
}

// sameFigures compares every count and rate; a nil rate must be nil on both sides.
func sameFigures(t *testing.T, name string, got *Figures, want Figures) {
	t.Helper()
	g := *got
	g.handlingSeconds, want.handlingSeconds = 0, 0
	if !reflect.DeepEqual(g, want) {
		t.Errorf("%s:\n got %+v\nwant %+v\n rates got %v %v %v %v %v, want %v %v %v %v %v", name, g, want,
			fp(g.ResponseRate), fp(g.ResolutionRate), fp(g.SatisfactionRate), fp(g.OnTimeRate), fp(g.OnTimeExtendedRate),
			fp(want.ResponseRate), fp(want.ResolutionRate), fp(want.SatisfactionRate), fp(want.OnTimeRate), fp(want.OnTimeExtendedRate))
	}
}

func TestFiguresEqualRatesRecomputedFromRawAppeals(t *testing.T) {
	d, list := figureFixture(t)
	from, to := figuresNow.AddDate(0, -2, 0).Format(DateLayout), figuresNow.AddDate(0, 0, -3).Format(DateLayout)
	inPeriod := func(a rawAppeal) bool { return a.created >= dayStart(from) && a.created < dayStart(to)+86400 }
	dept2 := Actor{UserID: 9, Name: "单位02", Role: RoleDepartment, DepartmentID: 2}
	ent3 := Actor{UserID: 8, Name: "企业3", Role: RoleEnterprise, EnterpriseID: 3}
	for _, c := range []struct {
		name  string
		actor Actor
		f     AppealFilter
		keep  func(rawAppeal) bool
	}{
		{"city", adminActor, AppealFilter{}, func(rawAppeal) bool { return true }},
		{"city in a period", adminActor, AppealFilter{From: from, To: to}, inPeriod},
		{"department_id=2 for the office", Actor{Role: RoleOffice, Name: "专班"}, AppealFilter{DepartmentID: 2},
			func(a rawAppeal) bool { return a.dept == 2 }},
		{"department_id=2 in a period", adminActor, AppealFilter{DepartmentID: 2, From: from, To: to},
			func(a rawAppeal) bool { return a.dept == 2 && inPeriod(a) }},
		{"department 2 signed in: every appeal it was ever assigned", dept2, AppealFilter{},
			func(a rawAppeal) bool { return contains(a.assigned, 2) }},
		{"enterprise 3 signed in: its own", ent3, AppealFilter{},
			func(a rawAppeal) bool { return a.enterprise == 3 && a.source != SourceReport }},
		{"category and leader", adminActor, AppealFilter{Category: "融资", LeaderID: 2},
			func(a rawAppeal) bool { return a.category == "融资" && a.leader == 2 }},
		{"district", adminActor, AppealFilter{DrillFilter: DrillFilter{District: "区1"}},
			func(a rawAppeal) bool { return a.enterprise != 0 && a.enterprise%3 == 1 }},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := d.Overview(ctx(), c.actor, c.f)
			if err != nil {
				t.Fatal(err)
			}
			want := expected(selectRaw(list, c.keep), figuresNow)
			if want.Filed == 0 || want.Rated == 0 || want.Handled == 0 {
				t.Fatalf("fixture too thin for %s: %+v", c.name, want)
			}
			sameFigures(t, c.name, got, want)
		})
	}
}

func TestFiguresWithoutDataAreNullNotZero(t *testing.T) {
	d, _ := figureFixture(t)
	got, err := d.Overview(ctx(), adminActor, AppealFilter{DepartmentID: 5})
	if err != nil {
		t.Fatal(err)
	}
	if got.Filed != 2 || got.Rated != 0 || got.ResolutionRate != nil || got.SatisfactionRate != nil {
		t.Errorf("department without ratings: %+v, resolution %v satisfaction %v", got, fp(got.ResolutionRate), fp(got.SatisfactionRate))
	}
	if got.OnTimeRate == nil || *got.OnTimeRate != 1 || got.ResponseRate == nil || *got.ResponseRate != 1 {
		t.Errorf("department 5 closed on time and responded: %v %v", fp(got.OnTimeRate), fp(got.ResponseRate))
	}
	empty, err := d.Overview(ctx(), adminActor, AppealFilter{From: "2020-01-01", To: "2020-01-31"})
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
	base := rawAppeal{dept: 1, assigned: []int64{1}, category: "融资", stage: StageClosed, created: c, respDue: c + 3600,
		due: c + 86400, accepted: i64p(c + 60), leader: 1, enterprise: 1, source: SourcePortal, tier: TierImmediate,
		closeReason: "resolved", ratedAt: i64p(c + 5*86400), resolved: true, satisfaction: "satisfied"}
	a := base // late against the original due time, on time against its extension
	a.id, a.extended, a.closed = 1, i64p(c+3*86400), i64p(c+2*86400)
	b := base // reopened three times, rated unsatisfied first and satisfied last: counted once
	b.id, b.reopens, b.closed = 2, 3, i64p(c+3600)
	e := base // late against both
	e.id, e.extended, e.closed = 3, i64p(c+2*86400), i64p(c+4*86400)
	d := mustFixture(t, []rawAppeal{a, b, e}, 1, 1, 1)
	fixedClock(d, figuresNow)
	got, err := d.Overview(ctx(), adminActor, AppealFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Filed != 3 || got.Reopened != 1 || got.Rated != 3 || got.OnTime != 1 || got.OnTimeExtended != 2 {
		t.Errorf("got %+v", got)
	}
	if *got.OnTimeRate != 1.0/3 || *got.OnTimeExtendedRate != 2.0/3 || *got.SatisfactionRate != 1 {
		t.Errorf("on time %v, with extensions %v, satisfaction %v", *got.OnTimeRate, *got.OnTimeExtendedRate, *got.SatisfactionRate)
	}
	sameFigures(t, "three appeals", got, expected([]rawAppeal{a, b, e}, figuresNow))
}

// TestFigureListsMatchFigures checks that each figure's drill-down filter lists exactly
// the appeals the figure counts, for an auditor; an admin's figures count the same city,
// reports included, while the lists behind them leave the reports out.
func TestFigureListsMatchFigures(t *testing.T) {
	d, _ := figureFixture(t)
	auditor := Actor{UserID: 1, Name: "测试纪检", Role: RoleAuditor}
	f := AppealFilter{From: figuresNow.AddDate(0, -3, 0).Format(DateLayout), To: figuresNow.Format(DateLayout)}
	got, err := d.Overview(ctx(), auditor, f)
	if err != nil {
		t.Fatal(err)
	}
	admins, err := d.Overview(ctx(), adminActor, f)
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
	total := func(a Actor, g AppealFilter) int {
		t.Helper()
		g.Page = Page{Limit: 1}
		list, err := d.ListAppeals(ctx(), a, g)
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
		r.Source = SourceReport
		n := total(auditor, r)
		reports += n
		if got := total(adminActor, g); got != want-n {
			t.Errorf("%s: admin lists %d, want %d without the %d reports", name, got, want-n, n)
		}
	}
	if reports == 0 {
		t.Error("the fixture has no reports: the admin's lists were not put to the test")
	}
}

// applyTestQuery sets the drill-down fields that a query string names, as the handler does.
func applyTestQuery(t *testing.T, f *AppealFilter, q string) {
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
			f.Stage = Stage(v)
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

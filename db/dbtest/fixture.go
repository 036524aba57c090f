package dbtest

import (
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/figures"
	"sort"
	"testing"
	"time"
)

// rawAppeal is an appeal as the figures see it: only the columns they are computed from.
type RawAppeal struct {
	Id                                  int64
	Dept, Leader, Enterprise            int64 // 0: none
	Category                            string
	Stage                               appeal.Stage
	Created, RespDue, Due               int64
	Accepted, Closed, Extended, RatedAt *int64
	CloseReason                         string
	Reopens, Returns                    int
	Resolved                            bool
	Satisfaction                        string
	Assigned                            []int64 // every department it was assigned to
	Source                              appeal.Source
	Tier                                appeal.Tier
}

func I64p(v int64) *int64 { return &v }

// seedCity adds departments 1..nd, leaders 1..nl and enterprises 1..ne (districts 区0, 区1, …).
func SeedCity(tb testing.TB, tx *sql.Tx, nd, nl, ne int) {
	tb.Helper()
	now := time.Now().Unix()
	exec := func(q string, args ...any) {
		if _, err := tx.Exec(q, args...); err != nil {
			tb.Fatalf("%s: %v", q, err)
		}
	}
	for i := 1; i <= nd; i++ {
		exec("INSERT INTO departments (id, name, created_at) VALUES (?, ?, ?)", i, fmt.Sprintf("单位%02d", i), now)
	}
	for i := 1; i <= nl; i++ {
		exec("INSERT INTO leaders (id, name, created_at) VALUES (?, ?, ?)", i, fmt.Sprintf("领导%02d", i), now)
	}
	for i := 1; i <= ne; i++ {
		exec("INSERT INTO enterprises (id, name, credit_code, district, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
			i, fmt.Sprintf("企业%d", i), fmt.Sprintf("TEST%014d", i), fmt.Sprintf("区%d", i%3), now, now)
	}
}

// insertRaw writes appeals straight into the table in one transaction, bypassing the
// workflow: the figures are a function of the stored columns, whatever wrote them.
func InsertRaw(tb testing.TB, tx *sql.Tx, list []RawAppeal) {
	tb.Helper()
	st, err := tx.Prepare(`INSERT INTO appeals (id, number, title, content, category, source, tier, stage,
		enterprise_id, leader_id, department_id, created_at, response_due_at, due_at, extended_due_at, accepted_at,
		closed_at, close_reason, reopen_count, return_count, rated_at, resolved, satisfaction, updated_at)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		tb.Fatal(err)
	}
	defer st.Close()
	ad, err := tx.Prepare("INSERT INTO appeal_departments (appeal_id, department_id) VALUES (?, ?) ON CONFLICT DO NOTHING")
	if err != nil {
		tb.Fatal(err)
	}
	defer ad.Close()
	null := func(v int64) any {
		if v == 0 {
			return nil
		}
		return v
	}
	for _, a := range list {
		var reason, sat, resolved any
		if a.CloseReason != "" {
			reason = a.CloseReason
		}
		if a.RatedAt != nil {
			sat, resolved = a.Satisfaction, a.Resolved
		}
		_, err := st.Exec(a.Id, fmt.Sprintf("SQ-T%07d", a.Id), "诉求标题", "诉求内容", a.Category, string(a.Source), string(a.Tier),
			string(a.Stage), null(a.Enterprise), null(a.Leader), null(a.Dept), a.Created, a.RespDue, a.Due, a.Extended,
			a.Accepted, a.Closed, reason, a.Reopens, a.Returns, a.RatedAt, resolved, sat, a.Created)
		if err != nil {
			tb.Fatalf("insert appeal %d: %v", a.Id, err)
		}
		for _, d := range a.Assigned {
			if _, err := ad.Exec(a.Id, d); err != nil {
				tb.Fatal(err)
			}
		}
	}
}

var TestCategories = []string{"政策兑现", "审批服务", "融资", "用工", "物流"}

// randomAppeals makes n appeals filed between start and end with every combination of
// the facts the figures count, some of them edge cases: accepted exactly at the
// response deadline, closed after the original but before the extended due time,
// reopened several times, rated then reopened, merged.
func RandomAppeals(r *rand.Rand, firstID int64, n int, start, end time.Time, nd, nl, ne int) []RawAppeal {
	out := make([]RawAppeal, 0, n)
	span := end.Unix() - start.Unix()
	for i := 0; i < n; i++ {
		created := start.Unix() + r.Int64N(span)
		a := RawAppeal{Id: firstID + int64(i), Created: created, RespDue: created + 86400, Due: created + 5*86400,
			Category: TestCategories[r.IntN(len(TestCategories))], Leader: int64(1 + r.IntN(nl)),
			Enterprise: int64(1 + r.IntN(ne)), Source: appeal.Sources[r.IntN(len(appeal.Sources))], Tier: appeal.Tiers[r.IntN(len(appeal.Tiers))]}
		if r.IntN(12) == 0 {
			a.Leader = 0
		}
		a.Stage = appeal.Stages[r.IntN(len(appeal.Stages))]
		if r.IntN(3) > 0 {
			a.Stage = appeal.StageClosed
		}
		if a.Stage != appeal.StageDiscovered {
			switch r.IntN(4) {
			case 0:
				a.Accepted = I64p(a.RespDue) // exactly on the deadline counts as on time
			case 1:
				a.Accepted = I64p(a.RespDue + 1 + r.Int64N(86400))
			default:
				a.Accepted = I64p(created + r.Int64N(86400))
			}
		}
		if a.Stage == appeal.StageRectifying || a.Stage == appeal.StageFeedback || a.Stage == appeal.StageClosed {
			a.Dept = int64(1 + r.IntN(nd))
			a.Assigned = []int64{a.Dept}
			if r.IntN(6) == 0 { // reassigned: the first department keeps seeing it
				a.Assigned = append(a.Assigned, int64(1+(int(a.Dept)%nd)))
			}
		}
		if r.IntN(5) == 0 {
			a.Extended = I64p(a.Due + int64(1+r.IntN(10))*86400)
		}
		if a.Stage == appeal.StageClosed {
			a.Closed = I64p(created + r.Int64N(12*86400))
			a.CloseReason = "resolved"
			if r.IntN(10) == 0 {
				a.CloseReason = "merged"
			} else if r.IntN(8) == 0 {
				a.CloseReason = "unrated"
			}
		}
		if (a.Stage == appeal.StageClosed && a.CloseReason == "resolved") || (a.Stage == appeal.StageRectifying && r.IntN(3) == 0) {
			a.RatedAt = I64p(created + 86400)
			a.Resolved = r.IntN(4) > 0
			a.Satisfaction = []string{"satisfied", "basic", "unsatisfied"}[r.IntN(3)]
		}
		if r.IntN(7) == 0 {
			a.Reopens = 1 + r.IntN(3)
		}
		if r.IntN(9) == 0 {
			a.Returns = 1 + r.IntN(2)
		}
		out = append(out, a)
	}
	return out
}

// expected computes the figures from raw appeals directly from contract §6, without the
// generated columns: the reference the database's figures must equal.
func Expected(list []RawAppeal, now time.Time) figures.Figures {
	var f figures.Figures
	var handling []int64
	for _, a := range list {
		f.Filed++
		if a.Stage == appeal.StageClosed {
			f.Closed++
		} else {
			f.Open++
		}
		if a.Stage != appeal.StageClosed && a.Stage != appeal.StageFeedback {
			due := a.Due
			if a.Extended != nil {
				due = *a.Extended
			}
			if now.Unix() > due || a.Accepted == nil && now.Unix() > a.RespDue {
				f.Overdue++
			}
		}
		if a.Accepted != nil && *a.Accepted <= a.RespDue {
			f.Responded++
		}
		if a.RatedAt != nil {
			f.Rated++
			if a.Resolved {
				f.Resolved++
			}
			if a.Satisfaction == "satisfied" || a.Satisfaction == "basic" {
				f.Satisfactory++
			} else {
				f.Unsatisfied++
			}
		}
		if a.Stage == appeal.StageClosed && a.CloseReason == "merged" {
			f.Merged++
		}
		if a.Stage == appeal.StageClosed && a.CloseReason != "merged" {
			f.Handled++
			if *a.Closed <= a.Due {
				f.OnTime++
			}
			ext := a.Due
			if a.Extended != nil {
				ext = *a.Extended
			}
			if *a.Closed <= ext {
				f.OnTimeExtended++
			}
			handling = append(handling, *a.Closed-a.Created)
			f.HandlingSeconds += *a.Closed - a.Created
		}
		if a.Reopens > 0 {
			f.Reopened++
		}
		if a.Returns > 0 {
			f.Returned++
		}
	}
	f.Finish()
	if len(handling) > 0 {
		sort.Slice(handling, func(i, j int) bool { return handling[i] < handling[j] })
		p := figures.Round(float64(handling[int(math.Ceil(0.9*float64(len(handling))))-1])/3600, 2)
		f.P90HandlingHours = &p
	}
	return f
}

// mustFixture opens a database holding a small city and the given appeals.
func MustFixture(tb testing.TB, list []RawAppeal, nd, nl, ne int) *db.DB {
	tb.Helper()
	d := MustOpen(tb)
	tx, err := d.Write.Begin()
	if err != nil {
		tb.Fatal(err)
	}
	SeedCity(tb, tx, nd, nl, ne)
	InsertRaw(tb, tx, list)
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
	return d
}

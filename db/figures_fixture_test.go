package db

import (
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"testing"
	"time"
)

// rawAppeal is an appeal as the figures see it: only the columns they are computed from.
type rawAppeal struct {
	id                                  int64
	dept, leader, enterprise            int64 // 0: none
	category                            string
	stage                               Stage
	created, respDue, due               int64
	accepted, closed, extended, ratedAt *int64
	closeReason                         string
	reopens, returns                    int
	resolved                            bool
	satisfaction                        string
	assigned                            []int64 // every department it was assigned to
	source                              Source
	tier                                Tier
}

func i64p(v int64) *int64 { return &v }

// seedCity adds departments 1..nd, leaders 1..nl and enterprises 1..ne (districts 区0, 区1, …).
func seedCity(tb testing.TB, tx *sql.Tx, nd, nl, ne int) {
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
func insertRaw(tb testing.TB, tx *sql.Tx, list []rawAppeal) {
	tb.Helper()
	st, err := tx.Prepare(`INSERT INTO appeals (id, number, title, content, category, source, tier, stage,
		enterprise_id, leader_id, department_id, created_at, response_due_at, due_at, extended_due_at, accepted_at,
		closed_at, close_reason, reopen_count, return_count, rated_at, resolved, satisfaction, updated_at)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		tb.Fatal(err)
	}
	defer st.Close()
	ad, err := tx.Prepare("INSERT OR IGNORE INTO appeal_departments (appeal_id, department_id) VALUES (?, ?)")
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
		if a.closeReason != "" {
			reason = a.closeReason
		}
		if a.ratedAt != nil {
			sat, resolved = a.satisfaction, a.resolved
		}
		_, err := st.Exec(a.id, fmt.Sprintf("SQ-T%07d", a.id), "诉求标题", "诉求内容", a.category, string(a.source), string(a.tier),
			string(a.stage), null(a.enterprise), null(a.leader), null(a.dept), a.created, a.respDue, a.due, a.extended,
			a.accepted, a.closed, reason, a.reopens, a.returns, a.ratedAt, resolved, sat, a.created)
		if err != nil {
			tb.Fatalf("insert appeal %d: %v", a.id, err)
		}
		for _, d := range a.assigned {
			if _, err := ad.Exec(a.id, d); err != nil {
				tb.Fatal(err)
			}
		}
	}
}

var testCategories = []string{"政策兑现", "审批服务", "融资", "用工", "物流"}

// randomAppeals makes n appeals filed between start and end with every combination of
// the facts the figures count, some of them edge cases: accepted exactly at the
// response deadline, closed after the original but before the extended due time,
// reopened several times, rated then reopened, merged.
func randomAppeals(r *rand.Rand, firstID int64, n int, start, end time.Time, nd, nl, ne int) []rawAppeal {
	out := make([]rawAppeal, 0, n)
	span := end.Unix() - start.Unix()
	for i := 0; i < n; i++ {
		created := start.Unix() + r.Int64N(span)
		a := rawAppeal{id: firstID + int64(i), created: created, respDue: created + 86400, due: created + 5*86400,
			category: testCategories[r.IntN(len(testCategories))], leader: int64(1 + r.IntN(nl)),
			enterprise: int64(1 + r.IntN(ne)), source: Sources[r.IntN(len(Sources))], tier: Tiers[r.IntN(len(Tiers))]}
		if r.IntN(12) == 0 {
			a.leader = 0
		}
		a.stage = Stages[r.IntN(len(Stages))]
		if r.IntN(3) > 0 {
			a.stage = StageClosed
		}
		if a.stage != StageDiscovered {
			switch r.IntN(4) {
			case 0:
				a.accepted = i64p(a.respDue) // exactly on the deadline counts as on time
			case 1:
				a.accepted = i64p(a.respDue + 1 + r.Int64N(86400))
			default:
				a.accepted = i64p(created + r.Int64N(86400))
			}
		}
		if a.stage == StageRectifying || a.stage == StageFeedback || a.stage == StageClosed {
			a.dept = int64(1 + r.IntN(nd))
			a.assigned = []int64{a.dept}
			if r.IntN(6) == 0 { // reassigned: the first department keeps seeing it
				a.assigned = append(a.assigned, int64(1+(int(a.dept)%nd)))
			}
		}
		if r.IntN(5) == 0 {
			a.extended = i64p(a.due + int64(1+r.IntN(10))*86400)
		}
		if a.stage == StageClosed {
			a.closed = i64p(created + r.Int64N(12*86400))
			a.closeReason = "resolved"
			if r.IntN(10) == 0 {
				a.closeReason = "merged"
			} else if r.IntN(8) == 0 {
				a.closeReason = "unrated"
			}
		}
		if (a.stage == StageClosed && a.closeReason == "resolved") || (a.stage == StageRectifying && r.IntN(3) == 0) {
			a.ratedAt = i64p(created + 86400)
			a.resolved = r.IntN(4) > 0
			a.satisfaction = []string{"satisfied", "basic", "unsatisfied"}[r.IntN(3)]
		}
		if r.IntN(7) == 0 {
			a.reopens = 1 + r.IntN(3)
		}
		if r.IntN(9) == 0 {
			a.returns = 1 + r.IntN(2)
		}
		out = append(out, a)
	}
	return out
}

// expected computes the figures from raw appeals directly from contract §6, without the
// generated columns: the reference the database's figures must equal.
func expected(list []rawAppeal, now time.Time) Figures {
	var f Figures
	var handling []int64
	for _, a := range list {
		f.Filed++
		if a.stage == StageClosed {
			f.Closed++
		} else {
			f.Open++
		}
		if a.stage != StageClosed && a.stage != StageFeedback {
			due := a.due
			if a.extended != nil {
				due = *a.extended
			}
			if now.Unix() > due || a.accepted == nil && now.Unix() > a.respDue {
				f.Overdue++
			}
		}
		if a.accepted != nil && *a.accepted <= a.respDue {
			f.Responded++
		}
		if a.ratedAt != nil {
			f.Rated++
			if a.resolved {
				f.Resolved++
			}
			if a.satisfaction == "satisfied" || a.satisfaction == "basic" {
				f.Satisfactory++
			} else {
				f.Unsatisfied++
			}
		}
		if a.stage == StageClosed && a.closeReason == "merged" {
			f.Merged++
		}
		if a.stage == StageClosed && a.closeReason != "merged" {
			f.Handled++
			if *a.closed <= a.due {
				f.OnTime++
			}
			ext := a.due
			if a.extended != nil {
				ext = *a.extended
			}
			if *a.closed <= ext {
				f.OnTimeExtended++
			}
			handling = append(handling, *a.closed-a.created)
			f.handlingSeconds += *a.closed - a.created
		}
		if a.reopens > 0 {
			f.Reopened++
		}
		if a.returns > 0 {
			f.Returned++
		}
	}
	f.finish()
	if len(handling) > 0 {
		sort.Slice(handling, func(i, j int) bool { return handling[i] < handling[j] })
		p := round(float64(handling[int(math.Ceil(0.9*float64(len(handling))))-1])/3600, 2)
		f.P90HandlingHours = &p
	}
	return f
}

// mustFixture opens a database holding a small city and the given appeals.
func mustFixture(tb testing.TB, list []rawAppeal, nd, nl, ne int) *DB {
	tb.Helper()
	d := mustOpen(tb)
	tx, err := d.write.Begin()
	if err != nil {
		tb.Fatal(err)
	}
	seedCity(tb, tx, nd, nl, ne)
	insertRaw(tb, tx, list)
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
	return d
}

package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"qinqing/db"
	"qinqing/db/ledger"
	"sort"
	"strings"
	"time"
)

// demoVisit is one visit of the demo year, before it is written.
type demoVisit struct {
	day        time.Time // the civil day, in Zone
	leader     db.Actor
	enterprise int64
	firm       string
	appeals    []int64 // visit-source appeals filed that day, to be linked
}

// demoPair is an active pair with what the demo needs to plan its visits.
type demoPair struct {
	leader     db.Actor
	enterprise int64
	firm       string
	since      time.Time
}

// BuildDemoVisits gives the demo city a year of visits after its appeals: most leaders
// keep in touch every one to three months, some slip, and a few pairs go unvisited for
// longer than the 90-day cadence. Each visit-source appeal the year holds is linked to a
// visit on the day it was filed, by the leader who filed it.
func BuildVisits(ctx context.Context, d *db.DB) (int, error) {
	var n int
	if err := d.Read.QueryRowContext(ctx, "SELECT COUNT(*) FROM visits").Scan(&n); err != nil {
		return 0, fmt.Errorf("db: demo visits: %w", err)
	}
	if n > 0 {
		return 0, db.Errorf(db.ECONFLICT, "数据库中已有走访记录，未生成演示走访。")
	}
	pairs, err := demoPairs(ctx, d)
	if err != nil {
		return 0, err
	}
	now := d.Now().In(db.Zone)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, db.Zone)
	r := rand.New(rand.NewPCG(demoSeed, 0x7669736974))
	byDay := map[string]*demoVisit{}
	key := func(p demoPair, day time.Time) string {
		return fmt.Sprintf("%d/%d/%s", p.leader.LeaderID, p.enterprise, day.Format(db.DateLayout))
	}
	index := map[int64]demoPair{}
	for _, p := range pairs {
		index[p.enterprise] = p
		for _, day := range planDemoVisits(r, p.since, today) {
			byDay[key(p, day)] = &demoVisit{day: day, leader: p.leader, enterprise: p.enterprise, firm: p.firm}
		}
	}
	if err := linkDemoAppeals(ctx, d, index, byDay, key); err != nil {
		return 0, err
	}
	visits := make([]*demoVisit, 0, len(byDay))
	for _, v := range byDay {
		visits = append(visits, v)
	}
	sort.Slice(visits, func(i, j int) bool {
		if !visits[i].day.Equal(visits[j].day) {
			return visits[i].day.Before(visits[j].day)
		}
		return visits[i].enterprise < visits[j].enterprise
	})
	linked := 0
	err = d.Update(ctx, func(tx *db.Tx) error {
		for _, v := range visits {
			// Logged in the afternoon of the visit, as a leader would on the way back.
			tx.Now = v.day.Add(time.Duration(15*60+r.IntN(180)) * time.Minute)
			if tx.Now.After(now) {
				tx.Now = now.Truncate(time.Second)
			}
			id, err := ledger.InsertVisit(tx, v.leader, demoVisitInput(r, v))
			if err != nil {
				return fmt.Errorf("db: demo visit: %w", err)
			}
			for _, ap := range v.appeals {
				if _, err := tx.Exec("UPDATE appeals SET visit_id = ? WHERE id = ?", id, ap); err != nil {
					return fmt.Errorf("db: demo visit %d appeal %d: %w", id, ap, err)
				}
				linked++
			}
		}
		tx.Now = now.Truncate(time.Second)
		return tx.Audit(db.SystemActor, "demo.visits", "city", 0, map[string]int{"visits": len(visits), "linked_appeals": linked})
	})
	if err != nil {
		return 0, err
	}
	return len(visits), nil
}

// demoPairs reads the active pairs with their leaders as actors (the leader's account,
// where one exists, logs their visits).
func demoPairs(ctx context.Context, d *db.DB) ([]demoPair, error) {
	rows, err := d.Read.QueryContext(ctx, `SELECT p.leader_id, ld.name,
			COALESCE((SELECT MIN(u.id) FROM users u WHERE u.leader_id = p.leader_id AND u.role = 'leader'), 0),
			p.enterprise_id, e.name, p.since
		FROM liaisons p JOIN leaders ld ON ld.id = p.leader_id JOIN enterprises e ON e.id = p.enterprise_id
		WHERE p.until IS NULL ORDER BY p.enterprise_id`)
	if err != nil {
		return nil, fmt.Errorf("db: demo pairs: %w", err)
	}
	defer rows.Close()
	var out []demoPair
	for rows.Next() {
		var p demoPair
		var since string
		if err := rows.Scan(&p.leader.LeaderID, &p.leader.Name, &p.leader.UserID, &p.enterprise, &p.firm, &since); err != nil {
			return nil, fmt.Errorf("db: demo pairs: %w", err)
		}
		p.leader.Role = db.RoleLeader
		if p.since, err = time.ParseInLocation(db.DateLayout, since, db.Zone); err != nil {
			return nil, fmt.Errorf("db: demo pair since %q: %w", since, err)
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil, db.Errorf(db.EINVALID, "演示走访需要先生成演示城市。")
	}
	return out, rows.Err()
}

// planDemoVisits picks the days a pair was visited over the last year. Most pairs are
// visited every one to three months; some less; about one in eight stops being
// visited months ago, so that the ledger has overdue pairs to flag.
func planDemoVisits(r *rand.Rand, since, today time.Time) []time.Time {
	from := today.AddDate(-1, 0, 0)
	if since.After(from) {
		from = since
	}
	lo, hi := 25, 85
	stop := today
	switch x := r.Float64(); {
	case x < 0.12:
		stop = today.AddDate(0, 0, -(95 + r.IntN(150)))
	case x < 0.30:
		lo, hi = 60, 140
	}
	var days []time.Time
	for day := from.AddDate(0, 0, r.IntN(hi)); !day.After(stop); day = day.AddDate(0, 0, lo+r.IntN(hi-lo+1)) {
		days = append(days, day)
	}
	return days
}

// linkDemoAppeals adds, for each visit-source appeal of a current pair filed by its
// leader, a visit on the day it was filed, and notes the appeal to link to it.
func linkDemoAppeals(ctx context.Context, d *db.DB, pairs map[int64]demoPair, byDay map[string]*demoVisit,
	key func(demoPair, time.Time) string) error {
	rows, err := d.Read.QueryContext(ctx, `SELECT id, enterprise_id, leader_id, created_at FROM appeals
		WHERE source = 'visit' AND visit_id IS NULL AND enterprise_id IS NOT NULL AND leader_id IS NOT NULL ORDER BY id`)
	if err != nil {
		return fmt.Errorf("db: demo visit appeals: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, enterprise, leader, created int64
		if err := rows.Scan(&id, &enterprise, &leader, &created); err != nil {
			return fmt.Errorf("db: demo visit appeals: %w", err)
		}
		p, ok := pairs[enterprise]
		t := time.Unix(created, 0).In(db.Zone)
		day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, db.Zone)
		if !ok || p.leader.LeaderID != leader || day.Before(p.since) {
			continue
		}
		k := key(p, day)
		if byDay[k] == nil {
			byDay[k] = &demoVisit{day: day, leader: p.leader, enterprise: enterprise, firm: p.firm}
		}
		byDay[k].appeals = append(byDay[k].appeals, id)
	}
	return rows.Err()
}

var demoVisitText = struct {
	Participants []string
	Summaries    map[ledger.VisitMode][]string
}{
	Participants: []string{"企业总经理", "企业董事长、财务总监", "企业负责人、区工信局", "企业负责人、属地街道", "企业生产副总、安全总监",
		"企业负责人、市营商局", "企业办公室主任", "企业负责人、项目管家"},
	Summaries: map[ledger.VisitMode][]string{
		ledger.ModeOnsite: {
			"实地察看{E}生产车间和在建项目，企业订单饱满，生产经营总体平稳。",
			"走访{E}，了解技改扩能项目进展，企业希望加快办理相关审批手续。",
			"陪同相关部门到{E}现场办公，协调解决企业生产中的具体困难。",
			"走访{E}，宣传惠企政策兑现流程，指导企业申报专项资金。",
		},
		ledger.ModePhone: {
			"电话回访{E}，前期反映的问题已办结，企业表示满意。",
			"电话了解{E}近期用工和原材料供应情况，企业生产正常。",
		},
		ledger.ModeMeeting: {
			"与{E}负责人座谈，了解生产经营、用工和融资情况，宣讲助企纾困政策。",
			"召开{E}等企业座谈会，企业反映原材料运输成本上升，已记录并转相关部门研究。",
		},
		ledger.ModeOnline: {
			"线上视频连线{E}，听取企业对营商环境的意见建议。",
			"通过线上会议了解{E}项目融资进展，企业暂无新的诉求。",
		},
	},
}

func demoVisitInput(r *rand.Rand, v *demoVisit) ledger.VisitInput {
	mode := ledger.ModeOnsite
	switch x := r.Float64(); {
	case len(v.appeals) > 0:
	case x < 0.2:
		mode = ledger.ModePhone
	case x < 0.35:
		mode = ledger.ModeMeeting
	case x < 0.45:
		mode = ledger.ModeOnline
	}
	summary := strings.ReplaceAll(pick(r, demoVisitText.Summaries[mode]), "{E}", v.firm)
	if len(v.appeals) > 0 {
		summary = "实地走访" + v.firm + "，听取企业诉求，现场发现的问题已登记为诉求并转专班受理。"
	}
	return ledger.VisitInput{EnterpriseID: v.enterprise, LeaderID: v.leader.LeaderID, VisitedAt: v.day.Format(db.DateLayout),
		Mode: mode, Participants: pick(r, demoVisitText.Participants), Summary: summary}
}

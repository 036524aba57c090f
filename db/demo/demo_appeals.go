package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/register"
	"sort"
	"strconv"
	"strings"
	"time"
)

// DemoAppeals is how many appeals the demo city gets over its last twelve months.
const Appeals = 2000

// demoStep is one thing that happens to one demo appeal at one time.
type demoStep struct {
	at     time.Time
	appeal int
	actor  db.Actor
	in     appeal.ActionInput // Action "file" files the appeal
	file   appeal.Input
}

// demoCast are the people who act in the demo city's appeals.
type demoCast struct {
	office, auditor db.Actor
	departments     map[string]db.Actor // by department name
	deptIDs         map[string]int64
	enterprises     []demoFirm
	leaders         map[int64]db.Actor
}

type demoFirm struct {
	id, leader int64
	name       string
}

// BuildDemoAppeals plays a year of the closed loop through the real workflow, in time
// order, so that every appeal, event and audit row is one the product itself could
// have written. Steps that would fall after now are left undone, which leaves recent
// appeals in every stage and some of them overdue.
func BuildAppeals(ctx context.Context, d *db.DB, n int) (int, error) {
	var count int
	if err := d.Read.QueryRowContext(ctx, "SELECT COUNT(*) FROM appeals").Scan(&count); err != nil {
		return 0, err
	}
	if count > 0 {
		return 0, db.Errorf(db.ECONFLICT, "数据库中已有诉求，未生成演示诉求。")
	}
	cast, err := castOf(ctx, d)
	if err != nil {
		return 0, err
	}
	now := d.Now()
	r := rand.New(rand.NewPCG(demoSeed, 0x61707065616c73))
	var steps []demoStep
	for i := 0; i < n; i++ {
		steps = append(steps, planDemoAppeal(r, cast, i, now)...)
	}
	sort.SliceStable(steps, func(i, j int) bool { return steps[i].at.Before(steps[j].at) })
	ids := make([]int64, n)
	done := 0
	err = d.Update(ctx, func(tx *db.Tx) error {
		for _, s := range steps {
			if s.at.After(now) {
				break
			}
			tx.Now = s.at.Truncate(time.Second)
			if s.in.Action == "file" {
				ap, err := appeal.FileAppeal(tx, s.actor, s.file)
				if err != nil {
					return fmt.Errorf("db: demo appeal %d: %w", s.appeal, err)
				}
				ids[s.appeal] = ap.ID
				done++
				continue
			}
			id := ids[s.appeal]
			if s.in.Action == appeal.ActRemindRating || s.in.Action == appeal.ActCloseUnrated {
				// The minute clock's own step; it does nothing if a rating came first.
				if _, err := appeal.RatingStep(tx, id); err != nil {
					return fmt.Errorf("db: demo appeal %d %s: %w", s.appeal, s.in.Action, err)
				}
				continue
			}
			if s.in.Action == appeal.ActMerge {
				var target int64
				err := tx.QueryRow(`SELECT COALESCE(MAX(o.id), 0) FROM appeals o JOIN appeals a ON a.id = ?
					WHERE o.enterprise_id = a.enterprise_id AND o.id < a.id AND o.stage != 'closed' AND o.merged_into IS NULL
					AND (o.source = 'report') = (a.source = 'report')`, id).Scan(&target)
				if err != nil {
					return err
				}
				if target == 0 {
					s.in = appeal.ActionInput{Action: appeal.ActReject, Note: pick(r, demoReplies.Reject)}
				} else {
					s.in.TargetID = &target
				}
			}
			if err := tx.QueryRow("SELECT version FROM appeals WHERE id = ?", id).Scan(&s.in.Version); err != nil {
				return fmt.Errorf("db: demo appeal %d: %w", s.appeal, err)
			}
			if _, err := appeal.ActTx(tx, s.actor, id, s.in); err != nil {
				return fmt.Errorf("db: demo appeal %d %s: %w", s.appeal, s.in.Action, err)
			}
		}
		tx.Now = now.Truncate(time.Second)
		return tx.Audit(db.SystemActor, "demo.appeals", "city", 0, map[string]int{"appeals": done})
	})
	return done, err
}

func castOf(ctx context.Context, d *db.DB) (*demoCast, error) {
	c := &demoCast{departments: map[string]db.Actor{}, deptIDs: map[string]int64{}, leaders: map[int64]db.Actor{}}
	q := d.R(ctx)
	for _, x := range []struct {
		username string
		dst      *db.Actor
	}{{"office", &c.office}, {"auditor", &c.auditor}} {
		u, err := register.UserWhere(q, "username = ?", x.username)
		if err != nil {
			return nil, fmt.Errorf("db: demo needs the %s account: %w", x.username, err)
		}
		*x.dst = register.ActorOf(u)
	}
	rows, err := q.Query(`SELECT d.id, d.name, u.id, u.display_name FROM departments d
		LEFT JOIN users u ON u.department_id = d.id AND u.role = 'department'`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var name string
		var uid *int64
		var uname *string
		if err := rows.Scan(&id, &name, &uid, &uname); err != nil {
			rows.Close()
			return nil, err
		}
		a := db.Actor{Name: name + " 经办人", Role: db.RoleDepartment, DepartmentID: id}
		if uid != nil {
			a.UserID, a.Name = *uid, *uname
		}
		c.departments[name], c.deptIDs[name] = a, id
	}
	rows.Close()
	rows, err = q.Query(`SELECT e.id, e.name, COALESCE(l.leader_id, 0), COALESCE(ld.name, '')
		FROM enterprises e LEFT JOIN liaisons l ON l.enterprise_id = e.id AND l.until IS NULL
		LEFT JOIN leaders ld ON ld.id = l.leader_id ORDER BY e.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var f demoFirm
		var leaderName string
		if err := rows.Scan(&f.id, &f.name, &f.leader, &leaderName); err != nil {
			return nil, err
		}
		c.enterprises = append(c.enterprises, f)
		if f.leader != 0 {
			c.leaders[f.leader] = db.Actor{Name: leaderName, Role: db.RoleLeader, LeaderID: f.leader}
		}
	}
	if len(c.enterprises) == 0 {
		return nil, db.Errorf(db.EINVALID, "演示诉求需要先生成演示城市。")
	}
	return c, rows.Err()
}

func pick[T any](r *rand.Rand, list []T) T { return list[r.IntN(len(list))] }

func hours(h float64) time.Duration { return time.Duration(h * float64(time.Hour)) }

func demoText(r *rand.Rand, s, firm string) string {
	s = strings.ReplaceAll(s, "{E}", firm)
	return strings.ReplaceAll(s, "{N}", strconv.Itoa(3+r.IntN(28)))
}

package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"qinqing/db"
	"qinqing/db/appeal"
	"strings"
	"time"
	"unicode/utf8"
)

// VisitMode is how a leader met an enterprise.
type VisitMode string

// The visit modes.
const (
	ModeOnsite  VisitMode = "onsite"
	ModePhone   VisitMode = "phone"
	ModeMeeting VisitMode = "meeting"
	ModeOnline  VisitMode = "online"
)

// VisitModes lists the modes in display order.
var VisitModes = []VisitMode{ModeOnsite, ModePhone, ModeMeeting, ModeOnline}

var visitModeLabels = map[VisitMode]string{ModeOnsite: "实地走访", ModePhone: "电话", ModeMeeting: "座谈", ModeOnline: "线上"}

// Label is the mode's Chinese name.
func (m VisitMode) Label() string { return visitModeLabels[m] }

// Visit is a leader's contact with an enterprise (走访记录).
type Visit struct {
	ID             int64     `json:"id"`
	EnterpriseID   int64     `json:"enterprise_id"`
	EnterpriseName string    `json:"enterprise_name"`
	LeaderID       int64     `json:"leader_id"`
	LeaderName     string    `json:"leader_name"`
	VisitedAt      string    `json:"visited_at"`
	Mode           VisitMode `json:"mode"`
	ModeLabel      string    `json:"mode_label"`
	Participants   string    `json:"participants"`
	Summary        string    `json:"summary"`
	// Problems counts the appeals filed from the visit.
	Problems int `json:"problems"`
	// Photos taken on the visit, in upload order.
	Photos    []VisitPhoto `json:"photos"`
	CreatedBy *int64       `json:"created_by"`
	CreatedAt time.Time    `json:"created_at"`
}

func (v *Visit) Key() int64 { return v.ID }

const VisitColumns = `v.id, v.enterprise_id, e.name, v.leader_id, ld.name, v.visited_at, v.mode, v.participants,
	v.summary, (SELECT COUNT(*) FROM appeals WHERE visit_id = v.id), v.created_by, v.created_at`

const VisitFrom = `visits v JOIN enterprises e ON e.id = v.enterprise_id JOIN leaders ld ON ld.id = v.leader_id`

func scanVisit(s db.Scanner) (*Visit, error) {
	var v Visit
	var created int64
	if err := s.Scan(&v.ID, &v.EnterpriseID, &v.EnterpriseName, &v.LeaderID, &v.LeaderName, &v.VisitedAt, &v.Mode,
		&v.Participants, &v.Summary, &v.Problems, &v.CreatedBy, &created); err != nil {
		return nil, err
	}
	v.Photos = []VisitPhoto{}
	v.ModeLabel = v.Mode.Label()
	v.CreatedAt = time.Unix(created, 0).In(db.Zone)
	return &v, nil
}

// ProblemInput is one problem found on a visit; it becomes an appeal.
type ProblemInput struct {
	Title    string      `json:"title"`
	Content  string      `json:"content"`
	Category string      `json:"category"`
	Tier     appeal.Tier `json:"tier"`
}

// VisitInput is a visit to log (contract §7). A leader's own id is implied.
type VisitInput struct {
	EnterpriseID int64          `json:"enterprise_id"`
	LeaderID     int64          `json:"leader_id"`
	VisitedAt    string         `json:"visited_at"`
	Mode         VisitMode      `json:"mode"`
	Participants string         `json:"participants"`
	Summary      string         `json:"summary"`
	Problems     []ProblemInput `json:"problems"`
}

// MaxVisitProblems bounds the problems one visit may raise.
const MaxVisitProblems = 20

// LoggedVisit is a new visit with the appeals its problems became.
type LoggedVisit struct {
	Visit   *Visit          `json:"visit"`
	Appeals []appeal.Appeal `json:"appeals"`
}

// validate checks the visit against the pair it is logged under and turns each problem
// into the appeal it will be filed as.
func (in *VisitInput) validate(q db.Queryer, a db.Actor, today string) ([]appeal.Input, error) {
	in.VisitedAt, in.Participants, in.Summary = strings.TrimSpace(in.VisitedAt), strings.TrimSpace(in.Participants), strings.TrimSpace(in.Summary)
	var v db.Violations
	if in.EnterpriseID <= 0 {
		return nil, db.InvalidField("enterprise_id", "请选择走访的企业")
	}
	var since string
	err := q.QueryRow("SELECT since FROM liaisons WHERE enterprise_id = ? AND leader_id = ? AND until IS NULL",
		in.EnterpriseID, in.LeaderID).Scan(&since)
	if errors.Is(err, sql.ErrNoRows) {
		// Another leader's enterprise answers exactly as a missing one does.
		return nil, db.NotFound("企业")
	}
	if err != nil {
		return nil, fmt.Errorf("db: visit pair: %w", err)
	}
	switch {
	case in.VisitedAt == "":
		in.VisitedAt = today
	case !db.NormDate(&in.VisitedAt):
		v.Add("visited_at", "走访日期"+db.DateHint)
	case in.VisitedAt > today:
		v.Add("visited_at", "走访日期不能晚于今天")
	case in.VisitedAt < since:
		v.Add("visited_at", "走访日期不能早于包保关系开始日期 %s", since)
	}
	if in.Mode == "" {
		in.Mode = ModeOnsite
	} else if !appeal.Contains(VisitModes, in.Mode) {
		v.Add("mode", "走访方式须为 onsite（实地走访）、phone（电话）、meeting（座谈）或 online（线上）")
	}
	if n := utf8.RuneCountInString(in.Summary); n < 4 || n > 5000 {
		v.Add("summary", "走访情况须为 4 到 5000 个字符")
	}
	if utf8.RuneCountInString(in.Participants) > 200 {
		v.Add("participants", "参加人员最多 200 个字符")
	}
	if len(in.Problems) > MaxVisitProblems {
		v.Add("problems", "一次走访最多登记 %d 个问题", MaxVisitProblems)
	}
	var appeals []appeal.Input
	for i, p := range in.Problems {
		enterprise, leader := in.EnterpriseID, in.LeaderID
		ap := appeal.Input{Title: p.Title, Content: p.Content, Category: p.Category, Tier: p.Tier,
			Source: appeal.SourceVisit, EnterpriseID: &enterprise, LeaderID: &leader}
		if err := ap.Validate(q, a); err != nil {
			e, ok := db.AsError(err)
			if !ok {
				return nil, err
			}
			for _, f := range e.Fields {
				v.Add(fmt.Sprintf("problems[%d].%s", i, f.Field), "问题 %d：%s", i+1, f.Message)
			}
		}
		appeals = append(appeals, ap)
	}
	return appeals, v.Err()
}

// CreateVisit logs a leader's visit to one of their own enterprises. Every problem found
// becomes an appeal (source visit, linked to the visit and the leader) in the same
// transaction as the visit and its audit rows: all of it is written, or none. Photos,
// JPEG or PNG, are stored with it, under the same all-or-nothing rule.
func CreateVisit(ctx context.Context, d *db.DB, a db.Actor, in VisitInput, photos ...appeal.Upload) (*LoggedVisit, error) {
	if !a.Is(db.RoleLeader) {
		return nil, db.Forbidden()
	}
	if in.LeaderID != 0 && in.LeaderID != a.LeaderID {
		return nil, db.Errorf(db.EFORBIDDEN, "只能登记本人的走访。")
	}
	in.LeaderID = a.LeaderID
	problems, err := in.validate(d.R(ctx), a, db.Today(d.Now()))
	if err != nil {
		return nil, err
	}
	files, err := storePhotos(d, photos)
	if err != nil {
		return nil, err
	}
	out := &LoggedVisit{Appeals: []appeal.Appeal{}}
	err = d.Update(ctx, func(tx *db.Tx) error {
		// The pair may have ended since it was read; check again inside the write.
		if _, err := in.validate(tx, a, db.Today(tx.Now)); err != nil {
			return err
		}
		id, err := InsertVisit(tx, a, in)
		if err != nil {
			return err
		}
		if err := insertPhotos(tx, a, id, files); err != nil {
			return err
		}
		for _, p := range problems {
			p.VisitID = &id
			ap, err := appeal.FileAppeal(tx, a, p)
			if err != nil {
				return err
			}
			out.Appeals = append(out.Appeals, *ap)
		}
		out.Visit, err = findVisit(tx, db.SystemActor, id)
		return err
	})
	if err != nil {
		appeal.RemoveStored(files)
		return nil, err
	}
	now := d.Now()
	for i := range out.Appeals {
		out.Appeals[i].Present(a, now)
	}
	return out, nil
}

// insertVisit writes a validated visit and its audit row.
func InsertVisit(t *db.Tx, a db.Actor, in VisitInput) (int64, error) {
	var createdBy any
	if a.UserID != 0 {
		createdBy = a.UserID
	}
	id, err := t.InsertID(`INSERT INTO visits (enterprise_id, leader_id, visited_at, mode, participants, summary,
		created_by, created_at) VALUES (?,?,?,?,?,?,?,?)`, in.EnterpriseID, in.LeaderID, in.VisitedAt, string(in.Mode),
		in.Participants, in.Summary, createdBy, t.Now.Unix())
	if err != nil {
		return 0, fmt.Errorf("db: log visit: %w", err)
	}
	return id, t.Audit(a, "visit.create", "visit", id, map[string]any{"enterprise_id": in.EnterpriseID,
		"leader_id": in.LeaderID, "visited_at": in.VisitedAt, "mode": in.Mode, "problems": len(in.Problems)})
}

// visitScope limits visits to those the actor may see: a leader those they made and
// those to their current enterprises, an enterprise its own (contract §2).
func visitScope(w *db.Where, a db.Actor) {
	switch a.Role {
	case db.RoleAdmin, db.RoleOffice, db.RoleAuditor, db.RoleSystem:
	case db.RoleLeader:
		w.Add(`(v.leader_id = ? OR v.enterprise_id IN
			(SELECT enterprise_id FROM liaisons WHERE leader_id = ? AND until IS NULL))`, a.LeaderID, a.LeaderID)
	case db.RoleEnterprise:
		w.Add("v.enterprise_id = ?", a.EnterpriseID)
	default:
		w.Add("FALSE")
	}
}

func findVisit(q db.Queryer, a db.Actor, id int64) (*Visit, error) {
	var w db.Where
	w.Add("v.id = ?", id)
	visitScope(&w, a)
	v, err := db.FindOne(q, db.ListQuery{From: VisitFrom, Cols: VisitColumns, Where: w}, "走访记录", scanVisit)
	if err != nil {
		return nil, err
	}
	one := []Visit{*v}
	if err := attachPhotoIDs(q, one); err != nil {
		return nil, err
	}
	return &one[0], nil
}

// VisitDetail is one visit with the appeals its problems became, as far as the actor
// may see them.
type VisitDetail struct {
	Visit
	Appeals []appeal.Appeal `json:"appeals"`
}

// FindVisit returns a visit the actor may see, with its appeals.
func FindVisit(ctx context.Context, d *db.DB, a db.Actor, id int64) (*VisitDetail, error) {
	v, err := findVisit(d.R(ctx), a, id)
	if err != nil {
		return nil, err
	}
	appeals, err := allAppeals(ctx, d, a, appeal.Filter{VisitID: id})
	if err != nil {
		return nil, err
	}
	if v.Photos, err = listPhotos(d.R(ctx), id); err != nil {
		return nil, err
	}
	return &VisitDetail{Visit: *v, Appeals: appeals}, nil
}

// VisitFilter selects visits; From and To bound the visit date, inclusive.
type VisitFilter struct {
	EnterpriseID int64
	LeaderID     int64
	Mode         VisitMode
	From, To     string
	Q            string // enterprise name or summary
	db.Page
}

func (f *VisitFilter) where(a db.Actor) (db.Where, error) {
	var w db.Where
	var v db.Violations
	visitScope(&w, a)
	if f.Mode != "" && !appeal.Contains(VisitModes, f.Mode) {
		v.Add("mode", "走访方式无效")
	}
	for _, d := range []struct{ field, val, op string }{{"from", f.From, ">="}, {"to", f.To, "<="}} {
		if d.val == "" {
			continue
		}
		if !db.NormDate(&d.val) {
			v.Add(d.field, "日期"+db.DateHint)
			continue
		}
		w.Add("v.visited_at "+d.op+" ?", d.val)
	}
	w.EqID("v.enterprise_id", f.EnterpriseID)
	w.EqID("v.leader_id", f.LeaderID)
	w.Eq("v.mode", string(f.Mode))
	w.Like(f.Q, "e.name", "v.summary")
	return w, v.Err()
}

// ListVisits lists the visits the actor may see, newest first.
func ListVisits(ctx context.Context, d *db.DB, a db.Actor, f VisitFilter) (*db.List[Visit], error) {
	w, err := f.where(a)
	if err != nil {
		return nil, err
	}
	q := d.R(ctx)
	list, err := db.RunList(q, db.ListQuery{From: VisitFrom, Cols: VisitColumns, ID: "v.id", Where: w, Desc: true}, f.Page, scanVisit)
	if err != nil {
		return nil, err
	}
	if err := attachPhotoIDs(q, list.Items); err != nil {
		return nil, err
	}
	return list, nil
}

package appeal

import (
	"context"
	"database/sql"
	"qinqing/db"
	"time"
)

// Tier is how urgently an appeal is handled (办理等级).
type Tier string

// The tiers.
const (
	TierImmediate Tier = "immediate"
	TierFast      Tier = "fast"
	TierEscalated Tier = "escalated"
)

// Tiers lists the tiers.
var Tiers = []Tier{TierImmediate, TierFast, TierEscalated}

var tierLabels = map[Tier]string{TierImmediate: "马上办", TierFast: "快速办", TierEscalated: "提级办"}

// Label is the tier's Chinese name.
func (t Tier) Label() string { return tierLabels[t] }

// Source is where an appeal came from (来源).
type Source string

// The sources.
const (
	SourcePortal     Source = "portal"
	SourceVisit      Source = "visit"
	SourceHotline    Source = "hotline"
	SourceSteward    Source = "steward"
	SourceReport     Source = "report"
	SourceInspection Source = "inspection"
)

// Sources lists the sources.
var Sources = []Source{SourcePortal, SourceVisit, SourceHotline, SourceSteward, SourceReport, SourceInspection}

var sourceLabels = map[Source]string{SourcePortal: "企业自主提交", SourceVisit: "走访发现", SourceHotline: "12345热线",
	SourceSteward: "项目管家", SourceReport: "举报", SourceInspection: "检查发现"}

// Label is the source's Chinese name.
func (s Source) Label() string { return sourceLabels[s] }

// Rating is the enterprise's answer to feedback.
type Rating struct {
	Resolved     bool      `json:"resolved"`
	Satisfaction string    `json:"satisfaction"`
	Comment      string    `json:"comment"`
	RatedAt      time.Time `json:"rated_at"`
}

// ExtensionRequest is a department's pending request for more time.
type ExtensionRequest struct {
	Days    int           `json:"days"`
	Note    string        `json:"note"`
	DayKind ExtensionKind `json:"day_kind"`
}

// Appeal is a ticket in the closed loop.
type Appeal struct {
	ID                int64      `json:"id"`
	Number            string     `json:"number"`
	Title             string     `json:"title"`
	Content           string     `json:"content"`
	Category          string     `json:"category"`
	Source            Source     `json:"source"`
	Tier              Tier       `json:"tier"`
	Stage             Stage      `json:"stage"`
	Version           int64      `json:"version"`
	EnterpriseID      *int64     `json:"enterprise_id"`
	EnterpriseName    string     `json:"enterprise_name"`
	LeaderID          *int64     `json:"leader_id"`
	LeaderName        string     `json:"leader_name"`
	DepartmentID      *int64     `json:"department_id"`
	DepartmentName    string     `json:"department_name"`
	AboutDepartmentID *int64     `json:"about_department_id,omitempty"`
	VisitID           *int64     `json:"visit_id"`
	Confidential      bool       `json:"confidential"`
	ContactName       string     `json:"contact_name"`
	ContactPhone      string     `json:"contact_phone"`
	CreatedAt         time.Time  `json:"created_at"`
	AcceptedAt        *time.Time `json:"accepted_at"`
	ResponseDueAt     time.Time  `json:"response_due_at"`
	DueAt             time.Time  `json:"due_at"`
	ExtendedDueAt     *time.Time `json:"extended_due_at"`
	AssignedAt        *time.Time `json:"assigned_at"`
	FeedbackAt        *time.Time `json:"feedback_at"`
	ClosedAt          *time.Time `json:"closed_at"`
	CloseReason       string     `json:"close_reason"`
	MergedInto        *int64     `json:"merged_into"`
	ReopenCount       int        `json:"reopen_count"`
	ReturnCount       int        `json:"return_count"`
	EscalationLevel   int        `json:"escalation_level"`
	SupervisionDueAt  *time.Time `json:"supervision_due_at"`
	// ExternalRef is the ticket number of the system that filed the appeal (12345), and
	// UpstreamDueAt that system's own deadline, shown beside ours.
	ExternalRef    string            `json:"external_ref"`
	UpstreamDueAt  *time.Time        `json:"upstream_due_at"`
	Extension      *ExtensionRequest `json:"extension_request"`
	Overdue        bool              `json:"overdue"`
	OverdueState   OverdueState      `json:"overdue_state"`
	Countdown      *Countdown        `json:"countdown"`
	Rating         *Rating           `json:"rating"`
	AllowedActions []Action          `json:"allowed_actions"`

	createdBy   *int64
	escalatedAt *time.Time
}

func (a *Appeal) Key() int64 { return a.ID }

// UpstreamEarlier reports whether the system that filed the appeal wants it done before
// our own due time: the office then works to the earlier one, and the page warns.
func (a *Appeal) UpstreamEarlier() bool {
	return a.UpstreamDueAt != nil && a.UpstreamDueAt.Before(a.EffectiveDue())
}

// EffectiveDue is the due time that counts now: the extended one once approved.
func (a *Appeal) EffectiveDue() time.Time {
	if a.ExtendedDueAt != nil {
		return *a.ExtendedDueAt
	}
	return a.DueAt
}

const Columns = `a.id, a.number, a.title, a.content, a.category, a.source, a.tier, a.stage, a.version,
	a.enterprise_id, COALESCE(e.name, ''), a.leader_id, COALESCE(l.name, ''), a.department_id, COALESCE(d.name, ''),
	a.about_department_id, a.visit_id, a.confidential, a.contact_name, a.contact_phone, a.created_by,
	a.created_at, a.accepted_at, a.response_due_at, a.due_at, a.extended_due_at, a.assigned_at, a.reported_at,
	a.closed_at, COALESCE(a.close_reason, ''), a.merged_into, a.reopen_count, a.return_count, a.escalation_level,
	a.escalated_at, a.supervision_due_at, a.ext_requested_days, COALESCE(a.ext_requested_note, ''), COALESCE(a.ext_requested_kind, 'calendar'),
	a.rated_at, a.resolved, a.satisfaction, COALESCE(a.rating_comment, ''), COALESCE(a.external_ref, ''), a.upstream_due_at`

// appealCountFrom is appealFrom without its joins, for counting (see countFrom).
const CountFrom = "appeals a"

const From = `appeals a LEFT JOIN enterprises e ON e.id = a.enterprise_id
	LEFT JOIN leaders l ON l.id = a.leader_id LEFT JOIN departments d ON d.id = a.department_id`

func UnixPtr(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := time.Unix(v.Int64, 0).In(db.Zone)
	return &t
}

func Scan(s db.Scanner) (*Appeal, error) {
	var a Appeal
	var created, respDue, due int64
	var accepted, extDue, assigned, reported, closed, escalated, supDue, extDays, rated, upstream sql.NullInt64
	var resolved sql.NullBool
	var satisfaction sql.NullString
	var extNote, extKind, ratingComment string
	err := s.Scan(&a.ID, &a.Number, &a.Title, &a.Content, &a.Category, &a.Source, &a.Tier, &a.Stage, &a.Version,
		&a.EnterpriseID, &a.EnterpriseName, &a.LeaderID, &a.LeaderName, &a.DepartmentID, &a.DepartmentName,
		&a.AboutDepartmentID, &a.VisitID, &a.Confidential, &a.ContactName, &a.ContactPhone, &a.createdBy,
		&created, &accepted, &respDue, &due, &extDue, &assigned, &reported,
		&closed, &a.CloseReason, &a.MergedInto, &a.ReopenCount, &a.ReturnCount, &a.EscalationLevel,
		&escalated, &supDue, &extDays, &extNote, &extKind, &rated, &resolved, &satisfaction, &ratingComment,
		&a.ExternalRef, &upstream)
	if err != nil {
		return nil, err
	}
	a.CreatedAt = time.Unix(created, 0).In(db.Zone)
	a.ResponseDueAt = time.Unix(respDue, 0).In(db.Zone)
	a.DueAt = time.Unix(due, 0).In(db.Zone)
	a.AcceptedAt, a.ExtendedDueAt, a.AssignedAt = UnixPtr(accepted), UnixPtr(extDue), UnixPtr(assigned)
	a.FeedbackAt, a.ClosedAt, a.escalatedAt, a.SupervisionDueAt = UnixPtr(reported), UnixPtr(closed), UnixPtr(escalated), UnixPtr(supDue)
	a.UpstreamDueAt = UnixPtr(upstream)
	if extDays.Valid {
		a.Extension = &ExtensionRequest{Days: int(extDays.Int64), Note: extNote, DayKind: ExtensionKind(extKind)}
	}
	if rated.Valid {
		a.Rating = &Rating{Resolved: resolved.Bool, Satisfaction: satisfaction.String, Comment: ratingComment,
			RatedAt: time.Unix(rated.Int64, 0).In(db.Zone)}
	}
	return &a, nil
}

// appealScope limits appeals to those the actor may list or open (contract §2). Reports
// (举报) about officials belong to the discipline office: the office and admins never see
// them, since the office often sits in the very bureau complained of; a department sees one
// only once an auditor has assigned it the rectification, and the department a report is
// about never sees it.
func Scope(w *db.Where, a db.Actor) {
	switch a.Role {
	case db.RoleAdmin, db.RoleOffice:
		w.Add("a.source != 'report'")
	default:
		CountScope(w, a)
	}
}

// appealCountScope limits the appeals that figures count for the actor: city figures
// count reports for every city-wide role, without listing them to those who may not see
// them. Every other role counts what it may list.
func CountScope(w *db.Where, a db.Actor) {
	switch a.Role {
	case db.RoleAdmin, db.RoleOffice, db.RoleAuditor, db.RoleSystem:
	case db.RoleDepartment:
		w.Add("a.id IN (SELECT appeal_id FROM appeal_departments WHERE department_id = ?)", a.DepartmentID)
		w.Add("COALESCE(a.about_department_id, 0) != ?", a.DepartmentID)
	case db.RoleLeader:
		w.Add(`(a.leader_id = ? OR a.enterprise_id IN
			(SELECT enterprise_id FROM liaisons WHERE leader_id = ? AND until IS NULL))`, a.LeaderID, a.LeaderID)
		w.Add("a.source != 'report'")
	case db.RoleEnterprise:
		w.Add("a.enterprise_id = ?", a.EnterpriseID)
		w.Add("a.source != 'report'")
	case db.RolePublic:
		w.Add("a.id = ?", a.AppealID)
		w.Add("a.source = 'report'")
	default:
		w.Add("0")
	}
}

func FindOn(q db.Queryer, a db.Actor, id int64) (*Appeal, error) {
	var w db.Where
	w.Add("a.id = ?", id)
	Scope(&w, a)
	return db.FindOne(q, db.ListQuery{From: From, Cols: Columns, Where: w}, "诉求", Scan)
}

// present fills the computed fields for the actor and hides what they may not see.
func (ap *Appeal) Present(a db.Actor, now time.Time) {
	ap.OverdueState = ap.OverdueAt(now)
	ap.Overdue = ap.OverdueState != OverdueNone
	ap.Countdown = ap.CountdownAt(now)
	ap.AllowedActions = AllowedActions(ap, a, now)
	if !a.Is(db.RoleAdmin, db.RoleOffice, db.RoleAuditor) {
		ap.AboutDepartmentID = nil
	}
}

// FindAppeal returns an appeal the actor may see, with what they may do now.
func Find(ctx context.Context, d *db.DB, a db.Actor, id int64) (*Appeal, error) {
	ap, err := FindOn(d.R(ctx), a, id)
	if err != nil {
		return nil, err
	}
	ap.Present(a, d.Now())
	return ap, nil
}

package appeal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"qinqing/db"
	"qinqing/db/register"
	"strings"
	"unicode/utf8"
)

// AppealInput is a new appeal (contract §7).
type Input struct {
	Title        string `json:"title"`
	Content      string `json:"content"`
	Category     string `json:"category"`
	EnterpriseID *int64 `json:"enterprise_id"`
	Source       Source `json:"source"`
	Tier         Tier   `json:"tier"`
	Confidential bool   `json:"confidential"`
	ContactName  string `json:"contact_name"`
	ContactPhone string `json:"contact_phone"`

	// Set by the server, not the caller.
	VisitID           *int64 `json:"-"`
	LeaderID          *int64 `json:"-"`
	AboutDepartmentID *int64 `json:"-"`
}

// sourcesFor is which sources each role may file under; the first is the default.
var sourcesFor = map[db.Role][]Source{
	db.RoleEnterprise: {SourcePortal},
	db.RoleOffice:     {SourceHotline, SourceSteward, SourceInspection, SourcePortal},
	db.RoleLeader:     {SourceVisit},
	db.RoleAuditor:    {SourceInspection, SourceReport},
	db.RoleSystem:     Sources,
	db.RoleService:    {SourceHotline},
	db.RolePublic:     {SourceReport},
}

func (in *Input) Validate(q db.Queryer, a db.Actor) error {
	in.Title, in.Content = strings.TrimSpace(in.Title), strings.TrimSpace(in.Content)
	in.Category, in.ContactName, in.ContactPhone = strings.TrimSpace(in.Category), strings.TrimSpace(in.ContactName), strings.TrimSpace(in.ContactPhone)
	var v db.Violations
	allowed := sourcesFor[a.Role]
	if in.Source == "" && len(allowed) > 0 {
		in.Source = allowed[0]
	}
	switch {
	case !Contains(Sources, in.Source):
		v.Add("source", "来源须为 portal、visit、hotline、steward、report、inspection 之一")
	case !Contains(allowed, in.Source):
		v.Add("source", "您的角色不能登记来源为“%s”的诉求", in.Source.Label())
	}
	if in.Tier == "" {
		in.Tier = TierFast
	} else if !Contains(Tiers, in.Tier) {
		v.Add("tier", "办理等级须为 immediate、fast 或 escalated")
	} else if a.Role == db.RoleEnterprise || a.Role == db.RolePublic {
		in.Tier = TierFast
	}
	if n := utf8.RuneCountInString(in.Title); n < 4 || n > 100 {
		v.Add("title", "标题须为 4 到 100 个字符")
	}
	if n := utf8.RuneCountInString(in.Content); n < 10 || n > 5000 {
		v.Add("content", "内容须为 10 到 5000 个字符，请把情况说清楚")
	}
	if utf8.RuneCountInString(in.ContactName) > 30 {
		v.Add("contact_name", "联系人最多 30 个字符")
	}
	if in.ContactPhone != "" && !register.PhonePattern.MatchString(in.ContactPhone) {
		v.Add("contact_phone", "电话号码格式不正确")
	}
	var n int
	if err := q.QueryRow("SELECT COUNT(*) FROM categories WHERE name = ? AND active", in.Category).Scan(&n); err != nil {
		return fmt.Errorf("db: category: %w", err)
	}
	if n == 0 {
		v.Add("category", "问题类别无效，请从列表中选择")
	}
	if a.Role == db.RoleEnterprise {
		in.EnterpriseID = &a.EnterpriseID
	}
	if a.Role == db.RoleLeader && in.EnterpriseID != nil {
		var n int
		if err := q.QueryRow("SELECT COUNT(*) FROM liaisons WHERE leader_id = ? AND enterprise_id = ? AND until IS NULL",
			a.LeaderID, *in.EnterpriseID).Scan(&n); err != nil {
			return fmt.Errorf("db: liaison check: %w", err)
		}
		if n == 0 {
			v.Add("enterprise_id", "只能为本人包保的企业登记诉求")
		}
	}
	if in.Source != SourceReport {
		if in.EnterpriseID == nil {
			v.Add("enterprise_id", "请选择诉求所涉企业")
		} else if ok, err := db.Exists(q, "enterprises", *in.EnterpriseID); err != nil {
			return err
		} else if !ok {
			v.Add("enterprise_id", "企业不存在")
		}
	}
	return v.Err()
}

// CreateAppeal files an appeal with any evidence files, all or nothing. The clock
// starts now and never stops.
func Create(ctx context.Context, d *db.DB, a db.Actor, in Input, ups ...Upload) (*Appeal, error) {
	if _, ok := sourcesFor[a.Role]; !ok {
		return nil, db.Forbidden()
	}
	if err := in.Validate(d.R(ctx), a); err != nil {
		return nil, err
	}
	files, err := StoreUploads(d, ups)
	if err != nil {
		return nil, err
	}
	var out *Appeal
	err = d.Update(ctx, func(tx *db.Tx) error {
		var err error
		if out, err = FileAppeal(tx, a, in); err != nil {
			return err
		}
		return InsertAttachments(tx, maskFiler(a, out), out.ID, files)
	})
	if err != nil {
		RemoveStored(files)
		return nil, err
	}
	out.Present(a, d.Now())
	return out, nil
}

// fileAppeal writes a validated appeal with its number, deadlines and first event.
func FileAppeal(t *db.Tx, a db.Actor, in Input) (*Appeal, error) {
	d, err := deadlines(t, in.Tier)
	if err != nil {
		return nil, err
	}
	responseDue, due, err := due(t, d, t.Now)
	if err != nil {
		return nil, err
	}
	number, err := nextNumber(t)
	if err != nil {
		return nil, err
	}
	leader := in.LeaderID
	if leader == nil && in.EnterpriseID != nil {
		var id int64
		err := t.QueryRow("SELECT leader_id FROM liaisons WHERE enterprise_id = ? AND until IS NULL", *in.EnterpriseID).Scan(&id)
		if err == nil {
			leader = &id
		} else if !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("db: liaison leader: %w", err)
		}
	}
	if leader == nil && a.Role == db.RoleLeader {
		leader = &a.LeaderID
	}
	hidden := in.Confidential || in.Source == SourceReport
	contactName, contactPhone := in.ContactName, in.ContactPhone
	var createdBy any
	if a.UserID != 0 {
		createdBy = a.UserID
	}
	if hidden {
		contactName, contactPhone, createdBy = "", "", nil
	}
	now := t.Now
	ap, err := Scan(t.QueryRow(`INSERT INTO appeals (number, title, content, category, source, tier, stage, enterprise_id,
		leader_id, about_department_id, visit_id, confidential, contact_name, contact_phone, created_by, created_at,
		response_due_at, due_at, updated_at) VALUES (?,?,?,?,?,?,'discovered',?,?,?,?,?,?,?,?,?,?,?,?)
		RETURNING `+appealRowColumns,
		number, in.Title, in.Content, in.Category, string(in.Source), string(in.Tier), in.EnterpriseID, leader,
		in.AboutDepartmentID, in.VisitID, hidden, contactName, contactPhone, createdBy, now.Unix(),
		responseDue.Unix(), due.Unix(), now.Unix()))
	if err != nil {
		return nil, fmt.Errorf("db: file appeal: %w", err)
	}
	id := ap.ID
	if hidden {
		e := db.VaultEntry{Name: in.ContactName, Phone: in.ContactPhone}
		if a.UserID != 0 && a.Role != db.RolePublic {
			uid := a.UserID
			e.UserID = &uid
		}
		if err := t.PutIdentity(id, e); err != nil {
			return nil, err
		}
	}
	filer := a
	if hidden {
		// The timeline and the audit chain must not name whoever filed it.
		filer = masked(a)
	}
	data := map[string]any{"number": number, "source": in.Source, "tier": in.Tier, "category": in.Category}
	if err := appealEvent(t, filer, id, "file", StageDiscovered, StageDiscovered, "", data); err != nil {
		return nil, err
	}
	// Nothing written since changes the appeals row, so the row as inserted is the appeal.
	return withNames(t, ap, nil)
}

// nextNumber hands out SQ{year}-{000123}; the writer is single, so numbers never collide,
// and a year's counter only grows, so they are never reused.
func nextNumber(t *db.Tx) (string, error) {
	year := t.Now.In(db.Zone).Year()
	var last int
	err := t.QueryRow(`INSERT INTO appeal_numbers (year, last) VALUES (?, 1)
		ON CONFLICT (year) DO UPDATE SET last = appeal_numbers.last + 1 RETURNING last`, year).Scan(&last)
	if err != nil {
		return "", fmt.Errorf("db: appeal number: %w", err)
	}
	return fmt.Sprintf("SQ%d-%06d", year, last), nil
}

// masked stands in for the author of a confidential appeal or a report on its timeline,
// in the audit chain and on their uploads.
func masked(a db.Actor) db.Actor { return db.Actor{Name: "（身份保护）", Role: a.Role} }

// maskFiler hides the actor when they are the protected author of the appeal: the
// enterprise behind its own confidential appeal, or the public behind a report.
func maskFiler(a db.Actor, ap *Appeal) db.Actor {
	if ap.Confidential && a.Is(db.RoleEnterprise, db.RolePublic) {
		return masked(a)
	}
	return a
}

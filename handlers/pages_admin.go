package handlers

import (
	"context"
	"qinqing/db/register"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// mountAdminPages adds the management pages: accounts, leaders, enterprises and pairs.
func (s *Server) mountAdminPages(web *pageRouter) {
	admin := signedIn(db.RoleAdmin)
	web.get("/admin/users", admin, s.usersPage)
	web.post("/admin/users", admin, s.userCreate)
	web.get("/admin/users/:id", admin, s.userPage)
	web.post("/admin/users/:id", admin, s.userUpdate)
	web.post("/admin/users/:id/status", admin, s.userStatus)
	web.post("/admin/users/:id/password", admin, s.userPassword)

	web.get("/admin/leaders", admin, s.leadersPage)
	web.post("/admin/leaders", admin, s.leaderCreate)
	web.get("/admin/leaders/:id/edit", admin, s.leaderEditPage)
	web.post("/admin/leaders/:id", admin, s.leaderUpdate)

	web.get("/admin/enterprises/new", admin, s.enterpriseNewPage)
	web.post("/admin/enterprises", admin, s.enterpriseCreate)
	web.get("/admin/enterprises/:id", admin, s.enterpriseEditPage)
	web.post("/admin/enterprises/:id", admin, s.enterpriseUpdate)
	web.post("/admin/enterprises/:id/confirm", admin, s.enterpriseConfirm)

	// The office keeps an eye on the pairs; only admins change them, and the db says so (403).
	staffView := signedIn(db.RoleAdmin, db.RoleOffice)
	web.get("/admin/liaisons", staffView, s.liaisonsPage)
	web.post("/admin/liaisons", staffView, s.liaisonCreate)
	web.post("/admin/liaisons/:id/end", staffView, s.liaisonEnd)
}

// failForm re-renders a form page for a mistake the user can fix, and shows the error
// page for anything else (a role that may not do this, a record that is gone).
func (s *Server) failForm(c *fiber.Ctx, name, title string, data func() (fiber.Map, error), err error) error {
	switch db.ErrorCode(err) {
	case db.EINVALID, db.ECONFLICT, db.EBADREQUEST:
	default:
		return err
	}
	d, derr := data()
	if derr != nil {
		return derr
	}
	return s.formFailed(c, name, title, d, err)
}

// formID reads an optional positive id from a form; anything else counts as not given.
func formID(c *fiber.Ctx, name string) *int64 {
	id, err := strconv.ParseInt(strings.TrimSpace(c.FormValue(name)), 10, 64)
	if err != nil || id <= 0 {
		return nil
	}
	return &id
}

func invalidField(field, msg string) error {
	return &db.Error{Code: db.EINVALID, Message: "提交的内容有误：" + msg, Fields: []db.FieldError{{Field: field, Message: msg}}}
}

// resolveEnterprise finds the enterprise a form names by id, credit code or (unique) name,
// since nobody can pick one out of hundreds in a select. Empty input gives nil.
func (s *Server) resolveEnterprise(ctx context.Context, a db.Actor, raw string) (*int64, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, nil
	}
	if id, err := strconv.ParseInt(raw, 10, 64); err == nil && id > 0 && len(raw) < 18 {
		return &id, nil
	}
	code := register.NormalizeCreditCode(raw)
	if looksLikeCreditCode(code) {
		if !register.ValidCreditCode(code) {
			return nil, invalidField("enterprise_id", "统一社会信用代码无效（含非法字符或校验位不符）")
		}
		list, err := register.ListEnterprises(ctx, s.db, a, register.EnterpriseFilter{Q: code, Page: db.Page{Limit: 5}})
		if err != nil {
			return nil, err
		}
		for _, e := range list.Items {
			if e.CreditCode == code {
				return &e.ID, nil
			}
		}
		return nil, invalidField("enterprise_id", "没有统一社会信用代码为 "+code+" 的企业")
	}
	list, err := register.ListEnterprises(ctx, s.db, a, register.EnterpriseFilter{Q: raw, Page: db.Page{Limit: 20}})
	if err != nil {
		return nil, err
	}
	for _, e := range list.Items {
		if e.Name == raw {
			return &e.ID, nil
		}
	}
	switch len(list.Items) {
	case 0:
		return nil, invalidField("enterprise_id", "没有找到名称含“"+raw+"”的企业")
	case 1:
		return &list.Items[0].ID, nil
	}
	return nil, invalidField("enterprise_id", "“"+raw+"”匹配到多家企业，请填写完整名称、统一社会信用代码或企业编号")
}

// looksLikeCreditCode reports whether s is 18 letters and digits, as a credit code is.
func looksLikeCreditCode(s string) bool {
	if len(s) != 18 {
		return false
	}
	for _, r := range s {
		if !('0' <= r && r <= '9' || 'A' <= r && r <= 'Z') {
			return false
		}
	}
	return true
}

// pickList is what the forms' selects offer: every department and every leader (a city
// has tens of each, well under one list page).
type pickList struct {
	Departments []register.Department
	Leaders     []register.Leader
}

func (s *Server) pickLists(ctx context.Context) (*pickList, error) {
	all := db.Page{Limit: db.MaxLimit}
	depts, err := register.ListDepartments(ctx, s.db, register.DepartmentFilter{Page: all})
	if err != nil {
		return nil, err
	}
	leaders, err := register.ListLeaders(ctx, s.db, register.LeaderFilter{Page: all})
	if err != nil {
		return nil, err
	}
	return &pickList{Departments: depts.Items, Leaders: leaders.Items}, nil
}

func (p *pickList) departmentName(id int64) string {
	for _, d := range p.Departments {
		if d.ID == id {
			return d.Name
		}
	}
	return "#" + strconv.FormatInt(id, 10)
}

func (p *pickList) leaderName(id int64) string {
	for _, l := range p.Leaders {
		if l.ID == id {
			return l.Name
		}
	}
	return "#" + strconv.FormatInt(id, 10)
}

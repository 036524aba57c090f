package handlers

import (
	"qinqing/db/appeal"
	"qinqing/db/register"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// uiSources is which sources each role registers under in the form, the default first.
// An enterprise files through the portal and a leader from a visit, so neither chooses.
var uiSources = map[db.Role][]appeal.Source{
	db.RoleOffice:  {appeal.SourceHotline, appeal.SourceSteward, appeal.SourceInspection},
	db.RoleAuditor: {appeal.SourceInspection},
}

// appealNewView is the filing form: the enterprise portal variant or the intake variant.
type appealNewView struct {
	Role        string
	Categories  []appeal.Category
	Sources     []appeal.Source
	Tiers       []appeal.Tier
	Enterprise  *register.Enterprise  // an enterprise filing for itself
	Mine        []register.Enterprise // a leader's enterprises
	EntQ        string                // the intake search text
	Matches     []register.Enterprise
	MatchTotal  int
	PickedID    string
	NewFirm     bool     // the office registers the enterprise on this form
	Districts   []string // suggestions for a new enterprise
	Industries  []string
	MaxFileSize int
	MaxBody     int
}

// enterprisePickLimit bounds the intake picker's choices; a longer list means "type more".
const enterprisePickLimit = 30

func (s *Server) appealNewData(c *fiber.Ctx) (*appealNewView, error) {
	a, _ := actorOf(c)
	ctx := c.UserContext()
	v := &appealNewView{Role: string(a.Role), Sources: uiSources[a.Role], Tiers: appeal.Tiers,
		EntQ: strings.TrimSpace(c.FormValue("enterprise_q")), PickedID: c.FormValue("enterprise_id"),
		MaxFileSize: appeal.MaxAttachmentSize >> 20, MaxBody: maxUploadBody >> 20}
	cats, err := appeal.Categories(ctx, s.db)
	if err != nil {
		return nil, err
	}
	for _, cat := range cats {
		if cat.Active {
			v.Categories = append(v.Categories, cat)
		}
	}
	switch a.Role {
	case db.RoleEnterprise:
		if v.Enterprise, err = register.FindEnterprise(ctx, s.db, a, a.EnterpriseID); err != nil {
			return nil, err
		}
	case db.RoleLeader:
		list, err := register.ListEnterprises(ctx, s.db, a, register.EnterpriseFilter{Page: db.Page{Limit: db.MaxLimit}})
		if err != nil {
			return nil, err
		}
		v.Mine = list.Items
	default:
		v.NewFirm = c.FormValue("new_enterprise") != ""
		if a.Role == db.RoleOffice {
			if v.Districts, err = register.Districts(ctx, s.db); err != nil {
				return nil, err
			}
			if v.Industries, err = register.Industries(ctx, s.db); err != nil {
				return nil, err
			}
		}
		if v.EntQ != "" {
			list, err := register.ListEnterprises(ctx, s.db, a, register.EnterpriseFilter{Q: v.EntQ, Page: db.Page{Limit: enterprisePickLimit}})
			if err != nil {
				return nil, err
			}
			v.Matches, v.MatchTotal = list.Items, list.Total
			if len(list.Items) == 1 && v.PickedID == "" {
				v.PickedID = strconv.FormatInt(list.Items[0].ID, 10)
			}
		}
	}
	return v, nil
}

// appealNewPage shows the form. The intake picker asks this same page for its
// matches (htmx selects the #enterprise-pick box from the answer), so that the page
// also works as a plain GET form.
func (s *Server) appealNewPage(c *fiber.Ctx) error {
	v, err := s.appealNewData(c)
	if err != nil {
		return err
	}
	return s.render(c, "appeal_new", appealNewTitle(v.Role), v)
}

func appealNewTitle(role string) string {
	if role == string(db.RoleEnterprise) {
		return "反映问题"
	}
	return "登记诉求"
}

// formEnterprise is the enterprise an intake form names: the picked one, or what the
// search box says when the picker was not used. It must be one the filer may see.
func (s *Server) formEnterprise(c *fiber.Ctx, a db.Actor) (*int64, error) {
	id := formID(c, "enterprise_id")
	if id == nil {
		var err error
		if id, err = s.resolveEnterprise(c.UserContext(), a, c.FormValue("enterprise_q")); err != nil || id == nil {
			return nil, err
		}
	}
	if _, err := register.FindEnterprise(c.UserContext(), s.db, a, *id); err != nil {
		if db.ErrorCode(err) == db.ENOTFOUND {
			return nil, invalidField("enterprise_id", "企业不存在或不在您的范围内")
		}
		return nil, err
	}
	return id, nil
}

func (s *Server) appealCreate(c *fiber.Ctx) error {
	a, _ := actorOf(c)
	ctx := c.UserContext()
	in := appeal.Input{Title: c.FormValue("title"), Content: c.FormValue("content"), Category: c.FormValue("category"),
		Source: appeal.Source(c.FormValue("source")), Tier: appeal.Tier(c.FormValue("tier")),
		Confidential: c.FormValue("confidential") != "", ContactName: c.FormValue("contact_name"),
		ContactPhone: c.FormValue("contact_phone")}
	fail := func(err error) error {
		switch db.ErrorCode(err) {
		case db.EINVALID, db.EBADREQUEST, db.ETOOLARGE, db.ECONFLICT:
		default:
			return err
		}
		v, derr := s.appealNewData(c)
		if derr != nil {
			return derr
		}
		return s.formFailed(c, "appeal_new", appealNewTitle(v.Role), v, err)
	}
	if a.Role == db.RoleOffice && c.FormValue("new_enterprise") != "" {
		return s.appealCreateWithEnterprise(c, a, in, fail)
	}
	if a.Role != db.RoleEnterprise {
		id, err := s.formEnterprise(c, a)
		if err != nil {
			return fail(err)
		}
		in.EnterpriseID = id
	}
	// Read the files first, so that one too large refuses the whole form.
	ups, err := readUploads(c)
	if err != nil {
		return fail(err)
	}
	ap, err := appeal.Create(ctx, s.db, a, in, ups...)
	if err != nil {
		return fail(err)
	}
	return appealFiled(c, ap, "")
}

func appealFiled(c *fiber.Ctx, ap *appeal.Appeal, extra string) error {
	flash(c, "诉求已提交，编号 "+ap.Number+"。"+extra+"办理进展会记录在下方时间线中。")
	return c.Redirect("/appeals/"+strconv.FormatInt(ap.ID, 10), fiber.StatusSeeOther)
}

// appealCreateWithEnterprise files a 12345 call from a firm not in the register: the
// office types the enterprise in, and both are written together.
func (s *Server) appealCreateWithEnterprise(c *fiber.Ctx, a db.Actor, in appeal.Input, fail func(error) error) error {
	ent := register.EnterpriseInput{Name: c.FormValue(appeal.NewEnterpriseField + "name"),
		CreditCode: c.FormValue(appeal.NewEnterpriseField + "credit_code"),
		District:   c.FormValue(appeal.NewEnterpriseField + "district"), Industry: c.FormValue(appeal.NewEnterpriseField + "industry")}
	ups, err := readUploads(c)
	if err != nil {
		return fail(err)
	}
	ap, err := appeal.CreateWithEnterprise(c.UserContext(), s.db, a, in, ent, ups...)
	if err != nil {
		return fail(err)
	}
	return appealFiled(c, ap, "新企业“"+ap.EnterpriseName+"”已登记，待管理员审核。")
}

package handlers

import (
	"qinqing/db/appeal"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

func (s *Server) settingsPage(c *fiber.Ctx) error {
	data, err := s.settingsData(c)
	if err != nil {
		return err
	}
	return s.render(c, "settings", "系统设置", data)
}

// settingsData is what the settings page shows: the deadlines and the 通报's settings.
func (s *Server) settingsData(c *fiber.Ctx) (fiber.Map, error) {
	list, err := appeal.TierDeadlines(c.UserContext(), s.db)
	if err != nil {
		return nil, err
	}
	rs, err := s.db.ReportSettings(c.UserContext())
	if err != nil {
		return nil, err
	}
	return fiber.Map{"Deadlines": list, "Report": rs, "Units": appeal.DeadlineUnits}, nil
}

// hoursField reads a number of hours (decimals allowed) as whole seconds.
func hoursField(c *fiber.Ctx, name string) (int, error) {
	h, err := strconv.ParseFloat(strings.TrimSpace(c.FormValue(name)), 64)
	if err != nil || h <= 0 {
		return 0, fieldError(db.EINVALID, name, "请填写大于 0 的小时数")
	}
	return int(h * 3600), nil
}

// daysField reads a whole number of working days.
func daysField(c *fiber.Ctx, name string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(c.FormValue(name)))
	if err != nil || n <= 0 {
		return 0, fieldError(db.EINVALID, name, "请填写大于 0 的整数天数")
	}
	return n, nil
}

// settingsDeadlineSubmit saves a tier's deadlines. The two amounts are read in the chosen
// unit: hours for hours and working hours, whole days for working days.
func (s *Server) settingsDeadlineSubmit(c *fiber.Ctx) error {
	a, _ := actorOf(c)
	in := appeal.TierDeadline{Tier: appeal.Tier(c.FormValue("tier")), Unit: appeal.DeadlineUnit(c.FormValue("unit"))}
	if in.Unit == "" {
		in.Unit = appeal.UnitHours
	}
	var err error
	if in.Unit == appeal.UnitWorkdays {
		if in.ResponseDays, err = daysField(c, "response_hours"); err == nil {
			in.ResolutionDays, err = daysField(c, "resolution_hours")
		}
	} else if in.ResponseSeconds, err = hoursField(c, "response_hours"); err == nil {
		in.ResolutionSeconds, err = hoursField(c, "resolution_hours")
	}
	if err == nil {
		err = appeal.SetTierDeadline(c.UserContext(), s.db, a, in)
	}
	if err != nil {
		data, derr := s.settingsData(c)
		if derr != nil {
			return derr
		}
		return s.formFailed(c, "settings", "系统设置", data, err)
	}
	flash(c, "已保存“"+in.Tier.Label()+"”的办理时限（"+in.Unit.Label()+"）；此后提交的诉求按新时限计算。")
	return c.Redirect("/admin/settings", fiber.StatusSeeOther)
}

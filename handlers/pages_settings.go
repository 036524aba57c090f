package handlers

import (
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
	list, err := s.db.TierDeadlines(c.UserContext())
	if err != nil {
		return nil, err
	}
	rs, err := s.db.ReportSettings(c.UserContext())
	if err != nil {
		return nil, err
	}
	return fiber.Map{"Deadlines": list, "Report": rs}, nil
}

// hoursField reads a number of hours (decimals allowed) as whole seconds.
func hoursField(c *fiber.Ctx, name string) (int, error) {
	h, err := strconv.ParseFloat(strings.TrimSpace(c.FormValue(name)), 64)
	if err != nil || h <= 0 {
		return 0, fieldError(db.EINVALID, name, "请填写大于 0 的小时数")
	}
	return int(h * 3600), nil
}

func (s *Server) settingsDeadlineSubmit(c *fiber.Ctx) error {
	a, _ := actorOf(c)
	in := db.TierDeadline{Tier: db.Tier(c.FormValue("tier"))}
	var err error
	if in.ResponseSeconds, err = hoursField(c, "response_hours"); err == nil {
		in.ResolutionSeconds, err = hoursField(c, "resolution_hours")
	}
	if err == nil {
		err = s.db.SetTierDeadline(c.UserContext(), a, in)
	}
	if err != nil {
		data, derr := s.settingsData(c)
		if derr != nil {
			return derr
		}
		return s.formFailed(c, "settings", "系统设置", data, err)
	}
	flash(c, "已保存“"+in.Tier.Label()+"”的办理时限；此后提交的诉求按新时限计算。")
	return c.Redirect("/admin/settings", fiber.StatusSeeOther)
}

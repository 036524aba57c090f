package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// reportSettingsSubmit saves the 通报's minimum sample and issuer from the settings page.
func (s *Server) reportSettingsSubmit(c *fiber.Ctx) error {
	a, _ := actorOf(c)
	ctx := c.UserContext()
	issuer := strings.Clone(c.FormValue("report_issuer"))
	n, err := strconv.Atoi(strings.TrimSpace(c.FormValue("ranking_min_sample")))
	if err != nil {
		n = -1
	}
	if _, err := s.db.SetReportSettings(ctx, a, db.ReportSettingsUpdate{MinSample: &n, Issuer: &issuer}); err != nil {
		data, derr := s.settingsData(c)
		if derr != nil {
			return derr
		}
		return s.formFailed(c, "settings", "系统设置", data, err)
	}
	flash(c, "已保存通报设置；排名与通报按新设置生成。")
	return c.Redirect("/admin/settings", fiber.StatusSeeOther)
}

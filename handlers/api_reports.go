package handlers

import (
	"fmt"
	"net/url"
	"qinqing/db/figures"

	"github.com/gofiber/fiber/v2"
)

// reportMonth is the month a report request names, by default the last complete one:
// a 通报 of the month under way would rank on a few days' data.
func (s *Server) reportMonth(c *fiber.Ctx) string {
	return c.Query("month", figures.LastCompleteMonth(s.db.Now()))
}

func (s *Server) monthlyReport(c *fiber.Ctx) (*figures.MonthlyReport, error) {
	a, _ := actorOf(c)
	return figures.BuildMonthlyReport(c.UserContext(), s.db, a, s.reportMonth(c))
}

func (s *Server) apiMonthlyReport(c *fiber.Ctx) error {
	r, err := s.monthlyReport(c)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

// attachment names a download in Chinese, with an ASCII name for old clients (RFC 6266).
func attachment(c *fiber.Ctx, name, ascii, contentType string) {
	c.Set(fiber.HeaderContentType, contentType)
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf("attachment; filename=%q; filename*=UTF-8''%s", ascii, url.PathEscape(name)))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
}

func (s *Server) monthlyReportPDF(c *fiber.Ctx) error {
	r, err := s.monthlyReport(c)
	if err != nil {
		return err
	}
	body, err := reportPDF(r)
	if err != nil {
		return fmt.Errorf("report pdf: %w", err)
	}
	attachment(c, "月度通报-"+r.Month+".pdf", "report-"+r.Month+".pdf", "application/pdf")
	return c.Send(body)
}

func (s *Server) monthlyReportXLSX(c *fiber.Ctx) error {
	r, err := s.monthlyReport(c)
	if err != nil {
		return err
	}
	body, err := reportXLSX(r)
	if err != nil {
		return fmt.Errorf("report xlsx: %w", err)
	}
	attachment(c, "月度通报-"+r.Month+".xlsx", "report-"+r.Month+".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	return c.Send(body)
}

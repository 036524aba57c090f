package handlers

import (
	"qinqing/db/sheet"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// calendarRoutes are the working calendar's API: anyone signed in reads it (deadlines
// are shown against it); only the admin changes it.
func (s *Server) calendarRoutes() []route {
	return []route{
		{"GET", "/calendar", anyRole, false, "工作日历：某年（year，默认今年）的节假日和调休上班日", s.apiCalendar},
		{"PUT", "/calendar/:year", adminOnly, false, "整年替换工作日历（days：date、kind holiday/workday、name）", s.apiSetCalendarYear},
		{"PUT", "/calendar/days/:date", adminOnly, false, "设置一天为节假日或调休上班", s.apiSetCalendarDay},
		{"DELETE", "/calendar/days/:date", adminOnly, false, "从工作日历中去掉一天（恢复按周末计）", s.apiRemoveCalendarDay},
		{"POST", "/calendar/import", adminOnly, false, "导入工作日历（multipart 字段 file：日期、类型、名称；全部或全不）", s.apiImportCalendar},
	}
}

// calendarYear reads a year from the route or the query, this year when absent.
func (s *Server) calendarYear(raw string) (int, error) {
	if raw == "" {
		return s.db.Now().In(db.Zone).Year(), nil
	}
	y, err := strconv.Atoi(raw)
	if err != nil {
		return 0, fieldError(db.EBADREQUEST, "year", "年份须为整数，如 2026")
	}
	return y, nil
}

func (s *Server) apiCalendar(c *fiber.Ctx) error {
	year, err := s.calendarYear(c.Query("year"))
	if err != nil {
		return err
	}
	days, err := s.db.CalendarYear(c.UserContext(), year)
	if err != nil {
		return err
	}
	years, err := s.db.CalendarYears(c.UserContext())
	if err != nil {
		return err
	}
	if years == nil {
		years = []int{}
	}
	return c.JSON(fiber.Map{"year": year, "years": years, "items": days})
}

func (s *Server) apiSetCalendarYear(c *fiber.Ctx) error {
	year, err := s.calendarYear(c.Params("year"))
	if err != nil {
		return err
	}
	var in struct {
		Days []db.CalendarDay `json:"days"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a, _ := actorOf(c)
	days, err := s.db.SetCalendarYear(c.UserContext(), a, year, in.Days)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"year": year, "items": days})
}

func (s *Server) apiSetCalendarDay(c *fiber.Ctx) error {
	var in struct {
		Kind db.DayKind `json:"kind"`
		Name string     `json:"name"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a, _ := actorOf(c)
	d, err := s.db.SetCalendarDay(c.UserContext(), a, db.CalendarDay{Date: strings.Clone(c.Params("date")), Kind: in.Kind, Name: in.Name})
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (s *Server) apiRemoveCalendarDay(c *fiber.Ctx) error {
	a, _ := actorOf(c)
	if err := s.db.RemoveCalendarDay(c.UserContext(), a, c.Params("date")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) apiImportCalendar(c *fiber.Ctx) error {
	sh, err := readSheetUpload(c)
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	res, err := sheet.ImportCalendar(c.UserContext(), s.db, a, sh)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

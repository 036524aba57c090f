package handlers

import (
	"fmt"
	"net/url"
	"qinqing/db/sheet"
	"slices"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// mountCalendarPages adds the admin's working calendar.
func (s *Server) mountCalendarPages(web *pageRouter) {
	web.get("/admin/calendar", signedIn(db.RoleAdmin), s.calendarPage)
	web.post("/admin/calendar/days", signedIn(db.RoleAdmin), s.calendarDaySubmit)
	web.post("/admin/calendar/days/:date/delete", signedIn(db.RoleAdmin), s.calendarDayRemove)
	web.post("/admin/calendar/import", signedIn(db.RoleAdmin), s.calendarImportSubmit)
}

var weekdayLabels = [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

// calendarRow is one listed day as the page shows it.
type calendarRow struct {
	db.CalendarDay
	Weekday string
	Weekend bool
}

// calendarData is what the calendar page shows for a year.
func (s *Server) calendarData(c *fiber.Ctx, year int) (fiber.Map, error) {
	days, err := s.db.CalendarYear(c.UserContext(), year)
	if err != nil {
		return nil, err
	}
	years, err := s.db.CalendarYears(c.UserContext())
	if err != nil {
		return nil, err
	}
	this := s.db.Now().In(db.Zone).Year()
	for _, y := range []int{this + 1, this, this - 1, year} {
		if !slices.Contains(years, y) {
			years = append(years, y)
		}
	}
	slices.Sort(years)
	slices.Reverse(years)
	rows := make([]calendarRow, len(days))
	holidays, workdays := 0, 0
	for i, d := range days {
		t, _ := time.ParseInLocation(db.DateLayout, d.Date, db.Zone)
		rows[i] = calendarRow{d, weekdayLabels[t.Weekday()], t.Weekday() == time.Saturday || t.Weekday() == time.Sunday}
		if d.Kind == db.DayHoliday {
			holidays++
		} else {
			workdays++
		}
	}
	return fiber.Map{"Year": year, "Years": years, "Days": rows, "Holidays": holidays, "Workdays": workdays}, nil
}

func (s *Server) calendarPage(c *fiber.Ctx) error {
	year, err := s.calendarYear(c.Query("year"))
	if err != nil {
		return err
	}
	data, err := s.calendarData(c, year)
	if err != nil {
		return err
	}
	return s.render(c, "calendar", "工作日历", data)
}

// yearOfDate is the year a submitted date belongs to, for showing it after a change.
func (s *Server) yearOfDate(date string) int {
	if d, err := db.ParseDate(date); err == nil {
		y, _ := strconv.Atoi(d[:4])
		return y
	}
	return s.db.Now().In(db.Zone).Year()
}

func (s *Server) calendarDaySubmit(c *fiber.Ctx) error {
	a, _ := actorOf(c)
	in := db.CalendarDay{Date: c.FormValue("date"), Kind: db.DayKind(c.FormValue("kind")), Name: c.FormValue("name")}
	d, err := s.db.SetCalendarDay(c.UserContext(), a, in)
	if err != nil {
		data, derr := s.calendarData(c, s.yearOfDate(in.Date))
		if derr != nil {
			return derr
		}
		return s.formFailed(c, "calendar", "工作日历", data, err)
	}
	flash(c, fmt.Sprintf("已将 %s 设为%s；此后计算的期限按新日历。", d.Date, d.Kind.Label()))
	return c.Redirect("/admin/calendar?year="+d.Date[:4], fiber.StatusSeeOther)
}

func (s *Server) calendarDayRemove(c *fiber.Ctx) error {
	a, _ := actorOf(c)
	date := c.Params("date")
	if err := s.db.RemoveCalendarDay(c.UserContext(), a, date); err != nil {
		return err
	}
	flash(c, "已从日历中去掉 "+date+"，该日按周末规则计。")
	return c.Redirect("/admin/calendar?year="+url.QueryEscape(strconv.Itoa(s.yearOfDate(date))), fiber.StatusSeeOther)
}

func (s *Server) calendarImportSubmit(c *fiber.Ctx) error {
	a, _ := actorOf(c)
	sh, err := readSheetUpload(c)
	var res *sheet.ImportResult
	if err == nil {
		res, err = sheet.ImportCalendar(c.UserContext(), s.db, a, sh)
	}
	if err != nil {
		e, ok := db.AsError(err)
		if !ok || e.Code == db.EINTERNAL {
			return err
		}
		data, derr := s.calendarData(c, s.db.Now().In(db.Zone).Year())
		if derr != nil {
			return derr
		}
		data["Problems"] = e.Fields
		p := s.page(c, "工作日历", data)
		p.Error = e.Message
		c.Status(statusOf[e.Code])
		return s.render(c, "calendar", "工作日历", p)
	}
	flash(c, fmt.Sprintf("已导入日历 %d 行：新增 %d，更新 %d，未变 %d。", res.Rows, res.Created, res.Updated, res.Unchanged))
	return c.Redirect("/admin/calendar", fiber.StatusSeeOther)
}

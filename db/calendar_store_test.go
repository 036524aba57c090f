package db_test

import (
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/dbtest"
	"qinqing/db/sheet"
	"testing"
	"time"
)

// Deadlines in working days and working hours are set from the calendar; switching a tier
// back to hours restores the hours it had.
func TestTierDeadlineUnits(t *testing.T) {
	w := dbtest.NewWorld(t)
	friday := time.Date(2026, 2, 13, 16, 0, 0, 0, db.Zone) // before 春节 2026; Saturday 2/14 is worked
	w.Advance(friday.Sub(dbtest.WorldStart))
	for _, c := range []struct {
		who  db.Actor
		in   appeal.TierDeadline
		code string
	}{
		{w.Office, appeal.TierDeadline{Tier: appeal.TierFast, Unit: appeal.UnitWorkdays, ResponseDays: 1, ResolutionDays: 3}, db.EFORBIDDEN},
		{w.Admin, appeal.TierDeadline{Tier: appeal.TierFast, Unit: "weeks", ResponseDays: 1, ResolutionDays: 3}, db.EINVALID},
		{w.Admin, appeal.TierDeadline{Tier: appeal.TierFast, Unit: appeal.UnitWorkdays, ResponseDays: 0, ResolutionDays: 3}, db.EINVALID},
		{w.Admin, appeal.TierDeadline{Tier: appeal.TierFast, Unit: appeal.UnitWorkdays, ResponseDays: 3, ResolutionDays: 2}, db.EINVALID},
		{w.Admin, appeal.TierDeadline{Tier: appeal.TierFast, Unit: appeal.UnitWorkdays, ResponseDays: 1, ResolutionDays: 121}, db.EINVALID},
		{w.Admin, appeal.TierDeadline{Tier: appeal.TierFast, Unit: appeal.UnitWorkdays, ResponseSeconds: 3600, ResolutionSeconds: 7200}, db.EINVALID},
		{w.Admin, appeal.TierDeadline{Tier: appeal.TierFast, Unit: appeal.UnitWorkdays, ResponseDays: 1, ResolutionDays: 3}, ""},
		{w.Admin, appeal.TierDeadline{Tier: appeal.TierImmediate, Unit: appeal.UnitWorkHours, ResponseSeconds: 2 * 3600, ResolutionSeconds: 16 * 3600}, ""},
	} {
		err := appeal.SetTierDeadline(dbtest.Ctx(), w.DB, c.who, c.in)
		if db.ErrorCode(err) != c.code && !(c.code == "" && err == nil) {
			t.Errorf("%s sets %+v: %v, want %q", c.who.Role, c.in, err, c.code)
		}
	}
	end := func(s string) time.Time { return db.At(t, s).Add(59 * time.Second) }
	fast := w.File(t, w.Office, func(in *appeal.Input) { in.Tier = appeal.TierFast })
	if !fast.ResponseDueAt.Equal(end("2026-02-14 23:59")) || !fast.DueAt.Equal(end("2026-02-25 23:59")) {
		t.Errorf("fast in working days: response %s, due %s", fast.ResponseDueAt, fast.DueAt)
	}
	now := w.File(t, w.Office, func(in *appeal.Input) { in.Tier = appeal.TierImmediate })
	if !now.ResponseDueAt.Equal(db.At(t, "2026-02-14 10:00")) || !now.DueAt.Equal(db.At(t, "2026-02-24 16:00")) {
		t.Errorf("immediate in working hours: response %s, due %s", now.ResponseDueAt, now.DueAt)
	}
	if err := appeal.SetTierDeadline(dbtest.Ctx(), w.DB, w.Admin, appeal.TierDeadline{Tier: appeal.TierFast, Unit: appeal.UnitHours, ResponseSeconds: 86400, ResolutionSeconds: 5 * 86400}); err != nil {
		t.Fatal(err)
	}
	list, err := appeal.TierDeadlines(dbtest.Ctx(), w.DB)
	if err != nil || list[1].Unit != appeal.UnitHours || list[1].ResolutionSeconds != 5*86400 || list[1].ResolutionDays != 3 || list[0].Unit != appeal.UnitWorkHours {
		t.Errorf("deadlines after switching back: %+v %v", list, err)
	}
	if again := w.File(t, w.Office, func(in *appeal.Input) { in.Tier = appeal.TierFast }); again.DueAt.Sub(again.CreatedAt) != 5*24*time.Hour {
		t.Errorf("fast in hours again: due after %s", again.DueAt.Sub(again.CreatedAt))
	}
}

func TestImportCalendar(t *testing.T) {
	d := dbtest.MustOpen(t)
	read := func(csv string) *sheet.Sheet {
		s, err := sheet.Read("cal.csv", []byte(csv))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	bad := read("日期,类型,名称\n2027-01-01,节假日,元旦\n2027-01-02,放羊,\n,节假日,\n2027-01-01,休,元旦\n2027-01-03,节假日,一二三四五六七八九十一二三四五六七八九十一\n")
	_, err := sheet.ImportCalendar(dbtest.Ctx(), d, dbtest.AdminActor, bad)
	e, ok := db.AsError(err)
	if !ok || e.Code != db.EINVALID || len(e.Fields) != 4 {
		t.Fatalf("bad file: %v", err)
	}
	for i, want := range []string{"第 3 行：类型", "第 4 行：日期", "第 5 行：日期 2027-01-01 与第 2 行重复", "第 6 行：名称"} {
		if len(e.Fields[i].Message) < len(want) || e.Fields[i].Message[:len(want)] != want {
			t.Errorf("error %d: %q, want %q…", i, e.Fields[i].Message, want)
		}
	}
	if days, _ := d.CalendarYear(dbtest.Ctx(), 2027); len(days) != 0 {
		t.Errorf("a refused file stored %v", days)
	}
	if _, err := sheet.ImportCalendar(dbtest.Ctx(), d, db.Actor{Role: db.RoleOffice, UserID: 2}, read("日期,类型\n2027-01-01,节假日\n")); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Errorf("office imports: %v", err)
	}
	good := read("类型,日期,名称\n节假日,2027-01-01,元旦\nworkday,2027/2/20,春节调休\n")
	res, err := sheet.ImportCalendar(dbtest.Ctx(), d, dbtest.AdminActor, good)
	if err != nil || res.Created != 2 {
		t.Fatalf("good file: %+v %v", res, err)
	}
	res, err = sheet.ImportCalendar(dbtest.Ctx(), d, dbtest.AdminActor, read("日期,类型,名称\n2027-01-01,节假日,元旦\n2027-02-20,节假日,\n"))
	if err != nil || res.Unchanged != 1 || res.Updated != 1 {
		t.Errorf("again: %+v %v", res, err)
	}
	cal, err := d.Calendar(dbtest.Ctx())
	if err != nil || cal.IsWorkday(db.At(t, "2027-02-20 10:00")) || cal.IsWorkday(db.At(t, "2027-01-01 10:00")) || !cal.IsWorkday(db.At(t, "2027-01-04 10:00")) {
		t.Errorf("calendar after import: %v", err)
	}
}

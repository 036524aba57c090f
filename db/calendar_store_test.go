package db

import (
	"testing"
	"time"
)

// Deadlines in working days and working hours are set from the calendar; switching a tier
// back to hours restores the hours it had.
func TestTierDeadlineUnits(t *testing.T) {
	w := newWorld(t)
	friday := time.Date(2026, 2, 13, 16, 0, 0, 0, Zone) // before 春节 2026; Saturday 2/14 is worked
	w.advance(friday.Sub(worldStart))
	for _, c := range []struct {
		who  Actor
		in   TierDeadline
		code string
	}{
		{w.office, TierDeadline{Tier: TierFast, Unit: UnitWorkdays, ResponseDays: 1, ResolutionDays: 3}, EFORBIDDEN},
		{w.admin, TierDeadline{Tier: TierFast, Unit: "weeks", ResponseDays: 1, ResolutionDays: 3}, EINVALID},
		{w.admin, TierDeadline{Tier: TierFast, Unit: UnitWorkdays, ResponseDays: 0, ResolutionDays: 3}, EINVALID},
		{w.admin, TierDeadline{Tier: TierFast, Unit: UnitWorkdays, ResponseDays: 3, ResolutionDays: 2}, EINVALID},
		{w.admin, TierDeadline{Tier: TierFast, Unit: UnitWorkdays, ResponseDays: 1, ResolutionDays: 121}, EINVALID},
		{w.admin, TierDeadline{Tier: TierFast, Unit: UnitWorkdays, ResponseSeconds: 3600, ResolutionSeconds: 7200}, EINVALID},
		{w.admin, TierDeadline{Tier: TierFast, Unit: UnitWorkdays, ResponseDays: 1, ResolutionDays: 3}, ""},
		{w.admin, TierDeadline{Tier: TierImmediate, Unit: UnitWorkHours, ResponseSeconds: 2 * 3600, ResolutionSeconds: 16 * 3600}, ""},
	} {
		err := w.db.SetTierDeadline(ctx(), c.who, c.in)
		if ErrorCode(err) != c.code && !(c.code == "" && err == nil) {
			t.Errorf("%s sets %+v: %v, want %q", c.who.Role, c.in, err, c.code)
		}
	}
	end := func(s string) time.Time { return at(t, s).Add(59 * time.Second) }
	fast := w.file(t, w.office, func(in *AppealInput) { in.Tier = TierFast })
	if !fast.ResponseDueAt.Equal(end("2026-02-14 23:59")) || !fast.DueAt.Equal(end("2026-02-25 23:59")) {
		t.Errorf("fast in working days: response %s, due %s", fast.ResponseDueAt, fast.DueAt)
	}
	now := w.file(t, w.office, func(in *AppealInput) { in.Tier = TierImmediate })
	if !now.ResponseDueAt.Equal(at(t, "2026-02-14 10:00")) || !now.DueAt.Equal(at(t, "2026-02-24 16:00")) {
		t.Errorf("immediate in working hours: response %s, due %s", now.ResponseDueAt, now.DueAt)
	}
	if err := w.db.SetTierDeadline(ctx(), w.admin, TierDeadline{Tier: TierFast, Unit: UnitHours, ResponseSeconds: 86400, ResolutionSeconds: 5 * 86400}); err != nil {
		t.Fatal(err)
	}
	list, err := w.db.TierDeadlines(ctx())
	if err != nil || list[1].Unit != UnitHours || list[1].ResolutionSeconds != 5*86400 || list[1].ResolutionDays != 3 || list[0].Unit != UnitWorkHours {
		t.Errorf("deadlines after switching back: %+v %v", list, err)
	}
	if again := w.file(t, w.office, func(in *AppealInput) { in.Tier = TierFast }); again.DueAt.Sub(again.CreatedAt) != 5*24*time.Hour {
		t.Errorf("fast in hours again: due after %s", again.DueAt.Sub(again.CreatedAt))
	}
}

func TestImportCalendar(t *testing.T) {
	d := mustOpen(t)
	read := func(csv string) *Sheet {
		s, err := ReadSheet("cal.csv", []byte(csv))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	bad := read("日期,类型,名称\n2027-01-01,节假日,元旦\n2027-01-02,放羊,\n,节假日,\n2027-01-01,休,元旦\n2027-01-03,节假日,一二三四五六七八九十一二三四五六七八九十一\n")
	_, err := d.ImportCalendar(ctx(), adminActor, bad)
	e, ok := AsError(err)
	if !ok || e.Code != EINVALID || len(e.Fields) != 4 {
		t.Fatalf("bad file: %v", err)
	}
	for i, want := range []string{"第 3 行：类型", "第 4 行：日期", "第 5 行：日期 2027-01-01 与第 2 行重复", "第 6 行：名称"} {
		if len(e.Fields[i].Message) < len(want) || e.Fields[i].Message[:len(want)] != want {
			t.Errorf("error %d: %q, want %q…", i, e.Fields[i].Message, want)
		}
	}
	if days, _ := d.CalendarYear(ctx(), 2027); len(days) != 0 {
		t.Errorf("a refused file stored %v", days)
	}
	if _, err := d.ImportCalendar(ctx(), Actor{Role: RoleOffice, UserID: 2}, read("日期,类型\n2027-01-01,节假日\n")); ErrorCode(err) != EFORBIDDEN {
		t.Errorf("office imports: %v", err)
	}
	good := read("类型,日期,名称\n节假日,2027-01-01,元旦\nworkday,2027/2/20,春节调休\n")
	res, err := d.ImportCalendar(ctx(), adminActor, good)
	if err != nil || res.Created != 2 {
		t.Fatalf("good file: %+v %v", res, err)
	}
	res, err = d.ImportCalendar(ctx(), adminActor, read("日期,类型,名称\n2027-01-01,节假日,元旦\n2027-02-20,节假日,\n"))
	if err != nil || res.Unchanged != 1 || res.Updated != 1 {
		t.Errorf("again: %+v %v", res, err)
	}
	cal, err := d.Calendar(ctx())
	if err != nil || cal.IsWorkday(at(t, "2027-02-20 10:00")) || cal.IsWorkday(at(t, "2027-01-01 10:00")) || !cal.IsWorkday(at(t, "2027-01-04 10:00")) {
		t.Errorf("calendar after import: %v", err)
	}
}

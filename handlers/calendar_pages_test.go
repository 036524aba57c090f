package handlers

import (
	"context"
	"qinqing/db/appeal"
	"qinqing/db/demo"
	"testing"
)

func TestPagesSettingsDeadlineUnits(t *testing.T) {
	base, d := startPageServer(t)
	admin := pageSignIn(t, base, "admin", demo.Password)
	admin.get("/admin/settings").want(t, "settings page", 200, "自然小时", "工作小时", "工作日", `href="/admin/calendar"`)
	admin.post("/admin/settings/deadlines", "tier", "escalated", "unit", "workdays", "response_hours", "1.5", "resolution_hours", "10").
		want(t, "half a working day", 422, "请填写大于 0 的整数天数")
	admin.post("/admin/settings/deadlines", "tier", "escalated", "unit", "fortnights", "response_hours", "1", "resolution_hours", "10").
		want(t, "unknown unit", 422, "时限单位须为")
	admin.post("/admin/settings/deadlines", "tier", "escalated", "unit", "workdays", "response_hours", "1", "resolution_hours", "10").
		want(t, "saved in working days", 303)
	admin.get("/admin/settings").want(t, "after saving", 200, "（工作日）", `<option value="workdays" selected>工作日</option>`, `value="10"`)
	list, err := appeal.TierDeadlines(context.Background(), d)
	if err != nil || list[2].Unit != appeal.UnitWorkdays || list[2].ResponseDays != 1 || list[2].ResolutionDays != 10 {
		t.Errorf("escalated deadlines %+v %v", list, err)
	}
	pageSignIn(t, base, "office", demo.Password).get("/admin/calendar").want(t, "office calendar page", 404)
	pageSignIn(t, base, "office", demo.Password).post("/admin/calendar/days", "date", "2026-12-31", "kind", "holiday").
		want(t, "office adds a day", 404)
}

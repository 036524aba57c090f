package handlers

import (
	"context"
	"qinqing/db/appeal"
	"qinqing/db/demo"
	"qinqing/db/register"
	"testing"
	"time"

	"qinqing/db"
)

func TestPagesSettingsDeadlines(t *testing.T) {
	base, d := startPageServer(t)
	admin := pageSignIn(t, base, "admin", demo.Password)
	admin.get("/admin/settings").want(t, "settings page", 200, "办理时限", "马上办", "快速办", "提级办")

	admin.post("/admin/settings/deadlines", "tier", "fast", "response_hours", "abc", "resolution_hours", "72").
		want(t, "bad hours", 422, "请填写大于 0 的小时数")
	admin.post("/admin/settings/deadlines", "tier", "fast", "response_hours", "48", "resolution_hours", "24").
		want(t, "resolution shorter than response", 422, "办结时限须不短于响应时限")
	admin.post("/admin/settings/deadlines", "tier", "fast", "response_hours", "12", "resolution_hours", "72").
		want(t, "saved", 303)
	admin.get("/admin/settings").want(t, "after saving", 200, "已保存", `value="72"`)

	list, err := appeal.TierDeadlines(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	for _, td := range list {
		if td.Tier == appeal.TierFast && (td.ResponseSeconds != 12*3600 || td.ResolutionSeconds != 72*3600) {
			t.Errorf("fast deadlines %+v", td)
		}
	}
	ent := pageSignIn(t, base, "enterprise", demo.Password)
	u, err := register.UserByID(context.Background(), d, 5)
	if err != nil || u.Role != db.RoleEnterprise {
		t.Fatalf("enterprise account: %v %v", u, err)
	}
	ap, err := appeal.Create(context.Background(), d, register.ActorOf(u), appeal.Input{Title: "新时限下的诉求",
		Content: "用于检查新的办理时限是否生效的诉求内容。", Category: "其他"})
	if err != nil {
		t.Fatal(err)
	}
	if got := ap.DueAt.Sub(ap.CreatedAt); got != 72*time.Hour {
		t.Errorf("new appeal due after %v, want 72h", got)
	}
	ent.get("/admin/settings").want(t, "enterprise", 404)
	pageSignIn(t, base, "office", demo.Password).post("/admin/settings/deadlines", "tier", "fast",
		"response_hours", "1", "resolution_hours", "2").want(t, "office post", 404)
}

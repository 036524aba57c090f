package handlers_test

import (
	"fmt"
	"net/url"
	"qinqing/db/demo"
	"qinqing/db/register"
	"testing"
	"time"

	"qinqing/db"
)

// TestResources walks each register through create, get, patch, list and its audit trail.
func TestResources(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	admin := a.login("admin")
	all := a.enterprises(t, "")
	e0, e1 := all[5], all[6]
	if e0.LeaderID == e1.LeaderID {
		e1 = all[len(all)-1]
	}
	dept := a.do("GET", "/api/v1/departments?limit=1", admin, nil).items()[0]
	code := register.MakeCreditCode("440300", 777001)

	tests := []struct {
		kind   string // object_type in the audit log
		path   string
		create map[string]any
		patch  map[string]any
		list   string // a query that finds the new object
	}{
		{"user", "/api/v1/users",
			map[string]any{"username": "zhang.san", "password": "我们一起建设亲清政商关系", "display_name": "张三", "role": "office"},
			map[string]any{"display_name": "张三丰"}, "q=zhang.san"},
		{"user", "/api/v1/users",
			map[string]any{"username": "dept-li", "password": "correct horse battery", "role": "department", "department_id": dept["id"]},
			map[string]any{"display_name": "李四"}, "role=department&q=dept-li"},
		{"department", "/api/v1/departments",
			map[string]any{"name": "市数据资源局", "kind": "职能部门"},
			map[string]any{"name": "市大数据管理局"}, "q=" + url.QueryEscape("大数据")},
		{"leader", "/api/v1/leaders",
			map[string]any{"name": "王建国", "title": "副市长", "phone": "13800138000"},
			map[string]any{"title": "常务副市长"}, "q=" + url.QueryEscape("王建国")},
		{"enterprise", "/api/v1/enterprises",
			map[string]any{"name": "盘锦亲清测试科技有限公司", "credit_code": code, "district": "兴隆台区", "industry": "软件和信息技术服务"},
			map[string]any{"district": "双台子区", "contact_phone": "0427-2825000"}, "q=" + code},
		{"liaison", "/api/v1/liaisons",
			map[string]any{"leader_id": e1.LeaderID, "enterprise_id": e0.ID, "since": time.Now().In(db.Zone).Format(db.DateLayout), "note": "调整包保"},
			map[string]any{"note": "按市委要求调整"}, fmt.Sprintf("enterprise_id=%d&active=true", e0.ID)},
	}
	for _, tt := range tests {
		t.Run(tt.path+" "+fmt.Sprint(tt.create["username"]), func(t *testing.T) {
			r := a.do("POST", tt.path, admin, tt.create)
			if r.Status != 201 {
				t.Fatalf("create: %s", r)
			}
			id := r.id("id")
			for k, v := range tt.create {
				if k == "password" {
					if _, leaked := r.JSON["password_hash"]; leaked || r.JSON[k] != nil {
						t.Errorf("password or its hash is in the answer: %s", r)
					}
					continue
				}
				if fmt.Sprint(r.JSON[k]) != fmt.Sprint(v) {
					t.Errorf("created %s = %v, want %v", k, r.JSON[k], v)
				}
			}
			one := fmt.Sprintf("%s/%d", tt.path, id)
			if g := a.do("GET", one, admin, nil); g.Status != 200 || g.id("id") != id {
				t.Errorf("get: %s", g)
			}
			p := a.do("PATCH", one, admin, tt.patch)
			if p.Status != 200 {
				t.Fatalf("patch: %s", p)
			}
			g := a.do("GET", one, admin, nil)
			for k, v := range tt.patch {
				if fmt.Sprint(p.JSON[k]) != fmt.Sprint(v) || fmt.Sprint(g.JSON[k]) != fmt.Sprint(v) {
					t.Errorf("after patch %s = %v (answer) / %v (get), want %v", k, p.JSON[k], g.JSON[k], v)
				}
			}
			l := a.do("GET", tt.path+"?"+tt.list, admin, nil)
			if l.Status != 200 || l.total() != 1 || num(l.items()[0]["id"]) != id {
				t.Errorf("list %s: %s", tt.list, l)
			}
			ev := a.do("GET", fmt.Sprintf("/api/v1/audit/events?object_type=%s&object_id=%d", tt.kind, id), admin, nil)
			actions := map[string]bool{}
			for _, it := range ev.items() {
				actions[fmt.Sprint(it["action"])] = true
			}
			if !actions[tt.kind+".create"] || !actions[tt.kind+".update"] {
				t.Errorf("audit events for %s %d: %v", tt.kind, id, actions)
			}
		})
	}

	// The enterprise handed to a new leader keeps its old pair as history.
	h := a.do("GET", fmt.Sprintf("/api/v1/liaisons?enterprise_id=%d", e0.ID), admin, nil)
	if h.total() != 2 {
		t.Errorf("liaison history of %d: %s", e0.ID, h)
	}
	if g := a.do("GET", fmt.Sprintf("/api/v1/enterprises/%d", e0.ID), admin, nil); g.id("leader_id") != e1.LeaderID {
		t.Errorf("enterprise %d leader after hand-over: %v, want %d", e0.ID, g.JSON["leader_id"], e1.LeaderID)
	}
	if v := a.do("GET", "/api/v1/audit/verify", admin, nil); v.Status != 200 || v.JSON["ok"] != true {
		t.Errorf("audit verify after writes: %s", v)
	}
}

// TestSession covers /auth/login, /me, /me/password and /auth/logout for one account.
func TestSession(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	for _, role := range demoRoles {
		t.Run("me "+role, func(t *testing.T) {
			m := a.me(a.login(role))
			if m["username"] != role || m["role"] != role {
				t.Errorf("me = %v", m)
			}
			for _, k := range []string{"department_id", "leader_id", "enterprise_id"} {
				scoped := k == role+"_id"
				if (m[k] != nil) != scoped {
					t.Errorf("%s = %v for role %s", k, m[k], role)
				}
			}
			for _, secret := range []string{"password_hash", "token_version", "password"} {
				if _, ok := m[secret]; ok {
					t.Errorf("/me carries %s", secret)
				}
			}
		})
	}

	r := a.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "office", "password": demo.Password})
	if r.Status != 200 {
		t.Fatalf("login: %s", r)
	}
	exp, err := time.Parse(time.RFC3339, fmt.Sprint(r.JSON["expires_at"]))
	if err != nil || exp.Before(time.Now()) || fmt.Sprint(r.JSON["expires_at"])[19:] != "+08:00" {
		t.Errorf("expires_at %v: %v", r.JSON["expires_at"], err)
	}
	user, _ := r.JSON["user"].(map[string]any)
	for _, k := range []string{"id", "username", "display_name", "role", "department_id", "leader_id", "enterprise_id"} {
		if _, ok := user[k]; !ok {
			t.Errorf("login user lacks %s: %v", k, user)
		}
	}
	tok := r.JSON["token"].(string)

	const next = "亲清政商关系，我们共同守护"
	if p := a.do("POST", "/api/v1/me/password", tok, map[string]string{"current_password": "wrong-password", "new_password": next}); p.Status != 422 {
		t.Errorf("wrong current password: %s", p)
	}
	if p := a.do("POST", "/api/v1/me/password", tok, map[string]string{"current_password": demo.Password, "new_password": next}); p.Status != 204 {
		t.Fatalf("change password: %s", p)
	}
	tok = a.freshLogin("office", next)
	if r := a.do("POST", "/api/v1/auth/logout", tok, nil); r.Status != 204 {
		t.Errorf("logout: %s", r)
	}
	if r := a.do("GET", "/api/v1/me", tok, nil); r.Status != 401 {
		t.Errorf("me after logout: %s", r)
	}
}

// TestAuditEndpoints reads the log newest first and checks the chain's head.
func TestAuditEndpoints(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	auditor := a.login("auditor")
	d := a.do("POST", "/api/v1/departments", a.login("admin"), map[string]string{"name": "市审计局"})
	if d.Status != 201 {
		t.Fatalf("create department: %s", d)
	}
	ev := a.do("GET", "/api/v1/audit/events?limit=500", auditor, nil)
	items := ev.items()
	if ev.Status != 200 || len(items) == 0 || len(items) != ev.total() {
		t.Fatalf("events: %s", ev)
	}
	for i := 1; i < len(items); i++ {
		if num(items[i]["id"]) >= num(items[i-1]["id"]) {
			t.Fatalf("events not newest first at %d", i)
		}
		if items[i-1]["prev_hash"] != items[i]["hash"] {
			t.Errorf("event %v does not link to %v", items[i-1]["id"], items[i]["id"])
		}
	}
	newest := items[0]
	if newest["action"] != "department.create" || num(newest["object_id"]) != d.id("id") {
		t.Errorf("newest event %v, want department.create of %d", newest, d.id("id"))
	}
	v := a.do("GET", "/api/v1/audit/verify", auditor, nil)
	if v.Status != 200 || v.JSON["ok"] != true || num(v.JSON["events"]) != int64(len(items)) ||
		v.JSON["head"] != newest["hash"] || v.JSON["first_bad_id"] != nil {
		t.Errorf("verify: %s (want %d events, head %v)", v, len(items), newest["hash"])
	}
	if f := a.do("GET", "/api/v1/audit/events?action=auth.login", auditor, nil); f.total() < 1 {
		t.Errorf("filter by action: %s", f)
	} else {
		for _, it := range f.items() {
			if it["action"] != "auth.login" {
				t.Errorf("filter by action returned %v", it["action"])
			}
		}
	}
}

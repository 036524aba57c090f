package handlers_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"qinqing/db"
)

// An integration sends times as RFC 3339 with an offset, or a date alone; every date and
// time field takes both, and garbage is refused with a Chinese 422 naming the field.
func TestAPITakesRFC3339(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	x := demoLedgerIDs(t, a)
	leader, admin, office := a.login("leader"), a.login("admin"), a.login("office")
	yesterday := time.Now().In(db.Zone).AddDate(0, 0, -1)
	day := yesterday.Format(db.DateLayout)
	for _, c := range []struct {
		name, visitedAt string
	}{
		{"offset", time.Date(yesterday.Year(), yesterday.Month(), yesterday.Day(), 10, 0, 0, 0, db.Zone).Format(time.RFC3339)},
		{"UTC, the same day in the city", time.Date(yesterday.Year(), yesterday.Month(), yesterday.Day(), 2, 0, 0, 0, time.UTC).Format(time.RFC3339)},
		{"a western offset, the next day here", time.Date(yesterday.Year(), yesterday.Month(), yesterday.Day()-1, 20, 0, 0, 0, time.FixedZone("PST", -8*3600)).Format(time.RFC3339)},
		{"date alone", day},
	} {
		body := visitBody(x.own, 0)
		body["visited_at"] = c.visitedAt
		r := a.do("POST", "/api/v1/visits", leader, body)
		v, _ := r.JSON["visit"].(map[string]any)
		if r.Status != 201 || v == nil || v["visited_at"] != day {
			t.Errorf("visited_at %s (%s): %s", c.visitedAt, c.name, r)
		}
	}
	for _, bad := range []string{"garbage", "2026-11-29T10:00:00", "29/11/2026", "2026-02-30", "2026-11-29T10:00:00+0800"} {
		body := visitBody(x.own, 0)
		body["visited_at"] = bad
		r := a.do("POST", "/api/v1/visits", leader, body)
		if r.Status != 422 || len(r.fields()) == 0 || r.fields()[0] != "visited_at" || !strings.Contains(string(r.Body), "RFC 3339") {
			t.Errorf("visited_at %q: %s", bad, r)
		}
	}

	// A liaison pair's until.
	pairs := a.do("GET", "/api/v1/liaisons?active=true&limit=2", admin, nil).items()
	if len(pairs) < 2 {
		t.Fatal("no active pairs")
	}
	r := a.do("PATCH", fmt.Sprintf("/api/v1/liaisons/%d", num(pairs[0]["id"])), admin, map[string]any{"until": "soon"})
	if r.Status != 422 || r.fields()[0] != "until" || !strings.Contains(string(r.Body), "结束日期格式须为") {
		t.Errorf("until garbage: %s", r)
	}
	until := time.Now().In(db.Zone)
	r = a.do("PATCH", fmt.Sprintf("/api/v1/liaisons/%d", num(pairs[0]["id"])), admin, map[string]any{"until": until.Format(time.RFC3339)})
	if r.Status != 200 || r.JSON["until"] != until.Format(db.DateLayout) {
		t.Errorf("until as RFC 3339: %s", r)
	}

	// Query parameters: an offset's "+" sent unencoded arrives as a space and still counts.
	from := yesterday.Format("2006-01-02") + "T00:00:00+08:00"
	for _, q := range []string{"from=" + url.QueryEscape(from), "from=" + from, "from=" + day, "to=" + url.QueryEscape(time.Now().Format(time.RFC3339))} {
		if r := a.do("GET", "/api/v1/visits?"+q, office, nil); r.Status != 200 || r.total() < 1 {
			t.Errorf("visits?%s: %s", q, r)
		}
		if r := a.do("GET", "/api/v1/appeals?"+q, office, nil); r.Status != 200 {
			t.Errorf("appeals?%s: %s", q, r)
		}
	}
	for _, path := range []string{"/api/v1/visits?from=yesterday", "/api/v1/appeals?to=2026-11-31", "/api/v1/cases?from=1732845600"} {
		r := a.do("GET", path, office, nil)
		if r.Status != 422 || !strings.Contains(string(r.Body), "须为 YYYY-MM-DD 日期或 RFC 3339 时间") {
			t.Errorf("%s: %s", path, r)
		}
	}
}

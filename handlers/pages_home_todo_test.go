package handlers

import (
	"context"
	"errors"
	"html"
	"net"
	"qinqing/db/appeal"
	"qinqing/db/dbtest"
	"qinqing/db/demo"
	"regexp"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"qinqing/db"
)

// startTodoServer serves the demo city with appeals on a database whose clock stands
// still, so that a count and the list it opens are taken at the same instant.
// The demo enterprise also gets a reported appeal to rate and the demo department an
// urged one, so every role but the leader (whose firms the demo may leave idle) has
// something to count.
func startTodoServer(t *testing.T) string {
	base, d := startClockServer(t, &stillClock{at: time.Now().Truncate(time.Second).UnixNano()}, 400)
	ctx := context.Background()
	ent, office, dept := actorFor(t, d, "enterprise"), actorFor(t, d, "office"), actorFor(t, d, "department")
	walk := func(title string, last db.Actor, lastIn appeal.ActionInput) {
		t.Helper()
		ap, err := appeal.Create(ctx, d, ent, appeal.Input{Title: title, Content: title + "，请尽快处理。", Category: "审批服务"})
		if err != nil {
			t.Fatal(err)
		}
		for _, step := range []struct {
			who db.Actor
			in  appeal.ActionInput
		}{
			{office, appeal.ActionInput{Action: appeal.ActAccept}},
			{office, appeal.ActionInput{Action: appeal.ActAssign, DepartmentID: &dept.DepartmentID}},
			{last, lastIn},
		} {
			step.in.Version = ap.Version
			if ap, err = appeal.Act(ctx, d, step.who, ap.ID, step.in); err != nil {
				t.Fatalf("%s: %v", step.in.Action, err)
			}
		}
	}
	walk("厂区道路破损影响运输", dept, appeal.ActionInput{Action: appeal.ActReport, Note: "已修复路面"})
	walk("食品经营许可延续办理慢", office, appeal.ActionInput{Action: appeal.ActUrge})
	return base
}

// stillClock is a database clock that moves only when told to; atomic, because the
// server's goroutines read it.
type stillClock struct{ at int64 }

func (c *stillClock) now() time.Time          { return time.Unix(0, atomic.LoadInt64(&c.at)).In(db.Zone) }
func (c *stillClock) advance(d time.Duration) { atomic.AddInt64(&c.at, int64(d)) }

// startClockServer serves the demo city, with n demo appeals, on the given clock.
func startClockServer(t *testing.T, clock *stillClock, n int) (string, *db.DB) {
	t.Helper()
	d := dbtest.MustOpen(t)
	d.Now = clock.now
	ctx := context.Background()
	if _, err := demo.Build(ctx, d, ""); err != nil {
		t.Fatal(err)
	}
	s, err := New(Options{DB: d, Secret: []byte("0123456789abcdef0123456789abcdef"),
		Logger: QuietLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	// After New, which loads the vault's key that confidential demo appeals need.
	if n > 0 {
		if _, err := demo.BuildAppeals(ctx, d, n); err != nil {
			t.Fatal(err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- s.Serve(ln) }()
	t.Cleanup(func() {
		if err := s.Shutdown(context.Background()); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-served; err != nil && !errors.Is(err, net.ErrClosed) {
			t.Errorf("serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String(), d
}

var (
	homeTile      = regexp.MustCompile(`<a class="tile[^"]*" href="([^"]+)" data-(?:todo|tile)="([a-z]+)"><b>(\d+)</b>`)
	navBadge      = regexp.MustCompile(`<a href="([^"]+)" class="nav-todo" data-todo-badge>待办<span class="[^"]*" data-count="(\d+)"`)
	todoListTotal = regexp.MustCompile(`共 (\d+) 条`)
)

// TestHomeTilesMatchTheirLists: on every role's home, each 待办 tile (and the office's
// queue tiles) counts exactly the rows of the list it opens, and so does the nav's badge.
func TestHomeTilesMatchTheirLists(t *testing.T) {
	base := startTodoServer(t)
	totalOf := func(b *pageClient, href string) int {
		t.Helper()
		p := b.get(html.UnescapeString(href))
		m := todoListTotal.FindStringSubmatch(p.Body)
		if p.Status != 200 || m == nil {
			t.Fatalf("%s: %d, no total", href, p.Status)
		}
		n, _ := strconv.Atoi(m[1])
		return n
	}
	for _, tc := range []struct {
		role  string
		kinds []string // must be on the home
	}{
		{"office", []string{"soon", "late", "unaccepted", "returned", "extension", "supervised", "pressed", "intake", "feedback"}},
		{"department", []string{"soon", "late", "supervised", "pressed", "extension"}},
		{"leader", []string{"soon", "overdue", "supervised"}},
		{"enterprise", []string{"unrated"}},
	} {
		t.Run(tc.role, func(t *testing.T) {
			b := pageSignIn(t, base, tc.role, demo.Password)
			home := b.get("/")
			if home.Status != 200 {
				t.Fatalf("home: %d", home.Status)
			}
			seen, nonzero := map[string]bool{}, 0
			for _, m := range homeTile.FindAllStringSubmatch(home.Body, -1) {
				href, kind := m[1], m[2]
				n, _ := strconv.Atoi(m[3])
				seen[kind] = true
				if n > 0 {
					nonzero++
				}
				if got := totalOf(b, href); got != n {
					t.Errorf("tile %s says %d, its list %s has %d", kind, n, href, got)
				}
			}
			for _, k := range tc.kinds {
				if !seen[k] {
					t.Errorf("no %s tile on the %s home", k, tc.role)
				}
			}
			if nonzero == 0 && tc.role != "leader" {
				t.Error("every tile is 0: the comparison proves nothing")
			}
			m := navBadge.FindStringSubmatch(home.Body)
			if m == nil {
				t.Fatal("no 待办 badge in the nav")
			}
			n, _ := strconv.Atoi(m[2])
			if got := totalOf(b, m[1]); got != n {
				t.Errorf("nav badge says %d, its list has %d", n, got)
			}
		})
	}
	// A kind that does not exist is the user's mistake, said in Chinese.
	b := pageSignIn(t, base, "office", demo.Password)
	b.get("/appeals?todo=nonsense").want(t, "unknown todo", 422, "待办类别无效")
}

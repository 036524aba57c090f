package demo_test

import (
	"qinqing/db/demo"
	"qinqing/db/register"
	"reflect"
	"strings"
	"testing"
	"time"
)

var demoToday = time.Date(2026, 3, 15, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))

func TestDemoCityCounts(t *testing.T) {
	c := demo.NewCity(1, demoToday)
	tests := []struct {
		what     string
		got      int
		min, max int
	}{
		{"departments", len(c.Departments), 25, 35},
		{"leaders", len(c.Leaders), 35, 45},
		{"enterprises", len(c.Enterprises), 680, 680},
		{"liaisons", len(c.Liaisons), 680, 680},
	}
	for _, tt := range tests {
		if tt.got < tt.min || tt.got > tt.max {
			t.Errorf("%d %s, want %d..%d", tt.got, tt.what, tt.min, tt.max)
		}
	}
}

func TestDemoCityDistinct(t *testing.T) {
	c := demo.NewCity(1, demoToday)
	distinct := func(what string, n int, key func(int) string) {
		t.Helper()
		seen := make(map[string]int, n)
		for i := 0; i < n; i++ {
			k := key(i)
			if k == "" {
				t.Errorf("%s %d is empty", what, i)
			}
			if j, ok := seen[k]; ok {
				t.Errorf("%s %d and %d are both %q", what, j, i, k)
			}
			seen[k] = i
		}
	}
	distinct("department", len(c.Departments), func(i int) string { return c.Departments[i].Name })
	distinct("leader", len(c.Leaders), func(i int) string { return c.Leaders[i].Name })
	distinct("enterprise name", len(c.Enterprises), func(i int) string { return c.Enterprises[i].Name })
	distinct("credit code", len(c.Enterprises), func(i int) string { return c.Enterprises[i].CreditCode })
}

func TestDemoCityPeopleAndBodies(t *testing.T) {
	c := demo.NewCity(1, demoToday)
	kinds := map[string]bool{"职能部门": true, "公用事业": true, "区县政府": true}
	for _, d := range c.Departments {
		if !kinds[d.Kind] {
			t.Errorf("department %s has kind %q", d.Name, d.Kind)
		}
	}
	for _, l := range c.Leaders {
		if n := len([]rune(l.Name)); n < 2 || n > 4 {
			t.Errorf("leader name %q has %d characters", l.Name, n)
		}
		if l.Title == "" {
			t.Errorf("leader %s has no title", l.Name)
		}
	}
}

func TestDemoCityEnterprises(t *testing.T) {
	c := demo.NewCity(1, demoToday)
	regions := map[string]string{
		"双台子区":  "211102",
		"兴隆台区":  "211103",
		"大洼区":   "211104",
		"盘山县":   "211122",
		"辽东湾新区": "211100",
	}
	scales := map[string]bool{"规上": true, "规下": true, "小微": true}
	for i, e := range c.Enterprises {
		if !register.ValidCreditCode(e.CreditCode) {
			t.Errorf("enterprise %d %s: invalid credit code %q", i, e.Name, e.CreditCode)
		}
		region, ok := regions[e.District]
		if !ok {
			t.Errorf("enterprise %d %s: unknown district %q", i, e.Name, e.District)
		} else if e.CreditCode[2:8] != region {
			t.Errorf("enterprise %d %s in %s: code %q, want region %s", i, e.Name, e.District, e.CreditCode, region)
		}
		if !strings.HasPrefix(e.Name, "盘锦") && !strings.HasPrefix(e.Name, "辽宁") {
			t.Errorf("enterprise %d: name %q is not registered in 盘锦 or 辽宁", i, e.Name)
		}
		if !strings.HasSuffix(e.Name, "公司") {
			t.Errorf("enterprise %d: name %q is not a company", i, e.Name)
		}
		if !strings.HasPrefix(e.Address, e.District) || !strings.HasSuffix(e.Address, "号") {
			t.Errorf("enterprise %d: address %q, want %s…号", i, e.Address, e.District)
		}
		if e.Industry == "" || e.Contact == "" {
			t.Errorf("enterprise %d %s: industry %q, contact %q", i, e.Name, e.Industry, e.Contact)
		}
		if !demoMobile(e.Phone) {
			t.Errorf("enterprise %d %s: phone %q is not a 13/15/18 mobile", i, e.Name, e.Phone)
		}
		if !scales[e.Scale] {
			t.Errorf("enterprise %d %s: scale %q", i, e.Name, e.Scale)
		}
	}
}

func demoMobile(s string) bool {
	if len(s) != 11 || !(strings.HasPrefix(s, "13") || strings.HasPrefix(s, "15") || strings.HasPrefix(s, "18")) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func TestDemoCityLiaisons(t *testing.T) {
	for _, seed := range []int64{1, 2, 42, -7} {
		c := demo.NewCity(seed, demoToday)
		load := make([]int, len(c.Leaders))
		covered := make([]bool, len(c.Enterprises))
		from := time.Date(2023, 3, 15, 0, 0, 0, 0, time.UTC)
		today := time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC)
		for i, l := range c.Liaisons {
			if l.Enterprise != i {
				t.Fatalf("seed %d: liaison %d is for enterprise %d", seed, i, l.Enterprise)
			}
			if l.Leader < 0 || l.Leader >= len(c.Leaders) {
				t.Fatalf("seed %d: liaison %d has leader %d", seed, i, l.Leader)
			}
			covered[l.Enterprise] = true
			load[l.Leader]++
			since, err := time.Parse(time.DateOnly, l.Since)
			if err != nil {
				t.Fatalf("seed %d: liaison %d since %q: %v", seed, i, l.Since, err)
			}
			if since.Before(from) || !since.Before(today) {
				t.Errorf("seed %d: liaison %d since %s, want in [%s, %s)", seed, i, l.Since, from.Format(time.DateOnly), today.Format(time.DateOnly))
			}
		}
		for i, ok := range covered {
			if !ok {
				t.Errorf("seed %d: enterprise %d has no leader", seed, i)
			}
		}
		for i, n := range load {
			if n < 10 || n > 25 {
				t.Errorf("seed %d: leader %d %s carries %d enterprises, want 10..25", seed, i, c.Leaders[i].Title, n)
			}
		}
		// The secretary and the mayor carry fewer than anyone else.
		top := max(load[0], load[1])
		for i := 2; i < len(load); i++ {
			if load[i] < top {
				t.Errorf("seed %d: %s carries %d, fewer than a top leader's %d", seed, c.Leaders[i].Title, load[i], top)
			}
		}
	}
}

func TestDemoCityDistrictHeadsStayHome(t *testing.T) {
	c := demo.NewCity(3, demoToday)
	for _, l := range c.Liaisons {
		post := demo.LeaderPosts[l.Leader]
		if post.District != "" && c.Enterprises[l.Enterprise].District != post.District {
			t.Errorf("%s (%s) looks after %s in %s", c.Leaders[l.Leader].Name, post.Title,
				c.Enterprises[l.Enterprise].Name, c.Enterprises[l.Enterprise].District)
		}
	}
}

func TestDemoCityDeterministic(t *testing.T) {
	a, b := demo.NewCity(7, demoToday), demo.NewCity(7, demoToday)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed gave two different cities")
	}
	c := demo.NewCity(8, demoToday)
	if reflect.DeepEqual(a.Enterprises, c.Enterprises) {
		t.Error("seeds 7 and 8 gave the same enterprises")
	}
	if reflect.DeepEqual(a.Liaisons, c.Liaisons) {
		t.Error("seeds 7 and 8 gave the same liaisons")
	}
}

func BenchmarkNewDemoCity(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		demo.NewCity(int64(i), demoToday)
	}
}

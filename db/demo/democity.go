package demo

import (
	"fmt"
	"math/rand/v2"
	"qinqing/db/register"
	"slices"
	"time"
)

// DemoCity is the demo city of 盘锦 (Panjin, Liaoning) as plain data: the
// bodies that rectify appeals, the liaison leaders, the enterprises and who
// looks after whom. It holds no SQL so that the generator can be tested on
// its own and the loader can decide how to store it.
type City struct {
	Departments []Department // about 30
	Leaders     []Leader     // 40
	Enterprises []Enterprise // exactly 680
	Liaisons    []Liaison    // exactly 680: one active pair per enterprise, Liaisons[i].Enterprise == i
}

// DemoDepartment is a government body or utility of the demo city. Kind is
// 职能部门 (a municipal bureau), 公用事业 (a utility or the port) or 区县政府
// (a district or county government, or a zone's management committee).
type Department struct{ Name, Kind string }

// DemoLeader is a liaison leader of the demo city; names are distinct.
type Leader struct{ Name, Title string }

// DemoEnterprise is a firm of the demo city. CreditCode is a valid unified
// social credit code whose region (positions 3-8) is that of District.
type Enterprise struct {
	Name, CreditCode, District, Industry, Address, Contact, Phone string
	Scale                                                         string // 规上, 规下 or 小微
}

// DemoLiaison pairs Leaders[Leader] with Enterprises[Enterprise] since the
// date Since, written YYYY-MM-DD.
type Liaison struct {
	Leader, Enterprise int
	Since              string
}

// demoEnterpriseCount is fixed because the contract promises 680 firms and
// 680 pairs, and figures shown in demos are quoted against it.
const demoEnterpriseCount = 680

// demoStream is the second PCG word; any constant will do, it only has to
// stay the same so that a seed keeps meaning the same city.
const demoStream = 0x7169_6e71_696e_6721

// NewDemoCity builds the demo city for seed. The same seed and day always
// give the same city; today anchors the liaison dates, which fall in the
// three years before it (most over a year back, so that a year of visits can
// follow them). It is pure and takes about a millisecond.
func NewCity(seed int64, today time.Time) City {
	r := rand.New(rand.NewPCG(uint64(seed), demoStream))
	city := City{
		Departments: slices.Clone(demoDepartments),
		Leaders:     newDemoLeaders(r),
		Enterprises: newDemoEnterprises(r),
	}
	city.Liaisons = newDemoLiaisons(r, city.Enterprises, today)
	return city
}

// demoPersonName returns a surname and one or two given characters, never
// the same given character twice.
func demoPersonName(r *rand.Rand) string {
	name := demoSurnames[r.IntN(len(demoSurnames))]
	first := demoGiven[r.IntN(len(demoGiven))]
	name += first
	if r.IntN(100) < 60 {
		second := demoGiven[r.IntN(len(demoGiven))]
		for second == first {
			second = demoGiven[r.IntN(len(demoGiven))]
		}
		name += second
	}
	return name
}

func newDemoLeaders(r *rand.Rand) []Leader {
	leaders := make([]Leader, 0, len(LeaderPosts))
	used := make(map[string]bool, len(LeaderPosts))
	for _, post := range LeaderPosts {
		name := demoPersonName(r)
		for used[name] {
			name = demoPersonName(r)
		}
		used[name] = true
		leaders = append(leaders, Leader{Name: name, Title: post.Title})
	}
	return leaders
}

// demoWeighted returns an index drawn with probability proportional to weights.
func demoWeighted(r *rand.Rand, weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := r.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

func newDemoEnterprises(r *rand.Rand) []Enterprise {
	industryWeights := make([]int, len(demoIndustries))
	for i, ind := range demoIndustries {
		industryWeights[i] = ind.weight
	}
	prefixWeights := make([]int, len(demoNamePrefixes))
	for i, p := range demoNamePrefixes {
		prefixWeights[i] = p.weight
	}
	// A random base keeps different seeds from sharing organisation codes,
	// while base+i keeps the codes within one city distinct.
	serialBase := r.IntN(register.OrgSpace)

	firms := make([]Enterprise, 0, demoEnterpriseCount)
	used := make(map[string]bool, demoEnterpriseCount)
	for i := 0; i < demoEnterpriseCount; i++ {
		ind := demoIndustries[demoWeighted(r, industryWeights)]
		dist := demoDistricts[demoWeighted(r, ind.districts[:])]

		scale := "小微"
		switch n := r.IntN(100); {
		case n < ind.upShare:
			scale = "规上"
		case n < ind.upShare+(100-ind.upShare)*55/100:
			scale = "规下"
		}

		var name string
		for name == "" || used[name] {
			name = demoFirmName(r, ind, prefixWeights, scale == "规上")
		}
		used[name] = true

		firms = append(firms, Enterprise{
			Name:       name,
			CreditCode: register.MakeCreditCode(dist.region, serialBase+i),
			District:   dist.name,
			Industry:   ind.name,
			Address:    fmt.Sprintf("%s%s%d号", dist.name, dist.roads[r.IntN(len(dist.roads))], 1+r.IntN(398)),
			Contact:    demoPersonName(r),
			Phone:      fmt.Sprintf("%s%08d", demoPhonePrefixes[r.IntN(len(demoPhonePrefixes))], r.IntN(100_000_000)),
			Scale:      scale,
		})
	}
	return firms
}

// demoFirmName composes place, trade name, trade word and legal form, as in
// 盘锦鑫达石化有限公司. Only firms above the threshold may be joint-stock,
// since a small firm calling itself 股份有限公司 reads wrong.
func demoFirmName(r *rand.Rand, ind demoIndustry, prefixWeights []int, big bool) string {
	head := demoTradeHead[r.IntN(len(demoTradeHead))]
	tail := demoTradeTail[r.IntN(len(demoTradeTail))]
	for tail == head {
		tail = demoTradeTail[r.IntN(len(demoTradeTail))]
	}
	form := demoCompanyForms[0]
	switch n := r.IntN(10); {
	case big && n < 4:
		form = demoCompanyForms[2]
	case n >= 8:
		form = demoCompanyForms[1]
	}
	return demoNamePrefixes[demoWeighted(r, prefixWeights)].text + head + tail +
		ind.words[r.IntN(len(ind.words))] + form
}

// demoQuotas decides how many firms each leader carries: a random load
// within the post's bounds, then nudged one at a time, in a random order, until
// the loads add up to exactly n.
func demoQuotas(r *rand.Rand, n int) []int {
	quotas := make([]int, len(LeaderPosts))
	sum := 0
	for i, p := range LeaderPosts {
		quotas[i] = p.min + r.IntN(p.max-p.min+1)
		sum += quotas[i]
	}
	order := r.Perm(len(quotas))
	for sum != n {
		moved := false
		for _, i := range order {
			p := LeaderPosts[i]
			switch {
			case sum < n && quotas[i] < p.max:
				quotas[i]++
				sum++
				moved = true
			case sum > n && quotas[i] > p.min:
				quotas[i]--
				sum--
				moved = true
			}
			if sum == n {
				break
			}
		}
		if !moved {
			panic(fmt.Sprintf("db: demo leader loads cannot add up to %d", n))
		}
	}
	return quotas
}

func newDemoLiaisons(r *rand.Rand, firms []Enterprise, today time.Time) []Liaison {
	quotas := demoQuotas(r, len(firms))
	owner := make([]int, len(firms))
	for i := range owner {
		owner[i] = -1
	}

	// District heads are served first, from their own district's firms.
	pools := make([][]int, len(demoDistricts))
	for i, f := range firms {
		d := demoDistrictIndex(f.District)
		pools[d] = append(pools[d], i)
	}
	for _, pool := range pools {
		r.Shuffle(len(pool), func(a, b int) { pool[a], pool[b] = pool[b], pool[a] })
	}
	for li, post := range LeaderPosts {
		if post.District == "" {
			continue
		}
		d := demoDistrictIndex(post.District)
		for quotas[li] > 0 && len(pools[d]) > 0 {
			owner[pools[d][0]] = li
			pools[d] = pools[d][1:]
			quotas[li]--
		}
	}

	// Everyone else, and any district head whose district ran short, shares
	// what is left; the quotas add up to exactly what is left.
	var rest []int
	for i, o := range owner {
		if o < 0 {
			rest = append(rest, i)
		}
	}
	r.Shuffle(len(rest), func(a, b int) { rest[a], rest[b] = rest[b], rest[a] })
	for li := range LeaderPosts {
		for ; quotas[li] > 0; quotas[li]-- {
			owner[rest[0]] = li
			rest = rest[1:]
		}
	}

	// Dates are civil days, so work in UTC to keep DST out of the arithmetic.
	y, m, d := today.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	from, yearAgo := day.AddDate(-3, 0, 0), day.AddDate(-1, 0, 0)
	older := int(yearAgo.Sub(from).Hours() / 24)
	recent := int(day.Sub(yearAgo).Hours() / 24)

	liaisons := make([]Liaison, len(firms))
	for i := range firms {
		var since time.Time
		if r.IntN(100) < 80 {
			since = from.AddDate(0, 0, r.IntN(older))
		} else {
			since = yearAgo.AddDate(0, 0, r.IntN(recent))
		}
		liaisons[i] = Liaison{Leader: owner[i], Enterprise: i, Since: since.Format(time.DateOnly)}
	}
	return liaisons
}

// demoDistrictIndex returns the index of the district called name in
// demoDistricts; the names come from that table, so a miss is a bug.
func demoDistrictIndex(name string) int {
	for i, d := range demoDistricts {
		if d.name == name {
			return i
		}
	}
	panic("db: unknown demo district " + name)
}

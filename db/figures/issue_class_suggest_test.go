package figures_test

import (
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/dbtest"
	"qinqing/db/figures"
	"reflect"
	"sort"
	"testing"
	"time"
)

var suggestOffice = db.Actor{Role: db.RoleOffice, Name: "督办"}

// Candidates are the appeals of the class's category and department that share a
// trigram of its text, whichever engine's text index finds them, scored the same.
func TestIssueClassCandidatesShareTrigrams(t *testing.T) {
	c := figuresNow.AddDate(0, 0, -20).Unix()
	raw := func(id, dept int64, category string) dbtest.RawAppeal {
		return dbtest.RawAppeal{Id: id, Dept: dept, Assigned: []int64{dept}, Category: category, Stage: appeal.StageRectifying,
			Created: c + id*60, RespDue: c + 86400, Due: c + 5*86400, Accepted: dbtest.I64p(c + 60), Leader: 1, Enterprise: 1,
			Source: appeal.SourcePortal, Tier: appeal.TierFast}
	}
	d := dbtest.MustFixture(t, []dbtest.RawAppeal{raw(1, 1, "物流"), raw(2, 1, "物流"), raw(3, 1, "物流"), raw(4, 2, "物流"),
		raw(5, 1, "融资"), raw(6, 1, "物流")}, 2, 1, 1)
	dbtest.FixedClock(d, figuresNow)
	titles := map[int64][2]string{
		1: {"仓库货车通行证办理慢", "园区仓库的货车通行证要跑三趟。"},
		2: {"货车通行证难以办理", "冷链企业反映通行证窗口排队太久。"},
		3: {"融资贷款利率偏高", "企业希望银行降低利率。"},
		4: {"货车通行证办理慢", "另一单位负责的同类问题。"},
		5: {"货车通行证办理慢", "不同类别的同类问题。"},
		6: {"夜间配送", "希望放宽夜间货车通行证的时段。"},
	}
	for id, tc := range titles {
		if _, err := d.Write.Exec("UPDATE appeals SET title = ?, content = ? WHERE id = ?", tc[0], tc[1], id); err != nil {
			t.Fatal(err)
		}
	}
	class, err := figures.CreateIssueClass(dbtest.Ctx(), d, suggestOffice, figures.IssueClassInput{Title: "货车通行证办理",
		Category: "物流", DepartmentID: 1, Month: "2026-05", DueDate: "2026-06-30", AppealIDs: []int64{1}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := figures.IssueClassCandidates(dbtest.Ctx(), d, suggestOffice, class.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[int64]float64{}
	for _, x := range got {
		ids[x.ID] = x.Similarity
	}
	if len(got) != 2 || ids[2] == 0 || ids[6] == 0 {
		t.Fatalf("candidates %+v, want appeals 2 and 6", got)
	}
	if got[0].Similarity < got[1].Similarity || got[0].Similarity > 1 {
		t.Errorf("candidates not ranked by similarity: %+v", got)
	}
}

// The month's clusters count each category and department's appeals outside any class
// and their unsatisfied ratings, as recomputed from the raw appeals.
func TestIssueClassSuggestionsCountClusters(t *testing.T) {
	d, list := figureFixture(t)
	auditor := db.Actor{Role: db.RoleAuditor, Name: "纪检"}
	from := time.Date(2026, 4, 1, 0, 0, 0, 0, db.Zone).Unix()
	to := time.Date(2026, 5, 1, 0, 0, 0, 0, db.Zone).Unix()
	type key struct {
		category string
		dept     int64
	}
	want := map[key]*figures.Cluster{}
	for _, a := range list {
		if a.Created < from || a.Created >= to || a.Dept == 0 {
			continue
		}
		k := key{a.Category, a.Dept}
		if want[k] == nil {
			want[k] = &figures.Cluster{Category: a.Category, DepartmentID: a.Dept}
		}
		want[k].Appeals++
		if a.RatedAt != nil && a.Satisfaction == "unsatisfied" {
			want[k].Unsatisfied++
		}
	}
	const min = 5
	var wantList []figures.Cluster
	for _, c := range want {
		if c.Appeals >= min {
			wantList = append(wantList, *c)
		}
	}
	sort.Slice(wantList, func(i, j int) bool {
		a, b := wantList[i], wantList[j]
		if a.Appeals != b.Appeals {
			return a.Appeals > b.Appeals
		}
		if a.Category != b.Category {
			return a.Category < b.Category
		}
		return a.DepartmentID < b.DepartmentID
	})
	if len(wantList) > 20 {
		wantList = wantList[:20]
	}
	got, err := figures.IssueClassSuggestions(dbtest.Ctx(), d, auditor, "2026-04", min)
	if err != nil {
		t.Fatal(err)
	}
	unsatisfied := 0
	for i := range got {
		if got[i].DepartmentName == "" {
			t.Errorf("cluster %+v has no department name", got[i])
		}
		got[i].DepartmentName = ""
		unsatisfied += got[i].Unsatisfied
	}
	if len(wantList) == 0 || unsatisfied == 0 {
		t.Fatal("the fixture should give clusters with unsatisfied ratings")
	}
	if !reflect.DeepEqual(got, wantList) {
		t.Errorf("clusters\n got %+v\nwant %+v", got, wantList)
	}
}

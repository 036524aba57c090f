package db_test

import (
	"fmt"
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/dbtest"
	"sync"
	"testing"
)

// Appeals saved together are all searchable once their transaction commits, the queue
// is left empty, and a request that fails leaves nothing queued. (PostgreSQL searches the
// table itself and never queues; what is found must be the same.)
func TestSearchIndexQueue(t *testing.T) {
	w := dbtest.NewWorld(t)
	d := w.DB
	words := []string{"甲乙丙", "丁戊己", "庚辛壬", "子丑寅", "卯辰巳", "午未申", "酉戌亥", "天地玄"}
	var wg sync.WaitGroup
	for i, word := range words {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in := appeal.Input{Title: "诉求" + word, Content: fmt.Sprintf("企业反映第%d件事情：%s，请尽快办理。", i, word), Category: "其他",
				EnterpriseID: &w.Ent.EnterpriseID, Source: appeal.SourceHotline, Tier: appeal.TierFast}
			if _, err := appeal.Create(dbtest.Ctx(), d, w.Office, in); err != nil {
				t.Error(err)
			}
		}()
	}
	// One request in the same stream fails after filing: its appeal and its queue entry go.
	wg.Add(1)
	go func() {
		defer wg.Done()
		err := d.Update(dbtest.Ctx(), func(tx *db.Tx) error {
			if _, err := appeal.FileAppeal(tx, w.Office, appeal.Input{Title: "回滚黄宇宙", Content: "回滚黄宇宙，企业反映的情况请尽快办理。", Category: "其他",
				EnterpriseID: &w.Ent.EnterpriseID, Source: appeal.SourceHotline, Tier: appeal.TierFast}); err != nil {
				return err
			}
			return db.Errorf(db.EINVALID, "故意失败")
		})
		if db.ErrorCode(err) != db.EINVALID {
			t.Errorf("failing request: %v", err)
		}
	}()
	wg.Wait()
	for _, word := range append(words, "回滚黄宇宙") {
		l, err := appeal.List(dbtest.Ctx(), d, w.Office, appeal.Filter{Q: word})
		if err != nil {
			t.Fatal(err)
		}
		want := 1
		if word == "回滚黄宇宙" {
			want = 0
		}
		if l.Total != want {
			t.Errorf("search %s: %d found, want %d", word, l.Total, want)
		}
	}
	if n := dbtest.CountOf(t, d, "SELECT COUNT(*) FROM appeals_fts_pending"); n != 0 {
		t.Fatalf("%d appeals left in the queue after commit", n)
	}

	// A new title replaces the old one in the index.
	id := int64(dbtest.CountOf(t, d, "SELECT id FROM appeals WHERE title = '诉求甲乙丙'"))
	if err := d.Update(dbtest.Ctx(), func(tx *db.Tx) error {
		_, err := tx.Exec("UPDATE appeals SET title = '诉求黄河长江' WHERE id = ?", id)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for word, want := range map[string]int{"甲乙丙": 1, "黄河长江": 1} {
		// 甲乙丙 stays in the content.
		if l, _ := appeal.List(dbtest.Ctx(), d, w.Office, appeal.Filter{Q: word}); l.Total != want {
			t.Errorf("after retitling, %s finds %d, want %d", word, l.Total, want)
		}
	}
	if l, _ := appeal.List(dbtest.Ctx(), d, w.Office, appeal.Filter{Q: "诉求甲乙丙"}); l.Total != 0 {
		t.Errorf("the old title is still found")
	}
}

// Rows written past the writer (a maintenance command's raw insert) are indexed when the
// database is next opened.
func TestSearchIndexLeftovers(t *testing.T) {
	dbtest.SQLiteOnly(t) // SQLite's index queue, drained when its file is reopened
	d := dbtest.MustOpen(t)
	if _, err := d.Write.Exec(`INSERT INTO appeals (number, title, content, category, source, tier, stage, created_at,
		response_due_at, due_at, updated_at) VALUES ('SQ2026-000001', '道路施工噪音扰民', '夜间施工影响企业员工休息。', '其他', 'hotline',
		'fast', 'discovered', 0, 0, 0, 0)`); err != nil {
		t.Fatal(err)
	}
	path := d.Path
	d.Close()
	d2, err := db.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer d2.Close()
	office := db.Actor{UserID: 1, Name: "专班", Role: db.RoleOffice}
	if l, err := appeal.List(dbtest.Ctx(), d2, office, appeal.Filter{Q: "施工噪音"}); err != nil || l.Total != 1 {
		t.Fatalf("after reopening: %v %v, want the raw row found", l, err)
	}
}

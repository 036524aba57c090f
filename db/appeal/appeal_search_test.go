package appeal_test

import (
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/dbtest"
	"testing"
	"unicode/utf8"
)

// FuzzAppealQuery feeds any search text to the appeal list: the answer is a list or a
// user's error (a word too long), never an internal one such as an FTS5 syntax error.
// The seeds under testdata/fuzz/FuzzAppealQuery run with every go test.
func FuzzAppealQuery(f *testing.F) {
	d := dbtest.MustOpen(f)
	office := db.Actor{UserID: 1, Name: "专班", Role: db.RoleOffice}
	if _, err := d.Write.Exec(`INSERT INTO appeals (number, title, content, category, source, tier, stage, created_at,
		response_due_at, due_at, updated_at) VALUES ('SQ2026-000001', '道路施工噪音扰民', '夜间施工影响企业员工休息。', '其他', 'hotline',
		'fast', 'discovered', 0, 0, 0, 0)`); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, q string) {
		_, err := appeal.List(dbtest.Ctx(), d, office, appeal.Filter{Q: q})
		if err == nil {
			return
		}
		if code := db.ErrorCode(err); code == db.EINTERNAL || code == "" {
			t.Fatalf("q %q: %v", q, err)
		}
	})
}

func TestCleanSearch(t *testing.T) {
	for in, want := range map[string]string{"a\x00b": "a b", "营商\x7f环境": "营商 环境", "ok\xffok": "ok ok", "正常": "正常"} {
		got := db.CleanSearch(in)
		if got != want || !utf8.ValidString(got) {
			t.Errorf("cleanSearch(%q) = %q, want %q", in, got, want)
		}
	}
}

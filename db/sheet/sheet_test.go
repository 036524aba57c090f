package sheet_test

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"qinqing/db"
	"qinqing/db/audit"
	"qinqing/db/dbtest"
	"qinqing/db/register"
	"qinqing/db/sheet"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

var systemImport = db.Actor{Name: "测试导入", Role: db.RoleSystem}

// exported runs an export into memory and reads it back as a sheet.
func exported(t *testing.T, export func(*bytes.Buffer) (int, error)) (*sheet.Sheet, int) {
	t.Helper()
	var buf bytes.Buffer
	n, err := export(&buf)
	if err != nil {
		t.Fatal(err)
	}
	s, err := sheet.Read("x.xlsx", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Rows) != n {
		t.Fatalf("export says %d rows, file holds %d", n, len(s.Rows))
	}
	return s, n
}

// withoutColumns drops the named columns (ids and creation times differ between databases).
func withoutColumns(s *sheet.Sheet, names ...string) [][]string {
	var keep []int
	for i, h := range s.Header {
		drop := false
		for _, n := range names {
			drop = drop || h == n
		}
		if !drop {
			keep = append(keep, i)
		}
	}
	out := [][]string{}
	for _, r := range s.Rows {
		var row []string
		for _, i := range keep {
			row = append(row, r.Cell(i))
		}
		out = append(out, row)
	}
	return out
}

func TestLedgerRoundTrip(t *testing.T) {
	src, leader, own, _ := dbtest.DemoLedger(t)
	admin := dbtest.DemoActor(t, src, "admin")
	var other int64
	if err := src.Read.QueryRow("SELECT id FROM leaders WHERE id != ? LIMIT 1", leader.LeaderID).Scan(&other); err != nil {
		t.Fatal(err)
	}
	// One reassignment, so that the pairs file carries an ended pair too.
	if _, err := register.CreateLiaison(dbtest.Ctx(), src, admin, register.LiaisonInput{LeaderID: other, EnterpriseID: own, Note: "工作调整"}); err != nil {
		t.Fatal(err)
	}
	ents, nEnts := exported(t, func(b *bytes.Buffer) (int, error) {
		return sheet.ExportEnterprises(dbtest.Ctx(), src, admin, register.EnterpriseFilter{}, b)
	})
	pairs, nPairs := exported(t, func(b *bytes.Buffer) (int, error) {
		return sheet.ExportLiaisons(dbtest.Ctx(), src, admin, register.LiaisonFilter{}, b)
	})
	if nEnts != 680 || nPairs != 681 {
		t.Fatalf("exported %d enterprises and %d pairs", nEnts, nPairs)
	}

	// Dates are real Excel dates: serial numbers, not text.
	for i, h := range pairs.Header {
		if h == "开始日期" {
			if _, err := strconv.ParseFloat(pairs.Rows[0].Cell(i), 64); err != nil {
				t.Errorf("开始日期 holds %q, want a date serial", pairs.Rows[0].Cell(i))
			}
		}
	}

	dst := dbtest.MustOpen(t)
	var buf bytes.Buffer
	for _, x := range []struct {
		kind string
		rows int
		run  func(*bytes.Buffer) (int, error)
	}{
		{"enterprises", 680, func(b *bytes.Buffer) (int, error) {
			return sheet.ExportEnterprises(dbtest.Ctx(), src, admin, register.EnterpriseFilter{}, b)
		}},
		{"liaisons", 681, func(b *bytes.Buffer) (int, error) {
			return sheet.ExportLiaisons(dbtest.Ctx(), src, admin, register.LiaisonFilter{}, b)
		}},
	} {
		buf.Reset()
		if _, err := x.run(&buf); err != nil {
			t.Fatal(err)
		}
		s, err := sheet.Read(x.kind+".xlsx", buf.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		res, err := sheet.Import(dbtest.Ctx(), dst, systemImport, x.kind, s)
		if err != nil {
			t.Fatalf("import %s: %v", x.kind, err)
		}
		if res.Created != x.rows {
			t.Errorf("import %s: %+v", x.kind, res)
		}
		// The same file again changes nothing.
		if res, err := sheet.Import(dbtest.Ctx(), dst, systemImport, x.kind, s); err != nil || res.Unchanged != x.rows {
			t.Errorf("second import %s: %+v %v", x.kind, res, err)
		}
	}
	ents2, _ := exported(t, func(b *bytes.Buffer) (int, error) {
		return sheet.ExportEnterprises(dbtest.Ctx(), dst, systemImport, register.EnterpriseFilter{}, b)
	})
	pairs2, _ := exported(t, func(b *bytes.Buffer) (int, error) {
		return sheet.ExportLiaisons(dbtest.Ctx(), dst, systemImport, register.LiaisonFilter{}, b)
	})
	if a, b := withoutColumns(ents, "编号", "登记时间"), withoutColumns(ents2, "编号", "登记时间"); !reflect.DeepEqual(a, b) {
		t.Errorf("enterprises differ after the round trip")
	}
	// Pairs are listed newest first; ids differ, and so does the order of pairs begun on one day.
	a, b := withoutColumns(pairs, "编号"), withoutColumns(pairs2, "编号")
	if !reflect.DeepEqual(sortedRows(a), sortedRows(b)) {
		t.Errorf("pairs differ after the round trip")
	}
	if res, err := audit.Verify(dbtest.Ctx(), dst); err != nil || !res.OK {
		t.Errorf("audit after import: %+v %v", res, err)
	}
}

func sortedRows(rows [][]string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, strings.Join(r, "\x1f"))
	}
	sort.Strings(out)
	return out
}

const enterpriseCSV = "企业名称,统一社会信用代码,所在区县,行业,联系电话\n" +
	"盘锦示例石化有限公司,914403001922038216,兴隆台区,石油化工,13904270001\n" +
	"盘锦示例物流有限公司,91110000100006485K,大洼区,物流,\n"

func TestImportOneBadRowImportsNothing(t *testing.T) {
	d := dbtest.MustOpen(t)
	bad := enterpriseCSV + "坏,914403001922038217,双台子区,农业,12\n"
	s, err := sheet.Read("e.csv", []byte(bad))
	if err != nil {
		t.Fatal(err)
	}
	_, err = sheet.Import(dbtest.Ctx(), d, systemImport, "enterprises", s)
	e, ok := db.AsError(err)
	if !ok || e.Code != db.EINVALID {
		t.Fatalf("bad file: %v", err)
	}
	want := []string{"rows[4].name", "rows[4].credit_code", "rows[4].contact_phone"}
	var got []string
	for _, f := range e.Fields {
		got = append(got, f.Field)
		if !strings.HasPrefix(f.Message, "第 4 行") {
			t.Errorf("message %q does not name the row", f.Message)
		}
	}
	if !reflect.DeepEqual(got, want) || !strings.Contains(e.Message, "未导入任何数据") {
		t.Errorf("errors %v (%s), want %v", got, e.Message, want)
	}
	if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM enterprises"); n != 0 {
		t.Errorf("a refused file imported %d enterprises", n)
	}
	// The same rows in Excel's Chinese CSV encoding import whole.
	gbk, _ := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(enterpriseCSV))
	s, err = sheet.Read("e.csv", gbk)
	if err != nil {
		t.Fatal(err)
	}
	res, err := sheet.Import(dbtest.Ctx(), d, systemImport, "enterprises", s)
	if err != nil || res.Created != 2 {
		t.Fatalf("valid file: %+v %v", res, err)
	}
	var district string
	if err := d.Read.QueryRow("SELECT district FROM enterprises WHERE credit_code = '91110000100006485K'").Scan(&district); err != nil || district != "大洼区" {
		t.Errorf("district %q %v", district, err)
	}
}

func TestImportLiaisonErrors(t *testing.T) {
	d, _, _, _ := dbtest.DemoLedger(t)
	var code string
	if err := d.Read.QueryRow("SELECT credit_code FROM enterprises LIMIT 1").Scan(&code); err != nil {
		t.Fatal(err)
	}
	file := "包保领导,领导职务,统一社会信用代码,开始日期,结束日期\n" +
		"新任领导,市发展改革委主任," + code + ",2025-03-01,\n" +
		"另一领导,副主任," + code + ",2025/4/1,\n" +
		"王,,914403001922038216,昨天,\n" +
		"新任领导,市发展改革委主任," + code + ",2025-03-01,2025-02-01\n"
	s, err := sheet.Read("p.csv", []byte(file))
	if err != nil {
		t.Fatal(err)
	}
	_, err = sheet.Import(dbtest.Ctx(), d, systemImport, "liaisons", s)
	e, _ := db.AsError(err)
	if e == nil {
		t.Fatal("bad pairs file imported")
	}
	rows := map[string]bool{}
	for _, f := range e.Fields {
		rows[f.Field[:strings.Index(f.Field, "]")+1]] = true
	}
	if !reflect.DeepEqual(rows, map[string]bool{"rows[3]": true, "rows[4]": true, "rows[5]": true}) {
		t.Errorf("bad rows %v: %+v", rows, e.Fields)
	}
	if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM leaders WHERE name = '新任领导'"); n != 0 {
		t.Errorf("refused file created leaders")
	}
}

func TestReadSheetRefusals(t *testing.T) {
	zipOf := func(name string, body []byte) []byte {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		w, _ := zw.Create(name)
		w.Write(body)
		zw.Close()
		return b.Bytes()
	}
	bomb := zipOf("xl/worksheets/sheet1.xml", make([]byte, 60<<20))
	// A liar: the central directory declares 100 bytes for an entry that inflates to 1 MB.
	liar := zipOf("xl/worksheets/sheet1.xml", make([]byte, 1<<20))
	cd := bytes.LastIndex(liar, []byte("PK\x01\x02"))
	binary.LittleEndian.PutUint32(liar[cd+24:], 100)
	for _, c := range []struct {
		name string
		data []byte
		code string
		text string
	}{
		{"big.xlsx", make([]byte, sheet.MaxSheetFile+1), db.ETOOLARGE, "超过 5 MB"},
		{"bomb.xlsx", bomb, db.ETOOLARGE, "压缩炸弹"},
		{"liar.xlsx", liar, db.ETOOLARGE, "大于其声明的大小"},
		{"corrupt.xlsx", append([]byte("PK\x03\x04"), bytes.Repeat([]byte("x"), 100)...), db.EINVALID, "已损坏"},
		{"zip.xlsx", zipOf("hello.txt", []byte("hi")), db.EINVALID, "不是有效的 .xlsx"},
		{"old.xls", append(append([]byte{}, sheet.OleMagic...), make([]byte, 100)...), db.EINVALID, ".xls"},
		{"text.xlsx", []byte("企业名称\n某企业\n"), db.EINVALID, "已损坏"},
		{"empty.csv", []byte("  \n"), db.EINVALID, "空的"},
	} {
		_, err := sheet.Read(c.name, c.data)
		if db.ErrorCode(err) != c.code || !strings.Contains(db.ErrorMessage(err), c.text) {
			t.Errorf("%s: %v, want %s with %q", c.name, err, c.code, c.text)
		}
	}
}

func TestSheetDate(t *testing.T) {
	for in, want := range map[string]string{"2025-03-01": "2025-03-01", "2025/3/1": "2025-03-01", "2025年3月1日": "2025-03-01",
		"45717": "2025-03-01", "2025-03-01 08:00:00": "2025-03-01", "": "", "2025/3/1 10:00": "2025-03-01",
		"2025-3-1 9:05": "2025-03-01", "20250301": "2025-03-01", "2025-02-28T20:00:00Z": "2025-03-01",
		"2025-03-01T10:00:00+08:00": "2025-03-01", "45717.4375": "2025-03-01", "2025年3月1号": "2025-03-01"} {
		if got, ok := sheet.Date(in); !ok || got != want {
			t.Errorf("sheetDate(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
	for _, bad := range []string{"昨天", "2025-13-01", "-5", "2025", "3", "100000", "20251301", "2025/3/1x"} {
		if _, ok := sheet.Date(bad); ok {
			t.Errorf("sheetDate(%q) accepted", bad)
		}
	}
}

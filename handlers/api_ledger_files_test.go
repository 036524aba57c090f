package handlers_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"qinqing/db/demo"
	"qinqing/db/sheet"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// upload posts a file as the multipart field "file".
func (a *api) upload(path, token, name string, data []byte) *resp {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	w, _ := mw.CreateFormFile("file", name)
	w.Write(data)
	mw.Close()
	req := a.request("POST", path, token, nil)
	req.Body = io.NopCloser(&body)
	req.ContentLength = int64(body.Len())
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return a.send(req)
}

// export downloads a ledger and reads it back.
func (a *api) export(t *testing.T, path, token string) (*sheet.Sheet, []byte) {
	t.Helper()
	r := a.do("GET", path, token, nil)
	if r.Status != 200 || !strings.Contains(r.Header.Get("Content-Type"), "spreadsheetml") ||
		!strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment;") {
		t.Fatalf("GET %s: %d %s", path, r.Status, r.Header)
	}
	s, err := sheet.Read("export.xlsx", r.Body)
	if err != nil {
		t.Fatalf("GET %s: unreadable workbook: %v", path, err)
	}
	return s, r.Body
}

// column returns the values of the named column.
func column(s *sheet.Sheet, header string) []string {
	at := -1
	for i, h := range s.Header {
		if h == header {
			at = i
		}
	}
	var out []string
	for _, r := range s.Rows {
		v := ""
		if at >= 0 && at < len(r.Cells) {
			v = r.Cells[at]
		}
		out = append(out, v)
	}
	return out
}

// comparable drops the columns that differ between databases (ids, creation times) and
// sorts the rows, since rows made on one day may list in another order.
func comparable(s *sheet.Sheet, drop ...string) []string {
	var out []string
	for _, r := range s.Rows {
		var cells []string
		for i, h := range s.Header {
			if !slices.Contains(drop, h) && i < len(r.Cells) {
				cells = append(cells, r.Cells[i])
			}
		}
		out = append(out, strings.Join(cells, "|"))
	}
	sort.Strings(out)
	return out
}

func TestLedgerRoundTripAPI(t *testing.T) {
	t.Parallel()
	src := startAPI(t)
	x := demoLedgerIDs(t, src)
	admin := src.login("admin")
	if r := src.do("POST", "/api/v1/liaisons", admin, map[string]any{"leader_id": x.otherLeader, "enterprise_id": x.own}); r.Status != 201 {
		t.Fatal(r)
	}
	ents, entsFile := src.export(t, "/api/v1/export/enterprises.xlsx", admin)
	pairs, pairsFile := src.export(t, "/api/v1/export/liaisons.xlsx", admin)
	if len(ents.Rows) != 680 || len(pairs.Rows) != 681 {
		t.Fatalf("exported %d enterprises, %d pairs", len(ents.Rows), len(pairs.Rows))
	}

	dst := startEmptyAPI(t)
	dstAdmin := dst.login("admin")
	for _, f := range []struct {
		kind string
		file []byte
		rows int64
	}{{"enterprises", entsFile, 680}, {"liaisons", pairsFile, 681}} {
		r := dst.upload("/api/v1/import/"+f.kind, dstAdmin, f.kind+".xlsx", f.file)
		if r.Status != 200 || r.id("created") != f.rows {
			t.Fatalf("import %s: %s", f.kind, r)
		}
	}
	ents2, _ := dst.export(t, "/api/v1/export/enterprises.xlsx", dstAdmin)
	pairs2, _ := dst.export(t, "/api/v1/export/liaisons.xlsx", dstAdmin)
	if a, b := comparable(ents, "编号", "登记时间"), comparable(ents2, "编号", "登记时间"); !reflect.DeepEqual(a, b) {
		t.Errorf("enterprises differ after export → import → export")
	}
	if a, b := comparable(pairs, "编号"), comparable(pairs2, "编号"); !reflect.DeepEqual(a, b) {
		t.Errorf("pairs differ after export → import → export")
	}
}

func TestImportAPI(t *testing.T) {
	t.Parallel()
	a := startEmptyAPI(t)
	admin := a.login("admin")
	good := "企业名称,统一社会信用代码,所在区县,行业\n" +
		"盘锦示例石化有限公司,914403001922038216,兴隆台区,石油化工\n" +
		"盘锦示例物流有限公司,91110000100006485K,大洼区,物流\n"
	bad := good + "盘锦示例农业有限公司,91110000100006485X,盘山县,农业\n"
	r := a.upload("/api/v1/import/enterprises", admin, "enterprises.csv", []byte(bad))
	if r.Status != 422 || len(r.fields()) != 1 || r.fields()[0] != "rows[4].credit_code" ||
		!strings.Contains(fmt.Sprint(r.JSON["detail"]), "第 4 行") {
		t.Fatalf("one bad row: %s", r)
	}
	if n := a.totalOf("/api/v1/enterprises"); n != 0 {
		t.Fatalf("a refused file imported %d enterprises", n)
	}
	if r := a.upload("/api/v1/import/enterprises", admin, "enterprises.csv", []byte(good)); r.Status != 200 || r.id("created") != 2 {
		t.Fatalf("valid file: %s", r)
	}
	if n := a.totalOf("/api/v1/enterprises"); n != 2 {
		t.Errorf("imported %d enterprises, want 2", n)
	}

	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	w, _ := zw.Create("xl/worksheets/sheet1.xml")
	w.Write(make([]byte, 80<<20))
	zw.Close()
	for _, c := range []struct {
		name string
		data []byte
		want int
		text string
	}{
		{"corrupt.xlsx", append([]byte("PK\x03\x04"), bytes.Repeat([]byte{7}, 500)...), 422, "已损坏"},
		{"bomb.xlsx", bomb.Bytes(), 413, "压缩炸弹"},
		{"huge.xlsx", make([]byte, 6<<20), 413, "超过 5 MB"},
	} {
		r := a.upload("/api/v1/import/enterprises", admin, c.name, c.data)
		if r.Status != c.want || !strings.Contains(fmt.Sprint(r.JSON["detail"]), c.text) {
			t.Errorf("%s: %s, want %d with %q", c.name, r, c.want, c.text)
		}
	}
	if r := a.upload("/api/v1/import/liaisons", a.login("admin"), "p.csv", []byte("包保领导\n")); r.Status != 422 {
		t.Errorf("header only: %s", r)
	}
}

func TestAppealsExport(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	if _, err := demo.BuildAppeals(context.Background(), a.db, 300); err != nil {
		t.Fatal(err)
	}
	company := a.login("enterprise")
	long := "=cmd|' /C calc'!A0 " + strings.Repeat("货车通行证办理需往返多个窗口，", 400)
	long = string([]rune(long)[:5000])
	filed := a.do("POST", "/api/v1/appeals", company, map[string]any{"title": `=HYPERLINK("http://x.example","点我")`,
		"content": long, "category": "物流"})
	if filed.Status != 201 {
		t.Fatalf("file: %s", filed)
	}
	number := filed.JSON["number"].(string)

	for _, role := range demoRoles {
		tok := a.login(role)
		s, file := a.export(t, "/api/v1/export/appeals.xlsx", tok)
		list := a.do("GET", "/api/v1/appeals?limit=1", tok, nil)
		if len(s.Rows) != list.total() {
			t.Errorf("%s: export holds %d rows, the API lists %d", role, len(s.Rows), list.total())
		}
		if role == "department" {
			listed, _ := a.walk(t, "/api/v1/appeals", tok, 500)
			var want []string
			for _, ap := range listed {
				want = append(want, ap["number"].(string))
			}
			got := column(s, "诉求编号")
			sort.Strings(want)
			sort.Strings(got)
			if len(got) == 0 || !reflect.DeepEqual(got, want) {
				t.Errorf("department export holds %d appeals, not its own %d", len(got), len(want))
			}
		}
		if role != "office" {
			continue
		}
		at := slices.Contains(column(s, "诉求编号"), number)
		if !at {
			t.Fatalf("office export misses %s", number)
		}
		checkFormulaFree(t, file, number, long)
	}
	// Filters apply: the export of visit-source appeals holds exactly those.
	office := a.login("office")
	s, _ := a.export(t, "/api/v1/export/appeals.xlsx?source=visit", office)
	if n := a.do("GET", "/api/v1/appeals?source=visit&limit=1", office, nil).total(); len(s.Rows) != n || n == 0 {
		t.Errorf("filtered export %d rows, list %d", len(s.Rows), n)
	}
	// Asked from the list's second page, the export still holds every matching row.
	if paged, _ := a.export(t, "/api/v1/export/appeals.xlsx?source=visit&page=2&limit=20", office); len(paged.Rows) != len(s.Rows) {
		t.Errorf("export from page 2 holds %d rows, want all %d", len(paged.Rows), len(s.Rows))
	}
}

// checkFormulaFree opens the workbook as Excel would and checks that the appeal's text
// is whole and stored as text: no cell of the sheet holds a formula.
func checkFormulaFree(t *testing.T, file []byte, number, content string) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sh := f.GetSheetList()[0]
	rows, err := f.GetRows(sh)
	if err != nil {
		t.Fatal(err)
	}
	for i, row := range rows {
		if row[0] != number {
			continue
		}
		// 提交时间 is a real date: a serial number shown through a date format.
		filed, _ := excelize.CoordinatesToCellName(11, i+1)
		raw, _ := f.GetCellValue(sh, filed, excelize.Options{RawCellValue: true})
		shown, _ := f.GetCellValue(sh, filed)
		if _, err := strconv.ParseFloat(raw, 64); err != nil || !regexp.MustCompile(`^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$`).MatchString(shown) {
			t.Errorf("%s holds %q shown as %q, want a date", filed, raw, shown)
		}
		for col, want := range map[int]string{2: `=HYPERLINK("http://x.example","点我")`, 3: content} {
			cell, _ := excelize.CoordinatesToCellName(col, i+1)
			if formula, _ := f.GetCellFormula(sh, cell); formula != "" {
				t.Errorf("%s holds the formula %q", cell, formula)
			}
			if typ, _ := f.GetCellType(sh, cell); typ != excelize.CellTypeInlineString {
				t.Errorf("%s is of type %v, want text", cell, typ)
			}
			if got := row[col-1]; got != want {
				t.Errorf("%s holds %d characters, want %d", cell, len([]rune(got)), len([]rune(want)))
			}
		}
	}
	zr, _ := zip.NewReader(bytes.NewReader(file), int64(len(file)))
	for _, zf := range zr.File {
		if strings.HasPrefix(zf.Name, "xl/worksheets/") {
			rc, _ := zf.Open()
			xml, _ := io.ReadAll(rc)
			rc.Close()
			if bytes.Contains(xml, []byte("<f>")) || bytes.Contains(xml, []byte("<f ")) {
				t.Errorf("%s holds a formula element", zf.Name)
			}
		}
	}
}

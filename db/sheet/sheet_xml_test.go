package sheet_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"qinqing/db"
	"qinqing/db/dbtest"
	"qinqing/db/register"
	"qinqing/db/sheet"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// workbook builds an .xlsx with a header and n data rows, as an export would.
func workbook(t *testing.T, n int) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	sw.SetRow("A1", []any{"企业名称", "统一社会信用代码", "所属区县"})
	for i := 1; i <= n; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		sw.SetRow(cell, []any{fmt.Sprintf("测试企业%04d有限公司", i), register.MakeCreditCode("211100", 900000+i), "兴隆台区"})
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// rezip rewrites one entry of an archive through edit, keeping the rest as it was, so
// that the archive itself stays valid and only the XML inside is damaged.
func rezip(t *testing.T, data []byte, entry string, edit func([]byte) []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	found := false
	for _, f := range zr.File {
		rc, _ := f.Open()
		body, _ := io.ReadAll(rc)
		rc.Close()
		if f.Name == entry {
			body, found = edit(body), true
		}
		w, _ := zw.Create(f.Name)
		w.Write(body)
	}
	zw.Close()
	if !found {
		t.Fatalf("no entry %s", entry)
	}
	return out.Bytes()
}

func TestReadSheetRefusesDamagedXML(t *testing.T) {
	const rows = 1000
	const sh = "xl/worksheets/sheet1.xml"
	// Excel records the used range in <dimension>; excelize's stream writer leaves "A1".
	good := rezip(t, workbook(t, rows), sh, func(b []byte) []byte {
		return bytes.Replace(b, []byte(`<dimension ref="A1">`), []byte(`<dimension ref="A1:C1001">`), 1)
	})
	s, err := sheet.Read("ok.xlsx", good)
	if err != nil || len(s.Rows) != rows {
		t.Fatalf("intact workbook: %v, %d rows", err, len(s.Rows))
	}
	cut := func(b []byte) []byte { return b[:len(b)/2] }
	garble := func(b []byte) []byte {
		b = append([]byte{}, b...)
		copy(b[len(b)/2:], "<c r=\"ZZ\"><<&&&>>\x00</row")
		return b
	}
	// Cut at a row boundary and closed properly: well-formed, but shorter than the dimension says.
	atRow := func(b []byte) []byte {
		s := string(b)
		i := strings.Index(s, `<row r="500"`)
		return []byte(s[:i] + "</sheetData></worksheet>")
	}
	unordered := func(b []byte) []byte {
		return bytes.Replace(b, []byte(`<row r="700"`), []byte(`<row r="7"`), 1)
	}
	for name, edit := range map[string]func([]byte) []byte{"cut": cut, "garbled": garble, "cut at a row": atRow, "rows out of order": unordered} {
		_, err := sheet.Read(name+".xlsx", rezip(t, good, sh, edit))
		if db.ErrorCode(err) != db.EINVALID || !strings.Contains(db.ErrorMessage(err), "已损坏") {
			t.Errorf("%s sheet: %v, want refusal", name, err)
		}
	}
	if _, err := sheet.Read("strings.xlsx", rezip(t, workbookWithSharedStrings(t), "xl/sharedStrings.xml", cut)); db.ErrorCode(err) != db.EINVALID {
		t.Errorf("cut shared strings: %v, want refusal", err)
	}
}

// workbookWithSharedStrings writes cells through SetCellValue, which keeps text in the
// shared strings part rather than inline.
func workbookWithSharedStrings(t *testing.T) []byte {
	f := excelize.NewFile()
	defer f.Close()
	for i := 1; i <= 50; i++ {
		f.SetCellValue("Sheet1", fmt.Sprintf("A%d", i), fmt.Sprintf("企业%03d", i))
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestImportDamagedWorkbookWritesNothing(t *testing.T) {
	d := dbtest.MustOpen(t)
	count := func() (n int) {
		if err := d.Read.QueryRow("SELECT COUNT(*) FROM enterprises").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	damaged := rezip(t, workbook(t, 300), "xl/worksheets/sheet1.xml", func(b []byte) []byte { return b[:len(b)*2/3] })
	s, err := sheet.Read("damaged.xlsx", damaged)
	if err == nil {
		if _, err = sheet.Import(dbtest.Ctx(), d, systemImport, "enterprises", s); err == nil {
			t.Fatal("a damaged workbook imported")
		}
	}
	if after := count(); after != before {
		t.Fatalf("enterprises %d → %d after a refused import", before, after)
	}
}

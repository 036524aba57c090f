package sheet

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"qinqing/db"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Limits on a ledger file brought in for import.
const (
	MaxSheetFile     = 5 << 20  // bytes of the file as uploaded
	MaxSheetUnzipped = 50 << 20 // bytes of an .xlsx once unzipped, all entries together
	MaxSheetRows     = 20000    // data rows
)

// Sheet is a ledger file read into text: its header and its data rows, each with the row
// number a person sees in the spreadsheet, so that errors can name it.
type Sheet struct {
	Header []string
	Rows   []Row
}

// SheetRow is one data row.
type Row struct {
	Number int
	Cells  []string
}

// cell returns the row's value in column i, trimmed, or "" past its end.
func (r Row) Cell(i int) string {
	if i < 0 || i >= len(r.Cells) {
		return ""
	}
	return strings.TrimSpace(r.Cells[i])
}

var (
	zipMagic = []byte("PK\x03\x04")
	OleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

func sheetError(format string, args ...any) error {
	return &db.Error{Code: db.EINVALID, Message: fmt.Sprintf(format, args...), Fields: []db.FieldError{{Field: "file", Message: fmt.Sprintf(format, args...)}}}
}

// ReadSheet reads the first worksheet of an .xlsx file, or a .csv file (UTF-8, with or
// without BOM, or GB18030 as Chinese Excel saves it). The kind is told by the content,
// not the name. An .xlsx is checked entry by entry, declared and actual sizes, before
// it is parsed, so that a zip bomb is refused without being inflated.
func Read(name string, data []byte) (*Sheet, error) {
	if len(data) > MaxSheetFile {
		return nil, db.Errorf(db.ETOOLARGE, "文件超过 %d MB。", MaxSheetFile>>20)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, sheetError("文件是空的")
	}
	lower := strings.ToLower(name)
	switch {
	case bytes.HasPrefix(data, zipMagic):
		return readXLSX(data)
	case bytes.HasPrefix(data, OleMagic):
		return nil, sheetError("不支持旧版 .xls 或加密的工作簿，请在 Excel 中另存为 .xlsx（不设密码）或 .csv")
	case strings.HasSuffix(lower, ".xlsx"), strings.HasSuffix(lower, ".xls"), bytes.IndexByte(data, 0) >= 0:
		return nil, sheetError("文件已损坏或不是有效的 .xlsx / .csv 文件")
	}
	return readCSV(data)
}

// checkZip refuses an archive whose entries, declared or actual, inflate past the limit.
func checkZip(data []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return sheetError("文件已损坏，无法作为 .xlsx 打开")
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if f.UncompressedSize64 > MaxSheetUnzipped || total > MaxSheetUnzipped {
			return db.Errorf(db.ETOOLARGE, "工作簿解压后超过 %d MB，已拒绝（可能是压缩炸弹）。", MaxSheetUnzipped>>20)
		}
	}
	// Headers can lie: inflate each entry, never past what it declared, and compare.
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return sheetError("文件已损坏，无法作为 .xlsx 打开")
		}
		n, err := io.Copy(io.Discard, io.LimitReader(rc, int64(f.UncompressedSize64)+1))
		rc.Close()
		// archive/zip itself stops an entry at its declared size with ErrFormat.
		if n > int64(f.UncompressedSize64) || errors.Is(err, zip.ErrFormat) {
			return db.Errorf(db.ETOOLARGE, "工作簿中的 %s 解压后大于其声明的大小，已拒绝（可能是压缩炸弹）。", f.Name)
		}
		if err != nil {
			return sheetError("文件已损坏（%s 无法解压）", f.Name)
		}
	}
	return nil
}

func readXLSX(data []byte) (*Sheet, error) {
	if err := checkZip(data); err != nil {
		return nil, err
	}
	if err := checkSheetXML(data); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true,
		UnzipSizeLimit: MaxSheetUnzipped, UnzipXMLSizeLimit: MaxSheetUnzipped})
	if err != nil {
		return nil, sheetError("文件已损坏或不是有效的 .xlsx 工作簿")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, sheetError("工作簿中没有工作表")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, sheetError("无法读取工作表“%s”", sheets[0])
	}
	defer rows.Close()
	var out [][]string
	for rows.Next() {
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, sheetError("无法读取工作表第 %d 行", len(out)+1)
		}
		out = append(out, cells)
		if len(out) > MaxSheetRows+1 {
			return nil, db.Errorf(db.ETOOLARGE, "一次最多导入 %d 行。", MaxSheetRows)
		}
	}
	if err := rows.Error(); err != nil {
		return nil, sheetError("无法读取工作表“%s”", sheets[0])
	}
	return toSheet(out)
}

func readCSV(data []byte) (*Sheet, error) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(data) {
		dec, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err != nil {
			return nil, sheetError("无法识别文件编码，请另存为 UTF-8 编码的 .csv 或 .xlsx")
		}
		data = dec
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var out [][]string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, sheetError("CSV 格式错误：第 %d 行", len(out)+1)
		}
		out = append(out, rec)
		if len(out) > MaxSheetRows+1 {
			return nil, db.Errorf(db.ETOOLARGE, "一次最多导入 %d 行。", MaxSheetRows)
		}
	}
	return toSheet(out)
}

// toSheet takes the first non-blank row as the header and keeps the non-blank rows after it.
func toSheet(rows [][]string) (*Sheet, error) {
	s := &Sheet{}
	for i, cells := range rows {
		blank := true
		for _, c := range cells {
			if strings.TrimSpace(c) != "" {
				blank = false
				break
			}
		}
		switch {
		case blank:
		case s.Header == nil:
			s.Header = cells
		default:
			s.Rows = append(s.Rows, Row{Number: i + 1, Cells: cells})
		}
	}
	if s.Header == nil {
		return nil, sheetError("文件中没有表头和数据")
	}
	return s, nil
}

// sheetDate reads a date cell: an Excel serial number, or text such as 2025-03-01,
// 2025/3/1 or 2025年3月1日. It answers "" for an empty cell and false for anything else.
func Date(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", true
	}
	if len(s) == 8 && isDigits(s) { // 20250301, as clerks type it
		if t, err := time.ParseInLocation("20060102", s, db.Zone); err == nil {
			return t.Format(db.DateLayout), true
		}
		return "", false
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		// A real date cell holds a serial; a bare number outside these years (a typed
		// 2025 would be 1905-07-17) is a mistake, not a date.
		if f < minDateSerial || f >= maxDateSerial {
			return "", false
		}
		t, err := excelize.ExcelDateToTime(f, false)
		if err != nil {
			return "", false
		}
		return t.Format(db.DateLayout), true
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.In(db.Zone).Format(db.DateLayout), true
	}
	if i := strings.IndexAny(s, " T"); i > 0 {
		s = s[:i] // a date and time: keep the day
	}
	for _, layout := range []string{"2006-01-02", "2006-1-2", "2006/1/2", "2006.1.2", "2006年1月2日", "2006年1月2号"} {
		if t, err := time.ParseInLocation(layout, s, db.Zone); err == nil {
			return t.Format(db.DateLayout), true
		}
	}
	return "", false
}

// Date serials accepted from a sheet: 1950-01-01 up to 2100-01-01.
const (
	minDateSerial = 18264
	maxDateSerial = 73051
)

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

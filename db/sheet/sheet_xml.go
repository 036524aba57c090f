package sheet

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"
)

// sheetPart is what a strict read of one worksheet's XML found.
type sheetPart struct {
	rows    int // <row> elements
	lastRow int // the highest row number they carry
	dimRows int // the last row of <dimension ref="A1:F1001">, 0 when absent
}

// checkSheetXML reads every worksheet and the shared strings of an .xlsx with a strict
// XML decoder. excelize's row iterator stops quietly at a decode error, so a workbook
// whose sheet was cut or garbled would import its first rows and report success; here
// any malformed part refuses the whole file. A sheet that is well-formed but ends before
// the last row its own dimension declares was cut at a row boundary, and is refused too.
func checkSheetXML(data []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return sheetError("文件已损坏，无法作为 .xlsx 打开")
	}
	for _, f := range zr.File {
		name := strings.ToLower(f.Name)
		isSheet := strings.HasPrefix(name, "xl/worksheets/") && strings.HasSuffix(name, ".xml")
		if !isSheet && name != "xl/sharedstrings.xml" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return sheetError("文件已损坏（%s 无法解压）", f.Name)
		}
		part, err := scanSheetPart(rc)
		rc.Close()
		if err != nil {
			return sheetError("工作簿已损坏（%s 不是完整的 XML：%s），整个文件未导入，请重新导出后再试", f.Name, err)
		}
		if isSheet && part.dimRows > part.lastRow {
			return sheetError("工作簿已损坏（%s 声明到第 %d 行，实际只到第 %d 行，文件可能被截断），整个文件未导入",
				f.Name, part.dimRows, part.lastRow)
		}
	}
	return nil
}

// scanSheetPart decodes one part to its end, counting rows and reading the dimension.
func scanSheetPart(r io.Reader) (sheetPart, error) {
	var p sheetPart
	dec := xml.NewDecoder(r)
	depth := 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			if depth != 0 {
				return p, errors.New("文件在中途结束")
			}
			return p, nil
		}
		if err != nil {
			return p, errors.New(shortXMLError(err))
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch t.Name.Local {
			case "row":
				p.rows++
				n := p.lastRow + 1 // a row without r follows the one before it
				if v := attr(t, "r"); v != "" {
					if n, err = strconv.Atoi(v); err != nil || n <= p.lastRow {
						return p, errors.New("行号错乱")
					}
				}
				p.lastRow = n
			case "dimension":
				p.dimRows = lastRowOf(attr(t, "ref"))
			}
		case xml.EndElement:
			depth--
		}
	}
}

func attr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// lastRowOf reads the row number at the end of a range such as "A1:F1001" or "B7".
func lastRowOf(ref string) int {
	if i := strings.LastIndexByte(ref, ':'); i >= 0 {
		ref = ref[i+1:]
	}
	digits := strings.TrimLeft(ref, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz$")
	n, _ := strconv.Atoi(digits)
	return n
}

// shortXMLError keeps the decoder's message short enough to show to a clerk.
func shortXMLError(err error) string {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return "第 " + strconv.Itoa(se.Line) + " 行语法错误"
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "文件在中途结束"
	}
	return "无法解析"
}

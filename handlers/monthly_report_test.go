package handlers_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"fmt"
	"io"
	"qinqing/db/demo"
	"qinqing/db/figures"
	"regexp"
	"strings"
	"testing"
	"unicode/utf16"

	"qinqing/db"
)

// pdfStreams inflates every compressed content stream of a PDF, where fpdf writes the
// page text.
func pdfStreams(t *testing.T, body []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	re := regexp.MustCompile(`(?s)stream\r?\n(.*?)\r?\nendstream`)
	for _, m := range re.FindAllSubmatch(body, -1) {
		zr, err := zlib.NewReader(bytes.NewReader(m[1]))
		if err != nil {
			continue // fonts and the like that are not deflated
		}
		b, _ := io.ReadAll(zr)
		out.Write(b)
	}
	return out.Bytes()
}

// pdfString is how fpdf writes text in a Unicode font: UTF-16BE inside ( ), with \, ( and
// ) escaped.
func pdfString(s string) []byte {
	var b bytes.Buffer
	for _, u := range utf16.Encode([]rune(s)) {
		for _, c := range []byte{byte(u >> 8), byte(u)} {
			if c == '\\' || c == '(' || c == ')' {
				b.WriteByte('\\')
			}
			if c == '\r' {
				b.WriteString(`\r`)
				continue
			}
			b.WriteByte(c)
		}
	}
	return b.Bytes()
}

func labels(list []any) []string {
	var out []string
	for _, x := range list {
		out = append(out, x.(map[string]any)["label"].(string))
	}
	return out
}

func TestMonthlyReportPDFListsEveryLeader(t *testing.T) {
	a := startAPI(t)
	if _, err := demo.BuildAppeals(context.Background(), a.db, 1200); err != nil {
		t.Fatal(err)
	}
	tok := a.login("office")
	// A sample of one ranks most leaders of the demo month, more than the 20 rows the
	// PDF used to keep.
	if r := a.do("PUT", "/api/v1/stats/weights", a.login("admin"), map[string]any{"ranking_min_sample": 1}); r.Status != 200 || num(r.JSON["ranking_min_sample"]) != 1 {
		t.Fatalf("set min sample: %s", r)
	}
	month := figures.LastCompleteMonth(a.db.Now())
	rep := a.do("GET", "/api/v1/reports/monthly?month="+month, tok, nil)
	leaders := rep.JSON["leaders"].(map[string]any)
	ranked, _ := leaders["items"].([]any)
	unranked, _ := leaders["unranked"].([]any)
	if len(ranked) <= 20 {
		t.Fatalf("the fixture ranks only %d leaders", len(ranked))
	}
	pdf := a.do("GET", "/api/v1/reports/monthly.pdf?month="+month, tok, nil)
	text := pdfStreams(t, pdf.Body)
	for _, name := range append(labels(ranked), labels(unranked)...) {
		if !bytes.Contains(text, pdfString(name)) {
			t.Errorf("the pdf leaves out %s", name)
		}
	}
	pages := bytes.Count(pdf.Body, []byte("/Type /Page\n"))
	for _, want := range []string{fmt.Sprintf("第 1 页 共 %d 页", pages), fmt.Sprintf("第 %d 页 共 %d 页", pages, pages),
		"盘锦市营商环境建设专班", figures.DocNumber(month)} {
		if !bytes.Contains(text, pdfString(want)) {
			t.Errorf("the pdf lacks %q (%d pages)", want, pages)
		}
	}
}

func TestMonthlyReportSmallSamplesAndDefaultMonth(t *testing.T) {
	a := startFigures(t)
	tok := a.login("office")
	rep := a.do("GET", "/api/v1/reports/monthly", tok, nil)
	want := figures.LastCompleteMonth(a.db.Now())
	if rep.Status != 200 || rep.JSON["month"] != want || rep.JSON["doc_number"] != figures.DocNumber(want) || rep.JSON["issuer"] != db.DefaultIssuer {
		t.Fatalf("default month %v (want %s), doc %v, issuer %v", rep.JSON["month"], want, rep.JSON["doc_number"], rep.JSON["issuer"])
	}
	var small []string
	for _, kind := range []string{"departments", "leaders"} {
		rk := rep.JSON[kind].(map[string]any)
		for _, x := range rk["items"].([]any) {
			it := x.(map[string]any)
			if num(it["closed"]) < db.DefaultMinSample || num(it["rank"]) < 1 {
				t.Errorf("%s ranked below the sample: %v", kind, it)
			}
		}
		for _, x := range rk["unranked"].([]any) {
			it := x.(map[string]any)
			if num(it["closed"]) >= db.DefaultMinSample || num(it["rank"]) != 0 {
				t.Errorf("%s unranked with a full sample or a place: %v", kind, it)
			}
			small = append(small, it["label"].(string))
		}
	}
	if len(small) == 0 {
		t.Fatal("the demo month has nobody below the sample")
	}
	page := a.pageAs("office", "/reports/monthly")
	for _, name := range small {
		if !regexp.MustCompile(`样本不足</span></td><td>` + regexp.QuoteMeta(name) + `</td>`).MatchString(page) {
			t.Errorf("the page does not list %s as 样本不足", name)
		}
	}
	if !strings.Contains(page, "盘锦市营商环境建设专班") || !strings.Contains(page, figures.DocNumber(want)) {
		t.Errorf("the page lacks the official header")
	}
	// The issuer is the admin's to change, on the settings page.
	form := map[string][]string{"ranking_min_sample": {"4"}, "report_issuer": {"某市营商环境局"}}
	if r := a.page("POST", "/admin/settings/report", a.login("admin"), form); r.Status != 303 {
		t.Fatalf("settings form: %d %s", r.Status, r.Body)
	}
	if r := a.do("GET", "/api/v1/stats/weights", tok, nil); num(r.JSON["ranking_min_sample"]) != 4 || r.JSON["report_issuer"] != "某市营商环境局" {
		t.Errorf("after the settings form: %s", r)
	}
	if r := a.do("PUT", "/api/v1/stats/weights", a.login("admin"), map[string]any{"response": 20, "resolution": 40, "satisfaction": 40,
		"ranking_min_sample": 0}); r.Status != 422 {
		t.Errorf("min sample 0: %s", r)
	}
	if r := a.do("GET", "/api/v1/stats/weights", tok, nil); num(r.JSON["response"]) != 10 || num(r.JSON["ranking_min_sample"]) != 4 {
		t.Errorf("a refused update changed the weights: %s", r)
	}
}

func TestLeaderReadsTheMonthlyReport(t *testing.T) {
	a := startFigures(t)
	for _, path := range []string{"/reports/monthly", "/reports/monthly.pdf", "/reports/monthly.xlsx"} {
		if r := a.do("GET", "/api/v1"+path, a.login("leader"), nil); r.Status != 200 {
			t.Errorf("leader GET /api/v1%s: %s", path, r)
		}
		page := a.page("GET", path, a.login("leader"), nil)
		if page.Status != 200 {
			t.Errorf("leader page %s: %d", path, page.Status)
		}
		for _, user := range []string{"department", "enterprise"} {
			if r := a.do("GET", "/api/v1"+path, a.login(user), nil); r.Status != 403 {
				t.Errorf("%s GET /api/v1%s: %s", user, path, r)
			}
			if r := a.page("GET", path, a.login(user), nil); r.Status != 403 && r.Status != 404 {
				t.Errorf("%s page %s: %d", user, path, r.Status)
			}
		}
	}
	if home := a.pageAs("leader", "/"); !strings.Contains(home, `href="/reports/monthly"`) {
		t.Errorf("the leader's menu has no link to the 通报")
	}
}

package sheet_test

import (
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/dbtest"
	"qinqing/db/demo"
	"qinqing/db/sheet"
	"strings"
	"testing"
	"time"
)

// countingWriter counts what an export writes, so the benchmark measures building the
// file, not storing it.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// seedAppeals writes n appeals straight into the table, spread over stages, enterprises
// and a year, each with about 300 characters of content.
func seedAppeals(tb testing.TB, d *db.DB, n int) {
	tb.Helper()
	content := strings.Repeat("企业反映新建厂房用电报装周期较长，影响投产进度，请求协调供电公司加快办理。", 8)
	now := d.Now().Unix()
	err := d.Update(dbtest.Ctx(), func(tx *db.Tx) error {
		_, err := tx.Exec(`WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?)
			INSERT INTO appeals (number, title, content, category, source, tier, stage, enterprise_id, leader_id,
				created_at, response_due_at, due_at, updated_at)
			SELECT 'SQ2025-' || substr(CAST(1000000 + i AS text), 2), '用电报装周期长' || i, CAST(? AS text) || i, '要素保障-用电', 'visit', 'fast',
				CASE i % 5 WHEN 0 THEN 'discovered' WHEN 1 THEN 'verifying' WHEN 2 THEN 'rectifying' WHEN 3 THEN 'feedback' ELSE 'closed' END,
				i % 680 + 1, (SELECT leader_id FROM liaisons WHERE enterprise_id = i % 680 + 1 AND until IS NULL),
				? - i * 300, ? - i * 300 + 86400, ? - i * 300 + 432000, ? FROM seq`,
			n, content, now, now, now, now)
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkExportAppeals exports 100,000 appeals as the office sees them.
func BenchmarkExportAppeals(b *testing.B) {
	const n = 100_000
	d := dbtest.MustOpen(b)
	if _, err := demo.Build(dbtest.Ctx(), d, ""); err != nil {
		b.Fatal(err)
	}
	seedAppeals(b, d, n)
	office := dbtest.DemoActor(b, d, "office")
	b.ResetTimer()
	var bytes int64
	start := time.Now()
	for i := 0; i < b.N; i++ {
		var w countingWriter
		rows, err := sheet.ExportAppeals(dbtest.Ctx(), d, office, appeal.Filter{}, &w)
		if err != nil {
			b.Fatal(err)
		}
		if rows != n {
			b.Fatalf("exported %d rows, want %d", rows, n)
		}
		bytes = w.n
	}
	b.ReportMetric(float64(n*b.N)/time.Since(start).Seconds(), "rows/s")
	b.ReportMetric(float64(bytes)/(1<<20), "MiB/file")
}

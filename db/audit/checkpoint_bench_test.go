package audit_test

import (
	"qinqing/db"
	"qinqing/db/audit"
	"qinqing/db/dbtest"
	"testing"
	"time"
)

// bigLog fills a database with n audit events in a few large transactions.
func bigLog(b *testing.B, n int) *db.DB {
	b.Helper()
	d := dbtest.MustOpen(b)
	start := time.Now()
	for done := 0; done < n; {
		err := d.Update(dbtest.Ctx(), func(tx *db.Tx) error {
			for i := 0; i < 10_000 && done < n; i, done = i+1, done+1 {
				payload := map[string]any{"stage_before": "rectifying", "stage_after": "feedback",
					"note": "已按要求完成整改，企业确认问题已解决。", "data": map[string]any{"i": done}}
				if err := tx.Audit(dbtest.AdminActor, "appeal.report", "appeal", int64(done%2000+1), payload); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("wrote %d events with their tree hashes in %v", n, time.Since(start))
	return d
}

// BenchmarkVerifyCheckpoint100k measures `audit verify --checkpoint` on a log of 100,000
// events: run with go test -tags sqlite_fts5 -run X -bench Checkpoint ./db
func BenchmarkVerifyCheckpoint100k(b *testing.B) {
	d, k := bigLog(b, 100_000), dbtest.MustKeys(b)
	cp, err := audit.SignCheckpoint(dbtest.Ctx(), d, k)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := audit.VerifyCheckpoint(dbtest.Ctx(), d, k, []byte(cp.Note))
		if err != nil || !res.OK {
			b.Fatalf("%+v %v", res, err)
		}
	}
}

// BenchmarkSignCheckpoint100k measures signing a checkpoint over 100,000 events.
func BenchmarkSignCheckpoint100k(b *testing.B) {
	d, k := bigLog(b, 100_000), dbtest.MustKeys(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := audit.SignCheckpoint(dbtest.Ctx(), d, k); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyChain100k is the hash chain's own verify, for comparison.
func BenchmarkVerifyChain100k(b *testing.B) {
	d := bigLog(b, 100_000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if res, err := audit.Verify(dbtest.Ctx(), d); err != nil || !res.OK {
			b.Fatalf("%+v %v", res, err)
		}
	}
}

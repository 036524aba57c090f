package db_test

import (
	"fmt"
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/dbtest"
	"qinqing/db/demo"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// cpuTime is the CPU time (user and system) the process has used so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkCreateAppeal files appeals from 64 goroutines through the group-commit writer,
// as the API does under load; compare with BenchmarkRawInsert, one durable single-row
// transaction after another on the same disk.
func BenchmarkCreateAppeal(b *testing.B) {
	d := dbtest.MustOpen(b)
	if _, err := demo.Build(dbtest.Ctx(), d, ""); err != nil {
		b.Fatal(err)
	}
	var ent int64
	d.Read.QueryRow("SELECT MIN(id) FROM enterprises").Scan(&ent)
	office := db.Actor{UserID: 2, Name: "专班", Role: db.RoleOffice}
	var n atomic.Int64
	b.SetParallelism(32) // 64 goroutines on two cores
	b.ResetTimer()
	cpu0 := cpuTime(b)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			_, err := appeal.Create(dbtest.Ctx(), d, office, appeal.Input{Title: fmt.Sprintf("压测诉求 %d", i),
				Content: "企业反映用电报装进度慢，希望尽快协调供电公司现场勘察。", Category: "要素保障-用电",
				EnterpriseID: &ent, Source: appeal.SourceHotline, Tier: appeal.TierFast, ContactName: "压测", ContactPhone: "13900000000"})
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	// On a shared machine wall time varies with the neighbours; CPU per create does not.
	b.ReportMetric(float64(cpuTime(b)-cpu0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
	batches, writes := d.WriteStats()
	b.ReportMetric(float64(writes)/float64(batches), "writes/tx")
}

func BenchmarkRawInsert(b *testing.B) {
	d := dbtest.MustOpen(b)
	if _, err := d.Write.Exec("CREATE TABLE raw (id INTEGER PRIMARY KEY, title TEXT, content TEXT, created_at INTEGER)"); err != nil {
		b.Fatal(err)
	}
	st, err := d.Write.Prepare("INSERT INTO raw (title, content, created_at) VALUES (?, ?, ?)")
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	b.ResetTimer()
	cpu0 := cpuTime(b)
	for i := 0; i < b.N; i++ {
		if _, err := st.Exec("压测诉求", "企业反映用电报装进度慢，希望尽快协调供电公司现场勘察。", i); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(cpuTime(b)-cpu0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}

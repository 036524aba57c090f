package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	_ "github.com/mattn/go-sqlite3"
)

// measureCreates files appeals through the API at the given concurrency and compares
// the rate with what SQLite itself does on this disk: single-row inserts, one durable
// (synchronous=FULL) transaction each, in a loop in this process. The server's group
// commit should beat that loop; how far it falls short of it is the writer's overhead.
func measureCreates(ctx context.Context, t *target, writers int, dur time.Duration, rounds int, rawDir string) error {
	var ents struct {
		Items []struct{ ID int64 }
	}
	if err := t.get(ctx, "office", "/api/v1/enterprises?limit=1", &ents); err != nil {
		return err
	}
	if len(ents.Items) == 0 {
		return fmt.Errorf("no enterprise to file for")
	}
	var seq atomic.Int64
	create := func() error {
		n := seq.Add(1)
		return t.post(ctx, "office", "/api/v1/appeals", map[string]any{
			"title": fmt.Sprintf("压测诉求 %d", n), "content": "企业反映用电报装进度慢，希望尽快协调供电公司现场勘察。",
			"category": "要素保障-用电", "enterprise_id": ents.Items[0].ID, "source": "hotline", "tier": "fast",
			"contact_name": "压测", "contact_phone": "13900000000"}, nil)
	}
	var api, raw []result
	for r := 0; r < rounds; r++ {
		api = append(api, hammer(writers, dur, create))
		res, err := rawLoop(rawDir, dur)
		if err != nil {
			return err
		}
		raw = append(raw, res)
	}
	a, b := median(api), median(raw)
	fmt.Printf("%-28s | %s\n", fmt.Sprintf("api create c%d", writers), a)
	fmt.Printf("%-28s | %.1f rows/s\n", "raw single-row FULL loop", b.rps)
	if b.rps > 0 {
		fmt.Printf("%-28s | %.2f\n", "create ÷ raw", a.rps/b.rps)
	}
	return nil
}

// rawLoop inserts one row per durable transaction into a scratch file for dur.
func rawLoop(dir string, dur time.Duration) (result, error) {
	f, err := os.MkdirTemp(dir, "qqload-raw-")
	if err != nil {
		return result{}, err
	}
	defer os.RemoveAll(f)
	d, err := sql.Open("sqlite3", "file:"+filepath.Join(f, "raw.db")+"?_journal_mode=WAL&_synchronous=FULL")
	if err != nil {
		return result{}, err
	}
	defer d.Close()
	d.SetMaxOpenConns(1)
	if _, err := d.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, title TEXT, content TEXT, created_at INTEGER)"); err != nil {
		return result{}, err
	}
	stmt, err := d.Prepare("INSERT INTO t (title, content, created_at) VALUES (?, ?, ?)")
	if err != nil {
		return result{}, err
	}
	defer stmt.Close()
	return hammer(1, dur, func() error {
		_, err := stmt.Exec("压测诉求", "企业反映用电报装进度慢，希望尽快协调供电公司现场勘察。", time.Now().Unix())
		return err
	}), nil
}

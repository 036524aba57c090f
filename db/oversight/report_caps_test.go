package oversight_test

import (
	"bytes"
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/dbtest"
	"qinqing/db/oversight"
	"qinqing/db/register"
	"sync"
	"testing"
	"time"
)

func pngUpload(size int) appeal.Upload {
	return appeal.Upload{Name: "证据.png", Data: append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{1}, size-8)...)}
}

// publicBytes sums the reporters' files, as stored.
func publicBytes(t *testing.T, d *db.DB) (total int64) {
	t.Helper()
	if err := d.Read.QueryRow(`SELECT coalesce(sum(f.size), 0) FROM attachments f JOIN appeal_events e ON e.id = f.event_id
		WHERE e.actor_role = 'public'`).Scan(&total); err != nil {
		t.Fatal(err)
	}
	return total
}

// TestPublicUploadCaps floods reports with files in parallel: neither one report nor the
// day may take more than its cap, however the requests interleave.
func TestPublicUploadCaps(t *testing.T) {
	c := dbtest.MustCity(t)
	// Two dozen parallel receipt checks under -race queue for longer than the default wait.
	defer func(w time.Duration) { register.HashWait = w }(register.HashWait)
	register.HashWait = time.Minute
	c.DB.PublicUploads = db.UploadCaps{PerReport: 10 << 10, PerDay: 25 << 10, MessagesPerDay: 100}
	file := pngUpload(3 << 10)
	var receipts []string
	for i := 0; i < 4; i++ {
		f, _ := c.Report(t, c.DeptID, "", "")
		receipts = append(receipts, f.Receipt)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[string]int{}
	for i := 0; i < 24; i++ {
		wg.Add(1)
		go func(code string) {
			defer wg.Done()
			_, err := oversight.ReportMessage(dbtest.Ctx(), c.DB, c.Keys, code, "补充材料", []appeal.Upload{file})
			mu.Lock()
			codes[db.ErrorCode(err)]++
			mu.Unlock()
			if err != nil && db.ErrorCode(err) != db.ETOOLARGE && db.ErrorCode(err) != db.ETOOMANY {
				t.Errorf("follow-up: %v", err)
			}
		}(receipts[i%len(receipts)])
	}
	wg.Wait()
	for _, code := range receipts {
		id, err := oversight.ReceiptAppeal(c.DB.R(dbtest.Ctx()), c.Keys, code)
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		c.DB.Read.QueryRow("SELECT coalesce(sum(size), 0) FROM attachments WHERE appeal_id = ?", id).Scan(&n)
		if n > 10<<10 {
			t.Errorf("report %d holds %d bytes, over its cap", id, n)
		}
	}
	if n := publicBytes(t, c.DB); n > 25<<10 || n < 21<<10 {
		t.Errorf("the day holds %d public bytes; want the cap (25 KB) nearly reached, never passed (%v)", n, codes)
	}
	// A report filed with files is held to the day's cap as well; a new day opens again.
	in := oversight.ReportInput{Category: "吃拿卡要", Title: "窗口人员索要好处费", Content: "办理许可证时窗口人员暗示需要另外“意思意思”。", Anonymous: true}
	if _, err := oversight.FileReport(dbtest.Ctx(), c.DB, c.Keys, in, []appeal.Upload{file, file}); db.ErrorCode(err) != db.ETOOMANY {
		t.Errorf("report with files past the day's cap: %v", err)
	}
	if _, err := oversight.FileReport(dbtest.Ctx(), c.DB, c.Keys, in, nil); err != nil {
		t.Errorf("report without files past the day's cap: %v", err)
	}
	c.Advance(24 * time.Hour)
	if _, err := oversight.FileReport(dbtest.Ctx(), c.DB, c.Keys, in, []appeal.Upload{file}); err != nil {
		t.Errorf("report with a file the next day: %v", err)
	}
}

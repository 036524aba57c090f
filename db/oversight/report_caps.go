package oversight

import (
	"fmt"
	"qinqing/db"
	"qinqing/db/appeal"
	"time"
)

func startOfDay(t time.Time) int64 {
	y, m, d := t.In(db.Zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, db.Zone).Unix()
}

// checkPublicCaps runs inside the write transaction, before the reporter's event and files
// are written, so that concurrent senders are counted one after another. A message counts
// as soon as it is sent, files or not.
func checkPublicCaps(t *db.Tx, caps db.UploadCaps, appealID int64, message bool, files []appeal.StoredFile) error {
	day := startOfDay(t.Now)
	if message {
		var n int
		if err := t.QueryRow(`SELECT count(*) FROM appeal_events WHERE appeal_id = ? AND actor_role = ?
			AND action IN (?, ?) AND at >= ?`, appealID, string(db.RolePublic), appeal.ActComment, appeal.ActAttach, day).Scan(&n); err != nil {
			return fmt.Errorf("db: count reporter messages: %w", err)
		}
		if n >= caps.MessagesPerDay {
			return db.Errorf(db.ETOOMANY, "本举报今天已补充 %d 次，已达上限，请明天再补充。", n)
		}
	}
	var size int64
	for _, f := range files {
		size += f.Size
	}
	if size == 0 {
		return nil
	}
	var onReport, today int64
	if err := t.QueryRow(`SELECT coalesce(sum(f.size), 0) FROM attachments f JOIN appeal_events e ON e.id = f.event_id
		WHERE f.appeal_id = ? AND e.actor_role = ?`, appealID, string(db.RolePublic)).Scan(&onReport); err != nil {
		return fmt.Errorf("db: sum reporter files: %w", err)
	}
	if onReport+size > caps.PerReport {
		return db.Errorf(db.ETOOLARGE, "每件举报上传的材料合计不超过 %s，已达上限。如需提供更多材料，请在补充情况中写明，纪检监督人员会与您联系。",
			sizeLabel(caps.PerReport))
	}
	if err := t.QueryRow(`SELECT coalesce(sum(f.size), 0) FROM attachments f JOIN appeal_events e ON e.id = f.event_id
		WHERE e.actor_role = ? AND f.created_at >= ?`, string(db.RolePublic), day).Scan(&today); err != nil {
		return fmt.Errorf("db: sum public files: %w", err)
	}
	if today+size > caps.PerDay {
		return db.Errorf(db.ETOOMANY, "今天公众上传的材料已达系统上限，请明天再上传；不带文件的举报或补充现在仍可提交。")
	}
	return nil
}

func sizeLabel(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d KB", max(n>>10, 1))
}

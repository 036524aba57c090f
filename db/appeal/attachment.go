package appeal

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"qinqing/db"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxAttachmentSize bounds one uploaded file.
const MaxAttachmentSize = 10 << 20

// Attachment is an evidence file on an appeal.
type Attachment struct {
	ID          int64     `json:"id"`
	AppealID    int64     `json:"appeal_id"`
	EventID     *int64    `json:"event_id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	CreatedAt   time.Time `json:"created_at"`
	StoredName  string
}

// Upload is a file as received.
type Upload struct {
	Name string
	Data []byte
}

// sniff decides a file's type from its content, never from its name or the client's word.
func Sniff(data []byte) (contentType, ext string, ok bool) {
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return "application/pdf", ".pdf", true
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		return "image/jpeg", ".jpg", true
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png", ".png", true
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return "", "", false
		}
		for _, f := range zr.File {
			switch f.Name {
			case "word/document.xml":
				return "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", true
			case "xl/workbook.xml":
				return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx", true
			}
		}
	}
	return "", "", false
}

type StoredFile struct {
	Attachment
	path string
}

// storeUploads checks and writes files under server-made names before the transaction,
// so that a failed transaction leaves only files that removeStored deletes. The files and
// their folder are flushed to disk before it returns: a commit that names a file must
// never survive a crash that the file itself does not.
func StoreUploads(d *db.DB, ups []Upload) ([]StoredFile, error) {
	if len(ups) == 0 {
		return nil, nil
	}
	var out []StoredFile
	if err := makeFilesDir(d); err != nil {
		return nil, err
	}
	for _, up := range ups {
		name := strings.TrimSpace(filepath.Base(strings.ReplaceAll(up.Name, `\`, "/")))
		if name == "" || name == "." || name == "/" || !utf8.ValidString(name) || utf8.RuneCountInString(name) > 120 {
			name = "附件"
		}
		if len(up.Data) == 0 {
			RemoveStored(out)
			return nil, db.InvalidField("file", "文件“"+name+"”是空的")
		}
		if len(up.Data) > MaxAttachmentSize {
			RemoveStored(out)
			return nil, &db.Error{Code: db.ETOOLARGE, Message: fmt.Sprintf("文件“%s”超过 %d MB。", name, MaxAttachmentSize>>20)}
		}
		ct, ext, ok := Sniff(up.Data)
		if !ok {
			RemoveStored(out)
			return nil, db.InvalidField("file", "文件“"+name+"”的类型不支持，只能上传 PDF、JPG、PNG、DOCX、XLSX")
		}
		rnd := make([]byte, 16)
		rand.Read(rnd)
		stored := hex.EncodeToString(rnd) + ext
		path := filepath.Join(d.FilesDir(), stored)
		if err := db.WriteFileSync(path, up.Data); err != nil {
			RemoveStored(out)
			return nil, fmt.Errorf("db: store file: %w", err)
		}
		sum := sha256.Sum256(up.Data)
		out = append(out, StoredFile{Attachment{Name: name, ContentType: ct, Size: int64(len(up.Data)),
			SHA256: hex.EncodeToString(sum[:]), StoredName: stored}, path})
	}
	if err := db.SyncDir(out[0].path); err != nil {
		RemoveStored(out)
		return nil, fmt.Errorf("db: store file: %w", err)
	}
	return out, nil
}

// makeFilesDir creates the attachments folder, for its owner only, and flushes its
// parent the first time so that the folder itself survives a crash.
func makeFilesDir(d *db.DB) error {
	err := os.Mkdir(d.FilesDir(), db.DirMode)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err == nil {
		err = db.SyncDir(d.FilesDir())
	}
	if err != nil {
		return fmt.Errorf("db: files dir: %w", err)
	}
	return nil
}

func RemoveStored(files []StoredFile) {
	for _, f := range files {
		os.Remove(f.path)
	}
}

// ActWithFiles performs an action and attaches files to its timeline event, all in one
// transaction. The attach action itself takes only files and an optional note.
func ActWithFiles(ctx context.Context, d *db.DB, a db.Actor, id int64, in ActionInput, ups []Upload) (*Appeal, error) {
	if _, ok := TransitionOf(in.Action); !ok {
		return nil, &db.Error{Code: db.EINVALID, Message: "未知的操作：" + string(in.Action), Fields: []db.FieldError{{Field: "action", Message: "未知的操作"}}}
	}
	if in.Action == ActAttach && len(ups) == 0 {
		return nil, db.InvalidField("file", "请选择要上传的文件")
	}
	files, err := StoreUploads(d, ups)
	if err != nil {
		return nil, err
	}
	var out *Appeal
	err = d.Update(ctx, func(tx *db.Tx) error {
		ap, err := ActTx(tx, a, id, in)
		if err != nil {
			return err
		}
		out = ap
		return InsertAttachments(tx, maskFiler(a, ap), id, files)
	})
	if err != nil {
		RemoveStored(files)
		return nil, err
	}
	out.Present(a, d.Now())
	return out, nil
}

// insertAttachments records stored files on the appeal event this request wrote last.
func InsertAttachments(t *db.Tx, a db.Actor, appealID int64, files []StoredFile) error {
	for _, f := range files {
		_, err := t.Exec(`INSERT INTO attachments (appeal_id, event_id, name, content_type, size, sha256, stored_name,
			uploaded_by, created_at) VALUES (?,?,?,?,?,?,?,?,?)`, appealID, t.LastEvent, f.Name, f.ContentType, f.Size,
			f.SHA256, f.StoredName, NullID(a.UserID), t.Now.Unix())
		if err != nil {
			return fmt.Errorf("db: attachment: %w", err)
		}
	}
	return nil
}

func NullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

const attachmentColumns = "id, appeal_id, event_id, name, content_type, size, sha256, created_at, stored_name"

func scanAttachment(s db.Scanner) (*Attachment, error) {
	var at Attachment
	var created int64
	if err := s.Scan(&at.ID, &at.AppealID, &at.EventID, &at.Name, &at.ContentType, &at.Size, &at.SHA256, &created, &at.StoredName); err != nil {
		return nil, err
	}
	at.CreatedAt = time.Unix(created, 0).In(db.Zone)
	return &at, nil
}

func ListAttachments(q db.Queryer, appealID int64) ([]Attachment, error) {
	rows, err := q.Query("SELECT "+attachmentColumns+" FROM attachments WHERE appeal_id = ? ORDER BY id", appealID)
	if err != nil {
		return nil, fmt.Errorf("db: attachments: %w", err)
	}
	defer rows.Close()
	var out []Attachment
	for rows.Next() {
		at, err := scanAttachment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *at)
	}
	return out, rows.Err()
}

// OpenAttachment returns an attachment of an appeal the actor may see, and its file path.
func OpenAttachment(ctx context.Context, d *db.DB, a db.Actor, id int64) (*Attachment, string, error) {
	q := d.R(ctx)
	at, err := scanAttachment(q.QueryRow("SELECT "+attachmentColumns+" FROM attachments WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", db.NotFound("附件")
	}
	if err != nil {
		return nil, "", fmt.Errorf("db: attachment %d: %w", id, err)
	}
	if _, err := FindOn(q, a, at.AppealID); err != nil {
		return nil, "", db.NotFound("附件")
	}
	return at, filepath.Join(d.FilesDir(), at.StoredName), nil
}

package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"qinqing/db"
	"qinqing/db/appeal"
	"strconv"
	"strings"
	"time"
)

// MaxVisitPhotos bounds the photos one visit may carry, so that a visit record stays a
// record and not an album.
const MaxVisitPhotos = 9

// VisitPhoto is a photo taken on a visit. In lists only ID and URL are filled.
type VisitPhoto struct {
	ID          int64      `json:"id"`
	URL         string     `json:"url"`
	Name        string     `json:"name,omitempty"`
	ContentType string     `json:"content_type,omitempty"`
	Size        int64      `json:"size,omitempty"`
	SHA256      string     `json:"sha256,omitempty"`
	CreatedAt   *time.Time `json:"created_at,omitempty"`
	visitID     int64
	storedName  string
}

// photoURL is where a photo is served, under its visit, whose access rules it shares.
func photoURL(visitID, photoID int64) string {
	return "/api/v1/visits/" + strconv.FormatInt(visitID, 10) + "/photos/" + strconv.FormatInt(photoID, 10)
}

// attachPhotoIDs fills the photo references of visits, in upload order, with one query
// for all of them. The ids are read here rather than aggregated into a column, as the
// engines aggregate text differently.
func attachPhotoIDs(q db.Queryer, visits []Visit) error {
	if len(visits) == 0 {
		return nil
	}
	at := make(map[int64]*Visit, len(visits))
	marks := make([]string, len(visits))
	args := make([]any, len(visits))
	for i := range visits {
		v := &visits[i]
		v.Photos = []VisitPhoto{}
		at[v.ID] = v
		marks[i], args[i] = "?", v.ID
	}
	rows, err := q.Query("SELECT visit_id, id FROM visit_photos WHERE visit_id IN ("+strings.Join(marks, ",")+") ORDER BY id", args...)
	if err != nil {
		return fmt.Errorf("db: visit photos: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var visitID, id int64
		if err := rows.Scan(&visitID, &id); err != nil {
			return fmt.Errorf("db: visit photos: %w", err)
		}
		if v := at[visitID]; v != nil {
			v.Photos = append(v.Photos, VisitPhoto{ID: id, URL: photoURL(visitID, id)})
		}
	}
	return rows.Err()
}

// checkPhotos refuses anything but JPEG and PNG, read from the content, before any file
// is written.
func checkPhotos(ups []appeal.Upload) error {
	for _, up := range ups {
		if len(up.Data) == 0 || len(up.Data) > appeal.MaxAttachmentSize {
			continue // storeUploads names these faults
		}
		if ct, _, ok := appeal.Sniff(up.Data); !ok || (ct != "image/jpeg" && ct != "image/png") {
			name := strings.TrimSpace(filepath.Base(strings.ReplaceAll(up.Name, `\`, "/")))
			return db.InvalidField("photos", "文件“"+name+"”不是照片，只能上传 JPG 或 PNG")
		}
	}
	return nil
}

// storePhotos checks and writes photos to disk ahead of the transaction that records
// them; the caller removes them if that transaction fails.
func storePhotos(d *db.DB, ups []appeal.Upload) ([]appeal.StoredFile, error) {
	if len(ups) > MaxVisitPhotos {
		return nil, db.InvalidField("photos", fmt.Sprintf("一次走访最多上传 %d 张照片", MaxVisitPhotos))
	}
	if err := checkPhotos(ups); err != nil {
		return nil, err
	}
	return appeal.StoreUploads(d, ups)
}

// insertPhotos records stored photos on a visit, within the visit's cap.
func insertPhotos(t *db.Tx, a db.Actor, visitID int64, files []appeal.StoredFile) error {
	if len(files) == 0 {
		return nil
	}
	var have int
	if err := t.QueryRow("SELECT COUNT(*) FROM visit_photos WHERE visit_id = ?", visitID).Scan(&have); err != nil {
		return fmt.Errorf("db: visit %d photos: %w", visitID, err)
	}
	if have+len(files) > MaxVisitPhotos {
		return db.InvalidField("photos", fmt.Sprintf("一次走访最多 %d 张照片，已有 %d 张", MaxVisitPhotos, have))
	}
	sums := make([]string, 0, len(files))
	for _, f := range files {
		_, err := t.Exec(`INSERT INTO visit_photos (visit_id, name, content_type, size, sha256, stored_name, uploaded_by,
			created_at) VALUES (?,?,?,?,?,?,?,?)`, visitID, f.Name, f.ContentType, f.Size, f.SHA256, f.StoredName,
			appeal.NullID(a.UserID), t.Now.Unix())
		if err != nil {
			return fmt.Errorf("db: visit photo: %w", err)
		}
		sums = append(sums, f.SHA256)
	}
	return t.Audit(a, "visit.photos", "visit", visitID, map[string]any{"photos": len(files), "sha256": sums})
}

// AddVisitPhotos adds photos to a visit the actor logged. A visit the actor may not see
// is "not found"; one they may see but did not log is not theirs to add to.
func AddVisitPhotos(ctx context.Context, d *db.DB, a db.Actor, visitID int64, ups []appeal.Upload) ([]VisitPhoto, error) {
	if !a.Is(db.RoleLeader) {
		return nil, db.Forbidden()
	}
	v, err := findVisit(d.R(ctx), a, visitID)
	if err != nil {
		return nil, err
	}
	if v.LeaderID != a.LeaderID {
		return nil, db.Errorf(db.EFORBIDDEN, "只能为本人登记的走访上传照片。")
	}
	if len(ups) == 0 {
		return nil, db.InvalidField("photos", "请选择要上传的照片")
	}
	files, err := storePhotos(d, ups)
	if err != nil {
		return nil, err
	}
	var out []VisitPhoto
	err = d.Update(ctx, func(tx *db.Tx) error {
		if err := insertPhotos(tx, a, visitID, files); err != nil {
			return err
		}
		out, err = listPhotos(tx, visitID)
		return err
	})
	if err != nil {
		appeal.RemoveStored(files)
		return nil, err
	}
	return out, nil
}

const photoColumns = "id, visit_id, name, content_type, size, sha256, stored_name, created_at"

func scanPhoto(s db.Scanner) (*VisitPhoto, error) {
	var p VisitPhoto
	var created int64
	if err := s.Scan(&p.ID, &p.visitID, &p.Name, &p.ContentType, &p.Size, &p.SHA256, &p.storedName, &created); err != nil {
		return nil, err
	}
	at := time.Unix(created, 0).In(db.Zone)
	p.CreatedAt, p.URL = &at, photoURL(p.visitID, p.ID)
	return &p, nil
}

func listPhotos(q db.Queryer, visitID int64) ([]VisitPhoto, error) {
	rows, err := q.Query("SELECT "+photoColumns+" FROM visit_photos WHERE visit_id = ? ORDER BY id", visitID)
	if err != nil {
		return nil, fmt.Errorf("db: visit %d photos: %w", visitID, err)
	}
	defer rows.Close()
	out := []VisitPhoto{}
	for rows.Next() {
		p, err := scanPhoto(rows)
		if err != nil {
			return nil, fmt.Errorf("db: visit %d photos: %w", visitID, err)
		}
		out = append(out, *p)
	}
	return out, rows.Err()
}

// OpenVisitPhoto returns a photo of a visit the actor may see, and its file path. A
// photo of another visit, or of a visit out of the actor's scope, is "not found".
func OpenVisitPhoto(ctx context.Context, d *db.DB, a db.Actor, visitID, photoID int64) (*VisitPhoto, string, error) {
	q := d.R(ctx)
	if _, err := findVisit(q, a, visitID); err != nil {
		return nil, "", db.NotFound("照片")
	}
	p, err := scanPhoto(q.QueryRow("SELECT "+photoColumns+" FROM visit_photos WHERE id = ? AND visit_id = ?", photoID, visitID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", db.NotFound("照片")
	}
	if err != nil {
		return nil, "", fmt.Errorf("db: visit photo %d: %w", photoID, err)
	}
	return p, filepath.Join(d.FilesDir(), p.storedName), nil
}

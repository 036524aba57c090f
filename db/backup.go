package db

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Backup writes a consistent copy of the live database to path and of its attachments to
// path + ".files", where Open of the copy looks for them. Both are built under temporary
// names and renamed at the end, the database last, so a backup cut short leaves nothing
// at path that looks like a good copy. The copy is for its owner only, like the original;
// the key file is never part of it and must be kept apart.
func (db *DB) Backup(ctx context.Context, path string) (err error) {
	for _, p := range []string{path, path + ".files"} {
		if _, err := os.Lstat(p); err == nil {
			return fmt.Errorf("db: backup: %s already exists", p)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("db: backup: %w", err)
		}
	}
	rnd := make([]byte, 6)
	rand.Read(rnd)
	tmp := path + ".partial-" + hex.EncodeToString(rnd)
	tmpFiles := tmp + ".files"
	defer func() {
		if err != nil {
			os.Remove(tmp)
			os.RemoveAll(tmpFiles)
		}
	}()
	if err := db.vacuumInto(ctx, tmp); err != nil {
		return err
	}
	// The snapshot is taken: every file it names was written and flushed before its
	// commit, and attachments are never removed, so copying the folder now misses none.
	if err := CopyFiles(ctx, db.FilesDir(), tmpFiles); err != nil {
		return fmt.Errorf("db: backup attachments: %w", err)
	}
	if err := os.Rename(tmpFiles, path+".files"); err != nil {
		return fmt.Errorf("db: backup: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("db: backup: %w", err)
	}
	if err := SyncDir(path); err != nil {
		return fmt.Errorf("db: backup: %w", err)
	}
	return nil
}

// vacuumInto writes one snapshot of the database to a new file of mode 0600. VACUUM INTO
// reads one snapshot, so writers go on meanwhile; it needs a connection of its own because
// the read pool is query-only. It accepts an empty file, which is made first so that its
// mode does not depend on the umask.
func (db *DB) vacuumInto(ctx context.Context, path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fileMode)
	if err != nil {
		return fmt.Errorf("db: backup: %w", err)
	}
	f.Close()
	conn, err := sql.Open("sqlite3", dsn(db.Path, false))
	if err != nil {
		return fmt.Errorf("db: backup: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		return fmt.Errorf("db: backup to %s: %w", path, err)
	}
	f, err = os.Open(path)
	if err != nil {
		return fmt.Errorf("db: backup: %w", err)
	}
	return errors.Join(f.Sync(), f.Close())
}

// CopyFiles copies the regular files of dir into a new folder dst, flushing each.
func CopyFiles(ctx context.Context, dir, dst string) error {
	if err := os.Mkdir(dst, DirMode); err != nil {
		return err
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return SyncDir(dst)
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		if !e.Type().IsRegular() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return err
		}
		if err := WriteFileSync(filepath.Join(dst, e.Name()), data); err != nil {
			return err
		}
	}
	d, err := os.Open(dst)
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close(), SyncDir(dst))
}

package db

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Everything the server writes to disk is for its owner only: the database holds
// confidential appeals and the attachments hold evidence.
const (
	fileMode = 0o600
	DirMode  = 0o700
)

// syncDir flushes the directory holding path, so that a file just created or renamed
// there survives a crash.
func SyncDir(path string) error {
	d, err := os.Open(filepath.Dir(path))
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close())
}

// writeFileSync writes a new file and flushes it to disk before returning.
func WriteFileSync(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fileMode)
	if err != nil {
		return err
	}
	_, werr := f.Write(data)
	if err := errors.Join(werr, f.Sync(), f.Close()); err != nil {
		os.Remove(path)
		return err
	}
	return nil
}

// isFile tells a path on disk from SQLite's in-memory and URI names.
func isFile(path string) bool {
	return path != "" && path != ":memory:" && !strings.HasPrefix(path, "file:")
}

// createPrivate makes the database file, if missing, with mode 0600 before SQLite opens
// it; SQLite would use the umask (0644 as a rule), and it gives the -wal and -shm files
// the database's mode.
func createPrivate(path string) error {
	if !isFile(path) {
		return nil
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, fileMode)
	if err != nil {
		return fmt.Errorf("db: create %s: %w", path, err)
	}
	return f.Close()
}

// tightenModes sets the database and its companions to 0600, also for files made by an
// older version under a looser umask.
func tightenModes(path string) error {
	if !isFile(path) {
		return nil
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		st, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("db: %w", err)
		}
		if st.Mode().Perm() != fileMode {
			if err := os.Chmod(p, fileMode); err != nil {
				return fmt.Errorf("db: %w", err)
			}
		}
	}
	return nil
}

// FilesDir is where attachments are kept, beside the database file.
func (db *DB) FilesDir() string {
	switch {
	case db.files != "":
		return db.files
	case db.Engine() == Postgres:
		return "qinqing.files"
	}
	return db.Path + ".files"
}

// SetFilesDir keeps attachments in dir instead of beside the database file; servers that
// share one PostgreSQL database share this directory too.
func (db *DB) SetFilesDir(dir string) { db.files = dir }

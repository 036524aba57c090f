package db

import (
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

// checkExisting refuses a path that is not an existing database file, and, unless the
// file is opened read-only, one that cannot be written, saying which of the two it is:
// SQLite would quietly open such a file read-only and fail only at the first write.
func checkExisting(path string, readOnly bool) error {
	if !isFile(path) {
		return nil
	}
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Errorf(ENOTFOUND, "数据库文件 %s 不存在，请检查 --db 路径（只有 serve、migrate 和 demo 会新建数据库）。", path)
	}
	if err != nil {
		return fmt.Errorf("db: open %s: %w", path, err)
	}
	if !st.Mode().IsRegular() {
		return Errorf(EINVALID, "%s 不是数据库文件。", path)
	}
	if readOnly {
		return nil
	}
	// The folder must take the -wal and -shm files as well.
	for _, p := range []string{path, filepath.Dir(path)} {
		switch err := syscall.Access(p, 2 /* W_OK */); {
		case errors.Is(err, syscall.EROFS):
			return Errorf(EUNAVAILABLE, "数据库文件 %s 位于只读文件系统上，无法写入。", path)
		case err != nil:
			return Errorf(EUNAVAILABLE, "数据库文件 %s 只读，无法写入（%s 无写权限）。", path, p)
		}
	}
	return nil
}

// checkSchema refuses a database whose schema lacks a migration this program has, or
// one that is no qinqing database at all. It never migrates: that is for serve and
// migrate to do, when the operator chooses.
func checkSchema(w *sql.DB, path string) error { return checkSchemaOf(w, path, SQLite) }

// checkSchemaOf checks that the database has every migration of engine e applied.
func checkSchemaOf(w *sql.DB, path string, e Engine) error {
	rows, err := w.Query("SELECT version FROM schema_migrations")
	if err != nil {
		if strings.Contains(err.Error(), "no such table") || strings.Contains(err.Error(), "does not exist") {
			return Errorf(EINVALID, "%s 不是亲清数据库（没有结构版本记录）。", path)
		}
		return fmt.Errorf("db: open %s: %w", path, err)
	}
	defer rows.Close()
	have := map[int]bool{}
	current := 0
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return fmt.Errorf("db: open %s: %w", path, err)
		}
		have[v] = true
		current = max(current, v)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("db: open %s: %w", path, err)
	}
	want, err := migrationVersions(e)
	if err != nil {
		return err
	}
	for _, v := range want {
		if !have[v] {
			return Errorf(ECONFLICT, "数据库 %s 的结构版本（%d）落后于本程序（%d），本命令不会改动它；请先运行 qinqing migrate --db %s。",
				path, current, want[len(want)-1], path)
		}
	}
	return nil
}

// migrationVersions lists the versions of the embedded migrations, in order.
func migrationVersions(e Engine) ([]int, error) {
	names, err := migrationFiles(e)
	if err != nil {
		return nil, err
	}
	var out []int
	for _, name := range names {
		v, err := strconv.Atoi(strings.SplitN(name[strings.LastIndexByte(name, '/')+1:], "_", 2)[0])
		if err != nil {
			return nil, fmt.Errorf("db: migration %s: name must start with a number", name)
		}
		out = append(out, v)
	}
	sort.Ints(out)
	return out, nil
}

// roDSN opens path read-only. SQLite reads a WAL database read-only only if it may
// make the -shm file; on read-only media it may not, and the file is then opened as
// immutable, which is safe there because nothing can change it.
func roDSN(path string) string {
	q := url.Values{}
	q.Set("mode", "ro")
	q.Set("_query_only", "true")
	q.Set("_busy_timeout", "5000")
	q.Set("_foreign_keys", "on")
	d := "file:" + path + "?" + q.Encode()
	if probe, err := sql.Open("sqlite3", d); err == nil {
		var n int
		err = probe.QueryRow("SELECT COUNT(*) FROM sqlite_master").Scan(&n)
		probe.Close()
		if err == nil {
			return d
		}
	}
	q.Set("immutable", "1")
	return "file:" + path + "?" + q.Encode()
}

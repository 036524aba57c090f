// Package db holds qinqing's domain types, its business rules and all of its SQL.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	_ "time/tzdata" // the server's zone must resolve on machines without tzdata

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver
)

// Zone is the zone that times are shown in.
var Zone = mustZone("Asia/Shanghai")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// ErrClosed is returned by Update after Close.
var ErrClosed = errors.New("db: closed")

// maxBatch bounds how many requests share one transaction, so that one commit never
// holds the write lock for long.
const maxBatch = 256

// DB is the application's database: one writer connection fed by a group-commit loop,
// and a separate pool of read-only connections. The writer keeps its connection for good,
// so that its prepared statements outlive a transaction; the write pool's other
// connection serves maintenance (checkpoints) and tests.
type DB struct {
	Path string
	// Now is the clock; tests replace it before the first call.
	Now func() time.Time
	// PublicUploads bounds what reporters may send; zero fields take DefaultUploadCaps.
	PublicUploads UploadCaps

	Write *sql.DB
	// wconn is the writer's own connection out of write; only the writer goroutine uses it.
	wconn *sql.Conn
	Stmts stmtCache
	Read  *sql.DB
	Reqs  chan *writeReq
	quit  chan struct{}
	wg    sync.WaitGroup
	once  sync.Once
	// closeOnce gives the writer's connection back once.
	closeOnce sync.Once
	// gate lets Close wait out the requests being queued, so that none is queued after
	// the writer has drained the queue and stopped.
	gate   sync.RWMutex
	closed bool

	batches atomic.Int64
	writes  atomic.Int64
	// keys seal and open the identity vault; set once by OpenKeys.
	Keys atomic.Pointer[Keys]
	// idem serves retries that carry one idempotency key one at a time.
	idem keyLocks

	ReadOnly bool
	health   writeHealth
	// engine is SQLite unless the database was opened by a postgres:// URL.
	engine Engine
	// files, when set, is where attachments are kept instead of beside the SQLite file.
	files string
	// lease is the connection holding the clock jobs' lock on PostgreSQL (HoldJobs).
	lease   *sql.Conn
	leaseMu sync.Mutex
}

// Engine is the engine the database runs on.
func (db *DB) Engine() Engine {
	if db.engine == "" {
		return SQLite
	}
	return db.engine
}

// Tx is one request's share of a write transaction. Now is fixed when the request starts,
// so everything it writes carries one time.
type Tx struct {
	conn  *sql.Conn
	stmts *stmtCache
	Now   time.Time
	// Ctx is the request's context, for work between statements to check. Statements
	// are not tied to it: SQLite answers an interrupted write by rolling back the whole
	// transaction, which here carries other requests' writes too.
	Ctx context.Context
	// lastEvent is the id of the appeal event this request wrote last.
	LastEvent int64
	Keys      *Keys
}

type writeReq struct {
	ctx context.Context
	fn  func(*Tx) error
	// raw, when set, runs on the writer's connection outside any transaction instead of fn.
	raw func(*sql.Conn) error
	Res chan error
}

func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "FULL")
	q.Set("_busy_timeout", "5000")
	q.Set("_foreign_keys", "on")
	// 64 MiB of page cache per connection keeps a large transaction out of the WAL until commit.
	q.Set("_cache_size", "-65536")
	// Deleted and rewritten rows are zeroed, so that a vault row sealed in place or a
	// removed secret leaves no plaintext in free pages.
	q.Set("_secure_delete", "on")
	if readOnly {
		q.Set("_query_only", "true")
	} else {
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

// Options say how Open may treat the file. The zero value is the server's: create the
// file if it is missing and bring its schema up to date.
type Options struct {
	// MustExist refuses a missing file, and never migrates: a mistyped path must not
	// make an empty database, and a maintenance command must not change the schema of
	// a live database under a server of another version.
	MustExist bool
	// ReadOnly opens the file read-only (implies MustExist), so that it may sit on
	// read-only media; writes fail, and verifying the audit chain moves no mark.
	ReadOnly bool
}

// Open opens (creating if needed) the database file at path and brings its schema up to date.
func Open(path string) (*DB, error) { return OpenWith(path, Options{}) }

// OpenWith opens the database file at path (or the PostgreSQL database a postgres:// URL
// names) as o says.
func OpenWith(path string, o Options) (*DB, error) {
	if EngineOf(path) == Postgres {
		return openPostgres(path, o)
	}
	o.MustExist = o.MustExist || o.ReadOnly
	if o.MustExist {
		if err := checkExisting(path, o.ReadOnly); err != nil {
			return nil, err
		}
	} else if err := createPrivate(path); err != nil {
		return nil, err
	}
	wdsn, rdsn := dsn(path, false), dsn(path, true)
	if o.ReadOnly {
		wdsn, rdsn = roDSN(path), roDSN(path)
	}
	w, err := sql.Open("sqlite3", wdsn)
	if err != nil {
		return nil, fmt.Errorf("db: open %s: %w", path, err)
	}
	// One connection is the writer's for good; the other serves checkpoints and tests.
	// SQLite's write lock, not the pool, keeps writes one at a time.
	w.SetMaxOpenConns(2)
	w.SetMaxIdleConns(2)
	w.SetConnMaxLifetime(0)
	if err := w.Ping(); err != nil {
		w.Close()
		return nil, fmt.Errorf("db: open %s: %w", path, err)
	}
	if !o.ReadOnly {
		if err := tightenModes(path); err != nil {
			w.Close()
			return nil, err
		}
	}
	if o.MustExist {
		err = checkSchema(w, path)
	} else {
		err = migrate(w, SQLite)
	}
	if err == nil && !o.ReadOnly {
		err = IndexLeftovers(w)
	}
	if err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite3", rdsn)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("db: open %s: %w", path, err)
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	wc, err := w.Conn(context.Background())
	if err != nil {
		r.Close()
		w.Close()
		return nil, fmt.Errorf("db: open %s: %w", path, err)
	}
	db := &DB{
		Path:  path,
		Now:   time.Now,
		Write: w,
		wconn: wc,
		Stmts: stmtCache{conn: wc, Stmts: map[string]*sql.Stmt{}},
		Read:  r,
		Reqs:  make(chan *writeReq, maxBatch),
		quit:  make(chan struct{}),

		ReadOnly: o.ReadOnly,
	}
	db.wg.Add(1)
	go db.writer()
	return db, nil
}

// Close stops the writer after the requests already queued and closes the connections.
func (db *DB) Close() error {
	db.once.Do(func() {
		db.gate.Lock()
		db.closed = true
		db.gate.Unlock()
		close(db.quit)
	})
	db.wg.Wait()
	// Wait returns at once for every caller after the first; the writer's connection
	// goes back (and its statements are closed) only once.
	if db.Engine() == Postgres {
		db.leaseMu.Lock()
		if db.lease != nil {
			// Given back at once, so that another server takes the jobs at its next
			// tick; were this to fail, the session's end would still free it.
			db.lease.ExecContext(context.Background(), "SELECT pg_advisory_unlock(?)", jobsLockKey)
			db.lease.Close()
			db.lease = nil
		}
		db.leaseMu.Unlock()
		return db.Read.Close()
	}
	db.closeOnce.Do(func() {
		db.Stmts.close()
		db.wconn.Close()
	})
	err1 := db.Read.Close()
	err2 := db.Write.Close()
	return errors.Join(err1, err2)
}

func (t *Tx) stmt(query string) (*sql.Stmt, error) { return t.stmts.get(query) }

// Exec runs a statement in the transaction.
func (t *Tx) Exec(query string, args ...any) (sql.Result, error) {
	if t.stmts == nil || returnsRows(query) {
		// The driver's Exec steps such a statement once and leaves it unfinished; kept
		// prepared, it would hold a read snapshot on the writer's connection past COMMIT,
		// and the next BEGIN would fail once another connection wrote. Unprepared, the
		// driver finalizes it at once.
		return t.conn.ExecContext(context.Background(), query, args...)
	}
	st, err := t.stmt(query)
	if err != nil {
		return nil, err
	}
	return st.Exec(args...)
}

// returnsRows tells, by its text, whether a statement may answer rows.
func returnsRows(query string) bool {
	q := strings.ToUpper(strings.TrimSpace(query))
	for _, p := range []string{"SELECT", "PRAGMA", "WITH", "VALUES", "EXPLAIN"} {
		if strings.HasPrefix(q, p) {
			return true
		}
	}
	return strings.Contains(q, "RETURNING")
}

// Query runs a query in the transaction.
func (t *Tx) Query(query string, args ...any) (*sql.Rows, error) {
	if t.stmts == nil {
		return t.conn.QueryContext(context.Background(), query, args...)
	}
	st, err := t.stmt(query)
	if err != nil {
		return nil, err
	}
	return st.Query(args...)
}

// QueryRow runs a one-row query in the transaction.
func (t *Tx) QueryRow(query string, args ...any) *sql.Row {
	if t.stmts == nil {
		return t.conn.QueryRowContext(context.Background(), query, args...)
	}
	st, err := t.stmt(query)
	if err != nil {
		// Let the error surface from Scan, as database/sql does. It must run on the
		// writer's connection: anywhere else it would wait on this very transaction's lock.
		return t.conn.QueryRowContext(context.Background(), query, args...)
	}
	return st.QueryRow(args...)
}

// queryer is what reads need: the read pool or a write transaction, so that the same
// finder serves both.
type Queryer interface {
	Query(query string, args ...any) (*sql.Rows, error)
	QueryRow(query string, args ...any) *sql.Row
}

type reader struct {
	ctx context.Context
	DB  *sql.DB
}

func (r reader) Query(q string, args ...any) (*sql.Rows, error) {
	return r.DB.QueryContext(r.ctx, q, args...)
}
func (r reader) QueryRow(q string, args ...any) *sql.Row {
	return r.DB.QueryRowContext(r.ctx, q, args...)
}

// r returns a queryer on the read pool, or on the snapshot of the View that ctx runs in.
func (db *DB) R(ctx context.Context) Queryer {
	if tx := db.snapshotOf(ctx); tx != nil {
		return TxReader{ctx, tx}
	}
	return reader{ctx, db.Read}
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.Read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// InsertID runs an INSERT and returns the id of the row it made, through RETURNING,
// which both engines answer (PostgreSQL's driver has no LastInsertId).
func (t *Tx) InsertID(query string, args ...any) (int64, error) {
	var id int64
	err := t.QueryRow(query+" RETURNING id", args...).Scan(&id)
	return id, err
}

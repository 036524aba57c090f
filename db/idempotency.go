package db

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"
)

// IdemTTL is how long a key is remembered: a client retries within minutes, and a day
// covers a server that was down overnight.
const IdemTTL = 24 * time.Hour

// PublicCaller is the caller of requests made without an account.
const PublicCaller = "public"

// IdemKey names one creating request that a client may send again.
type IdemKey struct {
	// Caller scopes Key: "u:<user id>", or PublicCaller.
	Caller string
	Key    string
	// Hash identifies the request itself, so that a key reused for another request is refused.
	Hash []byte
	// Keep stores the answer for replay. Without it the repeat is refused instead, for
	// answers that must be shown only once.
	Keep bool
}

// Answer is the first answer to a create, as sent.
type Answer struct {
	Status   int
	Body     []byte
	Replayed bool
}

type idemCtxKey struct{}

// idemSlot rides in the create's context, so that the create's own write transaction
// claims the key: a crash cannot leave the row created and the key free, or the reverse.
type idemSlot struct {
	k       IdemKey
	used    bool
	claimed bool
}

// Idempotent runs create once per key. The answer to a repeat within IdemTTL is the
// first answer; create's result is marshalled here as the answer's body, and status is
// the status it is sent with.
func (db *DB) Idempotent(ctx context.Context, k IdemKey, status int, create func(context.Context) (any, error)) (*Answer, error) {
	// Retries with one key are served one at a time: the second finds the first's answer
	// stored rather than racing it to the write.
	unlock := db.idem.lock(k.Caller + "\x00" + k.Key)
	defer unlock()
	if ans, err := db.findAnswer(ctx, k); ans != nil || err != nil {
		return ans, err
	}
	slot := &idemSlot{k: k}
	v, err := create(context.WithValue(ctx, idemCtxKey{}, slot))
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("db: marshal answer: %w", err)
	}
	if slot.claimed {
		var kept []byte
		if k.Keep {
			kept = body
		}
		// The body is known only once the create has committed and been read back. Were
		// the server to stop before this write, the key stays claimed without an answer,
		// and a retry hears a conflict rather than filing a second time.
		err := db.Update(context.WithoutCancel(ctx), func(t *Tx) error {
			_, err := t.Exec("UPDATE idempotency_keys SET status = ?, body = ? WHERE caller = ? AND key = ?",
				status, kept, k.Caller, k.Key)
			return err
		})
		if err != nil {
			slog.Error("db: store idempotent answer", "err", err)
		}
	}
	return &Answer{Status: status, Body: body}, nil
}

func (db *DB) findAnswer(ctx context.Context, k IdemKey) (*Answer, error) {
	var hash, body []byte
	var status int
	err := db.Read.QueryRowContext(ctx, `SELECT req_hash, status, body FROM idempotency_keys
		WHERE caller = ? AND key = ? AND created_at > ?`, k.Caller, k.Key, db.Now().Add(-IdemTTL).Unix()).
		Scan(&hash, &status, &body)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("db: find idempotency key: %w", err)
	case !bytes.Equal(hash, k.Hash):
		return nil, Errorf(EINVALID, "此 Idempotency-Key 已用于另一个请求，请为新的请求换一个新键。")
	case status == 0:
		return nil, Errorf(ECONFLICT, "该请求已经处理，但当时的答复未能保存；请在列表中查看结果，不要重复提交。")
	case body == nil:
		return nil, Errorf(ECONFLICT, "该举报已经提交；回执码只在提交时显示一次，无法再次显示。")
	}
	return &Answer{Status: status, Body: body, Replayed: true}, nil
}

// idempotent wraps the first write of a create that carries a key, so that the key is
// claimed in the same savepoint as the rows the create writes.
func idempotent(ctx context.Context, fn func(*Tx) error) func(*Tx) error {
	s, _ := ctx.Value(idemCtxKey{}).(*idemSlot)
	if s == nil || s.used {
		return fn
	}
	s.used = true
	return func(t *Tx) error {
		if err := fn(t); err != nil {
			return err
		}
		// Keys are purged as new ones are claimed, so the table holds about a day of creates.
		if _, err := t.Exec("DELETE FROM idempotency_keys WHERE created_at <= ?", t.Now.Add(-IdemTTL).Unix()); err != nil {
			return fmt.Errorf("db: purge idempotency keys: %w", err)
		}
		if _, err := t.Exec("INSERT INTO idempotency_keys (caller, key, req_hash, created_at) VALUES (?, ?, ?, ?)",
			s.k.Caller, s.k.Key, s.k.Hash, t.Now.Unix()); err != nil {
			if isUnique(err) {
				return Errorf(ECONFLICT, "同一请求正在处理，请稍后再试。")
			}
			return fmt.Errorf("db: claim idempotency key: %w", err)
		}
		s.claimed = true
		return nil
	}
}

// isUnique tells a uniqueness (or other constraint) violation, on either engine.
func isUnique(err error) bool {
	var se sqlite3.Error
	var pe *pgconn.PgError
	return errors.As(err, &se) && se.Code == sqlite3.ErrConstraint ||
		errors.As(err, &pe) && pe.Code == "23505"
}

// keyLocks is a mutex per key, held only while a request with that key runs.
type keyLocks struct {
	mu sync.Mutex
	m  map[string]*keyLock
}

type keyLock struct {
	sync.Mutex
	n int
}

func (l *keyLocks) lock(key string) (unlock func()) {
	l.mu.Lock()
	if l.m == nil {
		l.m = map[string]*keyLock{}
	}
	k := l.m[key]
	if k == nil {
		k = &keyLock{}
		l.m[key] = k
	}
	k.n++
	l.mu.Unlock()
	k.Lock()
	return func() {
		k.Unlock()
		l.mu.Lock()
		if k.n--; k.n == 0 {
			delete(l.m, key)
		}
		l.mu.Unlock()
	}
}

package handlers

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// throttle counts attempts per key (an account, a client address, both) within a window
// and refuses further ones once a key has reached its limit. An attempt is reserved before
// the slow work it guards (argon2id) and counted at once, so that concurrent requests see
// each other: checking first and counting the failure afterwards let dozens of parallel
// guesses through while the first ones were still hashing.
//
// With several servers on one PostgreSQL database the attempts live in the database
// (shared), so that spreading guesses over the servers gains nothing; one SQLite server
// counts in memory. Should the database fail to answer, the count falls back to memory.
type throttle struct {
	mu     sync.Mutex
	now    func() time.Time
	window time.Duration
	hits   map[string][]time.Time
	shared *db.DB
	// salt keys the names under which attempts are stored in the database: a key holds a
	// client's address, and nothing about a reporter's connection may be stored readable.
	salt []byte
}

// stored is the name an attempt is kept under in the database.
func (t *throttle) stored(key string) string {
	m := hmac.New(sha256.New, t.salt)
	m.Write([]byte("throttle\x00" + key))
	return hex.EncodeToString(m.Sum(nil))
}

// Limits. A wrong password counts per account and address strictly, so one address cannot
// guess an account's password; per account loosely, so that guessing from many addresses
// is bounded too without letting one attacker lock the owner out; per address, against
// spraying many accounts.
const (
	maxFailsPerUserAddr = 5
	maxFailsPerUser     = 50
	maxFailsPerAddr     = 20
	throttleWindow      = 15 * time.Minute
	maxThrottleKeys     = 100_000
)

func newThrottle(now func() time.Time) *throttle {
	return &throttle{now: now, window: throttleWindow, hits: map[string][]time.Time{}}
}

// recent returns the attempts inside the window, dropping older ones.
func (t *throttle) recent(key string) []time.Time {
	cut := t.now().Add(-t.window)
	list := t.hits[key]
	i := 0
	for i < len(list) && list[i].Before(cut) {
		i++
	}
	list = list[i:]
	if len(list) == 0 {
		delete(t.hits, key)
	} else {
		t.hits[key] = list
	}
	return list
}

// limit is one key and how many attempts it allows per window.
type limit struct {
	key string
	max int
}

// reservation is a set of attempts taken together; release gives them back.
type reservation struct {
	t     *throttle
	keys  []string
	taken time.Time
	// rows are the attempts' ids when they are counted in the database.
	rows map[string]int64
}

// take reserves one attempt under every limit, all or none. When a limit is reached it
// returns how long until that limit frees an attempt.
func (t *throttle) take(limits ...limit) (*reservation, time.Duration) {
	if t.shared != nil {
		ls := make([]db.AttemptLimit, len(limits))
		for i, l := range limits {
			ls[i] = db.AttemptLimit{Key: t.stored(l.key), Max: l.max}
		}
		rows, wait, err := t.shared.TakeAttempts(context.Background(), ls, t.now(), t.window)
		if err == nil {
			if wait > 0 {
				return nil, wait
			}
			r := &reservation{t: t, rows: map[string]int64{}}
			for _, l := range limits {
				r.rows[l.key] = rows[t.stored(l.key)]
			}
			for _, l := range limits {
				r.keys = append(r.keys, l.key)
			}
			return r, 0
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	var wait time.Duration
	blocked := false
	for _, l := range limits {
		if list := t.recent(l.key); len(list) >= l.max {
			blocked = true
			wait = max(wait, list[len(list)-l.max].Add(t.window).Sub(t.now()), time.Second)
		}
	}
	if blocked {
		return nil, wait
	}
	if len(t.hits) >= maxThrottleKeys {
		for k := range t.hits {
			t.recent(k)
		}
	}
	r := &reservation{t: t, taken: t.now()}
	for _, l := range limits {
		t.hits[l.key] = append(t.recent(l.key), r.taken)
		r.keys = append(r.keys, l.key)
	}
	return r, 0
}

// release gives back the attempts of r that are still counted (the work failed for a
// reason that is not a guess, or succeeded where success must not count).
func (r *reservation) release(keys ...string) {
	t := r.t
	if len(keys) == 0 {
		keys = r.keys
	}
	if r.rows != nil {
		var ids []int64
		for _, k := range keys {
			if id, ok := r.rows[k]; ok {
				ids = append(ids, id)
				delete(r.rows, k)
			}
		}
		t.shared.ReleaseAttempts(context.Background(), ids)
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range keys {
		list := t.hits[k]
		for i := len(list) - 1; i >= 0; i-- {
			if list[i].Equal(r.taken) {
				list = append(list[:i:i], list[i+1:]...)
				break
			}
		}
		if len(list) == 0 {
			delete(t.hits, k)
		} else {
			t.hits[k] = list
		}
	}
}

// reset forgets every attempt of key.
func (t *throttle) reset(key string) {
	if t.shared != nil {
		t.shared.ResetAttempts(context.Background(), t.stored(key))
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.hits, key)
}

// tooMany is the refusal of a throttle, with Retry-After set.
func tooMany(c *fiber.Ctx, wait time.Duration, format string) error {
	c.Set(fiber.HeaderRetryAfter, fmt.Sprint(int(math.Ceil(wait.Seconds()))))
	return db.Errorf(db.ETOOMANY, format, max(1, int(math.Ceil(wait.Minutes()))))
}

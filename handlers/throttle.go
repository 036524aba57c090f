package handlers

import (
	"sync"
	"time"
)

// throttle counts failed sign-ins per key (a username, a client address) and refuses
// further tries once a key has failed too often within the window.
type throttle struct {
	mu     sync.Mutex
	now    func() time.Time
	window time.Duration
	fails  map[string][]time.Time
}

// Limits: per username to stop guessing one account, per address to stop spraying many.
const (
	maxFailsPerUser = 5
	maxFailsPerAddr = 20
	throttleWindow  = 15 * time.Minute
	maxThrottleKeys = 100_000
)

func newThrottle(now func() time.Time) *throttle {
	return &throttle{now: now, window: throttleWindow, fails: map[string][]time.Time{}}
}

// recent returns the failures inside the window, dropping older ones.
func (t *throttle) recent(key string) []time.Time {
	cut := t.now().Add(-t.window)
	list := t.fails[key]
	i := 0
	for i < len(list) && list[i].Before(cut) {
		i++
	}
	list = list[i:]
	if len(list) == 0 {
		delete(t.fails, key)
	} else {
		t.fails[key] = list
	}
	return list
}

// blocked reports whether key has reached max failures, and when it may try again.
func (t *throttle) blocked(key string, max int) (bool, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	list := t.recent(key)
	if len(list) < max {
		return false, 0
	}
	return true, list[len(list)-max].Add(t.window).Sub(t.now())
}

func (t *throttle) fail(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.fails) >= maxThrottleKeys {
		for k := range t.fails {
			t.recent(k)
		}
	}
	t.fails[key] = append(t.recent(key), t.now())
}

func (t *throttle) reset(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.fails, key)
}

package db

import (
	"testing"
	"time"
)

// TestArgonBounded holds every hashing slot: a password check then waits briefly and
// gives up with ErrBusy, untested, instead of queueing without bound.
func TestArgonBounded(t *testing.T) {
	hash, err := HashPassword("足够长的一个密码")
	if err != nil {
		t.Fatal(err)
	}
	defer func(w time.Duration) { HashWait = w }(HashWait)
	HashWait = 20 * time.Millisecond
	for i := 0; i < cap(argonSlots); i++ {
		argonSlots <- struct{}{}
	}
	before := PasswordHashes()
	if ok, err := CheckPassword(hash, "足够长的一个密码"); ok || err != ErrBusy {
		t.Errorf("check with every slot taken: %v, %v; want false, ErrBusy", ok, err)
	}
	if _, err := HashPassword("x"); err != ErrBusy {
		t.Errorf("hash with every slot taken: %v", err)
	}
	if PasswordHashes() != before {
		t.Errorf("argon2id ran without a slot")
	}
	for i := 0; i < cap(argonSlots); i++ {
		<-argonSlots
	}
	if ok, err := CheckPassword(hash, "足够长的一个密码"); !ok || err != nil {
		t.Errorf("check after the slots came free: %v, %v", ok, err)
	}
}

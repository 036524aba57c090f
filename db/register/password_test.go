package register_test

import (
	"qinqing/db/register"
	"testing"
	"time"
)

// TestArgonBounded holds every hashing slot: a password check then waits briefly and
// gives up with ErrBusy, untested, instead of queueing without bound.
func TestArgonBounded(t *testing.T) {
	hash, err := register.HashPassword("足够长的一个密码")
	if err != nil {
		t.Fatal(err)
	}
	defer func(w time.Duration) { register.HashWait = w }(register.HashWait)
	register.HashWait = 20 * time.Millisecond
	for i := 0; i < cap(register.ArgonSlots); i++ {
		register.ArgonSlots <- struct{}{}
	}
	before := register.PasswordHashes()
	if ok, err := register.CheckPassword(hash, "足够长的一个密码"); ok || err != register.ErrBusy {
		t.Errorf("check with every slot taken: %v, %v; want false, ErrBusy", ok, err)
	}
	if _, err := register.HashPassword("x"); err != register.ErrBusy {
		t.Errorf("hash with every slot taken: %v", err)
	}
	if register.PasswordHashes() != before {
		t.Errorf("argon2id ran without a slot")
	}
	for i := 0; i < cap(register.ArgonSlots); i++ {
		<-register.ArgonSlots
	}
	if ok, err := register.CheckPassword(hash, "足够长的一个密码"); !ok || err != nil {
		t.Errorf("check after the slots came free: %v, %v", ok, err)
	}
}

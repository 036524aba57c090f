package register

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"qinqing/db"
	"runtime"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// argon2id parameters: OWASP's minimum (19 MiB, 2 passes), which keeps a sign-in near
// 20 ms on one core.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// Every argon2id run takes a slot first. Each run holds argonMemory KiB for its duration,
// so without a bound a burst of sign-ins or receipt guesses grows the process by that much
// per request; with one slot per core the hashing memory stays near cores × 19 MiB and
// callers beyond that wait briefly, then get ErrBusy rather than piling up.
var (
	ArgonSlots = make(chan struct{}, runtime.GOMAXPROCS(0))
	argonRuns  atomic.Int64
)

// HashWait is how long a password check waits for a hashing slot before ErrBusy: a few
// seconds hold a burst of a hundred or so sign-ins at 20–60 ms each. Race-instrumented
// test builds hash ten times slower and lengthen it before any test starts.
var HashWait = 3 * time.Second

// ErrBusy is the answer when every hashing slot stayed taken for the whole wait.
var ErrBusy = db.Errorf(db.EUNAVAILABLE, "系统繁忙，请稍后再试。")

// PasswordHashes counts the argon2id runs since the process started (sign-ins, password
// changes, receipt checks); the metrics show it, and tests count guesses with it.
func PasswordHashes() int64 { return argonRuns.Load() }

func argonKey(password, salt []byte, t, m uint32, p uint8, keyLen uint32) ([]byte, error) {
	timer := time.NewTimer(HashWait)
	defer timer.Stop()
	select {
	case ArgonSlots <- struct{}{}:
	case <-timer.C:
		return nil, ErrBusy
	}
	defer func() { <-ArgonSlots }()
	argonRuns.Add(1)
	return argon2.IDKey(password, salt, t, m, p, keyLen), nil
}

// HashPassword returns the PHC string of an argon2id hash with a fresh salt.
func HashPassword(password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("db: salt: %w", err)
	}
	key, err := argonKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime,
		argonThreads, base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches the PHC string. Its error is ErrBusy
// when no hashing slot came free in time: the guess was not tested.
func CheckPassword(hash, password string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, nil
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || t == 0 || p == 0 {
		return false, nil
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	key, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(key) == 0 {
		return false, nil
	}
	got, err := argonKey([]byte(password), salt, t, m, p, uint32(len(key)))
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// dummyHash is checked against when a username is unknown, so that the answer takes as
// long as for a wrong password.
var DummyHash, _ = HashPassword("qinqing-dummy-password")

// MinPasswordLen and MaxPasswordLen bound passwords, counted in characters so that
// Chinese passphrases count fairly.
const (
	MinPasswordLen = 8
	MaxPasswordLen = 256
)

// CheckPasswordPolicy explains why a new password is refused, or returns "".
func CheckPasswordPolicy(password, username string) string {
	n := utf8.RuneCountInString(password)
	switch {
	case !utf8.ValidString(password):
		return "密码含有无效字符"
	case n < MinPasswordLen:
		return fmt.Sprintf("密码至少 %d 个字符", MinPasswordLen)
	case n > MaxPasswordLen:
		return fmt.Sprintf("密码最多 %d 个字符", MaxPasswordLen)
	case strings.TrimSpace(password) == "":
		return "密码不能全为空格"
	case username != "" && strings.EqualFold(password, username):
		return "密码不能与用户名相同"
	case commonPasswords[strings.ToLower(password)]:
		return "该密码过于常见，容易被猜中，请换一个"
	}
	return ""
}

// commonPasswords are refused outright: the most frequent entries of public leak lists
// that meet the length rule, and local favourites.
var commonPasswords = func() map[string]bool {
	m := map[string]bool{}
	for _, p := range strings.Fields(`
12345678 123456789 1234567890 12345678910 87654321 11111111 00000000 88888888 66666666
99999999 22222222 55555555 12341234 11223344 123123123 112233445566 147258369 987654321
password password1 password123 passw0rd p@ssw0rd p@ssword admin123 admin1234 administrator
qwertyui qwertyuiop 1qaz2wsx 1q2w3e4r 1q2w3e4r5t qazwsxedc zaq12wsx abcd1234 abc12345
abcdefgh a1234567 a12345678 aa123456 asdfghjk asdfasdf iloveyou sunshine princess football
baseball welcome1 welcome123 letmein1 trustno1 superman starwars whatever computer internet
woaini1314 woaini520 5201314520 1314520520 wangyang zhang123 li123456 aa12345678 qq123456
qq12345678 a123456789 123456abc abc123456 123qweasd qweasdzxc 1qazxsw2 123456aa 12qwaszx
changeme changeme1 secret123 test1234 testtest 00000000a root1234 user1234 guest123
qinqing1 qinqing123 qinqing2026 panjin123 china123 zhongguo beijing1 shanghai
`) {
		m[p] = true
	}
	return m
}()

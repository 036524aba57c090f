package handlers_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"qinqing/db/demo"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestCreditCodes(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	admin := a.login("admin")
	tests := []struct {
		name, code string
		status     int
	}{
		{"valid", "914403001922038216", 201},
		{"check character changed", "914403001922038217", 422},
		{"duplicate", "914403001922038216", 409},
		{"duplicate typed lower-case with spaces", " 914403001922038216 ", 409},
		{"valid with letters, typed lower-case", "91211100ma10abcd0e", 201},
		{"17 characters", "91440300192203821", 422},
		{"letter O in body", "91440300O92203821" + "6", 422},
		{"empty", "", 422},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := a.do("POST", "/api/v1/enterprises", admin, map[string]string{
				"name": fmt.Sprintf("盘锦信用代码测试%d有限公司", i), "credit_code": tt.code, "district": "兴隆台区"})
			if r.Status != tt.status {
				t.Fatalf("%s", r)
			}
			switch r.Status {
			case 201:
				if r.JSON["credit_code"] != strings.ToUpper(strings.TrimSpace(tt.code)) {
					t.Errorf("stored credit_code %v", r.JSON["credit_code"])
				}
			default:
				if f := r.fields(); len(f) != 1 || f[0] != "credit_code" {
					t.Errorf("errors name %v, want [credit_code]: %s", f, r)
				}
			}
		})
	}
}

// forge signs claims the way an attacker holding (or guessing) a key would.
func forge(t *testing.T, method jwt.SigningMethod, key any, c jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, c).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestJWTAttacks(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	office := a.me(a.login("office"))
	adminID := num(a.me(a.login("admin"))["id"])
	sub := strconv.FormatInt(num(office["id"]), 10)
	now := time.Now()
	good := func() jwt.MapClaims {
		return jwt.MapClaims{"iss": "qinqing", "sub": sub, "ver": 1, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
	}
	with := func(k string, v any) jwt.MapClaims {
		c := good()
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		return c
	}
	valid := forge(t, jwt.SigningMethodHS256, testSecret, good())
	parts := strings.Split(valid, ".")
	enc := base64.RawURLEncoding.EncodeToString

	// A forged token with every claim right must work, or the refusals below prove nothing.
	if r := a.do("GET", "/api/v1/me", valid, nil); r.Status != 200 || r.JSON["username"] != "office" {
		t.Fatalf("well-formed token refused: %s", r)
	}

	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	tampered := bytes.Replace(payload, []byte(`"sub":"`+sub+`"`), []byte(fmt.Sprintf(`"sub":"%d"`, adminID)), 1)
	if bytes.Equal(tampered, payload) {
		t.Fatalf("payload %s has no sub to tamper with", payload)
	}
	tests := []struct {
		name, header string
		want         []int
	}{
		{"alg none", "Bearer " + forge(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, good()), nil},
		{"alg none header on a valid signature", "Bearer " + enc([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + "." + parts[2], nil},
		{"HS384 with the right key", "Bearer " + forge(t, jwt.SigningMethodHS384, testSecret, good()), nil},
		{"HS512 with the right key", "Bearer " + forge(t, jwt.SigningMethodHS512, testSecret, good()), nil},
		{"no exp", "Bearer " + forge(t, jwt.SigningMethodHS256, testSecret, with("exp", nil)), nil},
		{"expired", "Bearer " + forge(t, jwt.SigningMethodHS256, testSecret, with("exp", now.Add(-time.Minute).Unix())), nil},
		{"not valid yet", "Bearer " + forge(t, jwt.SigningMethodHS256, testSecret, with("nbf", now.Add(time.Hour).Unix())), nil},
		{"wrong issuer", "Bearer " + forge(t, jwt.SigningMethodHS256, testSecret, with("iss", "qinqing-evil")), nil},
		{"no issuer", "Bearer " + forge(t, jwt.SigningMethodHS256, testSecret, with("iss", nil)), nil},
		{"tampered sub, signature kept", "Bearer " + parts[0] + "." + enc(tampered) + "." + parts[2], nil},
		{"wrong key", "Bearer " + forge(t, jwt.SigningMethodHS256, []byte("another-secret-0123456789abcdef"), good()), nil},
		{"stale token version", "Bearer " + forge(t, jwt.SigningMethodHS256, testSecret, with("ver", 0)), nil},
		{"no such user", "Bearer " + forge(t, jwt.SigningMethodHS256, testSecret, with("sub", "999999")), nil},
		{"sub not a number", "Bearer " + forge(t, jwt.SigningMethodHS256, testSecret, with("sub", "office")), nil},
		{"sub zero", "Bearer " + forge(t, jwt.SigningMethodHS256, testSecret, with("sub", "0")), nil},
		{"signature stripped", "Bearer " + parts[0] + "." + parts[1] + ".", nil},
		{"5,000 dots", "Bearer " + strings.Repeat(".", 5000), nil},
		{"huge token", "Bearer " + strings.Repeat("a", 12_000), nil},
		{"garbage scheme", "Basic b2ZmaWNlOnFpbnFpbmctZGVtbw==", nil},
		{"scheme only", "Bearer", nil},
		{"empty bearer", "Bearer    ", nil},
		{"token without scheme", valid, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := a.request("GET", "/api/v1/me", "", nil)
			req.Header.Set("Authorization", tt.header)
			r := a.send(req)
			if tt.want == nil {
				tt.want = []int{401}
			}
			if !slices.Contains(tt.want, r.Status) {
				t.Fatalf("%s, want %v", r, tt.want)
			}
			if r.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("no security headers on %d", r.Status)
			}
			if r.Status == 401 && (!strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") || r.JSON["detail"] == nil) {
				t.Errorf("not a problem document: %s", r)
			}
		})
	}
}

func TestTokenExpiry(t *testing.T) {
	t.Parallel()
	clock := &testClock{}
	a := startAPIWith(t, clock.Now)
	tok := a.login("office")
	if r := a.do("GET", "/api/v1/me", tok, nil); r.Status != 200 {
		t.Fatalf("fresh token: %s", r)
	}
	clock.Advance(11 * time.Hour)
	if r := a.do("GET", "/api/v1/me", tok, nil); r.Status != 200 {
		t.Errorf("token after 11 h: %s, want 200", r)
	}
	clock.Advance(time.Hour + time.Minute)
	if r := a.do("GET", "/api/v1/me", tok, nil); r.Status != 401 {
		t.Errorf("token after 12 h: %s, want 401", r)
	}
}

func TestRevocation(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	admin := a.login("admin")
	status := func(tok string) int { return a.do("GET", "/api/v1/me", tok, nil).Status }

	t.Run("logout", func(t *testing.T) {
		tok := a.freshLogin("office", demo.Password)
		if r := a.do("POST", "/api/v1/auth/logout", tok, nil); r.Status != 204 {
			t.Fatalf("logout: %s", r)
		}
		if s := status(tok); s != 401 {
			t.Errorf("token after logout: %d", s)
		}
		if s := status(a.freshLogin("office", demo.Password)); s != 200 {
			t.Errorf("new sign-in after logout: %d", s)
		}
	})

	t.Run("password change revokes every token", func(t *testing.T) {
		t1, t2 := a.freshLogin("auditor", demo.Password), a.freshLogin("auditor", demo.Password)
		const next = "审计监督 2026 新密码"
		r := a.do("POST", "/api/v1/me/password", t1, map[string]string{"current_password": demo.Password, "new_password": next})
		if r.Status != 204 {
			t.Fatalf("change: %s", r)
		}
		if s1, s2 := status(t1), status(t2); s1 != 401 || s2 != 401 {
			t.Errorf("old tokens answer %d, %d; want 401", s1, s2)
		}
		if r := a.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "auditor", "password": demo.Password}); r.Status != 401 {
			t.Errorf("old password: %s", r)
		}
		if s := status(a.freshLogin("auditor", next)); s != 200 {
			t.Errorf("new password token: %d", s)
		}
	})

	for _, tt := range []struct {
		name, user string
		patch      map[string]any
	}{
		{"admin disables the account", "leader", map[string]any{"disabled": true}},
		{"admin resets the password", "department", map[string]any{"password": "重置后的新密码123"}},
		{"admin changes the role", "enterprise", map[string]any{"role": "office"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tok := a.freshLogin(tt.user, demo.Password)
			id := num(a.me(tok)["id"])
			if r := a.do("PATCH", fmt.Sprintf("/api/v1/users/%d", id), admin, tt.patch); r.Status != 200 {
				t.Fatalf("patch: %s", r)
			}
			if s := status(tok); s != 401 {
				t.Errorf("token after %s: %d, want 401", tt.name, s)
			}
		})
	}
	r := a.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "leader", "password": demo.Password})
	if r.Status != 401 {
		t.Errorf("disabled account signs in: %s", r)
	}
	// Even a token of the account's current version is refused while it is disabled.
	disabled := a.do("GET", "/api/v1/users?q=leader&role=leader", admin, nil).items()[0]
	for ver := 1; ver <= 3; ver++ {
		tok := forge(t, jwt.SigningMethodHS256, testSecret, jwt.MapClaims{"iss": "qinqing", "sub": fmt.Sprint(num(disabled["id"])),
			"ver": ver, "exp": time.Now().Add(time.Hour).Unix()})
		if s := status(tok); s != 401 {
			t.Errorf("disabled account, token version %d: %d", ver, s)
		}
	}
}

func TestLoginThrottle(t *testing.T) {
	t.Parallel()
	clock := &testClock{}
	a := startAPIWith(t, clock.Now)
	login := func(user, pass string) *resp {
		return a.do("POST", "/api/v1/auth/login", "", map[string]string{"username": user, "password": pass})
	}
	wrong := login("office", "wrong-password-1")
	unknown := login("nobody-at-all", "wrong-password-1")
	for _, r := range []*resp{wrong, unknown} {
		if r.Status != 401 {
			t.Fatalf("bad sign-in: %s", r)
		}
	}
	strip := func(r *resp) []byte {
		return bytes.Replace(r.Body, []byte(fmt.Sprint(r.JSON["request_id"])), nil, 1)
	}
	if !bytes.Equal(strip(wrong), strip(unknown)) || wrong.Header.Get("Content-Type") != unknown.Header.Get("Content-Type") {
		t.Errorf("wrong password and unknown user differ:\n%s\n%s", wrong.Body, unknown.Body)
	}

	for i := 2; i <= 5; i++ {
		if r := login("office", fmt.Sprintf("wrong-password-%d", i)); r.Status != 401 {
			t.Fatalf("failure %d: %s", i, r)
		}
	}
	r := login("office", demo.Password)
	if r.Status != 429 {
		t.Fatalf("6th attempt with the right password: %s, want 429", r)
	}
	if secs, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || secs <= 0 || secs > 15*60 {
		t.Errorf("Retry-After %q", r.Header.Get("Retry-After"))
	}
	if r := login("OFFICE", demo.Password); r.Status != 429 {
		t.Errorf("same account in capitals: %s, want 429", r)
	}
	if r := login("auditor", demo.Password); r.Status != 200 {
		t.Errorf("another account is locked too: %s", r)
	}
	clock.Advance(15*time.Minute + time.Second)
	if r := login("office", demo.Password); r.Status != 200 {
		t.Errorf("after the window: %s, want 200", r)
	}

	// Spraying many names from one address locks the address.
	for i := 0; i < 20; i++ {
		login(fmt.Sprintf("spray%02d", i), "wrong-password")
	}
	if r := login("admin", demo.Password); r.Status != 429 || r.Header.Get("Retry-After") == "" {
		t.Errorf("after 20 failures from one address: %s, want 429", r)
	}
}

func TestPasswordPolicy(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	admin := a.login("admin")
	tests := []struct {
		user, password string
		status         int
	}{
		{"p1", "12345678", 422},
		{"p2", "abcdefg", 422},
		{"p3", "我们一起建设亲清", 201},
		{"p4", "我们一起建设亲", 422},
		{"p5", "PassWord", 422},
		{"p6user", "p6user", 422},
		{"p7", "        ", 422},
		{"p8", strings.Repeat("长", 257), 422},
		{"p9", "我们一起建设亲清政商关系", 201},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			r := a.do("POST", "/api/v1/users", admin, map[string]string{"username": tt.user, "password": tt.password, "role": "office"})
			if r.Status != tt.status {
				t.Fatalf("%s, want %d", r, tt.status)
			}
			if r.Status == 422 {
				if f := r.fields(); len(f) != 1 || f[0] != "password" {
					t.Errorf("errors name %v, want [password]", f)
				}
				return
			}
			if s := a.me(a.freshLogin(tt.user, tt.password))["username"]; s != tt.user {
				t.Errorf("signed in as %v", s)
			}
		})
	}
}

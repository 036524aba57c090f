package handlers_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TestTokenClaimsBounded forges tokens with the server's own key that a careless check
// would honour: a lifetime past what the server issues, times as strings, an issue time
// in the future. Each must answer 401.
func TestTokenClaimsBounded(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	sub := strconv.FormatInt(num(a.me(a.login("office"))["id"]), 10)
	now := time.Now()
	claims := func(iat, exp any) jwt.MapClaims {
		c := jwt.MapClaims{"iss": "qinqing", "sub": sub, "ver": 1, "iat": iat, "exp": exp}
		if iat == nil {
			delete(c, "iat")
		}
		return c
	}
	status := func(c jwt.MapClaims) int {
		return a.do("GET", "/api/v1/me", forge(t, jwt.SigningMethodHS256, testSecret, c), nil).Status
	}
	if s := status(claims(now.Unix(), now.Add(time.Hour).Unix())); s != 200 {
		t.Fatalf("well-formed forged token: %d; the refusals below prove nothing", s)
	}
	if s := status(claims(now.Add(10*time.Second).Unix(), now.Add(time.Hour).Unix())); s != 200 {
		t.Errorf("iat a few seconds ahead (clock skew): %d, want 200", s)
	}
	for name, c := range map[string]jwt.MapClaims{
		"exp a century ahead":  claims(now.Unix(), now.AddDate(100, 0, 0).Unix()),
		"lifetime of 13 hours": claims(now.Unix(), now.Add(13*time.Hour).Unix()),
		"old iat, far exp":     claims(now.Add(-time.Hour).Unix(), now.Add(12*time.Hour).Unix()),
		"exp as a string":      claims(now.Unix(), strconv.FormatInt(now.Add(time.Hour).Unix(), 10)),
		"iat as a string":      claims(strconv.FormatInt(now.Unix(), 10), now.Add(time.Hour).Unix()),
		"nbf as a string":      func() jwt.MapClaims { c := claims(now.Unix(), now.Add(time.Hour).Unix()); c["nbf"] = "0"; return c }(),
		"iat an hour ahead":    claims(now.Add(time.Hour).Unix(), now.Add(2*time.Hour).Unix()),
		"no iat":               claims(nil, now.Add(time.Hour).Unix()),
	} {
		if s := status(c); s != 401 {
			t.Errorf("%s: %d, want 401", name, s)
		}
	}
}

// TestSessionCookieRefreshed: a UI cookie past half its life is re-issued on use, a
// fresh one is not.
func TestSessionCookieRefreshed(t *testing.T) {
	t.Parallel()
	a := startAPI(t)
	sub := strconv.FormatInt(num(a.me(a.login("office"))["id"]), 10)
	now := time.Now()
	newCookie := func(issued time.Time) string {
		tok := forge(t, jwt.SigningMethodHS256, testSecret, jwt.MapClaims{"iss": "qinqing", "sub": sub, "ver": 1,
			"iat": issued.Unix(), "exp": issued.Add(12 * time.Hour).Unix()})
		req := a.request("GET", "/api/v1/me", "", nil)
		req.AddCookie(&http.Cookie{Name: "qq_token", Value: tok})
		r := a.send(req)
		if r.Status != 200 {
			t.Fatalf("cookie issued %v ago: %s", now.Sub(issued), r)
		}
		for _, c := range (&http.Response{Header: r.Header}).Cookies() {
			if c.Name == "qq_token" {
				return c.Value
			}
		}
		return ""
	}
	if c := newCookie(now.Add(-time.Hour)); c != "" {
		t.Errorf("a cookie an hour old was re-issued")
	}
	c := newCookie(now.Add(-7 * time.Hour))
	if c == "" {
		t.Fatalf("a cookie 7 hours old (5 left of 12) was not re-issued")
	}
	if r := a.do("GET", "/api/v1/me", c, nil); r.Status != 200 {
		t.Errorf("the re-issued token: %s", r)
	}
}

package handlers

import (
	"encoding/base64"
	"encoding/json"
	"qinqing/db/register"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const issuer = "qinqing"

// claims are a session token's contents: the account and the token version it was
// issued under, so that bumping the version revokes the token.
type claims struct {
	Ver int64 `json:"ver"`
	jwt.RegisteredClaims
}

func (s *Server) issueToken(u *register.User) (string, time.Time, error) {
	now := s.now()
	exp := now.Add(s.ttl).Truncate(time.Second)
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, claims{
		Ver: u.TokenVersion,
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    issuer,
			Subject:   strconv.FormatInt(u.ID, 10),
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(exp),
		},
	})
	signed, err := tok.SignedString(s.secret)
	return signed, exp, err
}

// maxTokenLen refuses absurd tokens before any parsing work.
const maxTokenLen = 2048

// maxTokenTTL is the longest lifetime the server issues or honours. Sessions of the web
// UI last longer only by being re-issued while in use (see authenticate).
const maxTokenTTL = 12 * time.Hour

// iatLeeway forgives clocks a little behind ours; a token issued later than that is forged
// or from a broken clock.
const iatLeeway = 30 * time.Second

// parseToken verifies signature, algorithm, issuer, issue time and expiry, and returns the
// account id, the token version and when the token expires. A token signed with our key
// is still refused when it claims more than the lifetime we issue (a leaked key or a bug
// must not mint century-long tokens) or carries its times as anything but numbers.
func (s *Server) parseToken(raw string) (id, ver int64, exp time.Time, ok bool) {
	if raw == "" || len(raw) > maxTokenLen {
		return 0, 0, time.Time{}, false
	}
	var cl claims
	_, err := jwt.ParseWithClaims(raw, &cl, func(*jwt.Token) (any, error) { return s.secret, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuer(issuer),
		jwt.WithTimeFunc(s.now),
	)
	if err != nil || cl.IssuedAt == nil || !numericTimes(raw) {
		return 0, 0, time.Time{}, false
	}
	iat, exp := cl.IssuedAt.Time, cl.ExpiresAt.Time
	if iat.After(s.now().Add(iatLeeway)) || exp.Sub(iat) > s.ttl {
		return 0, 0, time.Time{}, false
	}
	id, err = strconv.ParseInt(cl.Subject, 10, 64)
	if err != nil || id <= 0 {
		return 0, 0, time.Time{}, false
	}
	return id, cl.Ver, exp, true
}

// numericTimes reports whether the time claims of a token (already verified) are JSON
// numbers: the JWT library also reads "exp":"4102444800", a string we never issue.
func numericTimes(raw string) bool {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return false
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return false
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(payload, &m) != nil {
		return false
	}
	for _, k := range []string{"exp", "iat", "nbf"} {
		v, ok := m[k]
		if !ok {
			continue
		}
		var n json.Number
		if len(v) == 0 || v[0] == '"' || json.Unmarshal(v, &n) != nil {
			return false
		}
	}
	return true
}

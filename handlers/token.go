package handlers

import (
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"qinqing/db"
)

const issuer = "qinqing"

// claims are a session token's contents: the account and the token version it was
// issued under, so that bumping the version revokes the token.
type claims struct {
	Ver int64 `json:"ver"`
	jwt.RegisteredClaims
}

func (s *Server) issueToken(u *db.User) (string, time.Time, error) {
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

// parseToken verifies signature, algorithm, issuer and expiry, and returns the account id
// and token version.
func (s *Server) parseToken(raw string) (int64, int64, bool) {
	if raw == "" || len(raw) > maxTokenLen {
		return 0, 0, false
	}
	var cl claims
	_, err := jwt.ParseWithClaims(raw, &cl, func(*jwt.Token) (any, error) { return s.secret, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuer(issuer),
		jwt.WithTimeFunc(s.now),
	)
	if err != nil {
		return 0, 0, false
	}
	id, err := strconv.ParseInt(cl.Subject, 10, 64)
	if err != nil || id <= 0 {
		return 0, 0, false
	}
	return id, cl.Ver, true
}

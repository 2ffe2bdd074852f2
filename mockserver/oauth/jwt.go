package oauth

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"strings"

	"github.com/golang-jwt/jwt/v5"
)

// signer signs and verifies the mock's tokens with its one key.
type signer struct {
	key *rsa.PrivateKey
	kid string
}

func newSigner(k *rsa.PrivateKey) *signer { return &signer{key: k, kid: KeyID(&k.PublicKey)} }

// sign makes an RS256 JWT of c. The header is GHL's {"alg":"RS256","typ":"JWT"}
// plus the kid, so that a user who verifies locally can pick the key from the
// JWKS.
func (s *signer) sign(c Claims) (string, error) {
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, c)
	t.Header["kid"] = s.kid
	out, err := t.SignedString(s.key)
	if err != nil {
		return "", fmt.Errorf("oauth: sign token: %w", err)
	}
	return out, nil
}

// parser accepts RS256 only: an "alg":"none" or HS256 token signed with the
// public key as a secret is the classic forgery.
var parser = jwt.NewParser(jwt.WithValidMethods([]string{jwt.SigningMethodRS256.Alg()}), jwt.WithoutClaimsValidation())

// verify checks a token's signature and returns its claims, or why it is not
// one of the mock's tokens in plain words.
func (s *signer) verify(token string) (Claims, string) {
	var c Claims
	_, err := parser.ParseWithClaims(token, &c, func(t *jwt.Token) (any, error) {
		if kid, _ := t.Header["kid"].(string); kid != s.kid {
			return nil, fmt.Errorf("kid %q is not this mock's key %q", kid, s.kid)
		}
		return &s.key.PublicKey, nil
	})
	switch {
	case err == nil:
		return c, ""
	case errors.Is(err, jwt.ErrTokenMalformed):
		return c, "not a JWT: " + err.Error()
	case errors.Is(err, jwt.ErrTokenUnverifiable):
		return c, "signature invalid: " + unwrapLast(err)
	default:
		return c, "signature invalid: not signed by this mock's key (" + err.Error() + ")"
	}
}

// unwrapLast is the innermost message of a jwt error, which says what was
// wrong (its outer ones say which step failed).
func unwrapLast(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		return msg[i+2:]
	}
	return msg
}

// DecodeToken reads a JWT's header and claims without checking its signature:
// for showing what a token says (ghlmock oauth decode, the admin listing), a
// live GHL token too. It never makes a token valid.
func DecodeToken(token string) (header map[string]any, claims Claims, err error) {
	t, _, err := parser.ParseUnverified(token, &claims)
	if err != nil {
		return nil, Claims{}, fmt.Errorf("oauth: decode token: %w", err)
	}
	return t.Header, claims, nil
}

// looksLikeJWT reports whether s has a JWT's three dot-separated parts, so
// that a "pit-…" token or garbage is told apart in one cheap look.
func looksLikeJWT(s string) bool {
	return strings.Count(s, ".") == 2 && strings.HasPrefix(s, "eyJ")
}

package oauth

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// Claims are the payload of GHL's OAuth JWTs, in GHL's order and with GHL's
// names, read from live tokens (idx:41782419756, idx:24094926307): there is no
// iss, aud, sub or jti. Refresh tokens carry the same claims plus uniqueId and
// v.
type Claims struct {
	AuthClass          Class     `json:"authClass"`
	AuthClassID        string    `json:"authClassId"` // the location id, or the company id for a Company token
	Source             string    `json:"source"`      // always "INTEGRATION"
	SourceID           string    `json:"sourceId"`    // the client id
	Channel            string    `json:"channel"`     // always "OAUTH"
	PrimaryAuthClassID string    `json:"primaryAuthClassId"`
	OAuthMeta          OAuthMeta `json:"oauthMeta"`
	IssuedAt           Timestamp `json:"iat"`
	ExpiresAt          Timestamp `json:"exp"`
	UniqueID           string    `json:"uniqueId,omitempty"` // refresh tokens: a UUID
	V                  string    `json:"v,omitempty"`        // refresh tokens: "2"
}

// OAuthMeta is the oauthMeta claim.
type OAuthMeta struct {
	Scopes     []string `json:"scopes"`
	Client     string   `json:"client"`    // the app id
	VersionID  string   `json:"versionId"` // the app version
	ClientKey  string   `json:"clientKey"` // the client id
	AgencyPlan string   `json:"agencyPlan,omitempty"`
}

// Values of the constant claims.
const (
	claimSource       = "INTEGRATION"
	claimChannel      = "OAUTH"
	refreshTokenClaim = "2" // the v claim of refresh tokens
)

// Timestamp is an instant that a JWT writes as fractional seconds since the
// epoch, as GHL's do (1751436979.849): JavaScript's Date.now()/1000.
type Timestamp crm.Millis

// TimestampOf converts a time, to the millisecond.
func TimestampOf(t time.Time) Timestamp { return Timestamp(crm.MillisOf(t)) }

// Time returns the instant in UTC.
func (t Timestamp) Time() time.Time { return crm.Millis(t).Time() }

// MarshalJSON writes seconds with up to three decimals and no trailing zeros,
// as JavaScript prints the number.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	ms := int64(t)
	b := strconv.AppendInt(nil, ms/1000, 10)
	if frac := ms % 1000; frac != 0 {
		digits := []byte(fmt.Sprintf("%03d", frac))
		b = append(append(b, '.'), bytes.TrimRight(digits, "0")...)
	}
	return b, nil
}

// UnmarshalJSON reads a number of seconds, fractional or not.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("oauth: timestamp %s: not a number", b)
	}
	*t = Timestamp(math.Round(f * 1000))
	return nil
}

// The jwt.Claims interface. The mock checks expiry itself, on its own clock
// and against its own records (an admin may expire a token early), so the
// library's validation is switched off; these only report.

// GetExpirationTime implements jwt.Claims.
func (c Claims) GetExpirationTime() (*jwt.NumericDate, error) {
	return jwt.NewNumericDate(c.ExpiresAt.Time()), nil
}

// GetIssuedAt implements jwt.Claims.
func (c Claims) GetIssuedAt() (*jwt.NumericDate, error) {
	return jwt.NewNumericDate(c.IssuedAt.Time()), nil
}

// GetNotBefore implements jwt.Claims: GHL's tokens have no nbf.
func (c Claims) GetNotBefore() (*jwt.NumericDate, error) { return nil, nil }

// GetIssuer implements jwt.Claims: GHL's tokens have no iss.
func (c Claims) GetIssuer() (string, error) { return "", nil }

// GetSubject implements jwt.Claims: GHL's tokens have no sub.
func (c Claims) GetSubject() (string, error) { return "", nil }

// GetAudience implements jwt.Claims: GHL's tokens have no aud.
func (c Claims) GetAudience() (jwt.ClaimStrings, error) { return nil, nil }

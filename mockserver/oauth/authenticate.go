package oauth

import (
	"fmt"
	"slices"
	"time"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// Principal is who an OAuth access token acts for: what the server's one
// authentication path needs to check scopes and locations and to count rate
// limits (per app and location, or app and company).
type Principal struct {
	AuthClass   Class
	AuthClassID string // the location id, or the company id of a Company token
	CompanyID   string
	LocationID  string // "" for a Company token
	AppID       string
	ClientID    string
	VersionID   string
	InstallID   string
	UserID      string
	Scopes      []string
	ExpiresAt   time.Time
	TokenID     string // the token's record id, for the journal and the admin API
}

// HasScope reports whether the token carries scope.
func (p *Principal) HasScope(scope string) bool { return slices.Contains(p.Scopes, scope) }

// Resource is the id GHL counts rate limits against with the app: the
// location, or the company of a Company token.
func (p *Principal) Resource() string { return p.AuthClassID }

// Refusal is why a bearer token was not accepted, in plain words for the
// journal. GHL answers every one of them alike (401 "Invalid JWT"): the
// server decides the answer.
type Refusal struct {
	Reason string
}

// Error returns the reason.
func (r *Refusal) Error() string { return r.Reason }

// LooksLikeJWT reports whether a bearer value has a JWT's shape, so that the
// server can tell an OAuth token from a Private Integration Token (pit-…)
// without a lookup.
func LooksLikeJWT(bearer string) bool { return looksLikeJWT(bearer) }

// Authenticate checks an OAuth access token on the mock's clock. A token the
// mock issued is found by its digest, with no signature check: only the
// mock's own tokens have records. Anything else is refused, with the reason.
func (s *Service) Authenticate(bearer string) (Principal, *Refusal) {
	id := TokenID(bearer)
	now := crm.MillisOf(s.now())
	s.mu.RLock()
	defer s.mu.RUnlock()
	rec := s.tokens[id]
	switch {
	case rec == nil:
		return Principal{}, &Refusal{Reason: s.whyUnknown(bearer)}
	case rec.Kind == KindRefresh:
		return Principal{}, &Refusal{Reason: "a refresh token, not an access token"}
	case rec.RevokedAt != 0:
		return Principal{}, &Refusal{Reason: fmt.Sprintf("token revoked at %s: %s", rec.RevokedAt, rec.RevokeReason)}
	case now >= rec.ExpiresAt:
		return Principal{}, &Refusal{Reason: fmt.Sprintf("token expired at %s (the clock reads %s)", rec.ExpiresAt, now)}
	}
	if s.app(rec.AppID) == nil {
		return Principal{}, &Refusal{Reason: fmt.Sprintf("the token's app %s is no longer in the fixtures", rec.AppID)}
	}
	return principalOf(rec), nil
}

func principalOf(rec *Token) Principal {
	return Principal{
		AuthClass: rec.AuthClass, AuthClassID: rec.Claims.AuthClassID, CompanyID: rec.CompanyID, LocationID: rec.LocationID,
		AppID: rec.AppID, ClientID: rec.ClientID, VersionID: rec.Claims.OAuthMeta.VersionID, InstallID: rec.InstallID, UserID: rec.UserID,
		Scopes: slices.Clone(rec.Scopes), ExpiresAt: rec.ExpiresAt.Time(), TokenID: rec.ID,
	}
}

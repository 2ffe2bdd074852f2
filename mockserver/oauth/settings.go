package oauth

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Settings are the switches of GHL's token lifecycle. Where the facts are
// uncertain the default is the best-supported behaviour and the setting lets
// a user who learns better from a contract run change it without code.
type Settings struct {
	// AccessTokenLife is how long an access token lives, by class: the JWT's
	// exp − iat and the answer's expires_in. GHL answers expires_in 86399 for
	// Company tokens and 86400 for Location tokens (idx:70477076689 §3g). A
	// decoded live Company JWT shows exp − iat = 86400 (idx:41782419756): the
	// mock keeps exp and expires_in equal, so that expires_in never promises
	// more than the token gives; set Company to 86400 s for that JWT's span.
	AccessTokenLife ClassDurations
	// RefreshTokenLife is a refresh token's life: a year, renewed with each
	// rotation (docs/oauth/Faqs.md).
	RefreshTokenLife time.Duration
	// CodeLife is how long an authorization code may be exchanged. No source
	// gives GHL's; 10 minutes is the usual OAuth server's [UNCERTAIN].
	CodeLife time.Duration
	// RefreshReuse is what a second use of a refresh token gets.
	RefreshReuse ReusePolicy
	// ReuseRevokesFamily makes a refused reuse revoke every token descended
	// from the same authorization (hydra #2022's reuse detection); off by
	// default, since no source shows GHL doing it.
	ReuseRevokesFamily bool
	// LocationTokenStatus is the status of a successful POST
	// /oauth/locationToken: 201 as measured live, where the spec says 200.
	LocationTokenStatus int
	// LocationTokenRefresh makes a locationToken answer carry a refresh token
	// (default true). The spec's answer has none; clients store one when it
	// is there (loc.refresh_token || company.refreshToken) and the official
	// SDK keeps a location session refreshable only with it [UNCERTAIN].
	LocationTokenRefresh bool
	// ClientCredentials is what grant_type=client_credentials does: the spec
	// lists it, no source shows it working, so by default it is refused with
	// unsupported_grant_type [UNCERTAIN].
	ClientCredentials ClientCredentialsMode
	// AddedScopes are scopes GHL puts in tokens without the app holding them.
	AddedScopes AddedScopes
	// RequireOAuthScopes makes POST /oauth/locationToken need oauth.write and
	// GET /oauth/installedLocations need oauth.readonly, as the spec's
	// security says. Off by default: live, a Company token whose scopes were
	// contacts.* alone minted location tokens (idx:70477076689 §3g); any
	// Company token of the app will do.
	RequireOAuthScopes bool
	// RequireVersionIDForPrivate makes the authorize page refuse a private
	// app's link without version_id, as live GHL does ("error.noversionid",
	// idx:70477076689 §3g). The official SDK's getAuthorizationUrl leaves it
	// out: set false to accept such links.
	RequireVersionIDForPrivate bool
	// Messages are GHL's answers, several of them uncertain.
	Messages Messages
}

// ClassDurations is a duration for each token class.
type ClassDurations struct {
	Company  time.Duration
	Location time.Duration
}

// For returns the duration of class c.
func (d ClassDurations) For(c Class) time.Duration {
	if c == ClassCompany {
		return d.Company
	}
	return d.Location
}

// AddedScopes are the scopes GHL adds to tokens by the way they are minted.
type AddedScopes struct {
	// Company are added to every Company token. Default none: a 2026 capture
	// shows a Company token with the app's scopes alone (idx:70477076689 §3g);
	// a 2025 decoded one also carries oauth.write and oauth.readonly
	// (idx:41782419756) [UNCERTAIN].
	Company []string
	// LocationToken are added to a Location token minted by POST
	// /oauth/locationToken: oauth.readonly and oauth.write, as measured.
	LocationToken []string
}

// ClientCredentialsMode is a value of Settings.ClientCredentials.
type ClientCredentialsMode string

// Client credentials modes.
const (
	// ClientCredentialsReject answers 400 unsupported_grant_type.
	ClientCredentialsReject ClientCredentialsMode = "reject"
	// ClientCredentialsCompany issues a Company token of the app's one
	// Company install, when it has exactly one.
	ClientCredentialsCompany ClientCredentialsMode = "issueCompanyToken"
)

// ReuseMode says what a second use of a refresh token gets.
type ReuseMode string

// Reuse modes.
const (
	ReuseReject ReuseMode = "reject" // refused: GHL's documented rotation
	ReuseGrace  ReuseMode = "grace"  // accepted within Grace of the first use (hydra's grace period)
	ReuseAllow  ReuseMode = "allow"  // always accepted, for naive clients
)

// ReusePolicy is a ReuseMode and, for grace, its period.
type ReusePolicy struct {
	Mode  ReuseMode
	Grace time.Duration
}

// String writes the policy as ParseReusePolicy reads it.
func (p ReusePolicy) String() string {
	if p.Mode == ReuseGrace {
		return "grace:" + p.Grace.String()
	}
	return string(p.Mode)
}

// ParseReusePolicy reads "reject", "allow" or "grace:<duration>" (grace:30s).
func ParseReusePolicy(s string) (ReusePolicy, error) {
	switch mode, arg, hasArg := strings.Cut(s, ":"); {
	case s == string(ReuseReject):
		return ReusePolicy{Mode: ReuseReject}, nil
	case s == string(ReuseAllow):
		return ReusePolicy{Mode: ReuseAllow}, nil
	case mode == string(ReuseGrace) && hasArg:
		d, err := time.ParseDuration(arg)
		if err != nil || d <= 0 {
			return ReusePolicy{}, fmt.Errorf("refresh reuse %q: the grace period must be a positive duration such as 30s", s)
		}
		return ReusePolicy{Mode: ReuseGrace, Grace: d}, nil
	default:
		return ReusePolicy{}, fmt.Errorf("refresh reuse %q: want reject, allow or grace:<duration>", s)
	}
}

// DefaultSettings returns GHL's behaviour as far as the facts establish it.
func DefaultSettings() Settings {
	return Settings{
		AccessTokenLife:            ClassDurations{Company: 86399 * time.Second, Location: 86400 * time.Second},
		RefreshTokenLife:           365 * 24 * time.Hour,
		CodeLife:                   10 * time.Minute,
		RefreshReuse:               ReusePolicy{Mode: ReuseReject},
		LocationTokenStatus:        http.StatusCreated,
		LocationTokenRefresh:       true,
		ClientCredentials:          ClientCredentialsReject,
		AddedScopes:                AddedScopes{LocationToken: []string{ScopeOAuthRead, ScopeOAuthWrite}},
		RequireVersionIDForPrivate: true,
		Messages:                   DefaultMessages(),
	}
}

// validate refuses settings that would make the mock misbehave.
func (s Settings) validate() error {
	switch {
	case s.AccessTokenLife.Company <= 0 || s.AccessTokenLife.Location <= 0:
		return fmt.Errorf("access token life must be positive for both classes")
	case s.RefreshTokenLife <= 0:
		return fmt.Errorf("refresh token life must be positive")
	case s.CodeLife <= 0:
		return fmt.Errorf("code life must be positive")
	case s.LocationTokenStatus != http.StatusOK && s.LocationTokenStatus != http.StatusCreated:
		return fmt.Errorf("locationToken status %d: want 200 or 201", s.LocationTokenStatus)
	case s.ClientCredentials != ClientCredentialsReject && s.ClientCredentials != ClientCredentialsCompany:
		return fmt.Errorf("client credentials %q: want %s or %s", s.ClientCredentials, ClientCredentialsReject, ClientCredentialsCompany)
	}
	switch s.RefreshReuse.Mode {
	case ReuseReject, ReuseAllow:
	case ReuseGrace:
		if s.RefreshReuse.Grace <= 0 {
			return fmt.Errorf("refresh reuse grace must be positive")
		}
	default:
		return fmt.Errorf("refresh reuse %q: want reject, allow or grace", s.RefreshReuse.Mode)
	}
	for _, sc := range append(append([]string(nil), s.AddedScopes.Company...), s.AddedScopes.LocationToken...) {
		if _, ok := scopeAccess[sc]; !ok {
			return fmt.Errorf("added scope %q is not a GHL scope", sc)
		}
	}
	return nil
}

package oauth

import (
	"slices"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// The records below are the package's state. Each is a crm.Object of kind
// crm.KindGrant, so that the change feed carries them to the durable store:
// a change's ID is the record's Key, and its Before or After tells which
// record type it is. Records in the state are never modified in place: a
// change replaces one, so that the copies handed out stay true.

// Install is an app installed on a location (UserType Location) or on a
// company (UserType Company) with the locations the agency approved.
type Install struct {
	ID       string `json:"id"`
	AppID    string `json:"appId"`
	UserType Class  `json:"userType"` // the class of the tokens its code exchange gives
	// CompanyID is the agency: the company itself, or the location's owner.
	CompanyID string `json:"companyId"`
	// Locations are the installed locations: the one location of a Location
	// install; the approved ones of a Company install (may be none for an
	// Agency app).
	Locations []InstalledOn `json:"locations"`
	// UserID is the user who installed it: the answers' userId.
	UserID      string     `json:"userId"`
	InstalledAt crm.Millis `json:"installedAt"`
	// InstallToFutureLocations and ApproveAllLocations are the agency's
	// choices on a bulk install, answered in Company token bodies.
	InstallToFutureLocations bool `json:"installToFutureLocations,omitempty"`
	ApproveAllLocations      bool `json:"approveAllLocations,omitempty"`
}

// InstalledOn is a location of an install and when it was added.
type InstalledOn struct {
	LocationID  string     `json:"locationId"`
	InstalledAt crm.Millis `json:"installedAt"`
}

// Covers reports whether the install includes location id.
func (in *Install) Covers(id string) bool {
	return slices.ContainsFunc(in.Locations, func(l InstalledOn) bool { return l.LocationID == id })
}

// LocationIDs returns the installed locations' ids in install order.
func (in *Install) LocationIDs() []string {
	out := make([]string, len(in.Locations))
	for i, l := range in.Locations {
		out[i] = l.LocationID
	}
	return out
}

// Code is an authorization code, single-use and short-lived.
type Code struct {
	Code        string     `json:"code"`
	AppID       string     `json:"appId"`
	ClientID    string     `json:"clientId"`
	InstallID   string     `json:"installId"`
	UserType    Class      `json:"userType"`
	CompanyID   string     `json:"companyId"`
	LocationID  string     `json:"locationId,omitempty"` // a Location install's location
	RedirectURI string     `json:"redirectUri"`
	IssuedAt    crm.Millis `json:"issuedAt"`
	ExpiresAt   crm.Millis `json:"expiresAt"`
	UsedAt      crm.Millis `json:"usedAt,omitempty"` // kept after use to tell a reused code in the journal
}

// TokenKind says whether a token is an access token or a refresh token.
type TokenKind string

// Token kinds.
const (
	KindAccess  TokenKind = "access"
	KindRefresh TokenKind = "refresh"
)

// How a token was granted: its Token.Grant.
const (
	GrantAuthorizationCode = "authorization_code"
	GrantRefreshToken      = "refresh_token"
	GrantClientCredentials = "client_credentials"
	GrantLocationToken     = "location_token" // POST /oauth/locationToken
)

// Token is an issued JWT, access or refresh. The token string itself is not
// kept: its ID is a digest of it, which is all that looking it up needs.
type Token struct {
	ID   string    `json:"id"` // TokenID(the JWT)
	Kind TokenKind `json:"kind"`
	// Family is the chain of rotations an authorization started: an access
	// token and the refresh token issued with it share it, and so do all
	// their successors. A locationToken call starts a family of its own.
	Family string `json:"family"`
	// Parent is the token this one came from: the refresh token that was
	// exchanged, or the Company access token of a locationToken call; ""
	// for a code exchange.
	Parent     string   `json:"parent,omitempty"`
	Grant      string   `json:"grant"`
	AppID      string   `json:"appId"`
	ClientID   string   `json:"clientId"`
	InstallID  string   `json:"installId"`
	AuthClass  Class    `json:"authClass"`
	CompanyID  string   `json:"companyId"`
	LocationID string   `json:"locationId,omitempty"` // a Location token's location
	UserID     string   `json:"userId"`
	Scopes     []string `json:"scopes"`
	// Claims are the JWT's payload as signed.
	Claims   Claims     `json:"claims"`
	IssuedAt crm.Millis `json:"issuedAt"`
	// ExpiresAt is when the mock stops accepting it: the JWT's exp, or
	// earlier when an admin expired it.
	ExpiresAt crm.Millis `json:"expiresAt"`
	// UsedAt is when a refresh token was first exchanged (or marked
	// consumed by an admin); Reuses counts the exchanges a reuse policy let
	// through besides the first.
	UsedAt       crm.Millis `json:"usedAt,omitempty"`
	Reuses       int        `json:"reuses,omitempty"`
	RevokedAt    crm.Millis `json:"revokedAt,omitempty"`
	RevokeReason string     `json:"revokeReason,omitempty"`
}

// SigningKey is the mock's RS256 key, reported as a change the first time a
// mutation needs it, so that the durable store keeps it with the tokens.
type SigningKey struct {
	KeyID string `json:"kid"`
	PEM   string `json:"pem"`
}

// ChangeKind implements crm.Object.
func (*Install) ChangeKind() crm.Kind { return crm.KindGrant }

// ChangeKind implements crm.Object.
func (*Code) ChangeKind() crm.Kind { return crm.KindGrant }

// ChangeKind implements crm.Object.
func (*Token) ChangeKind() crm.Kind { return crm.KindGrant }

// ChangeKind implements crm.Object.
func (*SigningKey) ChangeKind() crm.Kind { return crm.KindGrant }

// Key is the install's change ID. Each record type has a namespace of its
// own ("install:", "code:", "token:", "key:"), so that a durable store can
// keep them all in one table.
func (in *Install) Key() string { return "install:" + in.ID }

// Key is the code's change ID.
func (c *Code) Key() string { return "code:" + c.Code }

// Key is the token's change ID.
func (t *Token) Key() string { return "token:" + t.ID }

// Key is the signing key's change ID.
func (k *SigningKey) Key() string { return "key:" + k.KeyID }

func (in *Install) clone() *Install {
	c := *in
	c.Locations = slices.Clone(in.Locations)
	return &c
}

func (c *Code) clone() *Code { d := *c; return &d }

func (t *Token) clone() *Token {
	c := *t
	c.Scopes = slices.Clone(t.Scopes)
	c.Claims.OAuthMeta.Scopes = slices.Clone(t.Claims.OAuthMeta.Scopes)
	return &c
}

// live reports whether the token is accepted at now (refresh tokens: as far
// as expiry and revocation go; use is the reuse policy's business).
func (t *Token) live(now crm.Millis) bool {
	return t.RevokedAt == 0 && now < t.ExpiresAt
}

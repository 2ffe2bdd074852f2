package oauth

import (
	"context"
	"crypto/subtle"
	"fmt"
	"strings"
	"time"
)

// TokenInput is the form of POST /oauth/token, as sent. The server takes the
// client credentials from HTTP Basic authentication too, when the form has
// none (generic OAuth clients such as n8n's may send them so).
type TokenInput struct {
	GrantType    string // authorization_code, refresh_token or client_credentials
	ClientID     string
	ClientSecret string
	Code         string
	RefreshToken string
	UserType     string // "", Company or Location
	RedirectURI  string
}

// TokenResponse is GHL's answer to a successful POST /oauth/token (200), its
// keys in the spec's order. Company tokens carry the install's approved
// locations and bulk-install choices; Location tokens their locationId.
type TokenResponse struct {
	AccessToken              string   `json:"access_token"`
	TokenType                string   `json:"token_type"` // "Bearer"
	ExpiresIn                int      `json:"expires_in"`
	RefreshToken             string   `json:"refresh_token"`
	Scope                    string   `json:"scope"` // space-separated
	UserType                 Class    `json:"userType"`
	LocationID               string   `json:"locationId,omitempty"`
	CompanyID                string   `json:"companyId"`
	ApprovedLocations        []string `json:"approvedLocations,omitempty"`
	UserID                   string   `json:"userId"`
	IsBulkInstallation       *bool    `json:"isBulkInstallation,omitempty"`
	InstallToFutureLocations *bool    `json:"installToFutureLocations,omitempty"`
	ApproveAllLocations      *bool    `json:"approveAllLocations,omitempty"`
}

// Token serves POST /oauth/token. Its checks come in GHL's order: the code
// (or refresh token) first, the client credentials after it, so that a bogus
// code with bogus credentials gets "Authorization code not found" as it does
// live (idx:70477076689 §3e).
func (s *Service) Token(ctx context.Context, in TokenInput) (*TokenResponse, *Error) {
	if in.GrantType == GrantAuthorizationCode || in.GrantType == GrantRefreshToken ||
		(in.GrantType == GrantClientCredentials && s.Settings().ClientCredentials == ClientCredentialsCompany) {
		// Signing needs the key; make it, if need be, before taking the lock.
		if _, err := s.loadSigner(); err != nil {
			return nil, internalError(err)
		}
	}
	var resp *TokenResponse
	e := s.run(ctx, func(t *txn) *Error {
		var e *Error
		switch in.GrantType {
		case GrantAuthorizationCode:
			resp, e = t.exchangeCode(in)
		case GrantRefreshToken:
			resp, e = t.refresh(in)
		case GrantClientCredentials:
			resp, e = t.clientCredentials(in)
		default:
			e = oauthError(s.settings.Messages.UnsupportedGrantType, fmt.Sprintf("grant_type %q is not one the mock serves", in.GrantType))
		}
		return e
	})
	if e != nil {
		return nil, e
	}
	return resp, nil
}

// checkCredentials checks a client id and secret against the app a code or
// token belongs to ("" for any app).
func (t *txn) checkCredentials(in TokenInput, appID string) (*App, *Error) {
	msgs := t.s.settings.Messages
	app := t.s.appOfClient(in.ClientID)
	switch {
	case app == nil:
		return nil, oauthError(msgs.InvalidClient, fmt.Sprintf("no app has client id %q", in.ClientID))
	case appID != "" && app.ID != appID:
		return nil, oauthError(msgs.InvalidClient, fmt.Sprintf("client %s is not the client of app %s", in.ClientID, appID))
	case subtle.ConstantTimeCompare([]byte(in.ClientSecret), []byte(app.ClientSecret)) != 1:
		return nil, oauthError(msgs.InvalidClient, fmt.Sprintf("wrong client secret for client %s", in.ClientID))
	}
	return app, nil
}

// checkUserType refuses a user_type other than the class the grant gives.
func (t *txn) checkUserType(in TokenInput, class Class) *Error {
	if in.UserType == "" || Class(in.UserType) == class {
		return nil
	}
	return oauthError(t.s.settings.Messages.UserTypeMismatch, fmt.Sprintf("user_type %s asked for a %s grant", in.UserType, class))
}

func (t *txn) exchangeCode(in TokenInput) (*TokenResponse, *Error) {
	s := t.s
	msgs := s.settings.Messages
	code := s.codes[in.Code]
	switch {
	case code == nil:
		return nil, oauthError(msgs.CodeNotFound, fmt.Sprintf("unknown code %q", in.Code))
	case code.UsedAt != 0:
		return nil, oauthError(msgs.CodeNotFound, fmt.Sprintf("code already exchanged at %s", code.UsedAt))
	case t.now >= code.ExpiresAt:
		return nil, oauthError(msgs.CodeNotFound, fmt.Sprintf("code expired at %s", code.ExpiresAt))
	}
	app, e := t.checkCredentials(in, code.AppID)
	if e != nil {
		return nil, e
	}
	if in.RedirectURI != "" && in.RedirectURI != code.RedirectURI {
		return nil, oauthError(msgs.RedirectURIMismatch, fmt.Sprintf("redirect_uri %q, but the code was issued for %q", in.RedirectURI, code.RedirectURI))
	}
	if e := t.checkUserType(in, code.UserType); e != nil {
		return nil, e
	}
	install := s.installs[code.InstallID]
	if install == nil {
		return nil, oauthError(msgs.CodeNotFound, fmt.Sprintf("the install %s of the code is gone", code.InstallID))
	}
	used := code.clone()
	used.UsedAt = t.now
	t.putCode(used)
	g := grant{
		app: app, install: install, class: code.UserType, companyID: install.CompanyID, locationID: code.LocationID,
		userID: install.UserID, how: GrantAuthorizationCode,
	}
	g.scopes = t.grantScopes(g)
	return t.issue(g)
}

// grantScopes are the scopes a grant's tokens carry: the app's, plus what GHL
// adds to Company tokens.
func (t *txn) grantScopes(g grant) []string {
	if g.class == ClassCompany {
		return withScopes(g.app.Scopes, t.s.settings.AddedScopes.Company)
	}
	return withScopes(g.app.Scopes)
}

// issue mints a pair for g and answers it.
func (t *txn) issue(g grant) (*TokenResponse, *Error) {
	p, e := t.mint(g, true)
	if e != nil {
		return nil, e
	}
	return tokenResponse(g, p), nil
}

func tokenResponse(g grant, p pair) *TokenResponse {
	r := &TokenResponse{
		AccessToken: p.access, TokenType: "Bearer", ExpiresIn: int(p.life / time.Second), RefreshToken: p.refresh,
		Scope: strings.Join(g.scopes, " "), UserType: g.class, CompanyID: g.companyID, UserID: g.userID,
	}
	if g.class == ClassLocation {
		r.LocationID = g.locationID
		return r
	}
	if g.install.UserType == ClassCompany {
		r.ApprovedLocations = g.install.LocationIDs()
		bulk := len(g.install.Locations) > 1
		future, all := g.install.InstallToFutureLocations, g.install.ApproveAllLocations
		r.IsBulkInstallation, r.InstallToFutureLocations, r.ApproveAllLocations = &bulk, &future, &all
	}
	return r
}

func (t *txn) clientCredentials(in TokenInput) (*TokenResponse, *Error) {
	s := t.s
	msgs := s.settings.Messages
	if s.settings.ClientCredentials != ClientCredentialsCompany {
		return nil, oauthError(msgs.UnsupportedGrantType, "client_credentials is refused (setting clientCredentials: reject)")
	}
	app, e := t.checkCredentials(in, "")
	if e != nil {
		return nil, e
	}
	var only *Install
	n := 0
	for _, install := range s.installs {
		if install.AppID == app.ID && install.UserType == ClassCompany {
			only, n = install, n+1
		}
	}
	if n != 1 {
		return nil, oauthError(msgs.NoCompanyInstall, fmt.Sprintf("app %s has %d Company installs, not one", app.ID, n))
	}
	if e := t.checkUserType(in, ClassCompany); e != nil {
		return nil, e
	}
	g := grant{app: app, install: only, class: ClassCompany, companyID: only.CompanyID, userID: only.UserID, how: GrantClientCredentials}
	g.scopes = t.grantScopes(g)
	return t.issue(g)
}

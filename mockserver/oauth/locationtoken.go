package oauth

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// LocationTokenInput is POST /oauth/locationToken: its form (GHL's clients
// send it form-encoded, some as JSON) and the token it was authenticated with.
type LocationTokenInput struct {
	// Caller is the OAuth access token of the request, as Authenticate gave
	// it; nil when the request was authenticated by a Private Integration
	// Token, which GHL refuses here.
	Caller     *Principal
	CompanyID  string
	LocationID string
}

// LocationTokenResponse is the answer of POST /oauth/locationToken: the
// spec's keys, plus userType, companyId and (Settings.LocationTokenRefresh) a
// refresh token, which live answers and the clients that store them show.
type LocationTokenResponse struct {
	// Status is Settings.LocationTokenStatus: 201 as measured live.
	Status       int    `json:"-"`
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	RefreshToken string `json:"refresh_token,omitempty"`
	Scope        string `json:"scope"`
	UserType     Class  `json:"userType"`
	CompanyID    string `json:"companyId"`
	LocationID   string `json:"locationId"`
	UserID       string `json:"userId"`
	AppID        string `json:"appId"`
	VersionID    string `json:"versionId"`
}

// LocationToken exchanges a Company token for a Location token of one of the
// company's locations that has the app installed. The Location token adds
// oauth.readonly and oauth.write to the app's scopes, as measured live.
func (s *Service) LocationToken(ctx context.Context, in LocationTokenInput) (*LocationTokenResponse, *Error) {
	if e := s.checkAgencyCaller(in.Caller, ScopeOAuthWrite); e != nil {
		return nil, e
	}
	var missing []string
	if strings.TrimSpace(in.CompanyID) == "" {
		missing = append(missing, "companyId should not be empty")
	}
	if strings.TrimSpace(in.LocationID) == "" {
		missing = append(missing, "locationId should not be empty")
	}
	if missing != nil {
		return nil, invalidInput(missing...)
	}
	if _, err := s.loadSigner(); err != nil {
		return nil, internalError(err)
	}
	var resp *LocationTokenResponse
	e := s.run(ctx, func(t *txn) *Error {
		msgs := s.settings.Messages
		caller := s.tokens[in.Caller.TokenID]
		if caller == nil || !caller.live(t.now) {
			// Revoked or expired since the server authenticated it.
			return apiError(msgs.Scope, "the caller's token is no longer live")
		}
		notFound := func(reason string) *Error { return apiError(msgs.LocationNotFound, reason) }
		if in.CompanyID != caller.CompanyID {
			return notFound(fmt.Sprintf("company %q is not the token's company %s", in.CompanyID, caller.CompanyID))
		}
		if owner := s.companyOf(in.LocationID); owner == nil || owner.ID != caller.CompanyID {
			return notFound(fmt.Sprintf("location %q is not a location of company %s", in.LocationID, caller.CompanyID))
		}
		install := s.installOn(caller.AppID, in.LocationID, caller.InstallID)
		if install == nil {
			return notFound(fmt.Sprintf("app %s is not installed on location %s", caller.AppID, in.LocationID))
		}
		app := s.app(caller.AppID)
		g := grant{
			app: app, install: install, class: ClassLocation, companyID: caller.CompanyID, locationID: in.LocationID,
			userID: install.UserID, scopes: withScopes(app.Scopes, s.settings.AddedScopes.LocationToken),
			parent: caller.ID, how: GrantLocationToken,
		}
		p, e := t.mint(g, s.settings.LocationTokenRefresh)
		if e != nil {
			return e
		}
		resp = &LocationTokenResponse{
			Status: s.settings.LocationTokenStatus, AccessToken: p.access, TokenType: "Bearer",
			ExpiresIn: int(p.life / time.Second), RefreshToken: p.refresh, Scope: strings.Join(g.scopes, " "),
			UserType: ClassLocation, CompanyID: g.companyID, LocationID: g.locationID, UserID: g.userID,
			AppID: app.ID, VersionID: app.VersionID,
		}
		return nil
	})
	if e != nil {
		return nil, e
	}
	return resp, nil
}

// checkAgencyCaller refuses what GHL refuses on its agency-only endpoints: a
// Private Integration Token (nil), a Location token, and (with
// Settings.RequireOAuthScopes) a token without scope.
func (s *Service) checkAgencyCaller(caller *Principal, scope string) *Error {
	st := s.Settings()
	switch {
	case caller == nil:
		return apiError(st.Messages.Scope, "a Private Integration Token cannot call the OAuth endpoints")
	case caller.AuthClass != ClassCompany:
		return apiError(st.Messages.AuthClass, fmt.Sprintf("a %s token on an agency-only endpoint", caller.AuthClass))
	case st.RequireOAuthScopes && !caller.HasScope(scope):
		return apiError(st.Messages.Scope, fmt.Sprintf("the token lacks %s (setting requireOAuthScopes)", scope))
	}
	return nil
}

// installOn returns the live install of app that covers location,
// preferring the one named (the caller's), or nil.
func (s *Service) installOn(appID, locationID, prefer string) *Install {
	if in := s.installs[prefer]; in != nil && in.AppID == appID && in.Covers(locationID) {
		return in
	}
	var ids []string
	for id, in := range s.installs {
		if in.AppID == appID && in.Covers(locationID) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	slices.Sort(ids)
	return s.installs[ids[0]]
}

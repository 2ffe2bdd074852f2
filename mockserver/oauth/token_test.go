package oauth_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/oauth"
)

func TestExchangeLocationCode(t *testing.T) {
	h := newHarness(t)
	resp := h.locationTokens()
	install := h.svc.Installs()[0]
	assert.Equal(t, "Bearer", resp.TokenType)
	assert.Equal(t, 86400, resp.ExpiresIn)
	assert.Equal(t, "contacts.readonly contacts.write", resp.Scope, "space-separated")
	assert.Equal(t, oauth.ClassLocation, resp.UserType)
	assert.Equal(t, loc1, resp.LocationID)
	assert.Equal(t, companyID, resp.CompanyID)
	assert.Equal(t, install.UserID, resp.UserID)
	assert.NotEmpty(t, resp.RefreshToken)
	assert.Nil(t, resp.ApprovedLocations, "Location tokens name their location alone")
	assert.Nil(t, resp.IsBulkInstallation)

	p := h.principal(resp.AccessToken)
	assert.Equal(t, oauth.ClassLocation, p.AuthClass)
	assert.Equal(t, loc1, p.LocationID)
}

func TestExchangeCompanyCode(t *testing.T) {
	h := newHarness(t)
	resp := h.companyTokens(loc1, loc2)
	assert.Equal(t, 86399, resp.ExpiresIn)
	assert.Equal(t, oauth.ClassCompany, resp.UserType)
	assert.Empty(t, resp.LocationID, "a Company token has no locationId")
	assert.Equal(t, companyID, resp.CompanyID)
	assert.Equal(t, []string{loc1, loc2}, resp.ApprovedLocations)
	yes, no := true, false
	assert.Equal(t, &yes, resp.IsBulkInstallation)
	assert.Equal(t, &no, resp.InstallToFutureLocations)
	assert.Equal(t, &yes, resp.ApproveAllLocations)
	p := h.principal(resp.AccessToken)
	assert.Equal(t, companyID, p.AuthClassID, "the token-class trap: a Company token's id is the agency's")
}

func TestCodeRefusals(t *testing.T) {
	const unauthorized = "UnAuthorized!"
	cases := []struct {
		name   string
		setup  func(h *harness, code string) // before the exchange
		in     func(code string) oauth.TokenInput
		status int
		body   *oauth.OAuthErrorBody
		reason string
	}{
		{"unknown code, bogus client and secret (code checked first, as GHL does)", nil,
			func(string) oauth.TokenInput {
				return oauth.TokenInput{GrantType: "authorization_code", ClientID: "bogus", ClientSecret: "bogus", Code: "bogus"}
			},
			http.StatusUnauthorized, oauthBody(unauthorized, "Authorization code not found"), `unknown code "bogus"`},
		{"no code", nil,
			func(string) oauth.TokenInput { return exchangeInput("") },
			http.StatusUnauthorized, oauthBody(unauthorized, "Authorization code not found"), "unknown code"},
		{"reused code", func(h *harness, code string) { h.exchange(code) },
			exchangeInput,
			http.StatusUnauthorized, oauthBody(unauthorized, "Authorization code not found"), "code already exchanged at 2026-07-02T06:16:19.849Z"},
		{"expired code", func(h *harness, _ string) { h.clock.Advance(10 * time.Minute) },
			exchangeInput,
			http.StatusUnauthorized, oauthBody(unauthorized, "Authorization code not found"), "code expired at 2026-07-02T06:26:19.849Z"},
		{"wrong secret", nil,
			func(code string) oauth.TokenInput {
				in := exchangeInput(code)
				in.ClientSecret = agencySecret
				return in
			},
			http.StatusUnauthorized, oauthBody(unauthorized, "Invalid client credentials!"), "wrong client secret"},
		{"unknown client", nil,
			func(code string) oauth.TokenInput { in := exchangeInput(code); in.ClientID = "bogus"; return in },
			http.StatusUnauthorized, oauthBody(unauthorized, "Invalid client credentials!"), `no app has client id "bogus"`},
		{"another app's credentials", nil,
			func(code string) oauth.TokenInput {
				in := exchangeInput(code)
				in.ClientID, in.ClientSecret = agencyClientID, agencySecret
				return in
			},
			http.StatusUnauthorized, oauthBody(unauthorized, "Invalid client credentials!"), "is not the client of app"},
		{"wrong redirect_uri", nil,
			func(code string) oauth.TokenInput {
				in := exchangeInput(code)
				in.RedirectURI = "https://bot.example/alt?x=1"
				return in
			},
			http.StatusUnauthorized, oauthBody(unauthorized, "Redirect URI mismatch"), "the code was issued for"},
		{"wrong user_type", nil,
			func(code string) oauth.TokenInput { in := exchangeInput(code); in.UserType = "Company"; return in },
			http.StatusUnauthorized, oauthBody(unauthorized, "User type mismatch"), "user_type Company asked for a Location grant"},
		{"uninstalled since", func(h *harness, _ string) { require.NoError(t, h.svc.Uninstall(t.Context(), h.svc.Installs()[0].ID)) },
			exchangeInput,
			http.StatusUnauthorized, oauthBody(unauthorized, "Authorization code not found"), "unknown code"},
		{"unsupported grant type", nil,
			func(code string) oauth.TokenInput { in := exchangeInput(code); in.GrantType = "password"; return in },
			http.StatusBadRequest, oauthBody("unsupported_grant_type", ""), `grant_type "password"`},
		{"client_credentials, refused by default", nil,
			func(string) oauth.TokenInput {
				return oauth.TokenInput{GrantType: "client_credentials", ClientID: clientID, ClientSecret: clientSecret}
			},
			http.StatusBadRequest, oauthBody("unsupported_grant_type", ""), "setting clientCredentials: reject"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			code := h.authorize(oauth.AuthorizeInput{LocationIDs: []string{loc1}})
			if c.setup != nil {
				c.setup(h, code)
			}
			tokensBefore := len(h.svc.Tokens(oauth.TokenFilter{}))
			_, e := h.svc.Token(t.Context(), c.in(code))
			refused(t, e, c.status, c.body)
			assert.Contains(t, e.Reason, c.reason)
			assert.Len(t, h.svc.Tokens(oauth.TokenFilter{}), tokensBefore, "no token issued")
		})
	}
}

// A refused exchange leaves the code usable: only a successful one uses it.
func TestCodeSurvivesARefusedExchange(t *testing.T) {
	h := newHarness(t)
	code := h.authorize(oauth.AuthorizeInput{LocationIDs: []string{loc1}})
	bad := exchangeInput(code)
	bad.ClientSecret = agencySecret
	_, e := h.svc.Token(t.Context(), bad)
	require.NotNil(t, e)
	h.exchange(code)
}

func TestClientCredentialsCompanyMode(t *testing.T) {
	h := newHarness(t, withSettings(func(s *oauth.Settings) { s.ClientCredentials = oauth.ClientCredentialsCompany }))
	in := oauth.TokenInput{GrantType: "client_credentials", ClientID: clientID, ClientSecret: clientSecret}
	_, e := h.svc.Token(t.Context(), in)
	refused(t, e, http.StatusBadRequest, oauthBody("invalid_request", "The app has no single company installation to issue a token for"))

	h.authorize(oauth.AuthorizeInput{UserType: oauth.ClassCompany, CompanyID: companyID, LocationIDs: []string{loc2}})
	resp, e := h.svc.Token(t.Context(), in)
	require.Nil(t, e)
	assert.Equal(t, oauth.ClassCompany, resp.UserType)
	assert.Equal(t, []string{loc2}, resp.ApprovedLocations)
	toks := h.svc.Tokens(oauth.TokenFilter{Kind: oauth.KindAccess})
	require.Len(t, toks, 1)
	assert.Equal(t, oauth.GrantClientCredentials, toks[0].Grant)

	in.ClientSecret = agencySecret
	_, e = h.svc.Token(t.Context(), in)
	refused(t, e, http.StatusUnauthorized, oauthBody("UnAuthorized!", "Invalid client credentials!"))
}

func TestAddedCompanyScopes(t *testing.T) {
	h := newHarness(t, withSettings(func(s *oauth.Settings) {
		s.AddedScopes.Company = []string{oauth.ScopeOAuthWrite, oauth.ScopeOAuthRead}
	}))
	resp := h.companyTokens(loc1)
	assert.Equal(t, "contacts.readonly contacts.write oauth.write oauth.readonly", resp.Scope, "as a 2025 decoded Company token shows")
	loc := h.locationTokens()
	assert.Equal(t, "contacts.readonly contacts.write", loc.Scope, "Location installs get the app's scopes alone")
}

func exchangeInput(code string) oauth.TokenInput {
	return oauth.TokenInput{GrantType: "authorization_code", ClientID: clientID, ClientSecret: clientSecret, Code: code, RedirectURI: redirectURI}
}

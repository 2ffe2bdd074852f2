package oauth_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/oauth"
)

const authClassMsg = "This authClass type is not allowed to access this scope. Please verify your IAM configuration if this is not the case."

func TestLocationToken(t *testing.T) {
	h := newHarness(t)
	company := h.companyTokens(loc1, loc2)
	caller := h.principal(company.AccessToken)
	resp, e := h.svc.LocationToken(t.Context(), oauth.LocationTokenInput{Caller: &caller, CompanyID: companyID, LocationID: loc2})
	require.Nil(t, e)
	install := h.svc.Installs()[0]
	assert.Equal(t, &oauth.LocationTokenResponse{
		Status: http.StatusCreated, AccessToken: resp.AccessToken, TokenType: "Bearer", ExpiresIn: 86400,
		RefreshToken: resp.RefreshToken, Scope: "contacts.readonly contacts.write oauth.readonly oauth.write",
		UserType: oauth.ClassLocation, CompanyID: companyID, LocationID: loc2, UserID: install.UserID,
		AppID: appID, VersionID: appID,
	}, resp, "201 as measured live, and the exchange adds oauth.readonly oauth.write")
	assert.NotEmpty(t, resp.RefreshToken)

	_, claims, _ := jwtParts(t, resp.AccessToken)
	assert.Equal(t, "Location", claims["authClass"])
	assert.Equal(t, loc2, claims["authClassId"])
	assert.Equal(t, []any{"contacts.readonly", "contacts.write", "oauth.readonly", "oauth.write"}, claims["oauthMeta"].(map[string]any)["scopes"])
	assert.NotContains(t, claims["oauthMeta"], "agencyPlan", "the plan is the agency's, on Company tokens")

	p := h.principal(resp.AccessToken)
	assert.Equal(t, oauth.Principal{
		AuthClass: oauth.ClassLocation, AuthClassID: loc2, CompanyID: companyID, LocationID: loc2,
		AppID: appID, ClientID: clientID, VersionID: appID, InstallID: install.ID, UserID: install.UserID,
		Scopes:    []string{"contacts.readonly", "contacts.write", "oauth.readonly", "oauth.write"},
		ExpiresAt: start.Add(86400*time.Second + time.Millisecond), TokenID: p.TokenID,
	}, p)
	rec := h.svc.Tokens(oauth.TokenFilter{LocationID: loc2, Kind: oauth.KindAccess})
	require.Len(t, rec, 1)
	assert.Equal(t, oauth.GrantLocationToken, rec[0].Grant)
	assert.Equal(t, caller.TokenID, rec[0].Parent)

	// The location token's refresh token rotates like any other.
	_, e = h.refresh(resp.RefreshToken)
	assert.Nil(t, e)
}

func TestLocationTokenRefusals(t *testing.T) {
	cases := []struct {
		name       string
		caller     func(h *harness) *oauth.Principal
		companyID  string
		locationID string
		status     int
		body       *oauth.APIErrorBody
	}{
		{"a Private Integration Token", func(*harness) *oauth.Principal { return nil }, companyID, loc1,
			http.StatusUnauthorized, apiBody(401, "The token is not authorized for this scope.", "")},
		{"a Location token", func(h *harness) *oauth.Principal { p := h.principal(h.locationTokens().AccessToken); return &p }, companyID, loc1,
			http.StatusUnauthorized, apiBody(401, authClassMsg, "Unauthorized")},
		{"a location of another company", companyCaller, companyID, otherLoc,
			http.StatusBadRequest, apiBody(400, "Location not found", "Bad Request")},
		{"another company's id", companyCaller, otherCo, otherLoc,
			http.StatusBadRequest, apiBody(400, "Location not found", "Bad Request")},
		{"a location the app is not installed on", companyCaller, companyID, loc2,
			http.StatusBadRequest, apiBody(400, "Location not found", "Bad Request")},
		{"an unknown location", companyCaller, companyID, "nope",
			http.StatusBadRequest, apiBody(400, "Location not found", "Bad Request")},
		{"no companyId and no locationId", companyCaller, "", " ",
			http.StatusUnprocessableEntity, apiBody(422, []string{"companyId should not be empty", "locationId should not be empty"}, "Unprocessable Entity")},
		{"a caller revoked since it was authenticated", func(h *harness) *oauth.Principal {
			p := companyCaller(h)
			require.NoError(h.t, h.svc.RevokeToken(h.t.Context(), p.TokenID))
			return p
		}, companyID, loc1, http.StatusUnauthorized, apiBody(401, "The token is not authorized for this scope.", "")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			caller := c.caller(h)
			before := len(h.svc.Tokens(oauth.TokenFilter{}))
			_, e := h.svc.LocationToken(t.Context(), oauth.LocationTokenInput{Caller: caller, CompanyID: c.companyID, LocationID: c.locationID})
			refused(t, e, c.status, c.body)
			assert.Len(t, h.svc.Tokens(oauth.TokenFilter{}), before, "no token issued")
		})
	}
}

// companyCaller is a Company token of the Sub-Account app installed from the
// agency view on loc1 only.
func companyCaller(h *harness) *oauth.Principal {
	p := h.principal(h.companyTokens(loc1).AccessToken)
	return &p
}

func TestLocationTokenSettings(t *testing.T) {
	h := newHarness(t, withSettings(func(s *oauth.Settings) {
		s.LocationTokenStatus, s.LocationTokenRefresh, s.RequireOAuthScopes = http.StatusOK, false, true
	}))
	caller := companyCaller(h)
	_, e := h.svc.LocationToken(t.Context(), oauth.LocationTokenInput{Caller: caller, CompanyID: companyID, LocationID: loc1})
	refused(t, e, http.StatusUnauthorized, apiBody(401, "The token is not authorized for this scope.", ""))
	assert.Contains(t, e.Reason, "lacks oauth.write")

	st := h.svc.Settings()
	st.AddedScopes.Company = []string{oauth.ScopeOAuthWrite}
	require.NoError(t, h.svc.SetSettings(st))
	caller = companyCaller(h)
	resp, e := h.svc.LocationToken(t.Context(), oauth.LocationTokenInput{Caller: caller, CompanyID: companyID, LocationID: loc1})
	require.Nil(t, e)
	assert.Equal(t, http.StatusOK, resp.Status, "the spec's 200")
	assert.Empty(t, resp.RefreshToken, "the spec's answer, without a refresh token")
	assert.Len(t, h.svc.Tokens(oauth.TokenFilter{LocationID: loc1, Kind: oauth.KindRefresh}), 0)
}

func TestUninstallRevokesLocationTokens(t *testing.T) {
	h := newHarness(t)
	company := h.companyTokens(loc1, loc2)
	caller := h.principal(company.AccessToken)
	mint := func(loc string) *oauth.LocationTokenResponse {
		resp, e := h.svc.LocationToken(t.Context(), oauth.LocationTokenInput{Caller: &caller, CompanyID: companyID, LocationID: loc})
		require.Nil(t, e)
		return resp
	}
	t1, t2 := mint(loc1), mint(loc2)

	require.NoError(t, h.svc.UninstallLocation(t.Context(), appID, loc1))
	_, r := h.svc.Authenticate(t1.AccessToken)
	require.NotNil(t, r)
	assert.Contains(t, r.Reason, "the app was uninstalled from location "+loc1)
	_, e := h.refresh(t1.RefreshToken)
	refused(t, e, http.StatusUnauthorized, invalidRefresh)
	h.principal(t2.AccessToken)
	h.principal(company.AccessToken) // the agency keeps the app

	_, e = h.svc.LocationToken(t.Context(), oauth.LocationTokenInput{Caller: &caller, CompanyID: companyID, LocationID: loc1})
	refused(t, e, http.StatusBadRequest, apiBody(400, "Location not found", "Bad Request"))
	assert.Equal(t, []string{loc2}, h.svc.Installs()[0].LocationIDs())

	ev := h.installEvents()
	last := ev[len(ev)-1]
	assert.Equal(t, oauth.EventUninstall, last.Type)
	assert.Equal(t, loc1, last.LocationID)
}

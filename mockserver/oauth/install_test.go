package oauth_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/oauth"
)

func TestInstall(t *testing.T) {
	h := newHarness(t)
	in := oauth.InstallInput{AppID: appID, UserType: oauth.ClassCompany, LocationIDs: []string{loc1, loc2}}
	got, err := h.svc.Install(t.Context(), in)
	require.NoError(t, err)
	assert.Equal(t, companyID, got.CompanyID)
	assert.True(t, got.ApproveAllLocations)
	assert.Len(t, h.installEvents(), 3)
	batches := h.batchCount()

	again, err := h.svc.Install(t.Context(), in)
	require.NoError(t, err)
	assert.Equal(t, got, again, "installing again what is installed changes nothing")
	assert.Equal(t, batches, h.batchCount())
	assert.Len(t, h.installEvents(), 3)

	_, err = h.svc.Install(t.Context(), oauth.InstallInput{AppID: "nope", UserType: oauth.ClassLocation, LocationIDs: []string{loc1}})
	assert.ErrorIs(t, err, oauth.ErrNotFound)
	_, err = h.svc.Install(t.Context(), oauth.InstallInput{AppID: appID, UserType: oauth.ClassCompany, CompanyID: otherCo, LocationIDs: []string{loc1}})
	assert.ErrorIs(t, err, oauth.ErrInvalid)
	assert.Len(t, h.svc.Installs(), 1)
}

func TestUninstallRevokesTheInstallsTokens(t *testing.T) {
	h := newHarness(t)
	agencyCode := h.authorize(oauth.AuthorizeInput{ClientID: agencyClientID, CompanyID: companyID})
	_, e := h.svc.Token(t.Context(), oauth.TokenInput{GrantType: "authorization_code", ClientID: agencyClientID, ClientSecret: agencySecret, Code: agencyCode})
	require.Nil(t, e, "another app, installed on the same agency")
	company := h.companyTokens(loc1, loc2)
	caller := h.principal(company.AccessToken)
	loc, e := h.svc.LocationToken(t.Context(), oauth.LocationTokenInput{Caller: &caller, CompanyID: companyID, LocationID: loc2})
	require.Nil(t, e)
	pending := h.authorize(oauth.AuthorizeInput{UserType: oauth.ClassCompany, CompanyID: companyID, LocationIDs: []string{loc1}})
	eventsBefore := len(h.installEvents())

	require.NoError(t, h.svc.Uninstall(t.Context(), caller.InstallID))
	for _, tok := range []string{company.AccessToken, loc.AccessToken} {
		_, r := h.svc.Authenticate(tok)
		require.NotNil(t, r)
		assert.Contains(t, r.Reason, "the app was uninstalled (install "+caller.InstallID+")")
	}
	for _, tok := range []string{company.RefreshToken, loc.RefreshToken} {
		_, e := h.refresh(tok)
		assert.NotNil(t, e, "its refresh tokens are revoked too")
	}
	_, e = h.svc.Token(t.Context(), exchangeInput(pending))
	assert.NotNil(t, e, "its pending codes are dropped")
	assert.Len(t, h.svc.Tokens(oauth.TokenFilter{AppID: agencyAppID, State: oauth.StateLive}), 2, "another app's tokens stay")

	ev := h.installEvents()[eventsBefore:]
	require.Len(t, ev, 3)
	for i, want := range []struct {
		class oauth.Class
		loc   string
	}{{oauth.ClassLocation, loc1}, {oauth.ClassLocation, loc2}, {oauth.ClassCompany, ""}} {
		assert.Equal(t, oauth.EventUninstall, ev[i].Type)
		assert.Equal(t, want.class, ev[i].InstallType)
		assert.Equal(t, want.loc, ev[i].LocationID)
	}
	assert.ErrorIs(t, h.svc.Uninstall(t.Context(), caller.InstallID), oauth.ErrNotFound)
}

func TestUninstallLocationOfALocationInstall(t *testing.T) {
	h := newHarness(t)
	resp := h.locationTokens()
	require.NoError(t, h.svc.UninstallLocation(t.Context(), appID, loc1))
	_, r := h.svc.Authenticate(resp.AccessToken)
	require.NotNil(t, r)
	assert.Contains(t, r.Reason, "the app was uninstalled from location "+loc1)
	assert.Empty(t, h.svc.Installs())
	assert.ErrorIs(t, h.svc.UninstallLocation(t.Context(), appID, loc1), oauth.ErrNotFound)
}

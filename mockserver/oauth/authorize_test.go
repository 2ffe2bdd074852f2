package oauth_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/oauth"
)

func TestAuthorizeLocation(t *testing.T) {
	h := newHarness(t)
	res, e := h.svc.Authorize(t.Context(), oauth.AuthorizeInput{ClientID: clientID, LocationIDs: []string{loc1}, State: "xyz 1"})
	require.Nil(t, e)
	assert.Regexp(t, `^[0-9a-f]{40}$`, res.Code)
	assert.Equal(t, redirectURI+"?code="+res.Code+"&state=xyz+1", res.RedirectURL, "the first registered URI when none is named")
	assert.Equal(t, start.Add(10*time.Minute), res.ExpiresAt)
	assert.Equal(t, oauth.ClassLocation, res.Install.UserType, "one location and no company: a sub-account install")
	assert.Equal(t, companyID, res.Install.CompanyID)
	assert.Equal(t, []string{loc1}, res.Install.LocationIDs())

	codes := h.svc.Codes()
	require.Len(t, codes, 1)
	assert.Equal(t, oauth.Code{
		Code: res.Code, AppID: appID, ClientID: clientID, InstallID: res.Install.ID, UserType: oauth.ClassLocation,
		CompanyID: companyID, LocationID: loc1, RedirectURI: redirectURI,
		IssuedAt: crm.MillisOf(start), ExpiresAt: crm.MillisOf(start.Add(10 * time.Minute)),
	}, codes[0])

	assert.Equal(t, []oauth.InstallEvent{{
		Type: oauth.EventInstall, AppID: appID, VersionID: appID, ClientID: clientID, WebhookURL: "https://bot.example/ghl/webhook",
		InstallType: oauth.ClassLocation, CompanyID: companyID, CompanyName: "Acme Agency", LocationID: loc1,
		UserID: res.Install.UserID, InstallID: res.Install.ID, Time: start,
	}}, h.installEvents())

	// Authorizing again reuses the install: a new code, no new INSTALL.
	again, e := h.svc.Authorize(t.Context(), oauth.AuthorizeInput{ClientID: clientID, LocationIDs: []string{loc1}, RedirectURI: "https://bot.example/alt?x=1"})
	require.Nil(t, e)
	assert.Equal(t, res.Install.ID, again.Install.ID)
	assert.NotEqual(t, res.Code, again.Code)
	assert.Equal(t, "https://bot.example/alt?x=1&code="+again.Code, again.RedirectURL, "the URI's own query is kept")
	assert.Len(t, h.installEvents(), 1)
	assert.Len(t, h.svc.Installs(), 1)
}

func TestAuthorizeCompany(t *testing.T) {
	h := newHarness(t)
	res, e := h.svc.Authorize(t.Context(), oauth.AuthorizeInput{
		ClientID: clientID, UserType: oauth.ClassCompany, CompanyID: companyID, LocationIDs: []string{loc1}, UserID: "UsR0000000000000000A",
	})
	require.Nil(t, e)
	assert.Equal(t, oauth.ClassCompany, res.Install.UserType)
	assert.Equal(t, "UsR0000000000000000A", res.Install.UserID)
	assert.False(t, res.Install.ApproveAllLocations)
	ev := h.installEvents()
	require.Len(t, ev, 2, "one event for the company, one per location")
	assert.Equal(t, oauth.ClassCompany, ev[0].InstallType)
	assert.Empty(t, ev[0].LocationID)
	assert.Equal(t, oauth.ClassLocation, ev[1].InstallType)
	assert.Equal(t, loc1, ev[1].LocationID)
	assert.Equal(t, companyID, ev[1].CompanyID, "the SDK mints a location token on an INSTALL naming both")

	// A later consent adds the other location to the same install.
	h.clock.Advance(time.Hour)
	more, e := h.svc.Authorize(t.Context(), oauth.AuthorizeInput{
		ClientID: clientID, UserType: oauth.ClassCompany, CompanyID: companyID, LocationIDs: []string{loc1, loc2}, InstallToFutureLocations: true,
	})
	require.Nil(t, e)
	assert.Equal(t, res.Install.ID, more.Install.ID)
	assert.Equal(t, []string{loc1, loc2}, more.Install.LocationIDs())
	assert.Equal(t, crm.MillisOf(start.Add(time.Hour)), more.Install.Locations[1].InstalledAt)
	assert.True(t, more.Install.ApproveAllLocations)
	assert.True(t, more.Install.InstallToFutureLocations)
	assert.Equal(t, "UsR0000000000000000A", more.Install.UserID, "the install keeps its user")
	ev = h.installEvents()
	require.Len(t, ev, 3, "an INSTALL for the added location only")
	assert.Equal(t, loc2, ev[2].LocationID)
}

func TestAuthorizeAgencyAppOnCompany(t *testing.T) {
	h := newHarness(t)
	res, e := h.svc.Authorize(t.Context(), oauth.AuthorizeInput{ClientID: agencyClientID, CompanyID: companyID})
	require.Nil(t, e, "an Agency app may be installed on the agency alone")
	assert.Equal(t, oauth.ClassCompany, res.Install.UserType)
	assert.Empty(t, res.Install.Locations)
}

func TestAuthorizeRefusals(t *testing.T) {
	cases := []struct {
		name   string
		in     oauth.AuthorizeInput
		status int
		msg    string
	}{
		{"unknown client", oauth.AuthorizeInput{ClientID: "6613f44dffca6b9e436e58a3-abcdefgh", LocationIDs: []string{loc1}},
			http.StatusBadRequest, "No integration found with the ID: 6613f44dffca6b9e436e58a3"},
		{"another version", oauth.AuthorizeInput{ClientID: clientID, VersionID: agencyAppID, LocationIDs: []string{loc1}},
			http.StatusBadRequest, "No integration found with the ID: " + agencyAppID},
		{"unregistered redirect URI", oauth.AuthorizeInput{ClientID: clientID, RedirectURI: "https://evil.example/cb", LocationIDs: []string{loc1}},
			http.StatusBadRequest, "The redirect URI https://evil.example/cb is not registered for this app"},
		{"redirect URI differing in a slash", oauth.AuthorizeInput{ClientID: clientID, RedirectURI: redirectURI + "/", LocationIDs: []string{loc1}},
			http.StatusBadRequest, "The redirect URI " + redirectURI + "/ is not registered for this app"},
		{"location of another company", oauth.AuthorizeInput{ClientID: clientID, UserType: oauth.ClassCompany, CompanyID: companyID, LocationIDs: []string{otherLoc}},
			http.StatusBadRequest, "Location not found"},
		{"unknown location", oauth.AuthorizeInput{ClientID: clientID, LocationIDs: []string{"nope"}},
			http.StatusBadRequest, "Location not found"},
		{"Location install on two locations", oauth.AuthorizeInput{ClientID: clientID, UserType: oauth.ClassLocation, LocationIDs: []string{loc1, loc2}},
			http.StatusBadRequest, "Pick exactly one location to install from a sub-account"},
		{"bad user type", oauth.AuthorizeInput{ClientID: clientID, UserType: "Agency", LocationIDs: []string{loc1}},
			http.StatusBadRequest, `userType "Agency" must be Location or Company`},
		{"unknown company", oauth.AuthorizeInput{ClientID: clientID, CompanyID: "nope", LocationIDs: nil},
			http.StatusBadRequest, "Company nope not found"},
		{"Company install without a company", oauth.AuthorizeInput{ClientID: clientID, UserType: oauth.ClassCompany},
			http.StatusBadRequest, "A Company install names its company"},
		{"Sub-Account app on an agency without locations", oauth.AuthorizeInput{ClientID: clientID, CompanyID: companyID},
			http.StatusBadRequest, "a Sub-Account app is installed from the agency view on at least one location"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			_, e := h.svc.Authorize(t.Context(), c.in)
			refused(t, e, c.status, apiBody(c.status, c.msg, "Bad Request"))
			assert.Empty(t, h.svc.Installs(), "nothing installed")
			assert.Empty(t, h.svc.Codes(), "no code")
			assert.Zero(t, h.batchCount(), "no change")
			assert.Empty(t, h.installEvents())
		})
	}
}

func TestAuthorizePrunesExpiredCodes(t *testing.T) {
	h := newHarness(t)
	old := h.authorize(oauth.AuthorizeInput{LocationIDs: []string{loc1}})
	h.clock.Advance(11 * time.Minute)
	fresh := h.authorize(oauth.AuthorizeInput{LocationIDs: []string{loc1}})
	codes := h.svc.Codes()
	require.Len(t, codes, 1)
	assert.Equal(t, fresh, codes[0].Code)
	assert.NotEqual(t, old, fresh)
}

package oauth_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/oauth"
)

func TestInstalledLocations(t *testing.T) {
	h := newHarness(t)
	caller := companyCaller(h) // the app on loc1 only
	dental := oauth.InstalledLocation{ID: loc1, Name: "Acme Dental", Address: "47 W 13th St, New York, NY 10011, USA",
		IsInstalled: true, VersionID: appID, InstalledAt: "2026-07-02T06:16:19.849Z"}
	plumbing := oauth.InstalledLocation{ID: loc2, Name: "Acme Plumbing"}
	cases := []struct {
		name  string
		in    oauth.InstalledLocationsInput
		want  []oauth.InstalledLocation
		count int
	}{
		{"all", oauth.InstalledLocationsInput{}, []oauth.InstalledLocation{dental, plumbing}, 2},
		{"installed", oauth.InstalledLocationsInput{IsInstalled: "true"}, []oauth.InstalledLocation{dental}, 1},
		{"not installed", oauth.InstalledLocationsInput{IsInstalled: "false"}, []oauth.InstalledLocation{plumbing}, 1},
		{"by name, any case", oauth.InstalledLocationsInput{Query: "PLUMB"}, []oauth.InstalledLocation{plumbing}, 1},
		{"by location id", oauth.InstalledLocationsInput{LocationID: loc1}, []oauth.InstalledLocation{dental}, 1},
		{"by version", oauth.InstalledLocationsInput{VersionID: appID}, []oauth.InstalledLocation{dental}, 1},
		{"skip", oauth.InstalledLocationsInput{Skip: "1"}, []oauth.InstalledLocation{plumbing}, 2},
		{"limit", oauth.InstalledLocationsInput{Limit: "1"}, []oauth.InstalledLocation{dental}, 2},
		{"skip past the end", oauth.InstalledLocationsInput{Skip: "5"}, []oauth.InstalledLocation{}, 2},
		{"another app", oauth.InstalledLocationsInput{AppID: agencyAppID}, []oauth.InstalledLocation{
			{ID: loc1, Name: dental.Name, Address: dental.Address}, plumbing}, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := c.in
			in.Caller, in.CompanyID = caller, companyID
			if in.AppID == "" {
				in.AppID = appID
			}
			resp, e := h.svc.InstalledLocations(in)
			require.Nil(t, e)
			assert.Equal(t, c.want, resp.Locations)
			assert.Equal(t, c.count, resp.Count)
			assert.False(t, resp.InstallToFutureLocations)
		})
	}
}

func TestInstalledLocationsInstallTimes(t *testing.T) {
	h := newHarness(t)
	caller := companyCaller(h)
	h.clock.Advance(time.Hour)
	h.authorize(oauth.AuthorizeInput{UserType: oauth.ClassCompany, CompanyID: companyID, LocationIDs: []string{loc2}, InstallToFutureLocations: true})
	resp, e := h.svc.InstalledLocations(oauth.InstalledLocationsInput{Caller: caller, CompanyID: companyID, AppID: appID})
	require.Nil(t, e)
	require.Len(t, resp.Locations, 2)
	assert.Equal(t, "2026-07-02T06:16:19.849Z", resp.Locations[0].InstalledAt)
	assert.Equal(t, "2026-07-02T07:16:19.849Z", resp.Locations[1].InstalledAt, "each location's own install time")
	assert.True(t, resp.InstallToFutureLocations)
}

func TestInstalledLocationsRefusals(t *testing.T) {
	h := newHarness(t)
	company := companyCaller(h)
	location := h.principal(h.locationTokens().AccessToken)
	cases := []struct {
		name   string
		in     oauth.InstalledLocationsInput
		status int
		body   *oauth.APIErrorBody
	}{
		{"a Private Integration Token", oauth.InstalledLocationsInput{CompanyID: companyID, AppID: appID},
			http.StatusUnauthorized, apiBody(401, "The token is not authorized for this scope.", "")},
		{"a Location token", oauth.InstalledLocationsInput{Caller: &location, CompanyID: companyID, AppID: appID},
			http.StatusUnauthorized, apiBody(401, authClassMsg, "Unauthorized")},
		{"another company", oauth.InstalledLocationsInput{Caller: company, CompanyID: otherCo, AppID: appID},
			http.StatusForbidden, apiBody(403, "The token does not have access to this company.", "Forbidden")},
		{"bad parameters", oauth.InstalledLocationsInput{Caller: company, Limit: "ten", Skip: "-1", IsInstalled: "yes"},
			http.StatusUnprocessableEntity, apiBody(422, []string{
				"companyId should not be empty", "appId should not be empty", "skip must be a number string",
				"limit must be a number string", "isInstalled must be a boolean value"}, "Unprocessable Entity")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, e := h.svc.InstalledLocations(c.in)
			refused(t, e, c.status, c.body)
		})
	}
}

func TestInstalledLocationsRequireOAuthScopes(t *testing.T) {
	h := newHarness(t, withSettings(func(s *oauth.Settings) { s.RequireOAuthScopes = true }))
	_, e := h.svc.InstalledLocations(oauth.InstalledLocationsInput{Caller: companyCaller(h), CompanyID: companyID, AppID: appID})
	refused(t, e, http.StatusUnauthorized, apiBody(401, "The token is not authorized for this scope.", ""))
	assert.Contains(t, e.Reason, "lacks oauth.readonly")
}

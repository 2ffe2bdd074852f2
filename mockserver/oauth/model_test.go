package oauth_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/oauth"
)

func TestAppValidate(t *testing.T) {
	good := apps()[0]
	cases := []struct {
		name   string
		change func(*oauth.App)
		want   string // "" for valid
	}{
		{"valid", func(*oauth.App) {}, ""},
		{"valid agency app", func(a *oauth.App) { *a = apps()[1] }, ""},
		{"id not hex", func(a *oauth.App) { a.ID = "ghlmock" }, "24 lower-case hex digits"},
		{"client id of another app", func(a *oauth.App) { a.ClientID = agencyClientID }, "must be the app id"},
		{"client id suffix too short", func(a *oauth.App) { a.ClientID = appID + "-abc" }, "must be the app id"},
		{"secret not a UUID", func(a *oauth.App) { a.ClientSecret = "secret" }, "clientSecret must be a lower-case UUID"},
		{"bad distribution", func(a *oauth.App) { a.Distribution = "unlisted" }, "must be private or public"},
		{"bad target", func(a *oauth.App) { a.Target = "Everyone" }, "must be Sub-Account or Agency"},
		{"no scopes", func(a *oauth.App) { a.Scopes = nil }, "scopes must contain at least 1 elements"},
		{"unknown scope", func(a *oauth.App) { a.Scopes = []string{"contacts.wrte"} }, `unknown scope "contacts.wrte"`},
		{"agency-only scope on a Sub-Account app", func(a *oauth.App) { a.Scopes = []string{"oauth.write"} }, "Agency-only"},
		{"sub-account scope on an Agency app", func(a *oauth.App) { a.Target = oauth.TargetAgency }, "Sub-Account-only"},
		{"no redirect URI", func(a *oauth.App) { a.RedirectURIs = nil }, "redirectUris must contain at least 1 elements"},
		{"relative redirect URI", func(a *oauth.App) { a.RedirectURIs = []string{"/callback"} }, "must be an absolute URL"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := good
			a.Scopes, a.RedirectURIs = append([]string(nil), good.Scopes...), append([]string(nil), good.RedirectURIs...)
			c.change(&a)
			err := a.Validate()
			if c.want == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

func TestAppDefaults(t *testing.T) {
	h := newHarness(t)
	a, ok := h.svc.AppByClientID(clientID)
	require.True(t, ok)
	// GHL's tokens show the version id equal to the app id.
	assert.Equal(t, appID, a.VersionID)
	assert.Equal(t, oauth.DistributionPrivate, a.Distribution)
	assert.Equal(t, oauth.TargetSubAccount, a.Target)
	_, ok = h.svc.AppByClientID("nope")
	assert.False(t, ok)
}

func TestNewAppCredentials(t *testing.T) {
	id, client, secret := oauth.NewAppCredentials(crm.NewIDGen(7))
	a := oauth.App{ID: id, ClientID: client, ClientSecret: secret, Scopes: []string{"contacts.readonly"}, RedirectURIs: []string{redirectURI}}
	assert.NoError(t, a.Validate())
	id2, _, secret2 := oauth.NewAppCredentials(crm.NewIDGen(7))
	assert.Equal(t, id, id2, "the same seed gives the same credentials")
	assert.Equal(t, secret, secret2)
}

func TestNewRefusesBadFixtures(t *testing.T) {
	cases := []struct {
		name   string
		change func(*oauth.Config)
		want   string
	}{
		{"app twice", func(c *oauth.Config) { c.Apps = append(c.Apps, c.Apps[0]) }, "declared twice"},
		{"invalid app", func(c *oauth.Config) { c.Apps[0].ClientSecret = "x" }, "clientSecret"},
		{"company twice", func(c *oauth.Config) { c.Companies = append(c.Companies, c.Companies[0]) }, "declared twice"},
		{"location of two companies", func(c *oauth.Config) {
			c.Companies[1].Locations = append(c.Companies[1].Locations, oauth.Location{ID: loc1})
		}, "owned by two companies"},
		{"install of an unknown app", func(c *oauth.Config) {
			c.Installs = []oauth.Install{{AppID: "nope", UserType: oauth.ClassLocation, Locations: []oauth.InstalledOn{{LocationID: loc1}}}}
		}, "unknown app"},
		{"install on another company's location", func(c *oauth.Config) {
			c.Installs = []oauth.Install{{AppID: appID, UserType: oauth.ClassCompany, CompanyID: companyID, Locations: []oauth.InstalledOn{{LocationID: otherLoc}}}}
		}, "belongs to company"},
		{"Location install on two locations", func(c *oauth.Config) {
			c.Installs = []oauth.Install{{AppID: appID, UserType: oauth.ClassLocation, Locations: []oauth.InstalledOn{{LocationID: loc1}, {LocationID: loc2}}}}
		}, "exactly one location"},
		{"bad settings", withSettings(func(s *oauth.Settings) { s.LocationTokenStatus = 204 }), "want 200 or 201"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := oauth.Config{Companies: companies(), Apps: apps(), Key: testKey()}
			c.change(&cfg)
			_, err := oauth.New(cfg)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

func TestFixtureInstalls(t *testing.T) {
	h := newHarness(t, func(c *oauth.Config) {
		c.Installs = []oauth.Install{{AppID: appID, UserType: oauth.ClassCompany, Locations: []oauth.InstalledOn{{LocationID: loc1}, {LocationID: loc2}}}}
	})
	ins := h.svc.Installs()
	require.Len(t, ins, 1)
	in := ins[0]
	assert.Len(t, in.ID, 24, "an id is made")
	assert.Equal(t, companyID, in.CompanyID, "the company is the locations' owner")
	assert.Equal(t, crm.MillisOf(start), in.InstalledAt)
	assert.Equal(t, []string{loc1, loc2}, in.LocationIDs())
	assert.Equal(t, crm.MillisOf(start), in.Locations[1].InstalledAt)
	assert.True(t, in.ApproveAllLocations, "both of the company's locations")
	assert.Zero(t, h.batchCount(), "the fixtures' installs are not changes")
}

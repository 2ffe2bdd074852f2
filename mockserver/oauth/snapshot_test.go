package oauth_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/oauth"
)

// busyState makes a state with every kind of record in every state: a used
// refresh token, a revoked family, a location token, a pending code.
func busyState(t *testing.T, h *harness) (loc, company *oauth.TokenResponse) {
	t.Helper()
	first := h.locationTokens()
	h.clock.Advance(time.Minute)
	loc, e := h.refresh(first.RefreshToken)
	require.Nil(t, e)
	company = h.companyTokens(loc1, loc2)
	caller := h.principal(company.AccessToken)
	_, e = h.svc.LocationToken(t.Context(), oauth.LocationTokenInput{Caller: &caller, CompanyID: companyID, LocationID: loc2})
	require.Nil(t, e)
	agency := h.exchange(h.authorize(oauth.AuthorizeInput{UserType: oauth.ClassCompany, CompanyID: companyID, LocationIDs: []string{loc2}}))
	require.NoError(t, h.svc.RevokeToken(t.Context(), oauth.TokenID(agency.AccessToken)))
	h.authorize(oauth.AuthorizeInput{LocationIDs: []string{loc2}}) // pending
	return loc, company
}

func TestSnapshotRoundTrip(t *testing.T) {
	h := newHarness(t)
	loc, company := busyState(t, h)
	snap, err := h.svc.Export()
	require.NoError(t, err)
	require.NotNil(t, snap.Key)
	assert.Len(t, snap.Installs, 3)
	assert.Len(t, snap.Codes, 4)
	assert.Len(t, snap.Tokens, 10)

	raw, err := json.Marshal(snap)
	require.NoError(t, err)
	var back oauth.Snapshot
	require.NoError(t, json.Unmarshal(raw, &back))
	assert.Equal(t, snap, back, "the JSON form keeps everything")

	// A restart from the saved state: no key given, none made.
	restarted := newHarness(t, func(c *oauth.Config) { c.Key, c.State = nil, &back })
	again, err := restarted.svc.Export()
	require.NoError(t, err)
	assert.Equal(t, snap, again, "what comes out is what went in")
	assert.Equal(t, h.svc.Tokens(oauth.TokenFilter{}), restarted.svc.Tokens(oauth.TokenFilter{}))

	assert.Equal(t, h.principal(loc.AccessToken), restarted.principal(loc.AccessToken), "tokens outlive the restart")
	_, e := restarted.refresh(company.RefreshToken)
	require.Nil(t, e, "and refresh")
	for _, ch := range restarted.lastBatch() {
		_, isKey := ch.After.(*oauth.SigningKey)
		assert.False(t, isKey, "the saved state had the key: it is not reported again")
	}
	_, e = restarted.refresh(loc.RefreshToken)
	require.Nil(t, e)
	newer := restarted.svc.Tokens(oauth.TokenFilter{State: oauth.StateLive, Kind: oauth.KindAccess})
	for _, tok := range newer[len(newer)-2:] {
		assert.Greater(t, tok.IssuedAt, crm.MillisOf(start.Add(time.Minute)), "iat stays ahead of the saved tokens'")
	}
}

func TestImport(t *testing.T) {
	src := newHarness(t)
	busyState(t, src)
	snap, err := src.svc.Export()
	require.NoError(t, err)

	h := newHarness(t)
	require.NoError(t, h.svc.Import(t.Context(), snap))
	batch := h.lastBatch()
	require.Len(t, batch, 1)
	assert.Equal(t, oauth.SnapshotKey, batch[0].ID)
	assert.Equal(t, &snap, batch[0].After, "one change: the whole state replaced")
	got, err := h.svc.Export()
	require.NoError(t, err)
	assert.Equal(t, snap, got)

	bad := snap
	bad.Installs = append([]oauth.Install(nil), snap.Installs...)
	bad.Installs[0].Locations = []oauth.InstalledOn{{LocationID: "nope"}}
	assert.ErrorIs(t, h.svc.Import(t.Context(), bad), oauth.ErrInvalid)
	badKey := snap
	badKey.Key = &oauth.SigningKey{PEM: "garbage"}
	assert.ErrorIs(t, h.svc.Import(t.Context(), badKey), oauth.ErrInvalid)
	got, err = h.svc.Export()
	require.NoError(t, err)
	assert.Equal(t, snap, got, "a refused import changes nothing")
}

func TestReset(t *testing.T) {
	h := newHarness(t, func(c *oauth.Config) {
		c.Installs = []oauth.Install{{AppID: appID, UserType: oauth.ClassLocation, Locations: []oauth.InstalledOn{{LocationID: loc2}}}}
	})
	fixtures := h.svc.Installs()
	resp := h.locationTokens()
	require.NoError(t, h.svc.Reset(t.Context()))
	assert.Equal(t, fixtures, h.svc.Installs())
	assert.Empty(t, h.svc.Tokens(oauth.TokenFilter{}))
	assert.Empty(t, h.svc.Codes())
	_, r := h.svc.Authenticate(resp.AccessToken)
	assert.NotNil(t, r)

	after := h.lastBatch()[0].After.(*oauth.Snapshot)
	assert.Equal(t, fixtures, after.Installs)
	require.NotNil(t, after.Key, "the key stays")
	assert.Equal(t, oauth.KeyID(&testKey().PublicKey), after.Key.KeyID)
}

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

func TestTokensListing(t *testing.T) {
	h := newHarness(t)
	first := h.locationTokens()
	h.clock.Advance(time.Minute)
	second, e := h.refresh(first.RefreshToken)
	require.Nil(t, e)
	company := h.companyTokens(loc2)

	all := h.svc.Tokens(oauth.TokenFilter{})
	require.Len(t, all, 6)
	assert.Equal(t, oauth.TokenID(first.AccessToken), all[0].ID, "oldest first, the access token before its refresh token")
	assert.Equal(t, oauth.KindAccess, all[0].Kind)
	assert.Equal(t, oauth.TokenID(first.RefreshToken), all[1].ID)

	byState := func(s oauth.TokenState) []string {
		var ids []string
		for _, info := range h.svc.Tokens(oauth.TokenFilter{State: s}) {
			ids = append(ids, info.ID)
		}
		return ids
	}
	assert.Equal(t, []string{oauth.TokenID(first.RefreshToken)}, byState(oauth.StateUsed))
	assert.Len(t, byState(oauth.StateLive), 5)

	fam := h.svc.Tokens(oauth.TokenFilter{Family: all[0].Family})
	assert.Len(t, fam, 4, "the code's pair and its rotation")
	assert.Len(t, h.svc.Tokens(oauth.TokenFilter{LocationID: loc1}), 4)
	assert.Len(t, h.svc.Tokens(oauth.TokenFilter{CompanyID: companyID, Kind: oauth.KindRefresh}), 3)
	assert.Len(t, h.svc.Tokens(oauth.TokenFilter{InstallID: h.principal(company.AccessToken).InstallID}), 2)
	assert.Empty(t, h.svc.Tokens(oauth.TokenFilter{AppID: agencyAppID}))

	// The listing shows the decoded claims.
	last := h.svc.Tokens(oauth.TokenFilter{Kind: oauth.KindRefresh, LocationID: loc1})[1]
	_, claims, err := oauth.DecodeToken(second.RefreshToken)
	require.NoError(t, err)
	assert.Equal(t, claims, last.Claims)
	assert.Equal(t, crm.MillisOf(start.Add(time.Minute)), last.IssuedAt)

	h.clock.Advance(25 * time.Hour)
	assert.Len(t, byState(oauth.StateExpired), 3, "the three access tokens")
}

func TestAdminTokenActions(t *testing.T) {
	h := newHarness(t)
	resp := h.locationTokens()
	access, refresh := oauth.TokenID(resp.AccessToken), oauth.TokenID(resp.RefreshToken)

	// Another replica of the client used the refresh token.
	require.NoError(t, h.svc.ConsumeRefreshToken(t.Context(), refresh))
	_, e := h.refresh(resp.RefreshToken)
	refused(t, e, http.StatusUnauthorized, invalidRefresh)
	assert.Contains(t, e.Reason, "already used at")
	assert.ErrorIs(t, h.svc.ConsumeRefreshToken(t.Context(), access), oauth.ErrInvalid)

	require.NoError(t, h.svc.ExpireToken(t.Context(), access))
	require.NoError(t, h.svc.ExpireToken(t.Context(), access), "expiring an expired token is no error")
	info := h.svc.Tokens(oauth.TokenFilter{Kind: oauth.KindAccess})[0]
	assert.Equal(t, oauth.StateExpired, info.State)
	assert.Equal(t, crm.Millis(info.Claims.ExpiresAt), crm.MillisOf(start.Add(86400*time.Second)), "the JWT's exp stays as signed")

	other := h.companyTokens(loc2)
	n, err := h.svc.RevokeFamily(t.Context(), h.svc.Tokens(oauth.TokenFilter{LocationID: loc1})[0].Family)
	require.NoError(t, err)
	assert.Equal(t, 1, n, "the refresh token; the access token had expired already")
	h.principal(other.AccessToken)

	for _, err := range []error{
		h.svc.ExpireToken(t.Context(), "nope"), h.svc.RevokeToken(t.Context(), "nope"), h.svc.ConsumeRefreshToken(t.Context(), "nope"),
	} {
		assert.ErrorIs(t, err, oauth.ErrNotFound)
	}
	_, err = h.svc.RevokeFamily(t.Context(), "nope")
	assert.ErrorIs(t, err, oauth.ErrNotFound)
}

func TestListingsAreCopies(t *testing.T) {
	h := newHarness(t)
	h.locationTokens()
	h.svc.Apps()[0].Scopes[0] = "changed"
	h.svc.Companies()[0].Locations[0].Name = "changed"
	h.svc.Installs()[0].Locations[0].LocationID = "changed"
	h.svc.Tokens(oauth.TokenFilter{})[0].Scopes[0] = "changed"
	assert.Equal(t, "contacts.readonly", h.svc.Apps()[0].Scopes[0])
	assert.Equal(t, "Acme Dental", h.svc.Companies()[0].Locations[0].Name)
	assert.Equal(t, loc1, h.svc.Installs()[0].Locations[0].LocationID)
	assert.Equal(t, "contacts.readonly", h.svc.Tokens(oauth.TokenFilter{})[0].Scopes[0])
}

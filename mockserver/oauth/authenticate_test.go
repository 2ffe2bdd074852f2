package oauth_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/oauth"
)

func TestAuthenticateExpiresOnTheClock(t *testing.T) {
	cases := []struct {
		name   string
		tokens func(h *harness) *oauth.TokenResponse
		life   time.Duration
	}{
		{"Location token", (*harness).locationTokens, 86400 * time.Second},
		{"Company token", func(h *harness) *oauth.TokenResponse { return h.companyTokens(loc1) }, 86399 * time.Second},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			resp := c.tokens(h)
			p := h.principal(resp.AccessToken)
			assert.Equal(t, start.Add(c.life), p.ExpiresAt)

			h.clock.Advance(c.life - time.Millisecond)
			h.principal(resp.AccessToken) // the last millisecond of its life
			h.clock.Advance(time.Millisecond)
			_, r := h.svc.Authenticate(resp.AccessToken)
			require.NotNil(t, r)
			assert.Equal(t, "token expired at "+start.Add(c.life).Format("2006-01-02T15:04:05.000Z")+
				" (the clock reads "+start.Add(c.life).Format("2006-01-02T15:04:05.000Z")+")", r.Reason)
		})
	}
}

func TestAuthenticatePrincipal(t *testing.T) {
	h := newHarness(t)
	resp := h.companyTokens(loc1)
	p := h.principal(resp.AccessToken)
	install := h.svc.Installs()[0]
	assert.Equal(t, oauth.Principal{
		AuthClass: oauth.ClassCompany, AuthClassID: companyID, CompanyID: companyID,
		AppID: appID, ClientID: clientID, VersionID: appID, InstallID: install.ID, UserID: install.UserID,
		Scopes: []string{"contacts.readonly", "contacts.write"}, ExpiresAt: start.Add(86399 * time.Second),
		TokenID: oauth.TokenID(resp.AccessToken),
	}, p)
	assert.True(t, p.HasScope("contacts.write"))
	assert.False(t, p.HasScope("oauth.write"))
	assert.Equal(t, companyID, p.Resource(), "rate limits count per app and company")

	p.Scopes[0] = "changed"
	assert.Equal(t, "contacts.readonly", h.principal(resp.AccessToken).Scopes[0], "a principal is a copy")
}

func TestAuthenticateRefusals(t *testing.T) {
	cases := []struct {
		name   string
		bearer func(h *harness, p *oauth.TokenResponse) string
		reason string
	}{
		{"not a JWT", func(*harness, *oauth.TokenResponse) string { return "pit-6a3e0f1c-7b2d-4a8e-9f10-1c2d3e4f5a6b" }, "not a JWT"},
		{"JWT-shaped garbage", func(*harness, *oauth.TokenResponse) string { return "eyJhbGciOi.eyJzdWIi.c2ln" }, "not a JWT: token is malformed"},
		{"forged claims", func(_ *harness, p *oauth.TokenResponse) string { return forge(t, p.AccessToken) },
			"signature invalid: not signed by this mock's key"},
		{"signed by another key", func(_ *harness, p *oauth.TokenResponse) string { return resign(t, p.AccessToken) },
			`signature invalid: kid "someone-else" is not this mock's key`},
		{"alg none", func(_ *harness, p *oauth.TokenResponse) string { return algNone(t, p.AccessToken) },
			"signature invalid: not signed by this mock's key (token signature is invalid: signing method none is invalid)"},
		{"a refresh token", func(_ *harness, p *oauth.TokenResponse) string { return p.RefreshToken }, "a refresh token, not an access token"},
		{"revoked", func(h *harness, p *oauth.TokenResponse) string {
			require.NoError(t, h.svc.RevokeToken(t.Context(), oauth.TokenID(p.AccessToken)))
			return p.AccessToken
		}, "token revoked at 2026-07-02T06:16:19.849Z: revoked through the admin API"},
		{"expired by an admin", func(h *harness, p *oauth.TokenResponse) string {
			require.NoError(t, h.svc.ExpireToken(t.Context(), oauth.TokenID(p.AccessToken)))
			return p.AccessToken
		}, "token expired at 2026-07-02T06:16:19.849Z"},
		{"lost by a reset", func(h *harness, p *oauth.TokenResponse) string {
			require.NoError(t, h.svc.Reset(t.Context()))
			return p.AccessToken
		}, "signed by this mock but not in its state"},
		{"its app gone from the fixtures", func(h *harness, p *oauth.TokenResponse) string {
			snap, err := h.svc.Export()
			require.NoError(t, err)
			for i := range snap.Tokens {
				snap.Tokens[i].AppID = "5f0000000000000000000000"
			}
			require.NoError(t, h.svc.Import(t.Context(), snap))
			return p.AccessToken
		}, "the token's app 5f0000000000000000000000 is no longer in the fixtures"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			bearer := c.bearer(h, h.locationTokens())
			_, r := h.svc.Authenticate(bearer)
			require.NotNil(t, r, "refused")
			assert.Contains(t, r.Reason, c.reason)
			assert.Equal(t, r.Reason, r.Error())
		})
	}
}

func TestLooksLikeJWT(t *testing.T) {
	h := newHarness(t)
	assert.True(t, oauth.LooksLikeJWT(h.locationTokens().AccessToken))
	for _, s := range []string{"pit-6a3e0f1c-7b2d-4a8e-9f10-1c2d3e4f5a6b", "", "a.b.c", "eyJ.only-two"} {
		assert.False(t, oauth.LooksLikeJWT(s), s)
	}
}

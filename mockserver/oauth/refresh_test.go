package oauth_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/oauth"
)

var invalidRefresh = oauthBody("UnAuthorized!", "Invalid refresh token")

func TestRefreshRotates(t *testing.T) {
	h := newHarness(t)
	first := h.locationTokens()
	h.clock.Advance(25 * time.Hour)
	_, r := h.svc.Authenticate(first.AccessToken)
	require.NotNil(t, r, "the access token expired")

	second, e := h.refresh(first.RefreshToken)
	require.Nil(t, e)
	assert.NotEqual(t, first.AccessToken, second.AccessToken)
	assert.NotEqual(t, first.RefreshToken, second.RefreshToken, "the refresh token rotates")
	assert.Equal(t, first.Scope, second.Scope)
	assert.Equal(t, oauth.ClassLocation, second.UserType)
	assert.Equal(t, loc1, second.LocationID)
	assert.Equal(t, first.UserID, second.UserID)
	assert.Equal(t, 86400, second.ExpiresIn)
	h.principal(second.AccessToken)

	_, claims, _ := jwtParts(t, second.RefreshToken)
	assert.InDelta(t, float64(start.Add(25*time.Hour).UnixMilli())/1000+365*24*3600, claims["exp"].(float64), 0.0005,
		"the new refresh token lives a year from its rotation")

	// Both pairs are of one family; the new ones descend from the old refresh token.
	old := h.svc.Tokens(oauth.TokenFilter{Kind: oauth.KindRefresh})
	require.Len(t, old, 2)
	assert.Equal(t, old[0].Family, old[1].Family)
	assert.Equal(t, old[0].ID, old[1].Parent)
	assert.Equal(t, oauth.StateUsed, old[0].State)
	assert.Equal(t, oauth.StateLive, old[1].State)
	assert.Equal(t, oauth.GrantRefreshToken, old[1].Grant)

	third, e := h.refresh(second.RefreshToken)
	require.Nil(t, e, "the rotated token refreshes in turn")
	h.principal(third.AccessToken)
}

func TestRefreshCompanyToken(t *testing.T) {
	h := newHarness(t)
	first := h.companyTokens(loc1)
	resp, e := h.svc.Token(t.Context(), oauth.TokenInput{
		GrantType: "refresh_token", ClientID: clientID, ClientSecret: clientSecret, RefreshToken: first.RefreshToken, UserType: "Company",
	})
	require.Nil(t, e)
	assert.Equal(t, oauth.ClassCompany, resp.UserType)
	assert.Equal(t, 86399, resp.ExpiresIn)
	assert.Equal(t, []string{loc1}, resp.ApprovedLocations)
}

func TestRefreshReusePolicies(t *testing.T) {
	cases := []struct {
		name    string
		policy  string
		after   time.Duration // between the first use and the reuse
		allowed bool
		reason  string
	}{
		{"reject", "reject", time.Second, false, "refresh token already used at 2026-07-02T06:16:19.849Z (refresh tokens rotate)"},
		{"grace, within", "grace:30s", 30 * time.Second, true, ""},
		{"grace, beyond", "grace:30s", 31 * time.Second, false, "refresh token reused 31s after its first use at 2026-07-02T06:16:19.849Z, beyond the 30s grace"},
		{"allow", "allow", 300 * 24 * time.Hour, true, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			policy, err := oauth.ParseReusePolicy(c.policy)
			require.NoError(t, err)
			h := newHarness(t, withSettings(func(s *oauth.Settings) { s.RefreshReuse = policy }))
			first := h.locationTokens()
			rotated, e := h.refresh(first.RefreshToken)
			require.Nil(t, e)
			h.clock.Advance(c.after)
			again, e := h.refresh(first.RefreshToken)
			if !c.allowed {
				refused(t, e, http.StatusUnauthorized, invalidRefresh)
				assert.Equal(t, c.reason, e.Reason)
				h.principal(rotated.AccessToken) // no family revocation by default
				return
			}
			require.Nil(t, e)
			assert.NotEqual(t, rotated.RefreshToken, again.RefreshToken, "a new pair each time")
			h.principal(again.AccessToken)
			used := h.svc.Tokens(oauth.TokenFilter{Kind: oauth.KindRefresh, State: oauth.StateUsed})
			require.Len(t, used, 1)
			assert.Equal(t, 1, used[0].Reuses)
		})
	}
}

func TestReuseRevokesFamily(t *testing.T) {
	h := newHarness(t, withSettings(func(s *oauth.Settings) { s.ReuseRevokesFamily = true }))
	other := h.companyTokens(loc1) // another family, which must survive
	first := h.locationTokens()
	rotated, e := h.refresh(first.RefreshToken)
	require.Nil(t, e)

	_, e = h.refresh(first.RefreshToken)
	refused(t, e, http.StatusUnauthorized, invalidRefresh)
	assert.Contains(t, e.Reason, "revoked (4 tokens)", "both pairs of the family, the reused token included")

	_, r := h.svc.Authenticate(first.AccessToken)
	require.NotNil(t, r)
	_, r = h.svc.Authenticate(rotated.AccessToken)
	require.NotNil(t, r)
	assert.Contains(t, r.Reason, "token revoked at 2026-07-02T06:16:19.849Z: refresh token")
	_, e = h.refresh(rotated.RefreshToken)
	refused(t, e, http.StatusUnauthorized, invalidRefresh)
	assert.Contains(t, e.Reason, "refresh token revoked at")
	h.principal(other.AccessToken)
	_, e = h.refresh(other.RefreshToken)
	assert.Nil(t, e)
}

func TestRefreshRefusals(t *testing.T) {
	cases := []struct {
		name   string
		token  func(h *harness, pair *oauth.TokenResponse) string
		change func(in *oauth.TokenInput)
		body   *oauth.OAuthErrorBody
		reason string
	}{
		{"no refresh token", func(*harness, *oauth.TokenResponse) string { return "" }, nil, invalidRefresh, "no refresh_token"},
		{"garbage", func(*harness, *oauth.TokenResponse) string { return "not-a-token" }, nil, invalidRefresh, "unknown refresh token: not a JWT"},
		{"forged claims", func(_ *harness, p *oauth.TokenResponse) string { return forge(t, p.RefreshToken) }, nil, invalidRefresh,
			"unknown refresh token: signature invalid: not signed by this mock's key"},
		{"signed by another key", func(_ *harness, p *oauth.TokenResponse) string { return resign(t, p.RefreshToken) }, nil, invalidRefresh,
			"unknown refresh token: signature invalid: kid"},
		{"alg none", func(_ *harness, p *oauth.TokenResponse) string { return algNone(t, p.RefreshToken) }, nil, invalidRefresh,
			"unknown refresh token: signature invalid"},
		{"an access token", func(_ *harness, p *oauth.TokenResponse) string { return p.AccessToken }, nil, invalidRefresh,
			"an access token was sent as refresh_token"},
		{"expired after a year", func(h *harness, p *oauth.TokenResponse) string {
			h.clock.Advance(365 * 24 * time.Hour)
			return p.RefreshToken
		}, nil, invalidRefresh, "refresh token expired at 2027-07-02T06:16:19.849Z"},
		{"revoked", func(h *harness, p *oauth.TokenResponse) string {
			require.NoError(t, h.svc.RevokeToken(t.Context(), oauth.TokenID(p.RefreshToken)))
			return p.RefreshToken
		}, nil, invalidRefresh, "refresh token revoked at 2026-07-02T06:16:19.849Z: revoked through the admin API"},
		{"wrong secret", func(_ *harness, p *oauth.TokenResponse) string { return p.RefreshToken },
			func(in *oauth.TokenInput) { in.ClientSecret = "2c0e1d6a-94b1-4f3e-9a57-6f1c2b8e0d12" },
			oauthBody("UnAuthorized!", "Invalid client credentials!"), "wrong client secret"},
		{"wrong user_type", func(_ *harness, p *oauth.TokenResponse) string { return p.RefreshToken },
			func(in *oauth.TokenInput) { in.UserType = "Company" },
			oauthBody("UnAuthorized!", "User type mismatch"), "user_type Company asked for a Location grant"},
		{"lost by a reset", func(h *harness, p *oauth.TokenResponse) string {
			require.NoError(t, h.svc.Reset(t.Context()))
			return p.RefreshToken
		}, nil, invalidRefresh, "signed by this mock but not in its state"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			p := h.locationTokens()
			in := oauth.TokenInput{GrantType: "refresh_token", ClientID: clientID, ClientSecret: clientSecret, RefreshToken: c.token(h, p)}
			if c.change != nil {
				c.change(&in)
			}
			_, e := h.svc.Token(t.Context(), in)
			refused(t, e, http.StatusUnauthorized, c.body)
			assert.Contains(t, e.Reason, c.reason)
		})
	}
}

// forge changes a token's payload (another location) and keeps its signature.
func forge(t *testing.T, token string) string {
	t.Helper()
	parts := strings.Split(token, ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	forged := strings.Replace(string(payload), loc1, loc2, 2)
	require.NotEqual(t, string(payload), forged)
	return parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(forged)) + "." + parts[2]
}

// resign signs a token's claims with a key of another issuer, under another kid.
func resign(t *testing.T, token string) string {
	t.Helper()
	_, claims, err := oauth.DecodeToken(token)
	require.NoError(t, err)
	other, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = "someone-else"
	s, err := tok.SignedString(other)
	require.NoError(t, err)
	return s
}

// algNone makes the classic unsigned forgery of a token.
func algNone(t *testing.T, token string) string {
	t.Helper()
	_, claims, err := oauth.DecodeToken(token)
	require.NoError(t, err)
	s, err := jwt.NewWithClaims(jwt.SigningMethodNone, claims).SignedString(jwt.UnsafeAllowNoneSignatureType)
	require.NoError(t, err)
	return s
}

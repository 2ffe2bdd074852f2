package oauth_test

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/oauth"
)

// jwtParts decodes a JWT's header and payload as plain JSON, not through the
// package's types, so that names and types are checked as a client sees them.
func jwtParts(t *testing.T, token string) (header, payload map[string]any, rawPayload string) {
	t.Helper()
	parts := strings.Split(token, ".")
	require.Len(t, parts, 3)
	decode := func(seg string, into *map[string]any) string {
		b, err := base64.RawURLEncoding.DecodeString(seg)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(b, into))
		return string(b)
	}
	decode(parts[0], &header)
	rawPayload = decode(parts[1], &payload)
	return header, payload, rawPayload
}

func TestTimestampJSON(t *testing.T) {
	cases := []struct {
		ms   int64
		want string
	}{
		{1751436979849, "1751436979.849"},
		{1751436979800, "1751436979.8"},
		{1751436979050, "1751436979.05"},
		{1751436979000, "1751436979"},
	}
	for _, c := range cases {
		b, err := json.Marshal(oauth.Timestamp(c.ms))
		require.NoError(t, err)
		assert.Equal(t, c.want, string(b))
		var back oauth.Timestamp
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, oauth.Timestamp(c.ms), back, c.want)
	}
	var ts oauth.Timestamp
	assert.Error(t, json.Unmarshal([]byte(`"soon"`), &ts))
}

func TestAccessTokenClaims(t *testing.T) {
	cases := []struct {
		name      string
		resp      func(h *harness) *oauth.TokenResponse
		class     string
		classID   string
		life      float64
		plan      any // nil: no agencyPlan claim
		wantScope []any
	}{
		{"Location token", (*harness).locationTokens, "Location", loc1, 86400, nil, []any{"contacts.readonly", "contacts.write"}},
		{"Company token", func(h *harness) *oauth.TokenResponse { return h.companyTokens(loc1, loc2) }, "Company", companyID, 86399, "agency_annual_97",
			[]any{"contacts.readonly", "contacts.write"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := c.resp(newHarness(t))
			header, claims, raw := jwtParts(t, resp.AccessToken)
			assert.Equal(t, map[string]any{"alg": "RS256", "typ": "JWT", "kid": oauth.KeyID(&testKey().PublicKey)}, header)

			wantKeys := []string{"authClass", "authClassId", "source", "sourceId", "channel", "primaryAuthClassId", "oauthMeta", "iat", "exp"}
			assert.ElementsMatch(t, wantKeys, keys(claims), "exactly GHL's claims: no iss, aud, sub or jti")
			assert.True(t, strings.HasPrefix(raw, `{"authClass":`), "GHL's claim order: %s", raw)
			assert.Equal(t, c.class, claims["authClass"])
			assert.Equal(t, c.classID, claims["authClassId"])
			assert.Equal(t, c.classID, claims["primaryAuthClassId"])
			assert.Equal(t, "INTEGRATION", claims["source"])
			assert.Equal(t, clientID, claims["sourceId"])
			assert.Equal(t, "OAUTH", claims["channel"])

			meta, ok := claims["oauthMeta"].(map[string]any)
			require.True(t, ok, "oauthMeta is an object")
			assert.Equal(t, c.wantScope, meta["scopes"], "scopes is an array")
			assert.Equal(t, appID, meta["client"])
			assert.Equal(t, appID, meta["versionId"])
			assert.Equal(t, clientID, meta["clientKey"])
			assert.Equal(t, c.plan, meta["agencyPlan"])

			iat, ok := claims["iat"].(float64)
			require.True(t, ok, "iat is a number")
			exp, ok := claims["exp"].(float64)
			require.True(t, ok, "exp is a number")
			assert.Contains(t, raw, `"iat":1782972979.849`, "fractional seconds, as GHL writes them")
			assert.InDelta(t, float64(start.UnixMilli())/1000, iat, 0.0005)
			assert.InDelta(t, c.life, exp-iat, 0.0005)
			assert.Equal(t, int(c.life), resp.ExpiresIn, "expires_in matches the token's life")
		})
	}
}

func TestRefreshTokenClaims(t *testing.T) {
	h := newHarness(t)
	resp := h.locationTokens()
	_, access, _ := jwtParts(t, resp.AccessToken)
	_, refresh, _ := jwtParts(t, resp.RefreshToken)

	assert.ElementsMatch(t, append(keys(access), "uniqueId", "v"), keys(refresh), "the access token's claims plus uniqueId and v")
	for _, k := range []string{"authClass", "authClassId", "source", "sourceId", "channel", "primaryAuthClassId", "oauthMeta", "iat"} {
		assert.Equal(t, access[k], refresh[k], k)
	}
	assert.Equal(t, "2", refresh["v"])
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, refresh["uniqueId"])
	assert.InDelta(t, (365 * 24 * time.Hour).Seconds(), refresh["exp"].(float64)-refresh["iat"].(float64), 0.0005)
}

func TestDecodeToken(t *testing.T) {
	h := newHarness(t)
	resp := h.companyTokens(loc1)
	header, c, err := oauth.DecodeToken(resp.AccessToken)
	require.NoError(t, err)
	assert.Equal(t, "RS256", header["alg"])
	assert.Equal(t, oauth.ClassCompany, c.AuthClass)
	assert.Equal(t, oauth.TimestampOf(start), c.IssuedAt)
	_, _, err = oauth.DecodeToken("pit-6a3e0f1c")
	assert.Error(t, err)
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

package dashboard_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver"
	"github.com/ghlmock/ghlmock/mockserver/oauth"
)

// The default fixtures' marketplace app (fixtures/default.yaml).
const (
	oauthClientID     = "6650e2c1a8b4f7d3e9c01a2e-ghlmock1"
	oauthClientSecret = "3f9c2a71-5d4e-4b8a-9c6f-1e2d3c4b5a60"
)

// TestOAuthPageRevokes: the OAuth page lists the server's apps, installs
// and tokens, and revoking a token there makes the API refuse it.
func TestOAuthPageRevokes(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	srv := newMock(t, mockserver.Config{OAuthKey: key})
	ts := serve(t, srv)
	post := func(path, ct, body string, hdr map[string]string) *http.Response {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, ts.URL+path, strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", ct)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		t.Cleanup(func() { _ = res.Body.Close() })
		return res
	}
	res := post("/_mock/oauth/authorize", "application/json", `{"clientId":"`+oauthClientID+`","locationId":"`+acme+`"}`, nil)
	require.Equal(t, http.StatusOK, res.StatusCode)
	code, _ := jsonOf(t, res)["code"].(string)
	form := url.Values{"client_id": {oauthClientID}, "client_secret": {oauthClientSecret}, "grant_type": {"authorization_code"}, "code": {code}}
	res = post("/oauth/token", "application/x-www-form-urlencoded", form.Encode(), nil)
	require.Equal(t, http.StatusOK, res.StatusCode)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&tok))
	id := oauth.TokenID(tok.AccessToken)

	pageRes, err := http.Get(ts.URL + "/_mock/ui/oauth")
	require.NoError(t, err)
	page := text(t, pageRes)
	_ = pageRes.Body.Close()
	assert.NotContains(t, page, "Not available")
	assert.Contains(t, page, oauthClientID)
	assert.Contains(t, page, `data-revoke="`+id+`"`, "the live access token, with its revoke button")

	call := func() int {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, ts.URL+"/contacts/"+ada, nil)
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		req.Header.Set("Version", "2021-07-28")
		r, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_ = r.Body.Close()
		return r.StatusCode
	}
	require.Equal(t, http.StatusOK, call())
	res = post("/_mock/ui/api/oauth/tokens/"+id+"/revoke", "application/json", "{}", map[string]string{"X-CSRF-Token": csrfOf(t, page)})
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, http.StatusUnauthorized, call(), "revoked in the dashboard, refused by the API")
	pageRes, err = http.Get(ts.URL + "/_mock/ui/oauth")
	require.NoError(t, err)
	after := text(t, pageRes)
	_ = pageRes.Body.Close()
	assert.NotContains(t, after, `data-revoke="`+id+`"`, "nothing left to revoke")
	assert.Contains(t, after, `<span class="pill">revoked</span>`)
	res = post("/_mock/ui/api/oauth/tokens/nope/revoke", "application/json", "{}", map[string]string{"X-CSRF-Token": csrfOf(t, page)})
	assert.Equal(t, http.StatusNotFound, res.StatusCode, "refused as the admin API refuses it")
	assert.Contains(t, text(t, res), `no token`)
	admin := post("/_mock/oauth/tokens/nope/revoke", "application/json", "{}", nil)
	assert.Equal(t, http.StatusNotFound, admin.StatusCode, "the admin API's answer to the same")
}

package mockserver_test

import (
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"html"
	"io"
	"math/big"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver"
	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/fixture"
	"github.com/ghlmock/ghlmock/mockserver/oauth"
	"github.com/ghlmock/ghlmock/mockserver/ratelimit"
)

// The default fixtures' marketplace app (fixtures/default.yaml), installed
// from the agency's view on both locations.
const (
	appID        = "6650e2c1a8b4f7d3e9c01a2e"
	clientID     = appID + "-ghlmock1"
	clientSecret = "3f9c2a71-5d4e-4b8a-9c6f-1e2d3c4b5a60"
	companyID    = "ncTg6Q3fkTB8tVHocj3U"
	redirectURI  = "http://127.0.0.1:3000/oauth/callback"
	otherLoc     = "5YtuALNUEJMUUqAsab3w"
)

// testKey is one signing key for every mock of the tests: making a 4096-bit
// key takes a second or two.
var testKey = sync.OnceValues(func() (*rsa.PrivateKey, error) { return oauth.GenerateKey() })

func withOAuthKey(t *testing.T) func(*mockserver.Config) {
	k, err := testKey()
	require.NoError(t, err)
	return func(c *mockserver.Config) { c.OAuthKey = k }
}

func setupOAuth(t *testing.T, mutate ...func(*mockserver.Config)) *harness {
	t.Helper()
	return setup(t, append([]func(*mockserver.Config){withOAuthKey(t)}, mutate...)...)
}

// post sends a form to path with a bearer (none when "") and a Version
// (none when ""), and checks the answer against the document.
func (h *harness) post(path string, form url.Values, bearer, version string) *response {
	h.t.Helper()
	req, err := http.NewRequestWithContext(h.t.Context(), http.MethodPost, h.ts.URL+path, strings.NewReader(form.Encode()))
	require.NoError(h.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	if version != "" {
		req.Header.Set("Version", version)
	}
	return h.send(req)
}

// get sends a GET with a bearer and Version, checked against the document.
func (h *harness) get(path, bearer, version string) *response {
	h.t.Helper()
	req, err := http.NewRequestWithContext(h.t.Context(), http.MethodGet, h.ts.URL+path, nil)
	require.NoError(h.t, err)
	req.Header.Set("Authorization", "Bearer "+bearer)
	if version != "" {
		req.Header.Set("Version", version)
	}
	return h.send(req)
}

func (h *harness) send(req *http.Request) *response {
	h.t.Helper()
	res, err := h.ts.Client().Do(req)
	require.NoError(h.t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(h.t, err)
	r := &response{Status: res.StatusCode, Header: res.Header, Body: raw}
	op, params, err := h.spec.Match(req.Method, req.URL.EscapedPath())
	if err == nil {
		req.Body = io.NopCloser(strings.NewReader(""))
		in := &openapi3filter.ResponseValidationInput{
			RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: op.Route},
			Status:                 r.Status, Header: r.Header,
			Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
		}
		in.SetBodyBytes(r.Body)
		assert.NoError(h.t, openapi3filter.ValidateResponse(h.t.Context(), in), "%s %s → %d does not match the document: %s", req.Method, req.URL.Path, r.Status, r.Body)
	}
	return r
}

// authorize installs the app as body says (admin API) and returns the code.
func (h *harness) authorize(body map[string]any) string {
	h.t.Helper()
	if body["clientId"] == nil {
		body["clientId"] = clientID
	}
	r := h.admin("POST", "/_mock/oauth/authorize", body)
	require.Equal(h.t, http.StatusOK, r.Status, "%s", r.Body)
	m := r.JSON(h.t)
	assert.Equal(h.t, redirectURI, m["redirectUri"])
	assert.Equal(h.t, redirectURI+"?code="+m["code"].(string), m["redirectUrl"])
	return m["code"].(string)
}

// tokens is a token answer.
type tokens struct {
	AccessToken  string   `json:"access_token"`
	RefreshToken string   `json:"refresh_token"`
	ExpiresIn    int      `json:"expires_in"`
	Scope        string   `json:"scope"`
	UserType     string   `json:"userType"`
	LocationID   string   `json:"locationId"`
	CompanyID    string   `json:"companyId"`
	UserID       string   `json:"userId"`
	Approved     []string `json:"approvedLocations"`
}

func (h *harness) exchange(code string) tokens {
	h.t.Helper()
	r := h.post("/oauth/token", url.Values{
		"client_id": {clientID}, "client_secret": {clientSecret}, "grant_type": {"authorization_code"}, "code": {code},
	}, "", "")
	require.Equal(h.t, http.StatusOK, r.Status, "%s", r.Body)
	var tk tokens
	require.NoError(h.t, json.Unmarshal(r.Body, &tk))
	return tk
}

func (h *harness) refresh(refreshToken string) *response {
	h.t.Helper()
	return h.post("/oauth/token", url.Values{
		"client_id": {clientID}, "client_secret": {clientSecret}, "grant_type": {"refresh_token"}, "refresh_token": {refreshToken},
	}, "", "")
}

// locationTokens are tokens of the app installed from location 1's view.
func (h *harness) locationTokens() tokens {
	h.t.Helper()
	return h.exchange(h.authorize(map[string]any{"locationId": h.loc}))
}

// companyTokens are tokens of the fixtures' agency install.
func (h *harness) companyTokens() tokens {
	h.t.Helper()
	return h.exchange(h.authorize(map[string]any{"companyId": companyID}))
}

func oauthError(t *testing.T, r *response) (string, string) {
	t.Helper()
	var b struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	require.NoError(t, json.Unmarshal(r.Body, &b), "%s", r.Body)
	return b.Error, b.Description
}

func TestOAuthFixturesListCompaniesAndApps(t *testing.T) {
	h := setupOAuth(t)
	sum := h.fx.Resolved()
	require.Len(t, sum.Companies, 1)
	assert.Equal(t, companyID, sum.Companies[0].ID)
	assert.Equal(t, []string{h.loc, h.other}, sum.Companies[0].LocationIDs)
	var app *struct{ clientID, secret string }
	for _, a := range sum.Apps {
		if a.ID == appID {
			require.NotNil(t, a.OAuthAppSummary)
			app = &struct{ clientID, secret string }{a.ClientID, a.ClientSecret}
			assert.Equal(t, []string{"contacts.readonly", "contacts.write"}, a.Scopes)
			assert.Contains(t, a.RedirectURIs, redirectURI)
			require.Len(t, a.Installs, 1)
			assert.Equal(t, []string{h.loc, h.other}, a.Installs[0].LocationIDs)
		} else {
			assert.Nil(t, a.OAuthAppSummary, "%s is no OAuth client", a.ID)
		}
	}
	require.NotNil(t, app)
	assert.Equal(t, clientID, app.clientID)
	assert.Equal(t, clientSecret, app.secret)
	raw, err := json.Marshal(sum)
	require.NoError(t, err)
	assert.Contains(t, string(raw), `"clientId":"`+clientID+`"`, "the JSON keys scripts read")
	assert.Contains(t, string(raw), `"clientSecret":"`+clientSecret+`"`)
	assert.Contains(t, string(raw), `"redirectUris":[`)
	// The PITs work as before.
	assert.Equal(t, http.StatusOK, h.do(call{path: "/contacts/" + ada}).Status)
}

// TestOAuthCodeExchangeAndAPICalls: the authorize → code → token flow; the
// Location token authenticates like a PIT of its location; the code works once.
func TestOAuthCodeExchangeAndAPICalls(t *testing.T) {
	h := setupOAuth(t)
	code := h.authorize(map[string]any{"locationId": h.loc})

	// Bogus credentials with a real code: the credentials are refused...
	r := h.post("/oauth/token", url.Values{"client_id": {clientID}, "client_secret": {"nope"}, "grant_type": {"authorization_code"}, "code": {code}}, "", "")
	assert.Equal(t, http.StatusUnauthorized, r.Status)
	_, desc := oauthError(t, r)
	assert.Equal(t, "Invalid client credentials!", desc)

	tk := h.exchange(code)
	assert.Equal(t, "Location", tk.UserType)
	assert.Equal(t, h.loc, tk.LocationID)
	assert.Equal(t, companyID, tk.CompanyID)
	assert.Equal(t, 86400, tk.ExpiresIn)
	assert.Equal(t, "contacts.readonly contacts.write", tk.Scope)
	assert.NotEmpty(t, tk.UserID)
	assert.NotEmpty(t, tk.RefreshToken)

	// ... and the code is single-use: GHL's answer, before the credentials.
	r = h.post("/oauth/token", url.Values{"client_id": {"x"}, "client_secret": {"y"}, "grant_type": {"authorization_code"}, "code": {code}}, "", "")
	assert.Equal(t, http.StatusUnauthorized, r.Status)
	e, desc := oauthError(t, r)
	assert.Equal(t, "UnAuthorized!", e)
	assert.Equal(t, "Authorization code not found", desc)

	// The token is a location's: scope, location and Version as a PIT's.
	assert.Equal(t, http.StatusOK, h.do(call{path: "/contacts/" + ada, token: &tk.AccessToken}).Status)
	created := h.do(call{method: "POST", path: "/contacts/", token: &tk.AccessToken, body: map[string]any{"locationId": h.loc, "firstName": "Oauth"}})
	assert.Equal(t, http.StatusCreated, created.Status, "%s", created.Body)
	r = h.do(call{path: "/contacts/?locationId=" + h.other, token: &tk.AccessToken})
	assert.Equal(t, http.StatusForbidden, r.Status)
	assert.Equal(t, "The token does not have access to this location.", errorMessage(t, r))
	r = h.do(call{path: "/contacts/" + ada, token: &tk.AccessToken, version: str("")})
	assert.Equal(t, http.StatusUnauthorized, r.Status)
	assert.Equal(t, "version header was not found.", errorMessage(t, r))
	// A refresh token is no access token.
	r = h.do(call{path: "/contacts/" + ada, token: &tk.RefreshToken})
	assert.Equal(t, http.StatusUnauthorized, r.Status)
	assert.Equal(t, "Invalid JWT", errorMessage(t, r))
}

// TestOAuthScopesOfTheToken: a token whose app lacks contacts.write gets
// GHL's scope answer on a write, as a read-only PIT does.
func TestOAuthScopesOfTheToken(t *testing.T) {
	h := setupOAuth(t)
	tk := h.locationTokens()
	// Drop contacts.write from the stored token's scopes through the state:
	// export, edit, import.
	r := h.admin("GET", "/_mock/oauth/state", nil)
	require.Equal(t, http.StatusOK, r.Status)
	var snap oauth.Snapshot
	require.NoError(t, json.Unmarshal(r.Body, &snap))
	for i := range snap.Tokens {
		snap.Tokens[i].Scopes = []string{"contacts.readonly"}
	}
	require.Equal(t, http.StatusOK, h.admin("PUT", "/_mock/oauth/state", snap).Status)
	assert.Equal(t, http.StatusOK, h.do(call{path: "/contacts/" + ada, token: &tk.AccessToken}).Status)
	r = h.do(call{method: "PUT", path: "/contacts/" + ada, token: &tk.AccessToken, body: map[string]any{"city": "Paris"}})
	assert.Equal(t, http.StatusUnauthorized, r.Status)
	assert.Equal(t, "The token is not authorized for this scope.", errorMessage(t, r))
}

// TestOAuthRefreshRotates: a refresh answers a new pair; the refresh token
// sent is used up, and a second use is refused (settings.oauth.refreshReuse:
// reject).
func TestOAuthRefreshRotates(t *testing.T) {
	h := setupOAuth(t)
	first := h.locationTokens()
	r := h.refresh(first.RefreshToken)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	var second tokens
	require.NoError(t, json.Unmarshal(r.Body, &second))
	assert.NotEqual(t, first.RefreshToken, second.RefreshToken, "rotated")
	assert.NotEqual(t, first.AccessToken, second.AccessToken)
	assert.Equal(t, h.loc, second.LocationID)
	assert.Equal(t, http.StatusOK, h.do(call{path: "/contacts/" + ada, token: &second.AccessToken}).Status)

	r = h.refresh(first.RefreshToken)
	assert.Equal(t, http.StatusUnauthorized, r.Status, "a reused refresh token")
	_, desc := oauthError(t, r)
	assert.Equal(t, "Invalid refresh token", desc)
	assert.Equal(t, http.StatusOK, h.refresh(second.RefreshToken).Status, "its successor works")
	r = h.refresh("not-a-token")
	assert.Equal(t, http.StatusUnauthorized, r.Status, "a bogus one")
}

// TestOAuthRefreshReuseGrace: with refreshReuse grace:30s, a second use
// within 30 s of the first (on the mock's clock) is let through; after, not.
func TestOAuthRefreshReuseGrace(t *testing.T) {
	h := setupOAuth(t, func(c *mockserver.Config) {
		fx := *c.Fixtures
		fx.Settings.OAuth.RefreshReuse = oauth.ReusePolicy{Mode: oauth.ReuseGrace, Grace: 30 * time.Second}
		c.Fixtures = &fx
	})
	tk := h.locationTokens()
	require.Equal(t, http.StatusOK, h.refresh(tk.RefreshToken).Status)
	h.clock.Advance(20 * time.Second)
	assert.Equal(t, http.StatusOK, h.refresh(tk.RefreshToken).Status, "within the grace")
	h.clock.Advance(20 * time.Second)
	assert.Equal(t, http.StatusUnauthorized, h.refresh(tk.RefreshToken).Status, "beyond it")
}

// TestOAuthAccessTokenExpiresOnTheClock: a day on the mock's clock and the
// access token is GHL's 401 "Invalid JWT"; the refresh token still works and
// its new access token is accepted.
func TestOAuthAccessTokenExpiresOnTheClock(t *testing.T) {
	h := setupOAuth(t)
	tk := h.locationTokens()
	h.clock.Advance(86400*time.Second - time.Millisecond)
	assert.Equal(t, http.StatusOK, h.do(call{path: "/contacts/" + ada, token: &tk.AccessToken}).Status, "a millisecond before")
	h.clock.Advance(time.Millisecond)
	r := h.do(call{path: "/contacts/" + ada, token: &tk.AccessToken})
	assert.Equal(t, http.StatusUnauthorized, r.Status)
	assert.Equal(t, "Invalid JWT", errorMessage(t, r))
	assert.Equal(t, "Unauthorized", r.JSON(t)["error"])
	rr := h.refresh(tk.RefreshToken)
	require.Equal(t, http.StatusOK, rr.Status, "%s", rr.Body)
	var fresh tokens
	require.NoError(t, json.Unmarshal(rr.Body, &fresh))
	assert.Equal(t, http.StatusOK, h.do(call{path: "/contacts/" + ada, token: &fresh.AccessToken}).Status)

	// An admin expiry or revocation answers the same.
	id := oauth.TokenID(fresh.AccessToken)
	require.Equal(t, http.StatusOK, h.admin("POST", "/_mock/oauth/tokens/"+id+"/revoke", nil).Status)
	assert.Equal(t, http.StatusUnauthorized, h.do(call{path: "/contacts/" + ada, token: &fresh.AccessToken}).Status, "revoked")
}

// TestOAuthCompanyToken: the agency install's Company token is refused on
// the Contacts endpoints with GHL's authClass answer and exchanged for
// Location tokens with POST /oauth/locationToken (201, the oauth scopes
// added); the OAuth endpoints refuse a PIT and a Location token.
func TestOAuthCompanyToken(t *testing.T) {
	h := setupOAuth(t)
	co := h.companyTokens()
	assert.Equal(t, "Company", co.UserType)
	assert.Equal(t, 86399, co.ExpiresIn)
	assert.Equal(t, []string{h.loc, h.other}, co.Approved)
	assert.Empty(t, co.LocationID)

	r := h.do(call{path: "/contacts/?locationId=" + h.loc, token: &co.AccessToken})
	assert.Equal(t, http.StatusUnauthorized, r.Status)
	assert.Equal(t, "This authClass type is not allowed to access this scope. Please verify your IAM configuration if this is not the case.", errorMessage(t, r))

	r = h.post("/oauth/locationToken", url.Values{"companyId": {companyID}, "locationId": {h.other}}, co.AccessToken, "2021-07-28")
	require.Equal(t, http.StatusCreated, r.Status, "%s", r.Body)
	var lt tokens
	require.NoError(t, json.Unmarshal(r.Body, &lt))
	assert.Equal(t, h.other, lt.LocationID)
	assert.Equal(t, "contacts.readonly contacts.write oauth.readonly oauth.write", lt.Scope)
	assert.Equal(t, http.StatusOK, h.do(call{path: "/contacts/" + grace, token: &lt.AccessToken}).Status, "the Location token works on its location")
	assert.Equal(t, http.StatusForbidden, h.do(call{path: "/contacts/" + ada, token: &lt.AccessToken}).Status, "and only there")

	r = h.post("/oauth/locationToken", url.Values{"companyId": {companyID}, "locationId": {h.loc}}, h.rw, "2021-07-28")
	assert.Equal(t, http.StatusUnauthorized, r.Status, "a PIT")
	assert.Equal(t, "The token is not authorized for this scope.", errorMessage(t, r))
	r = h.post("/oauth/locationToken", url.Values{"companyId": {companyID}, "locationId": {h.loc}}, lt.AccessToken, "2021-07-28")
	assert.Equal(t, http.StatusUnauthorized, r.Status, "a Location token")
	r = h.post("/oauth/locationToken", url.Values{"companyId": {companyID}, "locationId": {h.loc}}, co.AccessToken, "")
	assert.Equal(t, http.StatusUnauthorized, r.Status, "no Version")
	assert.Equal(t, "version header was not found.", errorMessage(t, r))
	r = h.post("/oauth/locationToken", url.Values{"companyId": {companyID}}, co.AccessToken, "2021-07-28")
	assert.Equal(t, http.StatusUnprocessableEntity, r.Status, "no locationId: %s", r.Body)

	// Uninstalled from location 2: "Location not found".
	require.Equal(t, http.StatusOK, h.admin("DELETE", "/_mock/oauth/installs?appId="+appID+"&locationId="+h.other, nil).Status)
	r = h.post("/oauth/locationToken", url.Values{"companyId": {companyID}, "locationId": {h.other}}, co.AccessToken, "2021-07-28")
	assert.Equal(t, http.StatusBadRequest, r.Status)
	assert.Equal(t, "Location not found", errorMessage(t, r))
	assert.Equal(t, http.StatusUnauthorized, h.do(call{path: "/contacts/" + grace, token: &lt.AccessToken}).Status, "uninstalling revoked its token")

	r = h.get("/oauth/installedLocations?companyId="+companyID+"&appId="+appID, co.AccessToken, "2021-07-28")
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	var inst struct {
		Locations []struct {
			ID          string `json:"_id"`
			IsInstalled bool   `json:"isInstalled"`
		} `json:"locations"`
		Count int `json:"count"`
	}
	require.NoError(t, json.Unmarshal(r.Body, &inst))
	assert.Equal(t, 2, inst.Count)
	require.Len(t, inst.Locations, 2)
	assert.True(t, inst.Locations[0].IsInstalled)
	assert.False(t, inst.Locations[1].IsInstalled)
	r = h.get("/oauth/installedLocations?companyId="+companyID, co.AccessToken, "2021-07-28")
	assert.Equal(t, http.StatusUnprocessableEntity, r.Status, "appId is required: %s", r.Body)
}

// TestOAuthV3Paths: /oauth/location-token and /oauth/installed-locations
// exist under Version v3 only.
func TestOAuthV3Paths(t *testing.T) {
	h := setupOAuth(t)
	co := h.companyTokens()
	form := url.Values{"companyId": {companyID}, "locationId": {h.loc}}
	r := h.post("/oauth/location-token", form, co.AccessToken, "2021-07-28")
	assert.Equal(t, http.StatusNotFound, r.Status)
	assert.Equal(t, "Cannot POST /oauth/location-token", errorMessage(t, r))
	assert.Equal(t, http.StatusCreated, h.post("/oauth/location-token", form, co.AccessToken, "v3").Status)
	r = h.post("/oauth/location-token", form, "", "2021-07-28")
	assert.Equal(t, http.StatusNotFound, r.Status, "no route, whatever the token: %s", r.Body)
	q := "?companyId=" + companyID + "&appId=" + appID
	assert.Equal(t, http.StatusNotFound, h.get("/oauth/installed-locations"+q, co.AccessToken, "2021-07-28").Status)
	assert.Equal(t, http.StatusOK, h.get("/oauth/installed-locations"+q, co.AccessToken, "v3").Status)
	assert.Equal(t, http.StatusOK, h.get("/oauth/installedLocations"+q, co.AccessToken, "v3").Status, "the camelCase path under every version")
}

// TestOAuthTokenFormValidation: the token endpoint's form is validated like
// every body; a grant it does not serve is OAuth's 400.
func TestOAuthTokenFormValidation(t *testing.T) {
	h := setupOAuth(t)
	r := h.post("/oauth/token", url.Values{"client_id": {clientID}, "client_secret": {clientSecret}}, "", "")
	assert.Equal(t, http.StatusUnprocessableEntity, r.Status, "%s", r.Body)
	assert.Contains(t, errorMessage(t, r), "grant_type")
	r = h.post("/oauth/token", url.Values{"grant_type": {"refresh_token"}, "user_type": {"Agency"}}, "", "")
	assert.Equal(t, http.StatusUnprocessableEntity, r.Status, "%s", r.Body)
	r = h.post("/oauth/token", url.Values{"client_id": {clientID}, "client_secret": {clientSecret}, "grant_type": {"password"}}, "", "")
	assert.Equal(t, http.StatusBadRequest, r.Status)
	e, _ := oauthError(t, r)
	assert.Equal(t, "unsupported_grant_type", e)
	r = h.post("/oauth/token", url.Values{"client_id": {clientID}, "client_secret": {clientSecret}, "grant_type": {"client_credentials"}}, "", "")
	assert.Equal(t, http.StatusBadRequest, r.Status, "client_credentials is refused by default")

	// The credentials may come as HTTP Basic authentication.
	code := h.authorize(map[string]any{"locationId": h.loc})
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, h.ts.URL+"/oauth/token",
		strings.NewReader(url.Values{"grant_type": {"authorization_code"}, "code": {code}}.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(clientID, clientSecret)
	assert.Equal(t, http.StatusOK, h.send(req).Status)
}

// TestOAuthRateLimitsPerAppAndLocation: an OAuth token's calls count against
// its app at its location, apart from another app's PIT at the same
// location and from the same app at another location.
func TestOAuthRateLimitsPerAppAndLocation(t *testing.T) {
	h := setupOAuth(t, func(c *mockserver.Config) {
		c.RateLimits = ratelimit.Limits{Burst: 3, Window: 10 * time.Second, Daily: 1000}
	})
	co := h.companyTokens() // POST /oauth/token is not rate limited
	mint := func(loc string) string {
		r := h.post("/oauth/locationToken", url.Values{"companyId": {companyID}, "locationId": {loc}}, co.AccessToken, "2021-07-28")
		require.Equal(t, http.StatusCreated, r.Status, "%s", r.Body)
		var lt tokens
		require.NoError(t, json.Unmarshal(r.Body, &lt))
		return lt.AccessToken
	}
	l1, l2 := mint(h.loc), mint(h.other) // the Company token's budget (app × company): 2 of 3
	h.limitsSpent(l1, 3)
	r := h.do(call{path: "/contacts/" + ada, token: &l1})
	assert.Equal(t, http.StatusTooManyRequests, r.Status)
	assert.Equal(t, "0", r.Header.Get("X-RateLimit-Remaining"))
	assert.Equal(t, http.StatusOK, h.do(call{path: "/contacts/" + ada}).Status, "another app's PIT at the same location")
	assert.Equal(t, http.StatusOK, h.do(call{path: "/contacts/" + grace, token: &l2}).Status, "the same app at another location")
	assert.Equal(t, http.StatusCreated, h.post("/oauth/locationToken", url.Values{"companyId": {companyID}, "locationId": {h.loc}}, co.AccessToken, "2021-07-28").Status, "the Company token's own budget")
	assert.Equal(t, http.StatusTooManyRequests, h.post("/oauth/locationToken", url.Values{"companyId": {companyID}, "locationId": {h.loc}}, co.AccessToken, "2021-07-28").Status)
}

// limitsSpent makes n calls with token, each answered 200.
func (h *harness) limitsSpent(token string, n int) {
	h.t.Helper()
	for range n {
		require.Equal(h.t, http.StatusOK, h.do(call{path: "/contacts/" + ada, token: &token}).Status)
	}
}

// TestOAuthJournalRedactsSecrets: the journal keeps the token endpoint's
// bodies with the secret, the code and the tokens cut to their last four.
func TestOAuthJournalRedactsSecrets(t *testing.T) {
	h := setupOAuth(t)
	code := h.authorize(map[string]any{"locationId": h.loc})
	tk := h.exchange(code)
	require.Equal(t, http.StatusOK, h.refresh(tk.RefreshToken).Status)
	r := h.admin("GET", "/_mock/requests?operationId=get-access-token", nil)
	require.Equal(t, http.StatusOK, r.Status)
	body := string(r.Body)
	assert.Contains(t, body, "get-access-token")
	for name, secret := range map[string]string{"client secret": clientSecret, "code": code, "access token": tk.AccessToken, "refresh token": tk.RefreshToken} {
		assert.NotContains(t, body, secret, name)
		assert.Contains(t, body, "…"+secret[len(secret)-4:], "%s shown by its last four", name)
	}
	assert.NotContains(t, body, "[truncated", "a body with its secrets cut short is not a body the journal cut")
}

// TestOAuthStateSurvivesARestart: installs, used codes, rotated and revoked
// tokens are in the state database: after a restart the rotated refresh
// token works, the used one is refused, the access token authenticates. A
// reset brings the fixtures' installs back, durably.
func TestOAuthStateSurvivesARestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	h := setupOAuth(t, withState(path))
	code := h.authorize(map[string]any{"locationId": h.loc})
	first := h.exchange(code)
	r := h.refresh(first.RefreshToken)
	require.Equal(t, http.StatusOK, r.Status)
	var second tokens
	require.NoError(t, json.Unmarshal(r.Body, &second))
	installs := h.admin("GET", "/_mock/oauth/installs", nil).JSON(t)["installs"].([]any)
	require.Len(t, installs, 2, "the fixtures' and the new one")

	h2 := restart(t, h, path, withOAuthKey(t))
	assert.Len(t, h2.admin("GET", "/_mock/oauth/installs", nil).JSON(t)["installs"], 2)
	assert.Equal(t, http.StatusOK, h2.do(call{path: "/contacts/" + ada, token: &second.AccessToken}).Status, "the access token")
	assert.Equal(t, http.StatusUnauthorized, h2.refresh(first.RefreshToken).Status, "the used refresh token stays used")
	r = h2.post("/oauth/token", url.Values{"client_id": {clientID}, "client_secret": {clientSecret}, "grant_type": {"authorization_code"}, "code": {code}}, "", "")
	assert.Equal(t, http.StatusUnauthorized, r.Status, "the used code stays used")
	r = h2.refresh(second.RefreshToken)
	require.Equal(t, http.StatusOK, r.Status, "the rotated one works: %s", r.Body)
	var third tokens
	require.NoError(t, json.Unmarshal(r.Body, &third))

	require.Equal(t, http.StatusOK, h2.admin("POST", "/_mock/reset", nil).Status)
	assert.Len(t, h2.admin("GET", "/_mock/oauth/installs", nil).JSON(t)["installs"], 1, "the fixtures' install")
	assert.Equal(t, http.StatusUnauthorized, h2.do(call{path: "/contacts/" + ada, token: &third.AccessToken}).Status, "no token after a reset")

	h3 := restart(t, h2, path, withOAuthKey(t))
	assert.Len(t, h3.admin("GET", "/_mock/oauth/installs", nil).JSON(t)["installs"], 1, "the reset survived")
	assert.Equal(t, http.StatusUnauthorized, h3.refresh(third.RefreshToken).Status)
	assert.Equal(t, companyID, h3.exchange(h3.authorize(map[string]any{"companyId": companyID})).CompanyID, "the app still installs")
}

// TestOAuthInstallChangesCarryTheirCause: every install change on the feed
// names its cause and carries the install before and after, for the webhook
// engine's INSTALL and UNINSTALL events.
func TestOAuthInstallChangesCarryTheirCause(t *testing.T) {
	h := setupOAuth(t)
	var mu sync.Mutex
	var seen []crm.Change
	stop := mockserver.SubscribeForTest(h.srv, func(c crm.Change) {
		if c.Kind == crm.KindGrant && strings.HasPrefix(c.ID, "install:") {
			mu.Lock()
			seen = append(seen, c)
			mu.Unlock()
		}
	})
	defer stop()
	h.authorize(map[string]any{"locationId": h.loc})
	mu.Lock()
	require.Len(t, seen, 1)
	in, ok := seen[0].After.(*oauth.Install)
	mu.Unlock()
	require.True(t, ok)
	assert.Equal(t, "admin:oauth-authorize", seen[0].Cause.OperationID)
	assert.Nil(t, seen[0].Before)
	assert.Equal(t, []string{h.loc}, in.LocationIDs())

	require.Equal(t, http.StatusOK, h.admin("DELETE", "/_mock/oauth/installs/"+in.ID, nil).Status)
	r := h.admin("POST", "/_mock/oauth/installs", map[string]any{"appId": appID, "locationIds": []string{h.other}})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	require.Equal(t, http.StatusOK, h.admin("POST", "/_mock/reset", nil).Status)
	mu.Lock()
	defer mu.Unlock()
	require.GreaterOrEqual(t, len(seen), 4)
	assert.Equal(t, "admin:oauth-uninstall", seen[1].Cause.OperationID)
	assert.NotNil(t, seen[1].Before)
	assert.Nil(t, seen[1].After)
	assert.Equal(t, "admin:oauth-install", seen[2].Cause.OperationID)
	assert.Equal(t, "admin:reset", seen[3].Cause.OperationID)
}

// TestOAuthAuthorizePage: GET /oauth/chooselocation renders the page for the
// default app (with version_id, as a private app's link has it).
func TestOAuthAuthorizePage(t *testing.T) {
	h := setupOAuth(t)
	res, err := h.ts.Client().Get(h.ts.URL + "/oauth/chooselocation?response_type=code&client_id=" + clientID + "&version_id=" + appID + "&redirect_uri=" + url.QueryEscape(redirectURI))
	require.NoError(t, err)
	defer res.Body.Close()
	page, _ := io.ReadAll(res.Body)
	assert.Equal(t, http.StatusOK, res.StatusCode, "%s", page)
	assert.Contains(t, string(page), "ghlmock marketplace app")
	assert.Contains(t, string(page), "Acme Dental")
}

// TestOAuthAuthorizePageFlowThroughTheServer: the page's form, approved with
// its cookie, redirects to the app with a code the token endpoint takes; the
// install it made is caused "ui:chooselocation" and is durable.
func TestOAuthAuthorizePageFlowThroughTheServer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	h := setupOAuth(t, withState(path))
	var mu sync.Mutex
	var causes []string
	stop := mockserver.SubscribeForTest(h.srv, func(c crm.Change) {
		if strings.HasPrefix(c.ID, "install:") {
			mu.Lock()
			causes = append(causes, c.Cause.OperationID)
			mu.Unlock()
		}
	})
	defer stop()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	link := h.ts.URL + "/v2/oauth/chooselocation?response_type=code&client_id=" + clientID + "&version_id=" + appID + "&state=xyz"
	res, err := client.Get(link)
	require.NoError(t, err)
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode, "%s", page)
	form := url.Values{"user_type": {"Location"}, "location": {h.other}}
	for _, name := range []string{"csrf_token", "client_id", "redirect_uri", "version_id", "scope", "state"} {
		m := regexp.MustCompile(`name="` + name + `" value="([^"]*)"`).FindSubmatch(page)
		require.NotNil(t, m, "the form has %s", name)
		form.Set(name, html.UnescapeString(string(m[1])))
	}
	res, err = client.PostForm(link, form)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	to, err := url.Parse(res.Header.Get("Location"))
	require.NoError(t, err)
	assert.Equal(t, redirectURI, to.Scheme+"://"+to.Host+to.Path)
	assert.Equal(t, "xyz", to.Query().Get("state"))
	tk := h.exchange(to.Query().Get("code"))
	assert.Equal(t, h.other, tk.LocationID)
	mu.Lock()
	assert.Equal(t, []string{"ui:chooselocation"}, causes)
	mu.Unlock()

	h2 := restart(t, h, path, withOAuthKey(t))
	assert.Equal(t, http.StatusOK, h2.do(call{path: "/contacts/" + grace, token: &tk.AccessToken}).Status, "the page's install and its token survived")
}

// TestOAuthBadInputNeverAnswers5xx: malformed forms, JSON and tokens on the
// OAuth endpoints get 4xx answers, never a 5xx, and change nothing.
func TestOAuthBadInputNeverAnswers5xx(t *testing.T) {
	h := setupOAuth(t)
	co := h.companyTokens()
	before := h.admin("GET", "/_mock/oauth/state", nil).Body
	bodies := []struct{ ct, body string }{
		{"application/x-www-form-urlencoded", "%zz=%"},
		{"application/x-www-form-urlencoded", "grant_type=refresh_token&grant_type=authorization_code"},
		{"application/x-www-form-urlencoded", "grant_type=authorization_code&code=" + strings.Repeat("a", 5000)},
		{"application/x-www-form-urlencoded", "grant_type=refresh_token&refresh_token=eyJhbGciOiJub25lIn0.e30."},
		{"application/x-www-form-urlencoded", "grant_type=refresh_token&refresh_token=" + co.AccessToken},
		{"application/x-www-form-urlencoded", "\xff\xfe"},
		{"application/x-www-form-urlencoded", "companyId=&locationId="},
		{"application/x-www-form-urlencoded", "companyId=" + companyID + "&locationId=" + strings.Repeat("x", 300)},
		{"application/json", `{"grant_type": 5}`},
		{"application/json", `{`},
		{"application/json", `[]`},
		{"text/plain", "grant_type=refresh_token"},
	}
	for _, path := range []string{"/oauth/token", "/oauth/locationToken", "/oauth/location-token"} {
		for _, b := range bodies {
			req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, h.ts.URL+path, strings.NewReader(b.body))
			require.NoError(t, err)
			req.Header.Set("Content-Type", b.ct)
			req.Header.Set("Authorization", "Bearer "+co.AccessToken)
			req.Header.Set("Version", "v3")
			r := h.send(req)
			assert.True(t, r.Status >= 400 && r.Status < 500, "%s %q → %d %s", path, b.body, r.Status, r.Body)
		}
	}
	for _, q := range []string{"skip=-1", "limit=abc", "isInstalled=maybe", "companyId=" + companyID, "appId=" + appID, "companyId=other&appId=" + appID} {
		r := h.get("/oauth/installedLocations?"+q, co.AccessToken, "2021-07-28")
		assert.True(t, r.Status >= 400 && r.Status < 500, "%s → %d %s", q, r.Status, r.Body)
	}
	for _, tok := range []string{"eyJ.eyJ.sig", co.RefreshToken, "a.b", strings.Repeat("e", 9000)} {
		r := h.get("/oauth/installedLocations?companyId="+companyID+"&appId="+appID, tok, "2021-07-28")
		assert.Equal(t, http.StatusUnauthorized, r.Status, "%.20s → %s", tok, r.Body)
	}
	assert.JSONEq(t, string(before), string(h.admin("GET", "/_mock/oauth/state", nil).Body), "refused input changes nothing")
}

// TestOAuthWritesTheStateCannotCommit: while the state database cannot
// commit, an OAuth write (a refresh, an authorize) is answered 503 and
// undone: afterwards the same refresh token works and no install was added.
func TestOAuthWritesTheStateCannotCommit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	var failing atomic.Bool
	h := setupOAuth(t, withState(path), func(c *mockserver.Config) {
		mockserver.FailCommitsForTest(c, func() error {
			if failing.Load() {
				return errors.New("no space left on device (test)")
			}
			return nil
		})
	})
	tk := h.locationTokens()
	installs := len(h.admin("GET", "/_mock/oauth/installs", nil).JSON(t)["installs"].([]any))
	failing.Store(true)
	r := h.refresh(tk.RefreshToken)
	assert.Equal(t, http.StatusServiceUnavailable, r.Status, "%s", r.Body)
	r = h.admin("POST", "/_mock/oauth/authorize", map[string]any{"clientId": clientID, "locationId": h.other})
	assert.Equal(t, http.StatusServiceUnavailable, r.Status, "%s", r.Body)
	failing.Store(false)
	require.Eventually(t, func() bool { return h.admin("GET", "/_mock/health", nil).Status == http.StatusOK }, 10*time.Second, 20*time.Millisecond)
	assert.Len(t, h.admin("GET", "/_mock/oauth/installs", nil).JSON(t)["installs"], installs, "the refused authorize installed nothing")
	assert.Equal(t, http.StatusOK, h.refresh(tk.RefreshToken).Status, "the refused refresh did not use the token up")
}

// TestOAuthFaultOnTheNextRefresh: the fault rules apply to the OAuth
// endpoints by operationId like to any: "503 on the next refresh", and the
// refresh token is still good for the retry.
func TestOAuthFaultOnTheNextRefresh(t *testing.T) {
	h := setupOAuth(t)
	tk := h.locationTokens()
	r := h.admin("POST", "/_mock/faults", map[string]any{"operationId": "get-access-token", "status": 503, "times": 1})
	require.Equal(t, http.StatusCreated, r.Status, "%s", r.Body)
	assert.Equal(t, http.StatusServiceUnavailable, h.refresh(tk.RefreshToken).Status)
	assert.Equal(t, http.StatusOK, h.refresh(tk.RefreshToken).Status, "the retry")
}

// TestOAuthAdminExpiresRevokesAndLists: the admin API lists the tokens with
// their state, expires one now, marks a refresh token used (another
// replica's refresh), and revokes a whole family.
func TestOAuthAdminExpiresRevokesAndLists(t *testing.T) {
	h := setupOAuth(t)
	tk := h.locationTokens()
	r := h.admin("GET", "/_mock/oauth/tokens?locationId="+h.loc+"&state=live", nil)
	require.Equal(t, http.StatusOK, r.Status)
	var list struct {
		Tokens []struct {
			ID     string `json:"id"`
			Kind   string `json:"kind"`
			Family string `json:"family"`
			State  string `json:"state"`
			Claims struct {
				AuthClass string `json:"authClass"`
			} `json:"claims"`
		} `json:"tokens"`
	}
	require.NoError(t, json.Unmarshal(r.Body, &list))
	require.Len(t, list.Tokens, 2, "the access and the refresh token")
	assert.Equal(t, "access", list.Tokens[0].Kind)
	assert.Equal(t, "Location", list.Tokens[0].Claims.AuthClass)
	family := list.Tokens[0].Family

	require.Equal(t, http.StatusOK, h.admin("POST", "/_mock/oauth/tokens/"+tk.AccessToken+"/expire", nil).Status, "by the JWT itself")
	assert.Equal(t, http.StatusUnauthorized, h.do(call{path: "/contacts/" + ada, token: &tk.AccessToken}).Status)
	assert.Equal(t, http.StatusNotFound, h.admin("POST", "/_mock/oauth/tokens/nope/expire", nil).Status)

	require.Equal(t, http.StatusOK, h.admin("POST", "/_mock/oauth/refresh-tokens/"+oauth.TokenID(tk.RefreshToken)+"/consume", nil).Status)
	assert.Equal(t, http.StatusUnauthorized, h.refresh(tk.RefreshToken).Status, "another replica used it")
	assert.Equal(t, http.StatusBadRequest, h.admin("POST", "/_mock/oauth/refresh-tokens/"+oauth.TokenID(tk.AccessToken)+"/consume", nil).Status, "an access token")

	other := h.locationTokens()
	r = h.admin("POST", "/_mock/oauth/families/"+family+"/revoke", nil)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	assert.Equal(t, http.StatusOK, h.do(call{path: "/contacts/" + ada, token: &other.AccessToken}).Status, "another family is untouched")
	r = h.admin("GET", "/_mock/oauth/tokens?family="+family, nil)
	require.NoError(t, json.Unmarshal(r.Body, &list))
	for _, tok := range list.Tokens {
		assert.Contains(t, []string{"revoked", "expired"}, tok.State, tok.ID)
	}
}

// oauthAuthorizeInput installs the default app from location 1's view.
func oauthAuthorizeInput() oauth.AuthorizeInput {
	return oauth.AuthorizeInput{ClientID: clientID, LocationIDs: []string{locationID}}
}

// TestOAuthTokensVerifyWithTheJWKS: the access token is an RS256 JWT with
// GHL's claims, signed by the key GET /_mock/oauth/jwks publishes.
func TestOAuthTokensVerifyWithTheJWKS(t *testing.T) {
	h := setupOAuth(t)
	tk := h.locationTokens()
	r := h.admin("GET", "/_mock/oauth/jwks", nil)
	require.Equal(t, http.StatusOK, r.Status)
	var set struct {
		Keys []struct{ Kid, N, E string } `json:"keys"`
	}
	require.NoError(t, json.Unmarshal(r.Body, &set))
	require.Len(t, set.Keys, 1)
	n, err := base64.RawURLEncoding.DecodeString(set.Keys[0].N)
	require.NoError(t, err)
	e, err := base64.RawURLEncoding.DecodeString(set.Keys[0].E)
	require.NoError(t, err)
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
	claims := jwt.MapClaims{}
	tok, err := jwt.ParseWithClaims(tk.AccessToken, claims, func(tok *jwt.Token) (any, error) {
		assert.Equal(t, set.Keys[0].Kid, tok.Header["kid"])
		return pub, nil
	}, jwt.WithValidMethods([]string{"RS256"}), jwt.WithoutClaimsValidation())
	require.NoError(t, err)
	require.True(t, tok.Valid)
	assert.Equal(t, "Location", claims["authClass"])
	assert.Equal(t, h.loc, claims["authClassId"])
	assert.Equal(t, "INTEGRATION", claims["source"])
	assert.Equal(t, clientID, claims["sourceId"])
	assert.Equal(t, "OAUTH", claims["channel"])
	meta, _ := claims["oauthMeta"].(map[string]any)
	assert.Equal(t, []any{"contacts.readonly", "contacts.write"}, meta["scopes"])
	assert.Equal(t, appID, meta["client"])
	iat, _ := claims["iat"].(float64)
	exp, _ := claims["exp"].(float64)
	assert.InDelta(t, 86400, exp-iat, 0.001)
	assert.Equal(t, float64(h.clock.Now().UnixMilli())/1000, iat, "fractional seconds on the mock's clock")
}

// TestOAuthStateThatNoLongerFitsTheFixtures: a state database whose installs
// name an app the fixtures no longer have is refused at start-up, saying so.
func TestOAuthStateThatNoLongerFitsTheFixtures(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	h := setupOAuth(t, withState(path))
	h.ts.Close()
	require.NoError(t, h.srv.CloseState())
	fx := *h.fx
	fx.Apps = fx.Apps[:3] // without the marketplace app
	_, err := mockserver.New(mockserver.Config{Fixtures: &fx, StatePath: path})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "its OAuth state does not fit the fixtures")
	assert.Contains(t, err.Error(), appID)
}

// TestOAuthNewStateHoldsTheFixturesInstalls: a new state database is given
// the fixtures' installs ("state:init"), so that a restart serves them from
// the database, not from fixtures that may have changed since.
func TestOAuthNewStateHoldsTheFixturesInstalls(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	h := setupOAuth(t, withState(path))
	h2 := restart(t, h, path, withOAuthKey(t), func(c *mockserver.Config) {
		fx := *c.Fixtures
		fx.Apps = slices.Clone(fx.Apps)
		app := *fx.Apps[3].OAuth
		app.Installs = []fixture.Install{{UserType: "Company", CompanyID: companyID, LocationIDs: []string{locationID}}}
		fx.Apps[3].OAuth = &app
		c.Fixtures = &fx
	})
	installs := h2.admin("GET", "/_mock/oauth/installs", nil).JSON(t)["installs"].([]any)
	require.Len(t, installs, 1)
	assert.Len(t, installs[0].(map[string]any)["locations"], 2, "the database's install (both locations), not the changed fixtures' (one)")
}

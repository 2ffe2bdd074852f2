package mockserver_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOfficialNodeSDKOAuth drives the official SDK's OAuth paths
// (testdata/nodesdk/oauth.js), configured with the default app's client id
// and secret and a session store: a stored access token the mock's clock has
// expired is refreshed on the 401 (POST /oauth/token, grant_type
// refresh_token) and the call succeeds, the next one with the rotated token;
// a location whose refresh fails falls back to a location token from the
// stored Company token (POST /oauth/locationToken); a code is exchanged
// once. Like TestOfficialNodeSDK it needs node and npm (CI=true: a failure
// without them).
func TestOfficialNodeSDKOAuth(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		cannotRun(t, os.Getenv, "node is not installed; .ci/run installs it (the official Node SDK check needs it)")
		return
	}
	dir := sdkDir(t)
	h := setupOAuth(t)
	loc := h.locationTokens()
	h.clock.Advance(25 * time.Hour) // the access token has expired; its refresh token has not
	co := h.companyTokens()
	code := h.authorize(map[string]any{"locationId": h.loc})
	vars, err := json.Marshal(map[string]string{
		"clientId": clientID, "clientSecret": clientSecret, "locationId": h.loc, "otherLocationId": h.other, "companyId": companyID,
		"expiredAccess": loc.AccessToken, "refresh": loc.RefreshToken, "companyAccess": co.AccessToken, "companyRefresh": co.RefreshToken,
		"code": code,
	})
	require.NoError(t, err)
	before := h.admin("GET", "/_mock/requests/count?operationId=get-access-token", nil).JSON(t)["count"]

	script, err := filepath.Abs(filepath.Join("testdata", "nodesdk", "oauth.js"))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, script, h.ts.URL, string(vars))
	cmd.Env = append(os.Environ(), "NODE_PATH="+filepath.Join(dir, "node_modules"))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var calls []string
	sc := bufio.NewScanner(&stdout)
	for sc.Scan() {
		var line struct {
			Call string `json:"call"`
			OK   bool   `json:"ok"`
			Got  any    `json:"got"`
		}
		if json.Unmarshal(sc.Bytes(), &line) != nil {
			continue
		}
		assert.True(t, line.OK, "%s failed: %v", line.Call, line.Got)
		calls = append(calls, line.Call)
	}
	require.NoError(t, runErr, "oauth.js: %s\n%s", stderr.String(), stdout.String())
	assert.Len(t, calls, 8, "every check ran: %v", calls)

	// What the SDK sent, from the journal: one refresh for location 1, one
	// failed one for location 2, one locationToken, two code exchanges.
	after := h.admin("GET", "/_mock/requests/count?operationId=get-access-token", nil).JSON(t)["count"]
	assert.EqualValues(t, 4, toFloat(after)-toFloat(before), "token requests")
	assert.EqualValues(t, 1, toFloat(h.admin("GET", "/_mock/requests/count?operationId=get-location-access-token", nil).JSON(t)["count"]))
}

func toFloat(v any) float64 { f, _ := v.(float64); return f }

// gnosticSDKVersion is @gnosticdev/highlevel-sdk, a community SDK whose
// OAuth client (exchangeToken, getAccessToken) the issue names.
const gnosticSDKVersion = "3.0.1"

// TestGnosticdevSDKOAuth drives @gnosticdev/highlevel-sdk's OAuth client
// (testdata/nodesdk/gnosticdev.mjs), unchanged but for its baseUrl: the code
// exchange, the refresh with rotation, getAccessToken with a code, and a used
// code refused. Like TestOfficialNodeSDK it needs node and npm.
func TestGnosticdevSDKOAuth(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		cannotRun(t, os.Getenv, "node is not installed; .ci/run installs it (the @gnosticdev/highlevel-sdk check needs it)")
		return
	}
	dir := npmPackageDir(t, "@gnosticdev/highlevel-sdk", gnosticSDKVersion)
	h := setupOAuth(t)
	vars, err := json.Marshal(map[string]string{
		"clientId": clientID, "clientSecret": clientSecret, "redirectUri": redirectURI, "locationId": h.loc,
		"code": h.authorize(map[string]any{"locationId": h.loc}), "code2": h.authorize(map[string]any{"locationId": h.loc}),
	})
	require.NoError(t, err)
	script, err := filepath.Abs(filepath.Join("testdata", "nodesdk", "gnosticdev.mjs"))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, script, h.ts.URL, string(vars), dir)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var calls []string
	sc := bufio.NewScanner(&stdout)
	for sc.Scan() {
		var line struct {
			Call string `json:"call"`
			OK   bool   `json:"ok"`
			Got  any    `json:"got"`
		}
		if json.Unmarshal(sc.Bytes(), &line) != nil {
			continue
		}
		assert.True(t, line.OK, "%s failed: %v", line.Call, line.Got)
		calls = append(calls, line.Call)
	}
	require.NoError(t, runErr, "gnosticdev.mjs: %s\n%s", stderr.String(), stdout.String())
	assert.Len(t, calls, 5, "every check ran: %v", calls)
}

// npmPackageDir returns a folder whose node_modules holds an npm package,
// installing it into the user cache on first use (as sdkDir does for the
// official SDK).
func npmPackageDir(t *testing.T, name, version string) string {
	t.Helper()
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "ghlmock", "npm-"+strings.NewReplacer("@", "", "/", "-").Replace(name)+"-"+version)
	if _, err := os.Stat(filepath.Join(dir, "node_modules", filepath.FromSlash(name), "package.json")); err == nil {
		return dir
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		cannotRun(t, os.Getenv, "npm is not installed, so "+name+" cannot be fetched")
		return ""
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "install", "--no-audit", "--no-fund", "--prefix", dir, name+"@"+version)
	if out, err := cmd.CombinedOutput(); err != nil {
		cannotRun(t, os.Getenv, fmt.Sprintf("could not install %s@%s from the npm registry (offline?): %v\n%s", name, version, err, out))
		return ""
	}
	return dir
}

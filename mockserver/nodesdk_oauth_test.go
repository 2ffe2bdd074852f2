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
// refresh_token) once for ten concurrent calls, which all succeed, the next
// one with the rotated token;
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

	calls := runNodeChecks(t, node, "oauth.js", filepath.Join(dir, "node_modules"), h.ts.URL, string(vars))
	assert.Len(t, calls, 8, "every check ran: %v", calls)

	// What the SDK sent, from the journal: one refresh for location 1 (for
	// ten calls), one failed one for location 2, one locationToken, two code
	// exchanges.
	after := h.admin("GET", "/_mock/requests/count?operationId=get-access-token", nil).JSON(t)["count"]
	assert.EqualValues(t, 4, toFloat(after)-toFloat(before), "token requests")
	assert.EqualValues(t, 1, toFloat(h.admin("GET", "/_mock/requests/count?operationId=get-location-access-token", nil).JSON(t)["count"]))
}

func toFloat(v any) float64 { f, _ := v.(float64); return f }

// runNodeChecks runs a check script of testdata/nodesdk with node and
// returns the checks it passed; a failed one fails the test. nodePath, when
// set, is NODE_PATH (CommonJS scripts find their packages there).
func runNodeChecks(t *testing.T, node, script, nodePath string, args ...string) []string {
	t.Helper()
	path, err := filepath.Abs(filepath.Join("testdata", "nodesdk", script))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, append([]string{path}, args...)...)
	cmd.Env = os.Environ()
	cmd.Dir = t.TempDir() // some packages (builderbot) write log files where they run
	if nodePath != "" {
		cmd.Env = append(cmd.Env, "NODE_PATH="+nodePath)
	}
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
	require.NoError(t, runErr, "%s: %s\n%s", script, stderr.String(), stdout.String())
	return calls
}

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
	dir := npmPackageDir(t, "gnosticdev-"+gnosticSDKVersion, "@gnosticdev/highlevel-sdk@"+gnosticSDKVersion)
	h := setupOAuth(t)
	vars, err := json.Marshal(map[string]string{
		"clientId": clientID, "clientSecret": clientSecret, "redirectUri": redirectURI, "locationId": h.loc,
		"code": h.authorize(map[string]any{"locationId": h.loc}), "code2": h.authorize(map[string]any{"locationId": h.loc}),
	})
	require.NoError(t, err)
	calls := runNodeChecks(t, node, "gnosticdev.mjs", "", h.ts.URL, string(vars), dir)
	assert.Len(t, calls, 5, "every check ran: %v", calls)
}

// n8nOAuth2Version is @n8n/client-oauth2, the OAuth2 client n8n's
// credentials (HighLevel's among them) use.
const n8nOAuth2Version = "1.23.1"

// TestN8nOAuth2Client drives @n8n/client-oauth2 as n8n's HighLevel
// credentials configure it (testdata/nodesdk/n8n.js): the code flow's
// exchange from the redirect URL, a rotating refresh, the refreshed token on
// the API, a used code and a used refresh token refused. Its dependencies
// include a native module (isolated-vm, for n8n's code nodes) that does not
// build here and that the client does not load: installed without scripts.
func TestN8nOAuth2Client(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		cannotRun(t, os.Getenv, "node is not installed; .ci/run installs it (the @n8n/client-oauth2 check needs it)")
		return
	}
	dir := npmInstall(t, "n8n-client-oauth2-"+n8nOAuth2Version, []string{"--ignore-scripts"}, "@n8n/client-oauth2@"+n8nOAuth2Version)
	h := setupOAuth(t)
	vars, err := json.Marshal(map[string]string{
		"clientId": clientID, "clientSecret": clientSecret, "redirectUri": redirectURI, "locationId": h.loc,
		"code": h.authorize(map[string]any{"locationId": h.loc}),
	})
	require.NoError(t, err)
	calls := runNodeChecks(t, node, "n8n.js", filepath.Join(dir, "node_modules"), h.ts.URL, string(vars))
	assert.Len(t, calls, 5, "every check ran: %v", calls)
}

// npmPackageDir returns a folder (named name, in the user cache) whose
// node_modules holds the npm packages given as name@version, installing
// them on first use (as sdkDir does for the official SDK). A folder is
// complete once npm has finished: its marker file says so.
func npmPackageDir(t *testing.T, name string, packages ...string) string {
	t.Helper()
	return npmInstall(t, name, nil, packages...)
}

// npmInstall is npmPackageDir with extra npm install flags.
func npmInstall(t *testing.T, name string, flags []string, packages ...string) string {
	t.Helper()
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "ghlmock", name)
	marker := filepath.Join(dir, ".installed")
	if _, err := os.Stat(marker); err == nil {
		return dir
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		cannotRun(t, os.Getenv, "npm is not installed, so "+strings.Join(packages, " ")+" cannot be fetched")
		return ""
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	args := append([]string{"install", "--no-audit", "--no-fund", "--prefix", dir}, flags...)
	cmd := exec.CommandContext(ctx, npm, append(args, packages...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		cannotRun(t, os.Getenv, fmt.Sprintf("could not install %s from the npm registry (offline?): %v\n%s", strings.Join(packages, " "), err, out))
		return ""
	}
	require.NoError(t, os.WriteFile(marker, []byte(strings.Join(packages, "\n")+"\n"), 0o644))
	return dir
}

// builderbotVersion is builderbot's GoHighLevel provider, whose
// TokenManager (code exchange, refresh) the issue names; it needs the bot
// core (which brings an ffmpeg binary: about 100 MB in the cache, once).
const builderbotVersion = "1.3.15-alpha.19"

// TestBuilderbotTokenManager drives builderbot's GoHighLevel provider's
// TokenManager (testdata/nodesdk/builderbot.js): its code exchange, its
// refresh with rotation, and two concurrent refreshes sharing one request.
// The provider has GHL's URL built in: an axios interceptor points it at
// the mock.
func TestBuilderbotTokenManager(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		cannotRun(t, os.Getenv, "node is not installed; .ci/run installs it (the builderbot check needs it)")
		return
	}
	dir := npmPackageDir(t, "builderbot-gohighlevel-"+builderbotVersion,
		"@builderbot/provider-gohighlevel@"+builderbotVersion, "@builderbot/bot@1.3.13")
	h := setupOAuth(t)
	vars, err := json.Marshal(map[string]string{
		"clientId": clientID, "clientSecret": clientSecret, "redirectUri": redirectURI, "locationId": h.loc,
		"code": h.authorize(map[string]any{"locationId": h.loc}),
	})
	require.NoError(t, err)
	calls := runNodeChecks(t, node, "builderbot.js", filepath.Join(dir, "node_modules"), h.ts.URL, string(vars))
	assert.Len(t, calls, 4, "every check ran: %v", calls)
	r := h.admin("GET", "/_mock/requests/count?operationId=get-access-token", nil)
	assert.EqualValues(t, 3, toFloat(r.JSON(t)["count"]), "one exchange, one refresh and one for the two concurrent refreshes reached the mock")
}

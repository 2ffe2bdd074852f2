package mockserver_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
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

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

// nodeSDKVersion is the official HighLevel Node SDK the mock is checked
// against: the newest release in the npm registry when this test was written.
const nodeSDKVersion = "3.1.0"

// TestOfficialNodeSDK drives every Contacts operation through the official
// SDK (@gohighlevel/api-client), unchanged but for its base URL, against the
// mock (testdata/nodesdk/check.js). It needs node and npm; the SDK is
// installed once into the user cache (or taken from GHLMOCK_NODE_SDK_DIR).
// Without node, or without access to the npm registry, it is skipped and says
// why: it is never counted as passed then.
func TestOfficialNodeSDK(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed; .ci/run installs it (the official Node SDK check needs it)")
	}
	dir := sdkDir(t)
	h := setup(t)
	script, err := filepath.Abs(filepath.Join("testdata", "nodesdk", "check.js"))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, script, h.ts.URL, h.rw, h.loc)
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
	require.NoError(t, runErr, "check.js: %s", stderr.String())
	assert.Len(t, calls, 35, "every SDK call ran: %v", calls)
}

// sdkDir returns a folder whose node_modules holds the SDK, installing it
// with npm on first use.
func sdkDir(t *testing.T) string {
	t.Helper()
	if dir := os.Getenv("GHLMOCK_NODE_SDK_DIR"); dir != "" {
		return dir
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "ghlmock", "nodesdk-"+nodeSDKVersion)
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@gohighlevel", "api-client", "package.json")); err == nil {
		return dir
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Skip("npm is not installed, so the official Node SDK cannot be fetched")
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "install", "--no-audit", "--no-fund", "--prefix", dir, "@gohighlevel/api-client@"+nodeSDKVersion)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("could not install @gohighlevel/api-client@%s from the npm registry (offline?): %v\n%s", nodeSDKVersion, err, out)
	}
	return dir
}

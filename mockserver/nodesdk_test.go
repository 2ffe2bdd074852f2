package mockserver_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

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
// Without node, or without access to the npm registry, it cannot run: under
// CI=true that fails the test, elsewhere it is skipped and says why. It is
// never counted as passed then.
func TestOfficialNodeSDK(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		cannotRun(t, os.Getenv, "node is not installed; .ci/run installs it (the official Node SDK check needs it)")
		return
	}
	dir := sdkDir(t)
	h := setup(t)
	calls := runNodeChecks(t, node, "check.js", filepath.Join(dir, "node_modules"), h.ts.URL, h.rw, h.loc)
	assert.Len(t, calls, 35, "every SDK call ran: %v", calls)
}

// sdkDir returns a folder whose node_modules holds the SDK (or the one
// GHLMOCK_NODE_SDK_DIR names), installing it with npm on first use.
func sdkDir(t *testing.T) string {
	t.Helper()
	if dir := os.Getenv("GHLMOCK_NODE_SDK_DIR"); dir != "" {
		return dir
	}
	return npmPackageDir(t, "nodesdk-"+nodeSDKVersion, "@gohighlevel/api-client@"+nodeSDKVersion)
}

// cannotRun ends a test that lacks what it needs (a tool, the network). On
// a CI run (CI=true, as CI services and .ci/run set it) it fails the test:
// a check that did not run must not let the run pass. Elsewhere it skips,
// with the reason, so that a laptop without node still runs the rest.
func cannotRun(t testing.TB, getenv func(string) string, reason string) {
	t.Helper()
	if ci, _ := strconv.ParseBool(getenv("CI")); ci {
		t.Fatalf("%s (CI=true: a check that cannot run fails the run)", reason)
		return
	}
	t.Skip(reason)
}

// skipRecorder stands in for a *testing.T to see what cannotRun does.
type skipRecorder struct {
	testing.TB
	fatal, skip string
}

func (r *skipRecorder) Helper()                        {}
func (r *skipRecorder) Fatalf(format string, a ...any) { r.fatal = fmt.Sprintf(format, a...) }
func (r *skipRecorder) Skip(a ...any)                  { r.skip = fmt.Sprint(a...) }

func TestCannotRunFailsUnderCI(t *testing.T) {
	for _, c := range []struct {
		ci          string
		fatal, skip bool
	}{
		{"true", true, false},
		{"1", true, false},
		{"", false, true},
		{"false", false, true},
	} {
		r := &skipRecorder{TB: t}
		cannotRun(r, func(k string) string {
			if k == "CI" {
				return c.ci
			}
			return ""
		}, "node is not installed")
		if c.fatal {
			assert.Equal(t, "node is not installed (CI=true: a check that cannot run fails the run)", r.fatal, "CI=%q", c.ci)
		} else {
			assert.Empty(t, r.fatal, "CI=%q", c.ci)
		}
		if c.skip {
			assert.Equal(t, "node is not installed", r.skip, "CI=%q: skipped with the reason", c.ci)
		} else {
			assert.Empty(t, r.skip, "CI=%q", c.ci)
		}
	}
}

// TestCIRunFailsWithoutNode runs .ci/run where node and npm are missing and
// apt-get cannot install them: it must stop before running anything else,
// with a message that says what is missing.
func TestCIRunFailsWithoutNode(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		cannotRun(t, os.Getenv, "bash is not installed; .ci/run is a bash script")
		return
	}
	bin := t.TempDir()
	stubs := map[string]string{
		"go":      "#!/bin/sh\n[ \"$1\" = version ] && { echo 'go version stub'; exit 0; }\necho \"go $* ran\" >&2\nexit 97\n",
		"gcc":     "#!/bin/sh\nexit 0\n",
		"apt-get": "#!/bin/sh\necho 'apt-get: no network' >&2\nexit 100\n",
	}
	for name, body := range stubs {
		require.NoError(t, os.WriteFile(filepath.Join(bin, name), []byte(body), 0o755))
	}
	for _, tool := range []string{"dirname", "id"} {
		path, err := exec.LookPath(tool)
		require.NoError(t, err, "the test needs %s", tool)
		require.NoError(t, os.Symlink(path, filepath.Join(bin, tool)))
	}
	script, err := filepath.Abs(filepath.Join("..", ".ci", "run"))
	require.NoError(t, err)
	cmd := exec.CommandContext(t.Context(), bash, script)
	cmd.Env = []string{"PATH=" + bin, "HOME=" + t.TempDir()}
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "%s", out)
	assert.Equal(t, 1, exit.ExitCode(), "%s", out)
	assert.Contains(t, string(out), ".ci/run: node and npm are missing", "a clear message")
	assert.NotContains(t, string(out), " ran", "nothing after the check ran: %s", out)
}

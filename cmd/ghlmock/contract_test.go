package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runContractCmd runs ghlmock contract with the given environment.
func runContractCmd(t *testing.T, env map[string]string, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(t.Context(), append([]string{"contract"}, args...), &stdout, &stderr, func(k string) string { return env[k] })
	return stdout.String(), stderr.String(), err
}

func TestContractAgainstTheInProcessMock(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	jsonPath, junitPath := filepath.Join(dir, "report.json"), filepath.Join(dir, "junit.xml")
	// The readonly and ratelimit scenarios: whether the mock passes every
	// scenario is contracttest's TestSuitePassesAgainstTheMock; this is about
	// the command.
	out, _, err := runContractCmd(t, nil, "--tags", "readonly", "--include-ratelimit", "--json", jsonPath, "--junit", junitPath)
	require.NoError(t, err, out)
	assert.Contains(t, out, "ghlmock contract: against in-process mock (run ")
	assert.Contains(t, out, "PASS  readonly-browse")
	assert.Contains(t, out, "PASS  burst-limit")
	assert.NotContains(t, out, "contact-lifecycle")
	assert.Regexp(t, `PASS: \d+ passed, 0 failed, 0 skipped, \d+ not selected in`, out)
	assert.Contains(t, out, "left behind 0")

	raw, err := os.ReadFile(jsonPath)
	require.NoError(t, err)
	var rep struct {
		Passed    int `json:"passed"`
		Failed    int `json:"failed"`
		Scenarios []struct {
			Name   string `json:"name"`
			Status string `json:"status"`
		} `json:"scenarios"`
	}
	require.NoError(t, json.Unmarshal(raw, &rep))
	assert.Positive(t, rep.Passed)
	assert.Zero(t, rep.Failed)
	assert.Len(t, rep.Scenarios, rep.Passed)

	raw, err = os.ReadFile(junitPath)
	require.NoError(t, err)
	var junit struct {
		Suites []struct {
			Tests int `xml:"tests,attr"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(raw, &junit))
	require.Len(t, junit.Suites, 1)
	assert.Equal(t, rep.Passed, junit.Suites[0].Tests)
}

// TestContractExitsNonZeroOnAFailure: a scenario the mock does not satisfy
// fails the command (exit status 1) and names the step.
func TestContractExitsNonZeroOnAFailure(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "wrong.yaml"), []byte(`scenarios:
  - name: wrong-status
    tags: [readonly]
    steps:
      - name: list expecting a 404
        request: {method: GET, path: /contacts/, query: {locationId: "{{locationId}}"}}
        expect: {status: 404}
`), 0o644))
	out, _, err := runContractCmd(t, nil, "--scenarios", dir)
	assert.Equal(t, exitCode(1), err)
	assert.Contains(t, out, "FAIL  wrong-status")
	assert.Contains(t, out, `step 1 "list expecting a 404" get-contacts GET /contacts/ → 200: status: expected 404 [expect], found 200`)
}

func TestContractReadonlyUsesAReadonlyToken(t *testing.T) {
	t.Parallel()
	out, _, err := runContractCmd(t, nil, "--readonly")
	require.NoError(t, err, out)
	assert.Contains(t, out, "PASS  readonly-browse")
	assert.NotContains(t, out, "contact-lifecycle")
	assert.Contains(t, out, "created 0")
}

func TestContractReadsTheEnvironment(t *testing.T) {
	t.Parallel()
	// GHL_* point at a real API (nothing listens here): the run goes there.
	env := map[string]string{"GHL_BASE_URL": "http://127.0.0.1:1", "GHL_TOKEN": "pit-x", "GHL_LOCATION_ID": "loc"}
	out, _, err := runContractCmd(t, env)
	assert.Equal(t, exitCode(1), err)
	assert.Contains(t, out, "against http://127.0.0.1:1")
	assert.Contains(t, out, "cannot reach http://127.0.0.1:1")

	// GHLMOCK_<FLAG> beats GHL_*, and a flag beats both.
	env["GHLMOCK_BASE_URL"] = "http://127.0.0.1:2"
	out, _, _ = runContractCmd(t, env)
	assert.Contains(t, out, "against http://127.0.0.1:2")
	out, _, _ = runContractCmd(t, env, "--base-url", "http://127.0.0.1:3")
	assert.Contains(t, out, "against http://127.0.0.1:3")

	// GHLMOCK_TAGS chooses the scenarios of an in-process run.
	out, _, err = runContractCmd(t, map[string]string{"GHLMOCK_TAGS": "readonly", "GHLMOCK_RUN_ID": "envrun"})
	require.NoError(t, err, out)
	assert.Contains(t, out, "(run envrun, seed 1)")
	assert.NotContains(t, out, "contact-lifecycle")
}

func TestContractRefusesBadInput(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"unknown flag", nil, []string{"--colour"}, "flag provided but not defined: --colour (ghlmock contract -h lists the flags)"},
		{"unknown tag", nil, []string{"--tags", "readonly,wrte"}, `--tags: unknown tag "wrte"`},
		{"base URL without a token", nil, []string{"--base-url", "https://example.com", "--location-id", "l"}, "needs --token (or GHL_TOKEN)"},
		{"not a URL", nil, []string{"--base-url", "example.com", "--token", "t", "--location-id", "l"}, "must be an absolute http(s) URL"},
		{"bad run id", nil, []string{"--run-id", "Run 1"}, `--run-id "Run 1" must be 1 to 24 lower-case letters and digits`},
		{"readonly with write tags", nil, []string{"--readonly", "--tags", "write"}, "--readonly runs the readonly scenarios only"},
		{"no such scenario dir", nil, []string{"--scenarios", "/nonexistent/scenarios"}, "--scenarios: stat /nonexistent/scenarios"},
		{"bad seed in the environment", map[string]string{"GHLMOCK_SEED": "one"}, nil, `GHLMOCK_SEED="one"`},
		{"a stray argument", nil, []string{"extra"}, `unexpected argument "extra"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := runContractCmd(t, tc.env, tc.args...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestContractBadScenarioFileNamesTheLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "typo.yaml"), []byte("scenarios:\n  - name: a\n    tags: [readonly]\n    stepz: []\n"), 0o644))
	_, _, err := runContractCmd(t, nil, "--scenarios", dir)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `typo.yaml:4: unknown key "stepz" in a scenario`)
}

// TestContractInterruptedExits130: a cancelled context (SIGINT) still
// reports and cleans up, and exits 130.
func TestContractInterruptedExits130(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	var stdout, stderr bytes.Buffer
	err := run(ctx, []string{"contract"}, &stdout, &stderr, func(string) string { return "" })
	assert.Equal(t, exitCode(130), err)
	assert.Contains(t, stdout.String(), "interrupted")
	assert.True(t, strings.Contains(stdout.String(), "SKIP"), stdout.String())
}

// TestContractInAWorkspace: two contract runs against one served mock, each
// with --workspace, at once: both pass, the main mock's data and journal are
// untouched, and no workspace is left behind.
func TestContractInAWorkspace(t *testing.T) {
	base, _ := startServe(t, nil, "--addr", "127.0.0.1:0", "--admin-token", "s3cret")
	before := mustGet(t, base+"/_mock/state", "s3cret")
	errs := make(chan error, 2)
	outs := make(chan string, 2)
	for range 2 {
		go func() {
			out, _, err := runContractCmd(t, nil, "--base-url", base, "--workspace", "--admin-token", "s3cret", "--tags", "write")
			outs <- out
			errs <- err
		}()
	}
	for range 2 {
		out := <-outs
		assert.NoError(t, <-errs, out)
		assert.Contains(t, out, "ghlmock contract: in workspace ws_")
		assert.Regexp(t, `PASS: \d+ passed, 0 failed`, out)
	}
	assert.Equal(t, before, mustGet(t, base+"/_mock/state", "s3cret"), "the main mock's data is untouched")
	assert.Contains(t, mustGet(t, base+"/_mock/workspaces", "s3cret"), `"workspaces":[]`, "deleted after the run")
	assert.Contains(t, mustGet(t, base+"/_mock/requests?operationId=create-contact", "s3cret"), `"requests":[]`, "none of the runs' requests reached the main mock")

	_, _, err := runContractCmd(t, nil, "--base-url", base, "--workspace")
	assert.ErrorContains(t, err, "--admin-token", "without the admin token the mock refuses, and the message says why")
	_, _, err = runContractCmd(t, nil, "--workspace")
	assert.ErrorContains(t, err, "--workspace needs --base-url")
}

func mustGet(t *testing.T, url, adminToken string) string {
	t.Helper()
	status, body := getAs(t, url, adminToken)
	require.Equal(t, 200, status, body)
	return body
}

package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	testToken = "pit-1a2b3c4d-0001-4000-8000-000000000001"
	adaID     = "2NexTNy4UiJ1cLOoua11" // Ada Lovelace, the first named contact of the default fixtures
)

// caPEM runs ghlmock tls ca with args and returns what it printed.
func caPEM(t *testing.T, args ...string) []byte {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(t.Context(), append([]string{"tls", "ca"}, args...), &stdout, &stderr, func(string) string { return "" })
	require.NoError(t, err, "tls ca: %s", stderr.String())
	return stdout.Bytes()
}

// ghlClient is a client that trusts only pool and reaches the mock at base
// whatever host a URL names, as a client with a hosts entry would.
func ghlClient(t *testing.T, base string, pool *x509.CertPool) *http.Client {
	t.Helper()
	u, err := url.Parse(base)
	require.NoError(t, err)
	var d net.Dialer
	return &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool},
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return d.DialContext(ctx, network, u.Host)
		},
	}}
}

func getContact(t *testing.T, c *http.Client, url string) (int, string, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), "GET", url, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("Version", "2021-07-28")
	res, err := c.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), nil
}

func poolOf(t *testing.T, pemBytes []byte) *x509.CertPool {
	t.Helper()
	p := x509.NewCertPool()
	require.True(t, p.AppendCertsFromPEM(pemBytes), "tls ca printed a PEM certificate: %q", pemBytes)
	return p
}

// TestServeTLSAnswersAsGHLsHost: a Go client that trusts the CA ghlmock tls
// ca prints reaches the mock as https://services.leadconnectorhq.com (and
// as https://127.0.0.1), with ServerName checked; one that does not trust
// it is refused.
func TestServeTLSAnswersAsGHLsHost(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tls")
	base, _ := startServe(t, nil, "--addr", "127.0.0.1:0", "--tls", "--tls-dir", dir)
	require.Regexp(t, `^https://`, base)
	pool := poolOf(t, caPEM(t, "--tls-dir", dir))

	c := ghlClient(t, base, pool)
	status, body, err := getContact(t, c, "https://services.leadconnectorhq.com/contacts/"+adaID)
	require.NoError(t, err)
	assert.Equal(t, 200, status, body)
	assert.Contains(t, body, `"id":"`+adaID+`"`)

	status, _, err = getContact(t, c, base+"/contacts/"+adaID)
	require.NoError(t, err, "the loopback address is in the certificate too")
	assert.Equal(t, 200, status)

	status, body, err = getContact(t, c, "https://services.leadconnectorhq.com/_mock/requests?limit=1")
	require.NoError(t, err)
	assert.Equal(t, 200, status, "the admin API answers under GHL's host too: %s", body)

	// The tls.Config a Go user would write: the CA, ServerName GHL's host.
	conn, err := tls.Dial("tcp", base[len("https://"):], &tls.Config{RootCAs: pool, ServerName: "services.leadconnectorhq.com"})
	require.NoError(t, err)
	assert.Equal(t, "services.leadconnectorhq.com", conn.ConnectionState().PeerCertificates[0].DNSNames[0])
	conn.Close()

	_, _, err = getContact(t, ghlClient(t, base, x509.NewCertPool()), "https://services.leadconnectorhq.com/contacts/"+adaID)
	var unknown x509.UnknownAuthorityError
	assert.ErrorAs(t, err, &unknown, "a client that does not trust the CA is refused")
}

// TestServeTLSKeepsTheCAInTheStateDatabase: with --state the CA lives in the
// database: ghlmock tls ca --state prints it while the mock runs, and a
// restart serves a certificate from the same CA.
func TestServeTLSKeepsTheCAInTheStateDatabase(t *testing.T) {
	state := filepath.Join(t.TempDir(), "mock.db")
	cfgDir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfgDir) // the default directory must stay unused
	t.Setenv("HOME", cfgDir)
	base, stop := startServe(t, nil, "--addr", "127.0.0.1:0", "--tls", "--state", state)
	ca := caPEM(t, "--state", state)
	status, _, err := getContact(t, ghlClient(t, base, poolOf(t, ca)), "https://services.leadconnectorhq.com/contacts/"+adaID)
	require.NoError(t, err, "the CA printed while it runs is the one it serves with")
	assert.Equal(t, 200, status)
	require.NoError(t, stop())

	base, _ = startServe(t, nil, "--addr", "127.0.0.1:0", "--tls", "--state", state)
	status, _, err = getContact(t, ghlClient(t, base, poolOf(t, ca)), "https://services.leadconnectorhq.com/contacts/"+adaID)
	require.NoError(t, err, "after a restart, the same CA")
	assert.Equal(t, 200, status)
	assert.Equal(t, ca, caPEM(t, "--state", state))
	entries, _ := os.ReadDir(cfgDir)
	assert.Empty(t, entries, "nothing kept in the user's configuration directory")
}

// TestTLSCAMakesTheCABeforeTheFirstServe: a user can trust the CA first and
// start the mock afterwards.
func TestTLSCAMakesTheCABeforeTheFirstServe(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tls")
	ca := caPEM(t, "--tls-dir", dir)
	assert.Equal(t, ca, caPEM(t, "--tls-dir", dir), "printed again, not made again")
	base, _ := startServe(t, nil, "--addr", "127.0.0.1:0", "--tls", "--tls-dir", dir)
	status, _, err := getContact(t, ghlClient(t, base, poolOf(t, ca)), "https://services.leadconnectorhq.com/contacts/"+adaID)
	require.NoError(t, err)
	assert.Equal(t, 200, status)

	var stderr bytes.Buffer
	assert.Error(t, run(t.Context(), []string{"tls"}, io.Discard, &stderr, func(string) string { return "" }))
	assert.Contains(t, stderr.String(), "ghlmock tls ca")
}

// TestNodeClientReachesGHLsHost: a Node client hard-coding
// https://services.leadconnectorhq.com, its resolver mapping the host to
// the mock, reaches it when NODE_EXTRA_CA_CERTS names the CA, and is
// refused without it. Under CI=true a missing node fails the test.
func TestNodeClientReachesGHLsHost(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		needTool(t, "node is not installed; .ci/run installs it (the Node TLS check needs it)")
		return
	}
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "tls")
	base, _ := startServe(t, nil, "--addr", "127.0.0.1:0", "--tls", "--tls-dir", dir)
	u, err := url.Parse(base)
	require.NoError(t, err)
	caFile := filepath.Join(tmp, "ghlmock-ca.pem")
	require.NoError(t, os.WriteFile(caFile, caPEM(t, "--tls-dir", dir), 0o644))
	script, err := filepath.Abs(filepath.Join("testdata", "tls_client.js"))
	require.NoError(t, err)

	runNode := func(extraCA string) map[string]any {
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, node, script, u.Port(), testToken, adaID)
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + tmp}
		if extraCA != "" {
			cmd.Env = append(cmd.Env, "NODE_EXTRA_CA_CERTS="+extraCA)
		}
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		require.NoError(t, cmd.Run(), "node: %s", stderr.String())
		var got map[string]any
		require.NoError(t, json.Unmarshal(bytes.TrimSpace(stdout.Bytes()), &got), "node printed %q (%s)", stdout.String(), stderr.String())
		return got
	}
	got := runNode(caFile)
	assert.Equal(t, map[string]any{"status": 200.0, "id": adaID, "authorized": true}, got)
	got = runNode("")
	assert.Contains(t, []any{"UNABLE_TO_VERIFY_LEAF_SIGNATURE", "SELF_SIGNED_CERT_IN_CHAIN", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY"}, got["error"],
		"without the CA, node refuses the mock: %v", got)
}

// needTool ends a test that lacks a tool: under CI=true (as .ci/run sets it)
// it fails, elsewhere it skips with the reason (mockserver's cannotRun).
func needTool(t *testing.T, reason string) {
	t.Helper()
	if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
		t.Fatalf("%s (CI=true: a check that cannot run fails the run)", reason)
	}
	t.Skip(reason)
}

// TestTLSCAWithABusyStateDatabaseWithoutACA: a mock serving --state
// without --tls holds the database; tls ca cannot add a CA to it, and says
// what to do.
func TestTLSCAWithABusyStateDatabaseWithoutACA(t *testing.T) {
	state := filepath.Join(t.TempDir(), "mock.db")
	_, stop := startServe(t, nil, "--addr", "127.0.0.1:0", "--state", state)
	var stdout, stderr bytes.Buffer
	err := run(t.Context(), []string{"tls", "ca", "--state", state}, &stdout, &stderr, func(string) string { return "" })
	assert.ErrorContains(t, err, "restart that one with --tls")
	assert.Empty(t, stdout.String())
	require.NoError(t, stop())
	assert.NotEmpty(t, caPEM(t, "--state", state), "once it stopped, tls ca makes the CA in the database")
}

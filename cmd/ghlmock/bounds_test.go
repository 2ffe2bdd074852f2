package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const rwToken = "pit-1a2b3c4d-0001-4000-8000-000000000001"

// rawConn is a client connection the test drives byte by byte. Its
// deadline only keeps a broken test from hanging: a bound the mock enforces
// ends the connection long before.
func rawConn(t *testing.T, base string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	require.NoError(t, c.SetDeadline(time.Now().Add(30*time.Second)))
	return c
}

// startUpload sends a create-contact request's headers and the start of
// its 100,000-byte body, then stalls.
func startUpload(t *testing.T, c net.Conn, token string) {
	t.Helper()
	auth := ""
	if token != "" {
		auth = "Authorization: Bearer " + token + "\r\n"
	}
	_, err := fmt.Fprintf(c, "POST /contacts/ HTTP/1.1\r\nHost: 127.0.0.1\r\n%sVersion: 2021-07-28\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"locationId\":", auth)
	require.NoError(t, err)
}

// endsByItself reads c until the mock closes it, failing if only the
// test's own deadline ends it; it returns what was read.
func endsByItself(t *testing.T, c net.Conn) string {
	t.Helper()
	b, err := io.ReadAll(c)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the mock never closed the connection (read %q)", b)
	}
	return string(b)
}

func TestServeCutsOffSlowBodies(t *testing.T) {
	base, _ := startServe(t, nil, "--addr", "127.0.0.1:0", "--contacts", "5", "--body-timeout", "300ms")
	for _, tc := range []struct{ name, token, answer string }{
		{"with a token", rwToken, "HTTP/1.1 400"}, // the body could not be read
		{"without a token", "", "HTTP/1.1 401"},   // refused first, given a second to finish sending
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := rawConn(t, base)
			startUpload(t, c, tc.token)
			got := endsByItself(t, c)
			assert.True(t, strings.HasPrefix(got, tc.answer), "%q", got)
		})
	}
	status, _ := get(t, base+"/contacts/2NexTNy4UiJ1cLOoua11")
	assert.Equal(t, http.StatusOK, status, "the mock serves on")
}

func TestServeClosesIdleConnections(t *testing.T) {
	base, _ := startServe(t, nil, "--addr", "127.0.0.1:0", "--contacts", "5", "--idle-timeout", "300ms")
	c := rawConn(t, base)
	_, err := fmt.Fprintf(c, "GET /_mock/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
	require.NoError(t, err)
	got := endsByItself(t, c)
	assert.Contains(t, got, `{"status":"ok"}`, "answered, kept alive, then closed once idle")
}

func TestServeRefusesHugeHeaders(t *testing.T) {
	base, _ := startServe(t, nil, "--addr", "127.0.0.1:0", "--contacts", "5", "--max-header-bytes", "8192")
	c := rawConn(t, base)
	_, err := fmt.Fprintf(c, "GET /nope?%s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", strings.Repeat("q", 16<<10))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(endsByItself(t, c), "HTTP/1.1 431"))
}

// TestServeAtTheConnectionCap: with every connection busy a new client is
// told 503 Retry-After: 1 at once; connections that idle or say nothing
// for a second make room for it.
func TestServeAtTheConnectionCap(t *testing.T) {
	base, _ := startServe(t, nil, "--addr", "127.0.0.1:0", "--contacts", "5", "--max-conns", "2")
	busy := []net.Conn{rawConn(t, base), rawConn(t, base)}
	for _, c := range busy {
		startUpload(t, c, rwToken) // active for the --body-timeout, 30 s
	}
	time.Sleep(100 * time.Millisecond) // let the mock read their headers
	c := rawConn(t, base)
	_, err := fmt.Fprintf(c, "GET /contacts/2NexTNy4UiJ1cLOoua11 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\nVersion: 2021-07-28\r\n\r\n", rwToken)
	require.NoError(t, err)
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	assert.Equal(t, http.StatusServiceUnavailable, res.StatusCode)
	assert.Equal(t, "1", res.Header.Get("Retry-After"))
	var e map[string]any
	require.NoError(t, json.Unmarshal(body, &e), "%s", body)
	assert.EqualValues(t, 503, e["statusCode"])
	for _, c := range busy {
		_ = c.Close()
	}

	// Two connections that send nothing, then a second of it.
	rawConn(t, base)
	rawConn(t, base)
	time.Sleep(1100 * time.Millisecond)
	status, _ := get(t, base+"/contacts/2NexTNy4UiJ1cLOoua11")
	assert.Equal(t, http.StatusOK, status, "a silent connection made room")
}

func TestServeRefusesBadBounds(t *testing.T) {
	for _, args := range [][]string{
		{"--max-conns", "-1"},
		{"--body-timeout", "0s"},
		{"--idle-timeout", "-1s"},
		{"--max-header-bytes", "100"},
	} {
		_, _, err := runCmd(t, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
		assert.Error(t, err, "%v", args)
	}
}

// TestHeldConnectionsLockNobodyOut: with 1,024 file descriptors, 1,016
// connections held open — each has made a request and keeps its
// connection alive, never to use it again — still leave room for another
// client, which used to wait forever.
func TestHeldConnectionsLockNobodyOut(t *testing.T) {
	var own syscall.Rlimit
	require.NoError(t, syscall.Getrlimit(syscall.RLIMIT_NOFILE, &own))
	limit := min(uint64(1024), own.Cur/2) // the test holds as many connections as the mock has descriptors
	c := startChildEnv(t, []string{fmt.Sprintf("%s=%d", childNofileEnv, limit)}, "--contacts", "5")
	addr := strings.TrimPrefix(c.base, "http://")
	held, answered := 0, 0
	for range int(limit) - 8 {
		conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			continue
		}
		defer conn.Close()
		held++
		_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
		if _, err := fmt.Fprintf(conn, "GET /_mock/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"); err != nil {
			continue
		}
		if res, err := http.ReadResponse(bufio.NewReader(conn), nil); err == nil {
			_, _ = io.Copy(io.Discard, res.Body)
			if res.StatusCode == http.StatusOK {
				answered++
			}
		}
	}
	t.Logf("%d connections held, %d of them answered 200 (descriptor limit %d)", held, answered, limit)
	time.Sleep(1100 * time.Millisecond) // the held connections have idled for a second

	client := &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	req, err := http.NewRequest("GET", c.base+"/contacts/2NexTNy4UiJ1cLOoua11", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+rwToken)
	req.Header.Set("Version", "2021-07-28")
	res, err := client.Do(req)
	require.NoError(t, err, "another client is served:\n%s", tail(c.stderr.String()))
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.NotContains(t, c.stderr.String(), "too many open files")
}

func tail(s string) string {
	if len(s) > 2000 {
		return s[len(s)-2000:]
	}
	return s
}

// TestServeAdminTokenFile: the admin token comes from a file, so it is not
// on the command line.
func TestServeAdminTokenFile(t *testing.T) {
	path := t.TempDir() + "/admin-token"
	require.NoError(t, os.WriteFile(path, []byte("s3cret-from-file\n"), 0o600))
	base, _ := startServe(t, nil, "--addr", "127.0.0.1:0", "--contacts", "5", "--admin-token-file", path)
	status, _ := getAs(t, base+"/_mock/faults", "wrong")
	assert.Equal(t, http.StatusUnauthorized, status)
	status, _ = getAs(t, base+"/_mock/faults", "s3cret-from-file")
	assert.Equal(t, http.StatusOK, status)

	base, _ = startServe(t, map[string]string{"GHLMOCK_ADMIN_TOKEN": "s3cret-from-env"}, "--addr", "127.0.0.1:0", "--contacts", "5")
	status, _ = getAs(t, base+"/_mock/faults", "s3cret-from-env")
	assert.Equal(t, http.StatusOK, status)

	empty := t.TempDir() + "/empty"
	require.NoError(t, os.WriteFile(empty, nil, 0o600))
	for _, args := range [][]string{
		{"--admin-token-file", empty},
		{"--admin-token-file", t.TempDir() + "/missing"},
		{"--admin-token-file", path, "--admin-token", "x"},
	} {
		_, _, err := runCmd(t, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
		assert.Error(t, err, "%v", args)
	}
}

// TestServeAllowedHost: the admin API answers under the names given by
// --allowed-host, and refuses others (DNS rebinding).
func TestServeAllowedHost(t *testing.T) {
	base, _ := startServe(t, nil, "--addr", "127.0.0.1:0", "--contacts", "5", "--allowed-host", "mock.test", "--allowed-host", "other.test")
	for host, want := range map[string]int{"mock.test": 200, "other.test:8080": 200, "evil.test": 403, "127.0.0.1": 200} {
		req, err := http.NewRequestWithContext(t.Context(), "GET", base+"/_mock/faults", nil)
		require.NoError(t, err)
		req.Host = host
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		assert.Equal(t, want, res.StatusCode, host)
	}
}

// TestSIGTERMDoesNotWaitOutAStalledUpload: an upload stalled with a valid
// token is cut off after --body-timeout, so a SIGTERM with a long
// --shutdown-grace finishes without waiting for it, and the database is
// closed cleanly with the writes acknowledged before.
func TestSIGTERMDoesNotWaitOutAStalledUpload(t *testing.T) {
	state := t.TempDir() + "/state.db"
	c := startChild(t, "--contacts", "5", "--state", state, "--shutdown-grace", "60s", "--body-timeout", "300ms")
	status, body := c.do("POST", "/contacts/", `{"locationId":"`+loc+`","firstName":"Before","email":"before-sigterm@example.com"}`)
	require.Equal(t, http.StatusCreated, status, "%v", body)
	id := body["contact"].(map[string]any)["id"].(string)
	conn := rawConn(t, c.base)
	startUpload(t, conn, rwToken)
	time.Sleep(100 * time.Millisecond) // let the mock start reading the body
	require.NoError(t, c.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-c.exitedOnce():
		require.NoError(t, err, "a graceful stop exits 0:\n%s", c.stderr.String())
	case <-time.After(120 * time.Second):
		t.Fatal("the mock did not stop")
	}
	assert.NotContains(t, c.stderr.String(), "requests still open at the end of the grace period", "the stalled upload was cut off before the grace ran out")
	assert.Contains(t, c.stderr.String(), "state closed")
	c2 := startChild(t, "--contacts", "5", "--state", state)
	status, _ = c2.do("GET", "/contacts/"+id, "")
	assert.Equal(t, http.StatusOK, status, "the acknowledged write survived")
	assert.NotContains(t, c2.stderr.String(), "not closed cleanly")
}

func TestAdminFlagsAllowTheListenHost(t *testing.T) {
	a := adminFlags{allowedHosts: stringList{"a.test"}}
	require.NoError(t, a.allowedHosts.Set("b.test, c.test"))
	_, hosts, err := a.resolve("mock.staging.test:8080")
	require.NoError(t, err)
	assert.Equal(t, []string{"a.test", "b.test", "c.test", "mock.staging.test"}, hosts)
	_, hosts, err = a.resolve("0.0.0.0:8080")
	require.NoError(t, err)
	assert.Equal(t, []string{"a.test", "b.test", "c.test"}, hosts, "an address needs no entry: every IP literal is served")
}

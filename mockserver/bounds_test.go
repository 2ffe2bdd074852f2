package mockserver_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver"
)

// sendWholeBodyThenRead sends a request with a body of n bytes the way most
// clients do — the whole body, then read the answer — and returns the
// error of the write and the answer.
func sendWholeBodyThenRead(t *testing.T, addr, path, token string, n int) (error, *http.Response, string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, c.(*net.TCPConn).SetWriteBuffer(64<<10))
	_ = c.SetDeadline(time.Now().Add(60 * time.Second))
	auth := ""
	if token != "" {
		auth = "Authorization: Bearer " + token + "\r\n"
	}
	_, err = fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%sVersion: 2021-07-28\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", path, auth, n)
	require.NoError(t, err)
	_, werr := c.Write(bytes.Repeat([]byte("a"), n))
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return werr, nil, err.Error()
	}
	b, _ := io.ReadAll(res.Body)
	return werr, res, string(b)
}

// smallBuffers is a listener whose connections have small receive
// buffers: on loopback the kernel would otherwise buffer megabytes of a
// body nobody reads, and hide a server that stops reading it.
type smallBuffers struct{ net.Listener }

func (l smallBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		_ = c.(*net.TCPConn).SetReadBuffer(64 << 10)
	}
	return c, err
}

// serveWithSmallBuffers serves h's mock on a listener of its own with
// small receive buffers; it returns its address.
func serveWithSmallBuffers(t *testing.T, h *harness) string {
	t.Helper()
	ts := httptest.NewUnstartedServer(h.srv)
	ts.Listener = smallBuffers{ts.Listener}
	ts.Start()
	t.Cleanup(ts.Close)
	return ts.Listener.Addr().String()
}

// TestATooLargeBodyGetsItsAnswerRead: a 6 MB body is read to its end before
// the 413, so that a client that reads only once it has sent everything
// reads the 413, not a broken pipe.
func TestATooLargeBodyGetsItsAnswerRead(t *testing.T) {
	h := setup(t)
	addr := serveWithSmallBuffers(t, h)
	for _, tc := range []struct {
		name, path, token string
		size, status      int
	}{
		{"create contact", "/contacts/", h.rw, 6_000_000, http.StatusRequestEntityTooLarge},
		// Without a token the body has a second to arrive: 1 MB (above the
		// 256 KiB net/http reads by itself) is sure to, on a busy machine too.
		{"no token", "/contacts/", "", 1_000_000, http.StatusUnauthorized},
		{"admin API", "/_mock/faults", "", 6_000_000, http.StatusRequestEntityTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			werr, res, body := sendWholeBodyThenRead(t, addr, tc.path, tc.token, tc.size)
			require.NoError(t, werr, "the whole body was taken")
			require.NotNil(t, res, body)
			assert.Equal(t, tc.status, res.StatusCode, body)
			assert.Contains(t, body, fmt.Sprintf(`"statusCode":%d`, tc.status))
		})
	}
}

// TestABodyBeyondTheDrainIsCutOff: the mock reads at most 16 MiB of a
// body it refuses; the connection of a larger one is closed after the
// answer.
func TestABodyBeyondTheDrainIsCutOff(t *testing.T) {
	h := setup(t)
	werr, _, _ := sendWholeBodyThenRead(t, serveWithSmallBuffers(t, h), "/contacts/", h.rw, 40<<20)
	assert.Error(t, werr, "the mock stopped reading a 40 MiB body")
}

// TestHugeURLsAreBoundedEverywhere: a 1 MB path and query cost the journal,
// the 404 answer and the log line 2 KiB each, with a marker.
func TestHugeURLsAreBoundedEverywhere(t *testing.T) {
	var logs bytes.Buffer
	h := setup(t, func(c *mockserver.Config) { c.Logger = slog.New(slog.NewTextHandler(&logs, nil)) })
	long := strings.Repeat("p", 1<<20)
	r := httptest.NewRequest("GET", "/nope/"+long+"?q="+strings.Repeat("q", 1<<20), nil)
	w := httptest.NewRecorder()
	h.srv.ServeHTTP(w, r)
	assert.Equal(t, http.StatusNotFound, w.Code)
	assert.Less(t, w.Body.Len(), 4096, "the 404 message is cut")
	assert.Contains(t, w.Body.String(), "…[truncated ")

	res := h.admin("GET", "/_mock/requests", nil)
	require.Equal(t, http.StatusOK, res.Status)
	assert.Less(t, len(res.Body), 16<<10, "the journal entry is cut")
	e := res.JSON(t)["requests"].([]any)[0].(map[string]any)
	assert.Contains(t, e["path"], "…[truncated ")
	assert.Contains(t, e["query"], "…[truncated ")
	assert.Less(t, logs.Len(), 8<<10, "the log line is cut")
}

// TestBodyTimeout: a body that does not arrive within Config.BodyTimeout
// has its connection closed; a fault's delay does not count against it.
func TestBodyTimeout(t *testing.T) {
	h := setup(t, func(c *mockserver.Config) { c.BodyTimeout = 200 * time.Millisecond })
	c, err := net.Dial("tcp", strings.TrimPrefix(h.ts.URL, "http://"))
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, c.SetDeadline(time.Now().Add(30*time.Second))) // only a broken test gets there
	_, err = fmt.Fprintf(c, "POST /contacts/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\nVersion: 2021-07-28\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{", h.rw)
	require.NoError(t, err)
	got, err := io.ReadAll(c)
	require.NoError(t, err, "the mock closed the connection (read %q)", got)
	assert.Contains(t, string(got), "HTTP/1.1 400", "the body could not be read")

	require.Equal(t, http.StatusCreated, h.admin("POST", "/_mock/faults", map[string]any{"operationId": "create-contact", "delayMs": 600}).Status)
	// Padded past what the server buffers as it reads the headers, so the
	// body is read from the connection after the delay.
	body := `{"locationId":"` + h.loc + `","firstName":"Slow","email":"slow@example.com"}` + strings.Repeat(" ", 200<<10)
	r := h.do(call{method: "POST", path: "/contacts/", body: body})
	assert.Equal(t, http.StatusCreated, r.Status, "%s", r.Body)
}

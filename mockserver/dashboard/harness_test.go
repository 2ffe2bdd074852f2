package dashboard_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver"
)

// The seeded data the tests use: fixtures/default.yaml's Acme location, its
// read-write token and its named contact Ada Lovelace.
const (
	acme      = "O9hFAiOh29oB93c0F6UJ"
	acmeToken = "pit-1a2b3c4d-0001-4000-8000-000000000001"
	ada       = "2NexTNy4UiJ1cLOoua11"
)

// newMock builds a mock for a test.
func newMock(t *testing.T, cfg mockserver.Config) *mockserver.Server {
	t.Helper()
	srv, err := mockserver.New(cfg)
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	return srv
}

// serve starts the mock on a loopback port.
func serve(t *testing.T, srv *mockserver.Server) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts
}

// call sends a request to the handler as if from remote for host, and
// returns the answer.
func call(t *testing.T, h http.Handler, method, target, remote, host string, hdr map[string]string, body string) *http.Response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	r := httptest.NewRequest(method, target, rd)
	r.RemoteAddr = remote
	r.Host = host
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Result()
}

func text(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return string(b)
}

func jsonOf(t *testing.T, res *http.Response) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(text(t, res)), &m))
	return m
}

var csrfMeta = regexp.MustCompile(`<meta name="ghlmock-csrf" content="([^"]+)">`)

// csrfOf reads the CSRF token of a page.
func csrfOf(t *testing.T, page string) string {
	t.Helper()
	m := csrfMeta.FindStringSubmatch(page)
	require.NotNil(t, m, "the page has no CSRF token")
	return m[1]
}

// apiGet calls the API with Acme's token.
func apiGet(t *testing.T, base, path string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, base+path, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+acmeToken)
	req.Header.Set("Version", "2021-07-28")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { _ = res.Body.Close() })
	return res
}

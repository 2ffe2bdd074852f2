package mockserver_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver"
)

// TestHeadForEveryGet: HEAD on every GET operation answers what GET does,
// status and headers, without a body, and is journalled under the GET's
// operationId.
func TestHeadForEveryGet(t *testing.T) {
	h := setup(t)
	n := 0
	for _, c := range opCases() {
		get := c.build(ada)
		if get.method != "" && get.method != http.MethodGet {
			continue
		}
		n++
		t.Run(c.id, func(t *testing.T) {
			g := h.do(get)
			head := get
			head.method, head.unchecked = http.MethodHead, true
			r := h.do(head)
			assert.Equal(t, g.Status, r.Status)
			assert.Empty(t, r.Body, "no body")
			assert.Equal(t, g.Header.Get("Content-Length"), r.Header.Get("Content-Length"), "the length GET's body has")
			for _, k := range []string{"Content-Type", "X-Ratelimit-Max", "X-Ratelimit-Limit-Daily", "X-Ratelimit-Interval-Milliseconds"} {
				assert.Equal(t, g.Header.Get(k), r.Header.Get(k), k)
			}
			assert.NotEmpty(t, r.Header.Get("X-Ratelimit-Remaining"))
		})
	}
	assert.GreaterOrEqual(t, n, 8, "every GET of the document")

	j := h.admin("GET", "/_mock/requests?method=HEAD&limit=1", nil).JSON(t)
	reqs, _ := j["requests"].([]any)
	require.Len(t, reqs, 1)
	assert.NotEmpty(t, reqs[0].(map[string]any)["operationId"], "journalled with the GET's operationId")

	// Errors too: HEAD without a token is GET's 401, with no body.
	r := h.do(call{method: http.MethodHead, path: "/contacts/" + ada, token: str(""), unchecked: true})
	assert.Equal(t, 401, r.Status)
	assert.Empty(t, r.Body)
	r = h.do(call{method: http.MethodHead, path: "/nowhere", unchecked: true})
	assert.Equal(t, 404, r.Status)
	r = h.do(call{method: http.MethodHead, path: "/contacts/", body: nil, unchecked: true})
	assert.NotEqual(t, 404, r.Status, "HEAD of a GET-only path is routed, not unknown")
}

// TestHeadWritesNoBodyItself: the handler, not net/http, leaves the body out
// (a Go test serving the mock through a recorder sees none either).
func TestHeadWritesNoBodyItself(t *testing.T) {
	h := setup(t)
	req := httptest.NewRequest(http.MethodHead, "/contacts/"+ada, nil)
	req.Header.Set("Authorization", "Bearer "+h.rw)
	req.Header.Set("Version", "2021-07-28")
	rec := httptest.NewRecorder()
	h.srv.ServeHTTP(rec, req)
	assert.Equal(t, 200, rec.Code)
	assert.Empty(t, rec.Body.String())
	assert.NotEqual(t, "0", rec.Header().Get("Content-Length"))
}

func corsSetup(t *testing.T, origins ...string) *harness {
	t.Helper()
	return setup(t, func(c *mockserver.Config) { c.CORSOrigins = origins })
}

func preflight(t *testing.T, h *harness, origin, method, path, headers string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodOptions, h.ts.URL+path, nil)
	require.NoError(t, err)
	req.Header.Set("Origin", origin)
	req.Header.Set("Access-Control-Request-Method", method)
	if headers != "" {
		req.Header.Set("Access-Control-Request-Headers", headers)
	}
	res, err := h.ts.Client().Do(req)
	require.NoError(t, err)
	res.Body.Close()
	return res
}

func TestCORSPreflight(t *testing.T) {
	h := corsSetup(t, "http://localhost:3000", "https://app.example.com")
	res := preflight(t, h, "http://localhost:3000", "PUT", "/contacts/"+ada, "authorization,version,content-type")
	assert.Equal(t, http.StatusNoContent, res.StatusCode)
	assert.Equal(t, "http://localhost:3000", res.Header.Get("Access-Control-Allow-Origin"))
	assert.Equal(t, "GET, HEAD, PUT, DELETE", res.Header.Get("Access-Control-Allow-Methods"), "the methods the path has, from the router")
	assert.Equal(t, "authorization,version,content-type", res.Header.Get("Access-Control-Allow-Headers"))
	assert.Equal(t, "600", res.Header.Get("Access-Control-Max-Age"))
	assert.Contains(t, res.Header.Values("Vary"), "Origin, Access-Control-Request-Method, Access-Control-Request-Headers")

	res = preflight(t, h, "https://app.example.com", "POST", "/contacts/", "")
	assert.Equal(t, http.StatusNoContent, res.StatusCode)
	assert.Equal(t, "Authorization, Version, Content-Type, Accept", res.Header.Get("Access-Control-Allow-Headers"), "GHL's headers when none are asked for")

	res = preflight(t, h, "https://evil.example", "GET", "/contacts/"+ada, "authorization")
	assert.Equal(t, http.StatusForbidden, res.StatusCode, "an origin not listed")
	assert.Empty(t, res.Header.Get("Access-Control-Allow-Origin"))

	res = preflight(t, h, "http://localhost:3000", "PATCH", "/contacts/"+ada, "")
	assert.Equal(t, http.StatusNotFound, res.StatusCode, "a method the path does not have")
	assert.Empty(t, res.Header.Get("Access-Control-Allow-Origin"))
	res = preflight(t, h, "http://localhost:3000", "GET", "/nowhere", "")
	assert.Equal(t, http.StatusNotFound, res.StatusCode, "an unknown path")

	res = preflight(t, h, "http://localhost:3000", "POST", "/_mock/reset", "")
	assert.Empty(t, res.Header.Get("Access-Control-Allow-Origin"), "never the admin API")
	assert.NotEqual(t, http.StatusNoContent, res.StatusCode)
}

func TestCORSOnAnswers(t *testing.T) {
	h := corsSetup(t, "http://localhost:3000")
	r := h.do(call{path: "/contacts/" + ada, headers: map[string]string{"Origin": "http://localhost:3000"}})
	assert.Equal(t, 200, r.Status)
	assert.Equal(t, "http://localhost:3000", r.Header.Get("Access-Control-Allow-Origin"))
	assert.Contains(t, r.Header.Get("Access-Control-Expose-Headers"), "X-Ratelimit-Remaining")
	assert.Contains(t, r.Header.Values("Vary"), "Origin")

	r = h.do(call{path: "/contacts/" + ada, token: str(""), headers: map[string]string{"Origin": "http://localhost:3000"}})
	assert.Equal(t, 401, r.Status)
	assert.Equal(t, "http://localhost:3000", r.Header.Get("Access-Control-Allow-Origin"), "a page can read the error too")

	r = h.do(call{path: "/contacts/" + ada, headers: map[string]string{"Origin": "https://evil.example"}})
	assert.Equal(t, 200, r.Status, "CORS is the browser's to enforce: the answer is the same")
	assert.Empty(t, r.Header.Get("Access-Control-Allow-Origin"))

	a := h.admin("GET", "/_mock/health", nil)
	assert.Empty(t, a.Header.Get("Access-Control-Allow-Origin"))

	star := corsSetup(t, "*")
	r = star.do(call{path: "/contacts/" + ada, headers: map[string]string{"Origin": "https://anything.example"}})
	assert.Equal(t, "*", r.Header.Get("Access-Control-Allow-Origin"))

	off := setup(t)
	r = off.do(call{path: "/contacts/" + ada, headers: map[string]string{"Origin": "http://localhost:3000"}})
	assert.Empty(t, r.Header.Get("Access-Control-Allow-Origin"), "off unless configured")
	res := preflight(t, off, "http://localhost:3000", "GET", "/contacts/"+ada, "")
	assert.Equal(t, http.StatusNotFound, res.StatusCode, "without --cors-origins an OPTIONS is GHL's 404, as before")
}

func TestCORSOriginsRefusedWhenMalformed(t *testing.T) {
	for _, o := range []string{"localhost:3000", "https://app.example.com/path", "ftp://x.example", "https://"} {
		_, err := mockserver.New(mockserver.Config{CORSOrigins: []string{o}})
		assert.Error(t, err, o)
		if err != nil {
			assert.True(t, strings.Contains(err.Error(), "scheme://host"), err.Error())
		}
	}
}

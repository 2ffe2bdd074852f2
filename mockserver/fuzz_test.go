package mockserver_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver"
	"github.com/ghlmock/ghlmock/mockserver/fixture"
	"github.com/ghlmock/ghlmock/mockserver/ratelimit"
)

// FuzzOperations sends every operation with a fuzzed contact id, query
// string, body (JSON or not), Authorization and Version header, and holds the mock to its promises on each
// answer: never a 5xx, always an answer the document allows (GHL's error
// shape for every 4xx), and a refused request leaves the state exactly as it
// was. `make test` runs the seed corpus (each operation's own well-formed
// request, and a few malformed ones); `go test -fuzz FuzzOperations
// ./mockserver` explores further.
func FuzzOperations(f *testing.F) {
	cases := opCases()
	for i, c := range cases {
		cl := c.build(ada)
		var body []byte
		if cl.body != nil {
			b, err := json.Marshal(cl.body)
			require.NoError(f, err)
			body = b
		}
		f.Add(uint8(i), "", "", body, true, "", "")
		f.Add(uint8(i), "..", "limit=-1&locationId=", []byte(`{"locationId":5,"tags":"x"}`), true, "", "")
		f.Add(uint8(i), "ünï%2Fcode", "startAfter=x&skip=abc", []byte("\xff{"), false, "", "")
		f.Add(uint8(i), "", "", body, true, "Bearer pit-1a2b3c4d-0001-4000-8000-000000000002", "2020-01-01")
		f.Add(uint8(i), "", "", body, true, "bearer  x y", "bogus-version")
	}

	spec, err := specOnce()
	require.NoError(f, err)
	fx, err := fixture.Default()
	require.NoError(f, err)
	clock := &fakeClock{t: time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)}
	srv, err := mockserver.New(mockserver.Config{Fixtures: fx, Seed: 1, Now: clock.Now, Spec: spec, ContactsPerLocation: 3,
		RateLimits: ratelimit.Limits{Burst: 1 << 30, Window: 10 * time.Second, Daily: 1 << 30}})
	require.NoError(f, err)
	token := tokenWith(f, fx.Locations[0], true)
	runs := 0

	f.Fuzz(func(t *testing.T, op uint8, id, query string, body []byte, jsonBody bool, authz, version string) {
		if runs++; runs%500 == 0 {
			require.NoError(t, srv.Reset()) // keep the state, and each export, small
		}
		c := cases[int(op)%len(cases)]
		if id == "" {
			id = ada
		}
		cl := c.build(id)
		if cl.method == "" {
			cl.method = http.MethodGet
		}
		if query != "" {
			sep := "?"
			if strings.Contains(cl.path, "?") {
				sep = "&"
			}
			cl.path += sep + query
		}
		if body == nil && cl.body != nil {
			body, _ = json.Marshal(cl.body)
		}
		req, err := http.NewRequestWithContext(t.Context(), cl.method, "http://mock.test"+cl.path, strings.NewReader(string(body)))
		if err != nil {
			return // no client could send this request: nothing to check
		}
		// Empty: the read-write token and a valid Version; else as fuzzed.
		if authz == "" {
			authz = "Bearer " + token
		}
		if version == "" {
			version = "2021-07-28"
		}
		req.Header.Set("Authorization", authz)
		req.Header.Set("Version", version)
		if jsonBody {
			req.Header.Set("Content-Type", "application/json")
		}

		before := exportOf(t, srv)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		r := &response{Status: rec.Code, Header: rec.Result().Header, Body: rec.Body.Bytes()}

		require.Less(t, r.Status, 500, "%s %s with %q → %d %s", cl.method, cl.path, body, r.Status, r.Body)
		(&harness{t: t, spec: spec}).checkAgainstSpec(req, r)
		if r.Status >= 400 {
			if after := exportOf(t, srv); before != after {
				assertUnchanged(t, before, after, cl.method+" "+cl.path+" was refused")
			}
		}
	})
}

// exportOf snapshots a server's whole state, as export does for a harness.
func exportOf(t *testing.T, srv *mockserver.Server) string {
	t.Helper()
	ds, err := srv.Store().Export(t.Context())
	require.NoError(t, err)
	b, err := json.Marshal(ds)
	require.NoError(t, err)
	return string(b)
}

// adminCalls are the admin endpoints that read a body or a query, with a
// well-formed request for each (the fuzzer's starting points).
var adminCalls = []struct{ method, path, body string }{
	{"POST", "/_mock/faults", `{"operationId":"get-contact","status":503,"times":1}`},
	{"POST", "/_mock/faults", `{"path":"/contacts/*","action":"timeout","latency":{"fixed":"10ms"},"probability":0.5}`},
	{"POST", "/_mock/clock", `{"advance":"10s"}`},
	{"POST", "/_mock/tokens", `{"locationId":"O9hFAiOh29oB93c0F6UJ","scopes":["contacts.readonly"],"expiresIn":"1h"}`},
	{"PUT", "/_mock/state", `{"locations":[{"location":{"id":"O9hFAiOh29oB93c0F6UJ"},"contacts":[{"id":"Contact1aaaaaaaaaaaa","firstName":"A"}]}]}`},
	{"GET", "/_mock/requests", ""},
	{"GET", "/_mock/state", ""},
	{"DELETE", "/_mock/faults/", ""},
	{"DELETE", "/_mock/tokens/", ""},
}

// FuzzAdmin sends the admin endpoints fuzzed bodies, queries and path
// tails: never a 5xx, always JSON with statusCode and message when refused,
// and a refused state import or fault rule leaves the state and the rules as
// they were.
func FuzzAdmin(f *testing.F) {
	for i, c := range adminCalls {
		f.Add(uint8(i), "", "", []byte(c.body))
		f.Add(uint8(i), "x", "limit=-1&status=abc&since=yesterday", []byte(`{"locations":[{"contacts":[{"id":5}]}],"advance":-1}`))
	}
	srv, err := mockserver.New(mockserver.Config{ContactsPerLocation: 2, Epoch: time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)})
	require.NoError(f, err)
	runs := 0

	f.Fuzz(func(t *testing.T, call uint8, tail, query string, body []byte) {
		if runs++; runs%200 == 0 {
			require.NoError(t, srv.Reset())
		}
		c := adminCalls[int(call)%len(adminCalls)]
		target := "http://127.0.0.1" + c.path + url.PathEscape(tail)
		if query != "" {
			target += "?" + query
		}
		req, err := http.NewRequestWithContext(t.Context(), c.method, target, strings.NewReader(string(body)))
		if err != nil {
			return // no client could send this request: nothing to check
		}
		req.Header.Set("Content-Type", "application/json")
		req.RemoteAddr = "127.0.0.1:50000" // the admin API answers loopback clients (see admin_guard.go)
		beforeState, beforeFaults := exportOf(t, srv), adminGet(t, srv, "/_mock/faults")

		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		require.Less(t, rec.Code, 500, "%s %s with %q → %d %s", c.method, target, body, rec.Code, rec.Body)
		if rec.Code >= 400 {
			var e struct {
				StatusCode int    `json:"statusCode"`
				Message    string `json:"message"`
			}
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &e), "refusal is not JSON: %s", rec.Body)
			require.Equal(t, rec.Code, e.StatusCode, "%s", rec.Body)
			require.NotEmpty(t, e.Message, "%s", rec.Body)
			if after := exportOf(t, srv); after != beforeState {
				assertUnchanged(t, beforeState, after, "a refused "+c.method+" "+c.path)
			}
			require.Equal(t, beforeFaults, adminGet(t, srv, "/_mock/faults"), "a refused call changes no fault rule")
		}
		// Whatever the admin API was told, the API itself still answers
		// without an internal error once the fault rules (which may answer
		// 5xx, hold or drop on purpose) and the clock's offset are cleared.
		adminDo(t, srv, "DELETE", "/_mock/faults")
		srv.Clock().Reset()
		api := httptest.NewRequestWithContext(t.Context(), "GET", "/contacts/"+ada, nil)
		api.Header.Set("Authorization", "Bearer pit-1a2b3c4d-0001-4000-8000-000000000001")
		api.Header.Set("Version", "2021-07-28")
		got := httptest.NewRecorder()
		srv.ServeHTTP(got, api)
		require.Less(t, got.Code, 500, "GET contact after %s %s: %s", c.method, target, got.Body)
	})
}

// adminGet returns the body of an admin GET, answered 200.
// loopbackRequest is httptest.NewRequest as a client on loopback sends it
// (httptest's own comes from 192.0.2.1 for example.com, which the admin API
// refuses).
func loopbackRequest(t *testing.T, method, target string, body io.Reader) *http.Request {
	t.Helper()
	r := httptest.NewRequestWithContext(t.Context(), method, "http://127.0.0.1"+target, body)
	r.RemoteAddr = "127.0.0.1:50000"
	if body != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	return r
}

func adminGet(t *testing.T, srv *mockserver.Server, path string) string {
	t.Helper()
	return adminDo(t, srv, "GET", path)
}

func adminDo(t *testing.T, srv *mockserver.Server, method, path string) string {
	t.Helper()
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, loopbackRequest(t, method, path, nil))
	require.Equal(t, 200, rec.Code, "%s %s: %s", method, path, rec.Body)
	return rec.Body.String()
}

package mockserver_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver"
	"github.com/ghlmock/ghlmock/mockserver/fixture"
	"github.com/ghlmock/ghlmock/mockserver/ratelimit"
)

// FuzzOperations sends every operation with a fuzzed contact id, query
// string and body (JSON or not) and holds the mock to its promises on each
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
		f.Add(uint8(i), "", "", body, true)
		f.Add(uint8(i), "..", "limit=-1&locationId=", []byte(`{"locationId":5,"tags":"x"}`), true)
		f.Add(uint8(i), "ünï%2Fcode", "startAfter=x&skip=abc", []byte("\xff{"), false)
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

	f.Fuzz(func(t *testing.T, op uint8, id, query string, body []byte, jsonBody bool) {
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
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Version", "2021-07-28")
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

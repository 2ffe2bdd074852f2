package mockserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver"
	"github.com/ghlmock/ghlmock/mockserver/fixture"
	"github.com/ghlmock/ghlmock/mockserver/ratelimit"
	"github.com/ghlmock/ghlmock/openapi"
)

// fakeClock is a clock tests move by hand; nothing in the tests sleeps.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// harness is one mock under httptest with the default fixtures, and the
// identities tests act as.
type harness struct {
	t     *testing.T
	srv   *mockserver.Server
	ts    *httptest.Server
	spec  *openapi.Spec
	clock *fakeClock
	fx    *fixture.Fixture

	// loc and other are the first two locations of the fixtures; rw and ro
	// are loc's read-write and read-only tokens, otherRW other's read-write one.
	loc, other  string
	rw, ro      string
	otherRW     string
	namedID     string // a named contact of loc
	otherNameID string // a named contact of other
}

var specOnce = sync.OnceValues(func() (*openapi.Spec, error) {
	return openapi.Load(context.Background())
})

// setup starts a mock with the default fixtures and a fake clock.
func setup(t *testing.T, mutate ...func(*mockserver.Config)) *harness {
	t.Helper()
	spec, err := specOnce()
	require.NoError(t, err)
	fx, err := fixture.Default()
	require.NoError(t, err)
	clock := &fakeClock{t: time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)}
	// Limits high enough that only the rate-limit tests, which set their own,
	// ever meet a 429.
	cfg := mockserver.Config{Fixtures: fx, Seed: 1, Now: clock.Now, Spec: spec, ContactsPerLocation: 20,
		RateLimits: ratelimit.Limits{Burst: 1 << 30, Window: 10 * time.Second, Daily: 1 << 30}}
	for _, m := range mutate {
		m(&cfg)
	}
	srv, err := mockserver.New(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.CloseState() }) // last: stops the webhook engine too
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	h := &harness{t: t, srv: srv, ts: ts, spec: spec, clock: clock, fx: cfg.Fixtures}
	t.Cleanup(h.checkDeliveries) // webhooks_test.go
	require.GreaterOrEqual(t, len(cfg.Fixtures.Locations), 2)
	l0, l1 := cfg.Fixtures.Locations[0], cfg.Fixtures.Locations[1]
	h.loc, h.other = l0.ID, l1.ID
	h.rw, h.ro = tokenWith(t, l0, true), tokenWith(t, l0, false)
	h.otherRW = tokenWith(t, l1, true)
	require.NotEmpty(t, l0.NamedContacts)
	require.NotEmpty(t, l1.NamedContacts)
	h.namedID, h.otherNameID = l0.NamedContacts[0].ID, l1.NamedContacts[0].ID
	return h
}

func tokenWith(t testing.TB, loc fixture.Location, write bool) string {
	t.Helper()
	for _, tok := range loc.Tokens {
		hasWrite := false
		for _, sc := range tok.Scopes {
			hasWrite = hasWrite || sc == "contacts.write"
		}
		if hasWrite == write {
			return tok.Token
		}
	}
	t.Fatalf("location %s has no token with write=%v", loc.ID, write)
	return ""
}

// response is an answer as a test sees it.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into a generic object.
func (r *response) JSON(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(r.Body, &m), "body: %s", r.Body)
	return m
}

// call is one request; its zero value is a GET with the read-write token and
// the Version header.
type call struct {
	method  string
	path    string
	body    any // marshalled to JSON unless a string or []byte
	token   *string
	version *string
	headers map[string]string
	// unchecked skips the check against the document, for answers a test
	// deliberately made un-GHL-like (a fault with a custom body).
	unchecked bool
}

func str(s string) *string { return &s }

// do sends a request and checks the answer against the OpenAPI document:
// status, headers and body of every response of an operation; GHL's error
// shape for anything else.
func (h *harness) do(c call) *response {
	h.t.Helper()
	if c.method == "" {
		c.method = http.MethodGet
	}
	var body io.Reader
	switch b := c.body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		require.NoError(h.t, err)
		body = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(h.t.Context(), c.method, h.ts.URL+c.path, body)
	require.NoError(h.t, err)
	if c.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	tok := h.rw
	if c.token != nil {
		tok = *c.token
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	version := "2021-07-28"
	if c.version != nil {
		version = *c.version
	}
	if version != "" {
		req.Header.Set("Version", version)
	}
	for k, v := range c.headers {
		req.Header.Set(k, v)
	}
	res, err := h.ts.Client().Do(req)
	require.NoError(h.t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(h.t, err)
	r := &response{Status: res.StatusCode, Header: res.Header, Body: raw}
	if !c.unchecked {
		h.checkAgainstSpec(req, r)
	}
	return r
}

// checkAgainstSpec validates an answer with kin-openapi against the document.
func (h *harness) checkAgainstSpec(req *http.Request, r *response) {
	h.t.Helper()
	op, params, err := h.spec.Match(req.Method, req.URL.EscapedPath())
	if err != nil {
		// No operation: the answer must be GHL's 404.
		assert.Equal(h.t, http.StatusNotFound, r.Status, "unrouted request answered %d", r.Status)
		assertErrorShape(h.t, r)
		return
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: op.Route},
		Status:                 r.Status,
		Header:                 r.Header,
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	in.SetBodyBytes(r.Body)
	assert.NoError(h.t, openapi3filter.ValidateResponse(h.t.Context(), in),
		"%s %s → %d does not match the document: %s", req.Method, req.URL.Path, r.Status, r.Body)
	if r.Status >= 400 {
		assertErrorShape(h.t, r)
	}
}

// assertErrorShape checks GHL's error body: statusCode equal to the status,
// a message, and a traceId.
func assertErrorShape(t *testing.T, r *response) {
	t.Helper()
	var m map[string]any
	if !assert.NoError(t, json.Unmarshal(r.Body, &m), "error body is not JSON: %s", r.Body) {
		return
	}
	assert.EqualValues(t, r.Status, m["statusCode"], "statusCode in %s", r.Body)
	assert.NotEmpty(t, m["message"], "message in %s", r.Body)
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, m["traceId"])
}

// errorMessage returns the message of an error answer (joined if an array).
func errorMessage(t *testing.T, r *response) string {
	t.Helper()
	m := r.JSON(t)
	switch v := m["message"].(type) {
	case string:
		return v
	case []any:
		parts := make([]string, len(v))
		for i, p := range v {
			parts[i], _ = p.(string)
		}
		return strings.Join(parts, "; ")
	}
	return ""
}

// admin calls the admin API (with the admin token when the mock has one).
func (h *harness) admin(method, path string, body any, token ...string) *response {
	h.t.Helper()
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		require.NoError(h.t, err)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(h.t.Context(), method, h.ts.URL+path, rd)
	require.NoError(h.t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if len(token) > 0 {
		req.Header.Set("Authorization", "Bearer "+token[0])
	}
	res, err := h.ts.Client().Do(req)
	require.NoError(h.t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(h.t, err)
	return &response{Status: res.StatusCode, Header: res.Header, Body: raw}
}

// Package ghlmocktest runs ghlmock inside a Go test: New starts the mock
// under net/http/httptest (no process, no port of its own), stops it when the
// test ends, and hands back what a test needs to point a GHL client at it —
// the base URL, the tokens and the ids of the fixtures' named contacts —
// with helpers that read the mock's request journal and verify what the
// client sent.
//
//	func TestSignup(t *testing.T) {
//		m := ghlmocktest.New(t)
//		client := myghl.New(m.URL, m.Token) // the code under test
//		…
//		m.Verify(t, ghlmocktest.Query{OperationID: "create-contact", Status: 201}, 1)
//	}
//
// Every mock is independent, so tests that each call New may run with
// t.Parallel(). Start and Close do the same without a *testing.T, for a
// mock shared by a whole package (TestMain) or an Example.
package ghlmocktest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ghlmock/ghlmock/mockserver"
	"github.com/ghlmock/ghlmock/mockserver/faults"
	"github.com/ghlmock/ghlmock/mockserver/fixture"
	"github.com/ghlmock/ghlmock/mockserver/ratelimit"
)

// TB is the part of testing.TB the helpers use; *testing.T, *testing.B and
// *testing.F have it.
type TB interface {
	Helper()
	Cleanup(func())
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// Mock is a running mock.
type Mock struct {
	// URL is the base URL to give the client instead of
	// https://services.leadconnectorhq.com (no trailing slash).
	URL string
	// Token is the first location's read-write token (contacts.readonly and
	// contacts.write), ReadonlyToken its read-only one, LocationID its id:
	// with the default fixtures, Acme Dental's.
	Token, ReadonlyToken, LocationID string
	// Locations are every location of the fixtures, in their order.
	Locations []Location
	// Server is the mock itself, for what the admin API does not reach:
	// Server.Store() reads the state behind the API.
	Server *mockserver.Server

	// WorkspaceID is the workspace's id when the mock is a workspace of a
	// shared mock (see Workspace); then Server is nil.
	WorkspaceID string

	ts         *httptest.Server
	client     *http.Client
	adminToken string
	adminPath  string // where the admin API is: /_mock, or a workspace's
}

// Location is a location of the fixtures with its tokens and named contacts.
type Location struct {
	ID, Name string
	// Token is the location's first token with contacts.write,
	// ReadonlyToken its first with contacts.readonly alone ("" if none).
	Token, ReadonlyToken string
	// Tokens are every token of the location, with scopes and limits.
	Tokens []fixture.TokenSummary
	// Contacts are the ids of the location's named contacts, by name
	// ("Ada Lovelace"); a name given twice keeps its first id.
	Contacts map[string]string
	// Users are the ids of the location's users, by name.
	Users map[string]string
}

// An Option changes the mock's configuration.
type Option func(*mockserver.Config)

// WithSeed seeds the generated data (default 1).
func WithSeed(seed int64) Option { return func(c *mockserver.Config) { c.Seed = seed } }

// WithFixtures serves these fixtures instead of the embedded default ones
// (fixture.LoadFile reads a file).
func WithFixtures(fx *fixture.Fixture) Option { return func(c *mockserver.Config) { c.Fixtures = fx } }

// WithContacts sets how many contacts each location gets generated besides
// its named ones (the default fixtures: 200).
func WithContacts(n int) Option {
	return func(c *mockserver.Config) { c.ContactsPerLocation = n }
}

// WithClockAt starts the mock's clock at t; it runs at real speed from there
// (and Advance moves it). The seeded data, dates included, are then the same
// in every run, as serve --now gives.
func WithClockAt(t time.Time) Option { return func(c *mockserver.Config) { c.Epoch = t; c.Now = nil } }

// WithFrozenClock stops the mock's clock at t: every date the mock writes is
// t until Advance moves it.
func WithFrozenClock(t time.Time) Option {
	return func(c *mockserver.Config) { c.Now = func() time.Time { return t }; c.Epoch = time.Time{} }
}

// WithRateLimits replaces the rate limits of every token that sets none of
// its own (GHL's 100 per 10 s and 200,000 a day by default).
func WithRateLimits(l ratelimit.Limits) Option {
	return func(c *mockserver.Config) { c.RateLimits = l }
}

// WithFaults puts fault rules in force from the start (a Reset brings them
// back).
func WithFaults(rules ...faults.Rule) Option {
	return func(c *mockserver.Config) { c.Faults = append(c.Faults, rules...) }
}

// WithConfig changes anything else of the configuration.
func WithConfig(f func(*mockserver.Config)) Option { return Option(f) }

// New starts a mock for the test and stops it when the test ends; a mock
// that cannot start fails the test.
func New(t TB, opts ...Option) *Mock {
	t.Helper()
	m, err := Start(opts...)
	if err != nil {
		t.Fatalf("ghlmocktest: %v", err)
		return nil
	}
	t.Cleanup(m.Close)
	return m
}

// Start starts a mock that runs until Close.
func Start(opts ...Option) (*Mock, error) {
	var cfg mockserver.Config
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.Fixtures == nil {
		fx, err := fixture.Default()
		if err != nil {
			return nil, err
		}
		cfg.Fixtures = fx
	}
	srv, err := mockserver.New(cfg)
	if err != nil {
		return nil, err
	}
	m := &Mock{Server: srv, ts: httptest.NewServer(srv), adminToken: cfg.AdminToken, adminPath: "/_mock"}
	m.URL, m.client = m.ts.URL, m.ts.Client()
	m.setLocations(cfg.Fixtures.Resolved().Locations)
	return m, nil
}

// setLocations fills Locations, Token, ReadonlyToken and LocationID.
func (m *Mock) setLocations(ls []fixture.LocationSummary) {
	for _, l := range ls {
		loc := Location{ID: l.ID, Name: l.Name, Tokens: l.Tokens, Contacts: map[string]string{}, Users: map[string]string{}}
		for _, tk := range l.Tokens {
			switch {
			case tk.ExpiresAt != "":
			case loc.Token == "" && slices.Contains(tk.Scopes, "contacts.write"):
				loc.Token = tk.Token
			case loc.ReadonlyToken == "" && slices.Equal(tk.Scopes, []string{"contacts.readonly"}):
				loc.ReadonlyToken = tk.Token
			}
		}
		for _, c := range l.NamedContacts {
			if _, ok := loc.Contacts[c.Name]; !ok {
				loc.Contacts[c.Name] = c.ID
			}
		}
		for _, u := range l.Users {
			loc.Users[u.Name] = u.ID
		}
		m.Locations = append(m.Locations, loc)
	}
	if len(m.Locations) > 0 {
		m.Token, m.ReadonlyToken, m.LocationID = m.Locations[0].Token, m.Locations[0].ReadonlyToken, m.Locations[0].ID
	}
}

// Close stops the mock.
func (m *Mock) Close() {
	if m.Server == nil { // a workspace: end it on the shared mock
		_ = m.admin(http.MethodDelete, "", nil, http.StatusOK, nil)
		return
	}
	m.Server.Close()
	m.ts.Close()
	_ = m.Server.CloseState()
}

// ContactID is the id of the named contact with this name, in the first
// location that has one; it panics when none has (a typo in a test).
func (m *Mock) ContactID(name string) string {
	for _, l := range m.Locations {
		if id, ok := l.Contacts[name]; ok {
			return id
		}
	}
	panic(fmt.Sprintf("ghlmocktest: no named contact %q in the fixtures", name))
}

// Location is the location with this id or name; it panics when there is
// none.
func (m *Mock) Location(idOrName string) Location {
	for _, l := range m.Locations {
		if l.ID == idOrName || l.Name == idOrName {
			return l
		}
	}
	panic(fmt.Sprintf("ghlmocktest: no location %q in the fixtures", idOrName))
}

// Reset brings the mock back to its seeded state (data, tokens, counters,
// journal, clock and faults), as POST /_mock/reset does.
func (m *Mock) Reset() error {
	if m.Server == nil {
		return m.admin(http.MethodPost, "/_mock/reset", nil, http.StatusOK, nil)
	}
	return m.Server.Reset()
}

// Advance moves the mock's clock forward: rate windows roll, tokens expire.
// A workspace's clock is moved through its admin API; an error there
// panics, as a typo would.
func (m *Mock) Advance(d time.Duration) {
	if m.Server == nil {
		if err := m.admin(http.MethodPost, "/_mock/clock", map[string]string{"advance": d.String()}, http.StatusOK, nil); err != nil {
			panic(err)
		}
		return
	}
	m.Server.Clock().Advance(d)
}

// AddFault adds a fault rule, as POST /_mock/faults does, and returns its id.
func (m *Mock) AddFault(rule faults.Rule) (string, error) {
	var out struct {
		ID string `json:"id"`
	}
	err := m.admin(http.MethodPost, "/_mock/faults", rule, http.StatusCreated, &out)
	return out.ID, err
}

// Query selects requests of the journal; the zero value selects every one.
// The fields are GET /_mock/requests's filters.
type Query struct {
	OperationID string // e.g. "create-contact"
	Method      string
	Path        string // a glob: * within a segment, ** across
	Status      int
	LocationID  string
	// Body selects requests whose JSON body has these fields (dotted paths,
	// e.g. "tags" matches when one of the tags is the value).
	Body map[string]string
}

func (q Query) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"operationId": q.OperationID, "method": q.Method, "path": q.Path, "locationId": q.LocationID} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if q.Status != 0 {
		v.Set("status", strconv.Itoa(q.Status))
	}
	for k, s := range q.Body {
		v.Set("body."+k, s)
	}
	return v
}

// Request is a request of the journal, with the mock's answer.
type Request struct {
	ID           string  `json:"id"`
	Method       string  `json:"method"`
	Path         string  `json:"path"`
	Query        string  `json:"query"`
	OperationID  string  `json:"operationId"`
	Status       int     `json:"status"` // 0: no answer was sent (a reset or timeout fault)
	DurationMs   float64 `json:"durationMs"`
	LocationID   string  `json:"locationId"`
	TraceID      string  `json:"traceId"`
	Fault        string  `json:"fault"`  // the id of the fault rule that applied
	Reason       string  `json:"reason"` // why a refused request was refused, in plain words
	RequestBody  string  `json:"requestBody"`
	ResponseBody string  `json:"responseBody"`
}

// Requests are the journal's requests that q selects, oldest first.
func (m *Mock) Requests(q Query) ([]Request, error) {
	var out struct {
		Requests []Request `json:"requests"`
	}
	if err := m.admin(http.MethodGet, "/_mock/requests?"+q.values().Encode(), nil, http.StatusOK, &out); err != nil {
		return nil, err
	}
	return out.Requests, nil
}

// Count is how many of the journal's requests q selects.
func (m *Mock) Count(q Query) (int, error) {
	var out struct {
		Count int `json:"count"`
	}
	err := m.admin(http.MethodGet, "/_mock/requests/count?"+q.values().Encode(), nil, http.StatusOK, &out)
	return out.Count, err
}

// Verify fails the test unless exactly want requests match q, listing the
// requests the journal holds for the same operation when it fails.
func (m *Mock) Verify(t TB, q Query, want int) {
	t.Helper()
	got, err := m.Count(q)
	if err != nil {
		t.Fatalf("ghlmocktest: %v", err)
		return
	}
	if got == want {
		return
	}
	var seen strings.Builder
	if rs, err := m.Requests(Query{OperationID: q.OperationID}); err == nil {
		for _, r := range rs {
			fmt.Fprintf(&seen, "\n  %s %s → %d %s", r.Method, r.Path, r.Status, r.Reason)
		}
	}
	t.Errorf("ghlmocktest: %d requests match %+v, want %d; the journal holds:%s", got, q, want, seen.String())
}

// admin calls the mock's admin API.
func (m *Mock) admin(method, path string, body any, want int, out any) error {
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, m.URL+m.adminPath+strings.TrimPrefix(path, "/_mock"), rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if m.adminToken != "" {
		req.Header.Set("Authorization", "Bearer "+m.adminToken)
	}
	res, err := m.client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode != want {
		return fmt.Errorf("ghlmocktest: %s %s: %d %s", method, path, res.StatusCode, bytes.TrimSpace(raw))
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("ghlmocktest: %s %s: %w", method, path, err)
	}
	return nil
}

// Workspace asks a running mock — a shared one at baseURL, which several CI
// jobs use at once — for a workspace of its own (POST /_mock/workspaces):
// a fresh copy of the fixtures' locations under new ids and new tokens, with
// its own data, journal, faults, rate-limit budgets and clock. The Mock it
// returns has the workspace's URL, tokens and named contacts; Requests,
// Count, Verify, AddFault, Reset and Advance act on the workspace alone;
// cleanup ends it. adminToken is the shared mock's admin token ("" when it
// has none). Server is nil: the mock runs elsewhere.
func Workspace(t TB, baseURL, adminToken string, opts mockserver.WorkspaceOptions) *Mock {
	t.Helper()
	m, err := StartWorkspace(baseURL, adminToken, opts)
	if err != nil {
		t.Fatalf("ghlmocktest: %v", err)
		return nil
	}
	t.Cleanup(m.Close)
	return m
}

// StartWorkspace is Workspace without a test: Close ends the workspace.
func StartWorkspace(baseURL, adminToken string, opts mockserver.WorkspaceOptions) (*Mock, error) {
	m := &Mock{URL: strings.TrimSuffix(baseURL, "/"), client: &http.Client{Timeout: 30 * time.Second}, adminToken: adminToken, adminPath: "/_mock"}
	body := map[string]any{"name": opts.Name}
	if opts.Seed != 0 {
		body["seed"] = opts.Seed
	}
	if opts.TTL != 0 {
		body["ttl"] = opts.TTL.String()
	}
	var ws mockserver.Workspace
	if err := m.admin(http.MethodPost, "/_mock/workspaces", body, http.StatusCreated, &ws); err != nil {
		return nil, err
	}
	m.WorkspaceID, m.adminPath = ws.ID, strings.TrimSuffix(ws.Admin, "/")
	m.setLocations(ws.Locations)
	return m, nil
}

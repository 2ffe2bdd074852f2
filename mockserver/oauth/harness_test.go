package oauth_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/oauth"
)

// clock is the mock's clock in tests: it moves only when told to.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// start has milliseconds, so that fractional iat/exp show.
var start = time.Date(2026, 7, 2, 6, 16, 19, 849_000_000, time.UTC)

// The fixtures: an agency owning two locations, another agency with one, a
// Sub-Account app and an Agency app.
const (
	companyID = "ncTg6Q3fkTB8tVHocj3U"
	loc1      = "O9hFAiOh29oB93c0F6UJ"
	loc2      = "5YtuALNUEJMUUqAsab3w"
	otherCo   = "Zq3Hn0s8dAbcEfGh1234"
	otherLoc  = "Lx9Hn0s8dAbcEfGh5678"

	appID        = "68474924a586bce22a6e64f7"
	clientID     = appID + "-mbpkmyu4"
	clientSecret = "2c0e1d6a-94b1-4f3e-9a57-6f1c2b8e0d11"
	redirectURI  = "https://bot.example/oauth/callback"

	agencyAppID    = "6578278e879ad2646715ba9c"
	agencyClientID = agencyAppID + "-x7k2p9q1"
	agencySecret   = "9b8f2c4e-1a3d-4e5f-8b7c-0d1e2f3a4b5c"
)

func companies() []oauth.Company {
	return []oauth.Company{
		{ID: companyID, Name: "Acme Agency", Plan: "agency_annual_97", Locations: []oauth.Location{
			{ID: loc1, Name: "Acme Dental", Address: "47 W 13th St, New York, NY 10011, USA"},
			{ID: loc2, Name: "Acme Plumbing"},
		}},
		{ID: otherCo, Name: "Other Agency", Locations: []oauth.Location{{ID: otherLoc, Name: "Elsewhere"}}},
	}
}

func apps() []oauth.App {
	return []oauth.App{
		{
			ID: appID, ClientID: clientID, ClientSecret: clientSecret, Name: "Staging Bot",
			Scopes: []string{"contacts.readonly", "contacts.write"}, RedirectURIs: []string{redirectURI, "https://bot.example/alt?x=1"},
			WebhookURL: "https://bot.example/ghl/webhook",
		},
		{
			ID: agencyAppID, ClientID: agencyClientID, ClientSecret: agencySecret, Name: "Provisioner",
			Distribution: oauth.DistributionPublic, Target: oauth.TargetAgency,
			Scopes: []string{"locations.readonly", "locations.write"}, RedirectURIs: []string{"https://prov.example/cb"},
		},
	}
}

// harness is a Service on a test clock, with its change batches and install
// events recorded.
type harness struct {
	t     *testing.T
	svc   *oauth.Service
	clock *clock
	cfg   oauth.Config

	mu      sync.Mutex
	batches [][]crm.Change
	events  []oauth.InstallEvent
	hookErr error // what the change hook answers
}

func newHarness(t *testing.T, opts ...func(*oauth.Config)) *harness {
	t.Helper()
	h := &harness{t: t, clock: &clock{t: start}}
	h.cfg = oauth.Config{
		Now: h.clock.Now, IDs: crm.NewIDGen(1), Key: testKey(),
		Companies: companies(), Apps: apps(),
		Changes: func(_ context.Context, batch []crm.Change) error {
			h.mu.Lock()
			defer h.mu.Unlock()
			if h.hookErr != nil {
				return h.hookErr
			}
			h.batches = append(h.batches, batch)
			return nil
		},
		OnInstall: func(_ context.Context, ev oauth.InstallEvent) {
			h.mu.Lock()
			h.events = append(h.events, ev)
			h.mu.Unlock()
		},
	}
	for _, o := range opts {
		o(&h.cfg)
	}
	svc, err := oauth.New(h.cfg)
	require.NoError(t, err)
	h.svc = svc
	return h
}

// withSettings changes the default settings.
func withSettings(change func(*oauth.Settings)) func(*oauth.Config) {
	return func(c *oauth.Config) {
		st := oauth.DefaultSettings()
		change(&st)
		c.Settings = &st
	}
}

func (h *harness) lastBatch() []crm.Change {
	h.mu.Lock()
	defer h.mu.Unlock()
	require.NotEmpty(h.t, h.batches)
	return h.batches[len(h.batches)-1]
}

func (h *harness) batchCount() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.batches)
}

func (h *harness) installEvents() []oauth.InstallEvent {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]oauth.InstallEvent(nil), h.events...)
}

// authorize approves in and returns the code.
func (h *harness) authorize(in oauth.AuthorizeInput) string {
	h.t.Helper()
	if in.ClientID == "" {
		in.ClientID = clientID
	}
	res, e := h.svc.Authorize(h.t.Context(), in)
	require.Nil(h.t, e, "authorize: %v", e)
	return res.Code
}

// exchange trades a code for tokens with the right credentials.
func (h *harness) exchange(code string) *oauth.TokenResponse {
	h.t.Helper()
	resp, e := h.svc.Token(h.t.Context(), oauth.TokenInput{
		GrantType: "authorization_code", ClientID: clientID, ClientSecret: clientSecret, Code: code, RedirectURI: redirectURI,
	})
	require.Nil(h.t, e, "exchange: %v", e)
	return resp
}

// locationTokens are the tokens of the Sub-Account app installed on loc1
// from the sub-account view.
func (h *harness) locationTokens() *oauth.TokenResponse {
	h.t.Helper()
	return h.exchange(h.authorize(oauth.AuthorizeInput{LocationIDs: []string{loc1}}))
}

// companyTokens are the tokens of the Sub-Account app installed from the
// agency view on the locations given.
func (h *harness) companyTokens(locations ...string) *oauth.TokenResponse {
	h.t.Helper()
	return h.exchange(h.authorize(oauth.AuthorizeInput{UserType: oauth.ClassCompany, CompanyID: companyID, LocationIDs: locations}))
}

// refresh exchanges a refresh token with the right credentials.
func (h *harness) refresh(token string) (*oauth.TokenResponse, *oauth.Error) {
	return h.svc.Token(h.t.Context(), oauth.TokenInput{
		GrantType: "refresh_token", ClientID: clientID, ClientSecret: clientSecret, RefreshToken: token,
	})
}

// principal authenticates an access token that must be accepted.
func (h *harness) principal(token string) oauth.Principal {
	h.t.Helper()
	p, r := h.svc.Authenticate(token)
	require.Nil(h.t, r, "authenticate: %v", r)
	return p
}

// refused asserts that an answer is the refusal want, body and status.
func refused(t *testing.T, e *oauth.Error, status int, body any) {
	t.Helper()
	require.NotNil(t, e, "want a refusal")
	require.Equal(t, status, e.Status, "status (reason: %s)", e.Reason)
	require.Equal(t, body, e.Body, "body (reason: %s)", e.Reason)
	require.NotEmpty(t, e.Reason)
}

func oauthBody(err, desc string) *oauth.OAuthErrorBody {
	return &oauth.OAuthErrorBody{Error: err, Description: desc}
}

func apiBody(status int, msg any, errName string) *oauth.APIErrorBody {
	return &oauth.APIErrorBody{StatusCode: status, Message: msg, Error: errName}
}

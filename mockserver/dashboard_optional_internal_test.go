package mockserver

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/dashboard"
	"github.com/ghlmock/ghlmock/mockserver/oauth"
	"github.com/ghlmock/ghlmock/mockserver/webhooks"
)

// fakeWebhooks stands for the server's webhooks until they are wired in:
// the page's half of the contract.
type fakeWebhooks struct {
	paused      map[string]bool
	redelivered []string
}

func (f *fakeWebhooks) Subscriptions() []webhooks.Subscription {
	return []webhooks.Subscription{{ID: "sub-1", App: "app-1", URL: "http://127.0.0.1:8080/_mock/sink/bot"}}
}

func (f *fakeWebhooks) Deliveries(webhooks.Filter) []webhooks.Delivery {
	at := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	return []webhooks.Delivery{{ID: "dlv-1", App: "app-1", URL: "http://127.0.0.1:8080/_mock/sink/bot", Event: "ContactUpdate",
		Body: `{"type":"ContactUpdate"}`, Status: webhooks.StatusFailed, CreatedAt: at,
		Attempts: []webhooks.Attempt{{N: 1, At: at, Status: 500}, {N: 2, At: at.Add(time.Minute), Status: 500}}}}
}

func (f *fakeWebhooks) Redeliver(_ context.Context, id string) (webhooks.Delivery, error) {
	if id != "dlv-1" {
		return webhooks.Delivery{}, &dashboard.Error{Status: http.StatusNotFound, Messages: []string{"no delivery " + id}}
	}
	f.redelivered = append(f.redelivered, id)
	return webhooks.Delivery{ID: "dlv-2"}, nil
}

func (f *fakeWebhooks) SetPaused(_ context.Context, app string, paused bool) error {
	f.paused[app] = paused
	return nil
}

func (f *fakeWebhooks) Paused() []string {
	var out []string
	for a, p := range f.paused {
		if p {
			out = append(out, a)
		}
	}
	return out
}

func (f *fakeWebhooks) SinkReceived(name string) []webhooks.SinkRecord {
	if name != "bot" {
		return nil
	}
	return []webhooks.SinkRecord{{Seq: 1, Type: "ContactUpdate", WebhookID: "wh-1", Signature: "valid", Body: `{"type":"ContactUpdate"}`}}
}

type fakeOAuth struct{ revoked []string }

func (f *fakeOAuth) Apps() []oauth.App {
	return []oauth.App{{ID: "app-1", ClientID: "app-1-abcdefgh", Name: "Staging bot"}}
}
func (f *fakeOAuth) Installs() []oauth.Install {
	return []oauth.Install{{ID: "inst-1", AppID: "app-1", CompanyID: "comp-1"}}
}
func (f *fakeOAuth) Tokens(oauth.TokenFilter) []oauth.TokenInfo {
	t := oauth.TokenInfo{State: oauth.StateLive}
	t.ID, t.Kind, t.LocationID, t.ExpiresAt = "tok-1", "access", uiLoc, crm.Millis(1795426200000)
	return []oauth.TokenInfo{t}
}
func (f *fakeOAuth) ExpireToken(context.Context, string) error { return nil }
func (f *fakeOAuth) RevokeToken(_ context.Context, id string) error {
	if id != "tok-1" {
		return errors.New("no token " + id)
	}
	f.revoked = append(f.revoked, id)
	return nil
}

// TestDashboardWebhooksAndOAuthPages: once the server hands the dashboard
// its webhooks and OAuth, their pages list them and their buttons act.
func TestDashboardWebhooksAndOAuthPages(t *testing.T) {
	s, err := New(Config{})
	require.NoError(t, err)
	wh, oa := &fakeWebhooks{paused: map[string]bool{}}, &fakeOAuth{}
	d, err := dashboard.New(dashboard.Config{Mock: uiBackend{s}, Webhooks: wh, OAuth: oa})
	require.NoError(t, err)
	ts := httptest.NewServer(d)
	defer ts.Close()
	get := func(path string) string {
		res, err := http.Get(ts.URL + path)
		require.NoError(t, err)
		defer res.Body.Close()
		require.Equal(t, http.StatusOK, res.StatusCode)
		b, _ := io.ReadAll(res.Body)
		return string(b)
	}
	page := get("/_mock/ui/webhooks")
	assert.NotContains(t, page, "Not available")
	for _, want := range []string{"sub-1", "dlv-1", "ContactUpdate", "#2", `data-redeliver="dlv-1"`, "Sink <code>bot</code>", "wh-1", "valid"} {
		assert.Contains(t, page, want)
	}
	csrf := page[strings.Index(page, `name="ghlmock-csrf" content="`)+len(`name="ghlmock-csrf" content="`):]
	csrf = csrf[:strings.Index(csrf, `"`)]
	post := func(path string) int {
		req, _ := http.NewRequest("POST", ts.URL+path, strings.NewReader("{}"))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", csrf)
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		return res.StatusCode
	}
	assert.Equal(t, http.StatusCreated, post("/_mock/ui/api/webhooks/deliveries/dlv-1/redeliver"))
	assert.Equal(t, http.StatusNotFound, post("/_mock/ui/api/webhooks/deliveries/nope/redeliver"))
	assert.Equal(t, []string{"dlv-1"}, wh.redelivered)
	assert.Equal(t, http.StatusOK, post("/_mock/ui/api/webhooks/apps/app-1/pause"))
	assert.True(t, wh.paused["app-1"])
	assert.Contains(t, get("/_mock/ui/webhooks"), `data-webhook-action="resume"`, "a paused app offers resume")
	assert.Equal(t, http.StatusNotFound, post("/_mock/ui/api/webhooks/apps/app-1/explode"))

	page = get("/_mock/ui/oauth")
	for _, want := range []string{"Staging bot", "app-1-abcdefgh", "inst-1", "tok-1", `data-revoke="tok-1"`} {
		assert.Contains(t, page, want)
	}
	assert.Equal(t, http.StatusOK, post("/_mock/ui/api/oauth/tokens/tok-1/revoke"))
	assert.Equal(t, []string{"tok-1"}, oa.revoked)

	overview := get("/_mock/ui/api/overview")
	assert.Contains(t, overview, `"webhooks":{"deliveries":1,"pending":0,"failed":1}`)

	// Without them, the pages say so and the buttons answer 501.
	plain, err := dashboard.New(dashboard.Config{Mock: uiBackend{s}})
	require.NoError(t, err)
	ts2 := httptest.NewServer(plain)
	defer ts2.Close()
	res, err := http.Get(ts2.URL + "/_mock/ui/webhooks")
	require.NoError(t, err)
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	assert.Contains(t, string(b), "Not available yet")
}

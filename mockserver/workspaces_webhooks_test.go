package mockserver_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver"
)

// TestWorkspaceWebhooksAreItsOwn: a receiver subscribed through a
// workspace's admin API gets that workspace's events only; the main mock's
// --webhook-url receiver gets none of them.
func TestWorkspaceWebhooksAreItsOwn(t *testing.T) {
	type box struct {
		mu   sync.Mutex
		hits int
	}
	recv := func(b *box) *httptest.Server {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			b.mu.Lock()
			b.hits++
			b.mu.Unlock()
		}))
		t.Cleanup(ts.Close)
		return ts
	}
	var mainBox, wsBox box
	mainRecv, wsRecv := recv(&mainBox), recv(&wsBox)
	h := setup(t, func(c *mockserver.Config) { c.Webhooks.URLs = []string{mainRecv.URL} })
	a := createWorkspace(t, h, nil)
	r := h.admin("POST", a.Admin+"webhooks/subscriptions", map[string]any{"url": wsRecv.URL, "events": []string{"ContactCreate"}})
	require.Equal(t, 201, r.Status, "%s", r.Body)

	r = h.do(asWS(a, call{method: "POST", path: "/contacts/", body: map[string]any{"locationId": a.Contract["locationId"], "email": "ws-hook@example.org"}}))
	require.Equal(t, 201, r.Status, "%s", r.Body)
	require.Equal(t, 200, h.admin("POST", a.Admin+"webhooks/flush", map[string]any{}).Status)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	require.NoError(t, h.srv.Webhooks().Flush(ctx))
	d := h.admin("GET", a.Admin+"webhooks/deliveries?status=succeeded", nil).JSON(t)
	ds, _ := d["deliveries"].([]any)
	require.Len(t, ds, 1, "%v", d)
	wsBox.mu.Lock()
	assert.Equal(t, 1, wsBox.hits)
	wsBox.mu.Unlock()
	mainBox.mu.Lock()
	assert.Zero(t, mainBox.hits, "the main mock's receiver hears nothing of the workspace")
	mainBox.mu.Unlock()
}

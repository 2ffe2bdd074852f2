package mockserver_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver"
	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/ratelimit"
	"github.com/ghlmock/ghlmock/mockserver/webhooks"
)

func withMetrics(c *mockserver.Config) { c.Metrics = true }

// scrape reads /_mock/metrics as Prometheus would and parses it.
func scrape(t *testing.T, h *harness) map[string]*dto.MetricFamily {
	t.Helper()
	r := h.admin("GET", "/_mock/metrics", nil)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	assert.Contains(t, r.Header.Get("Content-Type"), "text/plain")
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytesReader(r.Body))
	require.NoError(t, err)
	return fams
}

// value is the value of the sample of name whose labels include labels
// (a counter's, a gauge's, or a histogram's count); -1 when there is none.
func value(fams map[string]*dto.MetricFamily, name string, labels map[string]string) float64 {
	f := fams[name]
	if f == nil {
		return -1
	}
	for _, m := range f.GetMetric() {
		have := map[string]string{}
		for _, l := range m.GetLabel() {
			have[l.GetName()] = l.GetValue()
		}
		ok := true
		for k, v := range labels {
			if have[k] != v {
				ok = false
			}
		}
		if !ok {
			continue
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount())
		}
	}
	return -1
}

func TestMetricsCountRequestsByOperationAndStatus(t *testing.T) {
	h := setup(t, withMetrics)
	for range 3 {
		require.Equal(t, 200, h.do(call{path: "/contacts/" + ada}).Status)
	}
	require.Equal(t, 401, h.do(call{path: "/contacts/" + ada, token: str("")}).Status)
	require.Equal(t, 404, h.do(call{path: "/nowhere"}).Status)
	f := scrape(t, h)
	assert.Equal(t, 3.0, value(f, "ghlmock_requests_total", map[string]string{"operation_id": "get-contact", "status": "200"}))
	assert.Equal(t, 1.0, value(f, "ghlmock_requests_total", map[string]string{"operation_id": "get-contact", "status": "401"}))
	assert.Equal(t, 1.0, value(f, "ghlmock_requests_total", map[string]string{"operation_id": "none", "status": "404"}))
	assert.Equal(t, 4.0, value(f, "ghlmock_request_duration_seconds", map[string]string{"operation_id": "get-contact"}), "every answer timed")
	assert.Equal(t, -1.0, value(f, "ghlmock_requests_total", map[string]string{"operation_id": "delete-contact"}), "nothing for what was not called")
	assert.NotNil(t, f["go_goroutines"], "Go's runtime metrics too")

	require.Equal(t, 200, h.do(call{path: "/contacts/" + ada}).Status)
	f = scrape(t, h)
	assert.Equal(t, 4.0, value(f, "ghlmock_requests_total", map[string]string{"operation_id": "get-contact", "status": "200"}), "counters move")
}

func TestMetricsStoreSizesAtScrapeTime(t *testing.T) {
	h := setup(t, withMetrics)
	loc := map[string]string{"location_id": h.loc}
	f := scrape(t, h)
	contacts, tasks, notes := value(f, "ghlmock_store_contacts", loc), value(f, "ghlmock_store_tasks", loc), value(f, "ghlmock_store_notes", loc)
	require.Positive(t, contacts)
	require.GreaterOrEqual(t, tasks, 0.0)
	require.GreaterOrEqual(t, notes, 0.0)
	assert.Positive(t, value(f, "ghlmock_store_contacts", map[string]string{"location_id": h.other}), "every location")

	r := h.do(call{method: "POST", path: "/contacts/", body: map[string]any{"locationId": h.loc, "email": "metrics@example.org"}})
	require.Equal(t, 201, r.Status, "%s", r.Body)
	require.Equal(t, 201, h.do(call{method: "POST", path: "/contacts/" + ada + "/tasks", body: map[string]any{"title": "t", "dueDate": "2026-12-24T10:00:00Z", "completed": false}}).Status)
	require.Equal(t, 201, h.do(call{method: "POST", path: "/contacts/" + ada + "/notes", body: map[string]any{"body": "n"}}).Status)
	f = scrape(t, h)
	assert.Equal(t, contacts+1, value(f, "ghlmock_store_contacts", loc))
	assert.Equal(t, tasks+1, value(f, "ghlmock_store_tasks", loc))
	assert.Equal(t, notes+1, value(f, "ghlmock_store_notes", loc))

	require.Equal(t, 200, h.do(call{method: "DELETE", path: "/contacts/" + ada}).Status)
	f = scrape(t, h)
	assert.Equal(t, contacts, value(f, "ghlmock_store_contacts", loc))
	assert.Equal(t, 1.0, value(f, "ghlmock_store_deleted_contacts", loc))
}

func TestMetricsCount429sByAppAndLocation(t *testing.T) {
	h := setup(t, withMetrics, func(c *mockserver.Config) {
		c.RateLimits = ratelimit.Limits{Burst: 2, Window: 10 * time.Second, Daily: 1000}
	})
	for range 2 {
		require.Equal(t, 200, h.do(call{path: "/contacts/" + ada}).Status)
	}
	for range 3 {
		require.Equal(t, 429, h.do(call{path: "/contacts/" + ada}).Status)
	}
	f := scrape(t, h)
	assert.Equal(t, 3.0, value(f, "ghlmock_rate_limited_total", map[string]string{"location_id": h.loc}))
	fam := f["ghlmock_rate_limited_total"]
	require.NotNil(t, fam)
	require.Len(t, fam.GetMetric(), 1)
	var app string
	for _, l := range fam.GetMetric()[0].GetLabel() {
		if l.GetName() == "app" {
			app = l.GetValue()
		}
	}
	assert.NotEmpty(t, app, "the token's app")
	assert.Equal(t, 3.0, value(f, "ghlmock_requests_total", map[string]string{"operation_id": "get-contact", "status": "429"}))

	// A 429 a fault rule injects is no rate limit of GHL's.
	h.clock.Advance(11 * time.Second)
	require.Equal(t, 201, h.admin("POST", "/_mock/faults", map[string]any{"operationId": "get-contact", "status": 429, "times": 1}).Status)
	require.Equal(t, 429, h.do(call{path: "/contacts/" + ada, unchecked: true}).Status)
	f = scrape(t, h)
	assert.Equal(t, 3.0, value(f, "ghlmock_rate_limited_total", map[string]string{"location_id": h.loc}))
	assert.Equal(t, 4.0, value(f, "ghlmock_requests_total", map[string]string{"operation_id": "get-contact", "status": "429"}))
}

func TestMetricsOffByDefault(t *testing.T) {
	h := setup(t)
	r := h.admin("GET", "/_mock/metrics", nil)
	assert.Equal(t, http.StatusNotFound, r.Status)
	assert.Contains(t, string(r.Body), "--metrics")
}

// TestMetricsCountWebhookDeliveries: the hook the webhook wiring calls from
// webhooks.Config.OnChange counts attempts by result and deliveries by
// outcome.
func TestMetricsCountWebhookDeliveries(t *testing.T) {
	h := setup(t, withMetrics)
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	t.Cleanup(ok.Close)
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(500) }))
	t.Cleanup(broken.Close)
	keys, err := webhooks.DeriveKeys("metrics test", 0)
	require.NoError(t, err)
	e, err := webhooks.New(webhooks.Config{Keys: keys, Now: h.clock.Now, OnChange: h.srv.ObserveWebhookChange})
	require.NoError(t, err)
	t.Cleanup(func() { _ = e.Close(context.Background()) })
	_, err = e.Subscribe(webhooks.Subscription{App: "app1", URL: ok.URL})
	require.NoError(t, err)
	_, err = e.Subscribe(webhooks.Subscription{App: "app2", URL: broken.URL, Retry: "none"})
	require.NoError(t, err)
	e.Enqueue(webhooks.ContactEvent(webhooks.ContactCreate, &crm.Contact{ID: ada, LocationID: h.loc, FirstName: "Ada"}))
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	require.NoError(t, e.Flush(ctx))

	f := scrape(t, h)
	assert.Equal(t, 1.0, value(f, "ghlmock_webhook_deliveries_total", map[string]string{"outcome": "succeeded"}))
	assert.Equal(t, 1.0, value(f, "ghlmock_webhook_deliveries_total", map[string]string{"outcome": "failed"}))
	assert.Equal(t, 1.0, value(f, "ghlmock_webhook_attempts_total", map[string]string{"result": "2xx"}))
	assert.Equal(t, 1.0, value(f, "ghlmock_webhook_attempts_total", map[string]string{"result": "5xx"}))
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }

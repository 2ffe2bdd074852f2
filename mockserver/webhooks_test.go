package mockserver_test

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/fixtures"
	"github.com/ghlmock/ghlmock/mockserver"
	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/fixture"
	"github.com/ghlmock/ghlmock/mockserver/oauth"
	"github.com/ghlmock/ghlmock/mockserver/webhooks"
	"github.com/ghlmock/ghlmock/mockserver/webhooks/webhooktest"
)

// defaultApp is the default app of the fixtures, and a client id of it as
// the official SDK is configured with (<appId>-<suffix>).
const (
	defaultApp      = "6650e2c1a8b4f7d3e9c01a2b"
	defaultClientID = defaultApp + "-lq3k9x2m"
)

// checkDeliveries validates every delivery the mock made in the test (and
// every body an attempt sent of its own) against the event schemas of the
// OpenAPI document.
func (h *harness) checkDeliveries() {
	h.t.Helper()
	for _, d := range h.srv.Webhooks().Deliveries(webhooks.Filter{}) {
		assert.NoError(h.t, h.spec.ValidateWebhook(d.Event, []byte(d.Body)), "delivery %s (%s): %s", d.ID, d.Event, d.Body)
		for _, a := range d.Attempts {
			if a.Body != "" {
				assert.NoError(h.t, h.spec.ValidateWebhook(d.Event, []byte(a.Body)), "delivery %s attempt %d", d.ID, a.N)
			}
		}
	}
}

// withWebhookURLs subscribes URLs as serve --webhook-url does.
func withWebhookURLs(urls ...string) func(*mockserver.Config) {
	return func(c *mockserver.Config) { c.Webhooks.URLs = urls }
}

// wait is a context for waiting on deliveries: generous, since it only
// bounds a failure.
func wait(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func (h *harness) flush() {
	h.t.Helper()
	r := h.admin("POST", "/_mock/webhooks/flush", nil)
	require.Equal(h.t, http.StatusOK, r.Status, "%s", r.Body)
}

func (h *harness) advanceClock(d string) map[string]any {
	h.t.Helper()
	r := h.admin("POST", "/_mock/clock", map[string]any{"advance": d})
	require.Equal(h.t, http.StatusOK, r.Status, "%s", r.Body)
	return r.JSON(h.t)
}

func (h *harness) createContact(fields map[string]any) string {
	h.t.Helper()
	body := map[string]any{"locationId": h.loc}
	for k, v := range fields {
		body[k] = v
	}
	r := h.do(call{method: "POST", path: "/contacts/", body: body})
	require.Equal(h.t, http.StatusCreated, r.Status, "%s", r.Body)
	return r.JSON(h.t)["contact"].(map[string]any)["id"].(string)
}

func (h *harness) deliveries(query string) []webhooks.Delivery {
	h.t.Helper()
	r := h.admin("GET", "/_mock/webhooks/deliveries?"+query, nil)
	require.Equal(h.t, http.StatusOK, r.Status, "%s", r.Body)
	var out struct{ Deliveries []webhooks.Delivery }
	require.NoError(h.t, json.Unmarshal(r.Body, &out))
	return out.Deliveries
}

// The "done when" of issue 13: a bot subscribed with --webhook-url gets
// ContactCreate, ContactUpdate, ContactTagUpdate, NoteCreate, TaskCreate,
// TaskComplete and AppointmentCreate for the changes that cause them, each
// verified as the official SDK verifies (raw body and re-serialised), for a
// contact whose name only a JavaScript-exact encoder signs right.
func TestWebhookURLGetsEveryTriggerSignedLikeGHL(t *testing.T) {
	probe := setup(t) // for the mock's key, which is derived from the seed
	pub := probe.srv.WebhookPublicKey()
	raw := webhooktest.NewReceiver(t, pub, webhooktest.WithAppID(defaultClientID))
	reser := webhooktest.NewReceiver(t, pub, webhooktest.WithAppID(defaultClientID), webhooktest.Reserialised())
	h := setup(t, withWebhookURLs(raw.URL, reser.URL))
	require.Equal(t, pub, h.srv.WebhookPublicKey(), "the same seed, the same key")

	id := h.createContact(map[string]any{"firstName": "Smith & Sons <b>", "lastName": "Tom\u2028Jerry", "email": "smith.sons@example.com"})
	r := h.do(call{method: "PUT", path: "/contacts/" + id, body: map[string]any{"city": "Oakland"}})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	r = h.do(call{method: "POST", path: "/contacts/" + id + "/tags", body: map[string]any{"tags": []string{"vip"}}})
	require.Equal(t, http.StatusCreated, r.Status, "%s", r.Body)
	r = h.do(call{method: "POST", path: "/contacts/" + id + "/notes", body: map[string]any{"body": "Likes <b> & \"quotes\""}})
	require.Equal(t, http.StatusCreated, r.Status, "%s", r.Body)
	noteID := r.JSON(t)["note"].(map[string]any)["id"].(string)
	r = h.do(call{method: "POST", path: "/contacts/" + id + "/tasks", body: map[string]any{"title": "Call", "dueDate": "2026-12-01T10:00:00Z", "completed": false}})
	require.Equal(t, http.StatusCreated, r.Status, "%s", r.Body)
	taskID := r.JSON(t)["task"].(map[string]any)["id"].(string)
	r = h.do(call{method: "PUT", path: "/contacts/" + id + "/tasks/" + taskID + "/completed", body: map[string]any{"completed": true}})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	r = h.admin("POST", "/_mock/appointments", map[string]any{"contactId": id, "title": "Check-up", "startTime": "2026-12-03T15:00:00Z", "endTime": "2026-12-03T15:30:00Z"})
	require.Equal(t, http.StatusCreated, r.Status, "%s", r.Body)
	apptID := r.JSON(t)["appointment"].(map[string]any)["id"].(string)

	for _, rcv := range []*webhooktest.Receiver{raw, reser} {
		for _, want := range []struct{ typ, id string }{
			{webhooks.ContactCreate, id}, {webhooks.ContactUpdate, id}, {webhooks.ContactTagUpdate, id},
			{webhooks.NoteCreate, noteID}, {webhooks.TaskCreate, taskID}, {webhooks.TaskComplete, taskID},
			{webhooks.AppointmentCreate, apptID},
		} {
			ev, err := rcv.WaitFor(wait(t), want.typ, want.id)
			require.NoError(t, err)
			assert.Equal(t, defaultApp, ev.Payload["appId"])
			assert.Equal(t, h.loc, ev.Payload["locationId"])
			assert.NotEmpty(t, ev.WebhookID)
		}
	}
	created, err := raw.WaitFor(wait(t), webhooks.ContactCreate, id)
	require.NoError(t, err)
	assert.Contains(t, string(created.Body), `"firstName":"Smith & Sons <b>"`, "no \\u0026-style escapes: the bytes JSON.stringify writes")
	assert.Contains(t, string(created.Body), "Tom\u2028Jerry", "U+2028 raw, as JSON.stringify writes it")
	appt, err := raw.WaitFor(wait(t), webhooks.AppointmentCreate, apptID)
	require.NoError(t, err)
	assert.Equal(t, "2026-12-03T10:00:00-05:00", appt.Payload["appointment"].(map[string]any)["startTime"], "in the location's zone (New York)")

	// The log ties each delivery to the request that caused it.
	h.flush()
	ds := h.deliveries("event=ContactCreate&contactId=" + id)
	require.Len(t, ds, 2, "one per subscriber")
	assert.Equal(t, "create-contact", ds[0].OperationID)
	assert.NotEmpty(t, ds[0].TraceID)
	assert.Len(t, h.deliveries("traceId="+ds[0].TraceID), 2)
	assert.Equal(t, webhooks.StatusSucceeded, ds[0].Status)
	require.Len(t, ds[0].Attempts, 1)
	assert.Equal(t, 200, ds[0].Attempts[0].Status)
}

// A subscriber that answers 429, or 500, gets GHL's retries as the mock's
// clock advances, under each retry profile; POST /_mock/clock answers once
// the retries that came due were made.
func TestWebhookRetriesFollowTheProfileAndTheClock(t *testing.T) {
	for _, c := range []struct {
		name, retry string
		status      int
		retried     bool
	}{
		{"ghl-non2xx retries a 500", "ghl-non2xx", 500, true},
		{"ghl-non2xx retries a 429", "ghl-non2xx", 429, true},
		{"ghl-429 retries a 429", "ghl-429", 429, true},
		{"ghl-429 does not retry a 500", "ghl-429", 500, false},
		{"none retries nothing", "none", 429, false},
		{"a list of delays", "30s,1m", 503, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := setup(t)
			sink := h.ts.URL + "/_mock/sink/retry"
			r := h.admin("POST", "/_mock/sink/retry/behaviour", map[string]any{"status": c.status, "times": 2})
			require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
			r = h.admin("POST", "/_mock/webhooks/subscriptions", map[string]any{"url": sink, "events": []string{"ContactCreate"}, "retry": c.retry})
			require.Equal(t, http.StatusCreated, r.Status, "%s", r.Body)
			id := h.createContact(map[string]any{"firstName": "Retry", "email": "retry@example.com"})
			h.flush()
			d := h.deliveries("contactId=" + id)
			require.Len(t, d, 1)
			require.Len(t, d[0].Attempts, 1)
			assert.Equal(t, c.status, d[0].Attempts[0].Status)
			if !c.retried {
				assert.Equal(t, webhooks.StatusFailed, d[0].Status)
				h.advanceClock("2h")
				assert.Len(t, h.srv.Sink().Received("retry"), 1, "no retry")
				return
			}
			require.Equal(t, webhooks.StatusPending, d[0].Status)
			wait := d[0].NextAttemptAt.Sub(d[0].Attempts[0].At)
			assert.Positive(t, wait)
			if strings.HasPrefix(c.retry, "ghl") {
				assert.True(t, wait > 9*time.Minute && wait <= 10*time.Minute, "10 minutes less up to a minute of jitter: %s", wait)
			} else {
				assert.Equal(t, 30*time.Second, wait, "an explicit list has no jitter")
			}
			view := h.advanceClock("10m")
			assert.Equal(t, true, view["webhooksSettled"])
			assert.Len(t, h.srv.Sink().Received("retry"), 2, "the first retry was made before the clock answered")
			h.advanceClock("10m")
			got := h.srv.Sink().Received("retry")
			require.Len(t, got, 3)
			assert.Equal(t, 200, got[2].Answered)
			assert.True(t, got[2].Verified)
			assert.True(t, got[1].Duplicate && got[2].Duplicate, "a retry is the same request: the same webhookId")
			d = h.deliveries("contactId=" + id)
			assert.Equal(t, webhooks.StatusSucceeded, d[0].Status)
			assert.Len(t, d[0].Attempts, 3)
		})
	}
}

// GHL's 6 retries end in "exhausted"; recover sends every failed delivery
// again, and a redelivery is the same request (same webhookId) unless asked.
func TestWebhookExhaustionRecoverAndRedeliver(t *testing.T) {
	h := setup(t)
	h.admin("POST", "/_mock/sink/down/behaviour", map[string]any{"status": 503})
	r := h.admin("POST", "/_mock/webhooks/subscriptions", map[string]any{"url": h.ts.URL + "/_mock/sink/down", "events": []string{"ContactCreate"}})
	require.Equal(t, http.StatusCreated, r.Status, "%s", r.Body)
	id := h.createContact(map[string]any{"firstName": "Down", "email": "down@example.com"})
	h.flush()
	for range 6 {
		h.advanceClock("10m")
	}
	d := h.deliveries("contactId=" + id)
	require.Len(t, d, 1)
	assert.Equal(t, webhooks.StatusExhausted, d[0].Status)
	assert.Len(t, d[0].Attempts, 7, "the first send and six retries")
	assert.Len(t, h.deliveries("status=exhausted"), 1)

	h.admin("POST", "/_mock/sink/down/behaviour", map[string]any{"reset": true})
	r = h.admin("POST", "/_mock/webhooks/recover", map[string]any{})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	assert.Len(t, r.JSON(t)["redelivered"], 1)
	h.flush()
	got := h.srv.Sink().Received("down")
	require.Len(t, got, 8)
	assert.Equal(t, 200, got[7].Answered)
	assert.True(t, got[7].Duplicate, "recovered with its webhookId")

	r = h.admin("POST", "/_mock/webhooks/deliveries/"+d[0].ID+"/redeliver", map[string]any{"newWebhookId": true})
	require.Equal(t, http.StatusCreated, r.Status, "%s", r.Body)
	h.flush()
	got = h.srv.Sink().Received("down")
	require.Len(t, got, 9)
	assert.False(t, got[8].Duplicate, "a new webhookId when asked")
	assert.True(t, got[8].Verified, "and signed again")
	assert.Equal(t, http.StatusNotFound, h.admin("POST", "/_mock/webhooks/deliveries/whd_999/redeliver", nil).Status)
}

// The admin endpoints around the engine: keys, subscriptions, send, pause.
func TestWebhookAdminEndpoints(t *testing.T) {
	h := setup(t)
	r := h.admin("GET", "/_mock/webhooks/keys", nil)
	require.Equal(t, http.StatusOK, r.Status)
	keys := r.JSON(t)["ed25519"].(map[string]any)
	assert.Equal(t, "WEBHOOK_SIGNATURE_PUBLIC_KEY="+h.srv.WebhookPublicKey(), keys["envLine"])
	assert.Contains(t, keys["pem"], "BEGIN PUBLIC KEY")
	r = h.admin("GET", "/_mock/webhooks/keys?format=env", nil)
	assert.Equal(t, "WEBHOOK_SIGNATURE_PUBLIC_KEY="+h.srv.WebhookPublicKey()+"\n", string(r.Body))
	assert.Equal(t, http.StatusBadRequest, h.admin("GET", "/_mock/webhooks/keys?format=xml", nil).Status)

	// No subscription yet: the fixtures declare none.
	r = h.admin("GET", "/_mock/webhooks/subscriptions", nil)
	assert.Empty(t, r.JSON(t)["subscriptions"])
	for name, bad := range map[string]map[string]any{
		"no url":          {"events": []string{"ContactCreate"}},
		"unknown event":   {"url": "http://127.0.0.1:1/x", "events": []string{"FormSubmit"}},
		"bad retry":       {"url": "http://127.0.0.1:1/x", "retry": "sometimes"},
		"unknown key":     {"url": "http://127.0.0.1:1/x", "colour": "red"},
		"unknown loc":     {"url": "http://127.0.0.1:1/x", "locations": []string{"nope"}},
		"rsa without key": {"url": "http://127.0.0.1:1/x", "signature": "ed25519+rsa"},
	} {
		r := h.admin("POST", "/_mock/webhooks/subscriptions", bad)
		assert.Equal(t, http.StatusBadRequest, r.Status, "%s: %s", name, r.Body)
		assertGHLError(t, r)
	}
	r = h.admin("POST", "/_mock/webhooks/subscriptions", map[string]any{"url": h.ts.URL + "/_mock/sink/admin", "app": "6650e2c1a8b4f7d3e9c01a2c"})
	require.Equal(t, http.StatusCreated, r.Status, "%s", r.Body)
	sub := r.JSON(t)
	assert.Equal(t, "runtime", sub["source"])
	assert.Len(t, sub["events"], len(webhooks.EventTypes))
	r = h.admin("GET", "/_mock/webhooks/subscriptions", nil)
	assert.Len(t, r.JSON(t)["subscriptions"], 1)

	// Send: an event for existing data, built from it as it is now.
	r = h.admin("POST", "/_mock/webhooks/send", map[string]any{"type": "ContactTagUpdate", "contactId": h.namedID})
	require.Equal(t, http.StatusCreated, r.Status, "%s", r.Body)
	h.flush()
	got := h.srv.Sink().Received("admin")
	require.Len(t, got, 1)
	assert.Equal(t, "ContactTagUpdate", got[0].Type)
	assert.True(t, got[0].Verified)
	assert.Contains(t, got[0].Body, `"firstName":"Ada"`)
	for name, bad := range map[string]map[string]any{
		"unknown type":    {"type": "FormSubmit", "contactId": h.namedID},
		"no contact":      {"type": "ContactCreate"},
		"note without id": {"type": "NoteCreate", "contactId": h.namedID},
		"install no app":  {"type": "INSTALL", "locationId": h.loc},
	} {
		r := h.admin("POST", "/_mock/webhooks/send", bad)
		assert.Equal(t, http.StatusBadRequest, r.Status, "%s: %s", name, r.Body)
	}
	r = h.admin("POST", "/_mock/webhooks/send", map[string]any{"type": "ContactCreate", "contactId": "nmFmQEsNgz6AVpgLVUJ0"})
	assert.Equal(t, http.StatusBadRequest, r.Status, "an unknown contact: %s", r.Body)
	r = h.admin("POST", "/_mock/webhooks/send", map[string]any{"type": "ContactUpdate", "contactId": h.namedID, "data": map[string]any{"city": "Gotham & Co"}})
	require.Equal(t, http.StatusCreated, r.Status, "%s", r.Body)
	var sent struct{ Deliveries []webhooks.Delivery }
	require.NoError(t, json.Unmarshal(r.Body, &sent))
	require.Len(t, sent.Deliveries, 1)
	assert.Contains(t, sent.Deliveries[0].Body, `"city":"Gotham & Co"`, "data overrides a field")
	assert.Equal(t, "admin:send", sent.Deliveries[0].OperationID)
	one := h.admin("GET", "/_mock/webhooks/deliveries/"+sent.Deliveries[0].ID, nil)
	require.Equal(t, http.StatusOK, one.Status)
	assert.Equal(t, sent.Deliveries[0].WebhookID, one.JSON(t)["webhookId"])
	assert.Equal(t, http.StatusNotFound, h.admin("GET", "/_mock/webhooks/deliveries/whd_999", nil).Status)
	// Back to the sink holding the one ContactTagUpdate, for the counts below.
	h.flush()
	h.srv.Sink().Clear("admin")
	h.admin("POST", "/_mock/webhooks/send", map[string]any{"type": "ContactTagUpdate", "contactId": h.namedID})
	h.flush()
	r = h.admin("POST", "/_mock/webhooks/send", map[string]any{"type": "INSTALL", "app": "6650e2c1a8b4f7d3e9c01a2c", "locationId": h.loc})
	require.Equal(t, http.StatusCreated, r.Status, "%s", r.Body)
	h.flush()
	got = h.srv.Sink().Received("admin")
	require.Len(t, got, 2)
	assert.Equal(t, "INSTALL", got[1].Type)

	// Pause: deliveries wait; resume sends them.
	r = h.admin("POST", "/_mock/webhooks/apps/6650e2c1a8b4f7d3e9c01a2c/pause", nil)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	h.createContact(map[string]any{"firstName": "Paused", "email": "paused@example.com"})
	h.flush()
	assert.Len(t, h.srv.Sink().Received("admin"), 2, "paused: nothing sent")
	assert.Len(t, h.deliveries("status=pending"), 1)
	r = h.admin("POST", "/_mock/webhooks/apps/6650e2c1a8b4f7d3e9c01a2c/resume", nil)
	require.Equal(t, http.StatusOK, r.Status)
	h.flush()
	assert.Len(t, h.srv.Sink().Received("admin"), 3, "resumed: sent")
	assert.Equal(t, http.StatusNotFound, h.admin("POST", "/_mock/webhooks/apps/nope/pause", nil).Status)
	assert.Equal(t, http.StatusBadRequest, h.admin("GET", "/_mock/webhooks/deliveries?status=lost", nil).Status)

	// Remove: nothing more is sent.
	r = h.admin("DELETE", "/_mock/webhooks/subscriptions/"+sub["id"].(string), nil)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	assert.Equal(t, http.StatusNotFound, h.admin("DELETE", "/_mock/webhooks/subscriptions/"+sub["id"].(string), nil).Status)
	h.createContact(map[string]any{"firstName": "After", "email": "after@example.com"})
	h.flush()
	assert.Len(t, h.srv.Sink().Received("admin"), 3)
}

func assertGHLError(t *testing.T, r *response) {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(r.Body, &m), "%s", r.Body)
	assert.EqualValues(t, r.Status, m["statusCode"])
	assert.NotEmpty(t, m["message"])
}

// A mock nobody subscribed to does not listen to its change feed; a
// subscription starts it, and removing the last one stops it.
func TestWebhooksListenOnlyWhileSubscribed(t *testing.T) {
	h := setup(t)
	assert.False(t, mockserver.FeedActiveForTest(h.srv), "no subscription: the store builds no change")
	r := h.admin("POST", "/_mock/webhooks/subscriptions", map[string]any{"url": h.ts.URL + "/_mock/sink/x"})
	require.Equal(t, http.StatusCreated, r.Status)
	assert.True(t, mockserver.FeedActiveForTest(h.srv))
	h.admin("DELETE", "/_mock/webhooks/subscriptions/"+r.JSON(t)["id"].(string), nil)
	assert.False(t, mockserver.FeedActiveForTest(h.srv))
}

// A reset clears the delivery log and the run-time subscriptions and puts
// the configured ones back.
func TestWebhookResetRestoresTheConfiguredSubscriptions(t *testing.T) {
	h := setup(t, withWebhookURLs("http://127.0.0.1:1/configured"))
	r := h.admin("POST", "/_mock/webhooks/subscriptions", map[string]any{"url": h.ts.URL + "/_mock/sink/rt"})
	require.Equal(t, http.StatusCreated, r.Status)
	h.admin("DELETE", "/_mock/webhooks/subscriptions/url-1", nil)
	h.createContact(map[string]any{"firstName": "Before", "email": "before@example.com"})
	h.flush()
	require.NotEmpty(t, h.deliveries(""))

	require.Equal(t, http.StatusOK, h.admin("POST", "/_mock/reset", nil).Status)
	assert.Empty(t, h.deliveries(""), "the log is cleared")
	var subs struct{ Subscriptions []map[string]any }
	require.NoError(t, json.Unmarshal(h.admin("GET", "/_mock/webhooks/subscriptions", nil).Body, &subs))
	require.Len(t, subs.Subscriptions, 1)
	assert.Equal(t, "url-1", subs.Subscriptions[0]["id"])
	assert.Equal(t, "flag", subs.Subscriptions[0]["source"])
}

// Fault rules with target webhook break deliveries as real senders do.
func TestWebhookFaultRules(t *testing.T) {
	h := setup(t)
	r := h.admin("POST", "/_mock/webhooks/subscriptions", map[string]any{"url": h.ts.URL + "/_mock/sink/f", "events": []string{"ContactCreate"}})
	require.Equal(t, http.StatusCreated, r.Status)
	for name, bad := range map[string]map[string]any{
		"unknown event":    {"target": "webhook", "event": "FormSubmit", "action": "drop"},
		"unknown app":      {"target": "webhook", "app": "nope", "action": "drop"},
		"api action":       {"target": "webhook", "action": "reset"},
		"unknown location": {"target": "webhook", "locationId": "nope", "action": "drop"},
	} {
		r := h.admin("POST", "/_mock/faults", bad)
		assert.Equal(t, http.StatusBadRequest, r.Status, "%s: %s", name, r.Body)
	}
	for _, c := range []struct {
		action string
		check  func(t *testing.T, got []webhooks.SinkRecord, d webhooks.Delivery)
	}{
		{"missing-signature", func(t *testing.T, got []webhooks.SinkRecord, d webhooks.Delivery) {
			require.Len(t, got, 1)
			assert.Equal(t, "missing", got[0].Signature)
		}},
		{"bad-signature", func(t *testing.T, got []webhooks.SinkRecord, d webhooks.Delivery) {
			require.Len(t, got, 1)
			assert.Equal(t, "invalid", got[0].Signature)
		}},
		{"wrong-key", func(t *testing.T, got []webhooks.SinkRecord, d webhooks.Delivery) {
			require.Len(t, got, 1)
			assert.Equal(t, "invalid", got[0].Signature)
		}},
		{"duplicate", func(t *testing.T, got []webhooks.SinkRecord, d webhooks.Delivery) {
			require.Len(t, got, 2)
			assert.True(t, got[1].Duplicate)
		}},
		{"drop", func(t *testing.T, got []webhooks.SinkRecord, d webhooks.Delivery) {
			assert.Empty(t, got)
			assert.Equal(t, webhooks.StatusFailed, d.Status)
		}},
		{"stale-timestamp", func(t *testing.T, got []webhooks.SinkRecord, d webhooks.Delivery) {
			require.Len(t, got, 1)
			assert.True(t, got[0].Verified, "validly signed")
			var body struct{ Timestamp time.Time }
			require.NoError(t, json.Unmarshal([]byte(got[0].Body), &body))
			assert.True(t, body.Timestamp.Before(time.Now().Add(-9*time.Minute)), "stale: %s", body.Timestamp)
		}},
	} {
		t.Run(c.action, func(t *testing.T) {
			h.srv.Sink().Clear("f")
			r := h.admin("POST", "/_mock/faults", map[string]any{"target": "webhook", "event": "ContactCreate", "action": c.action, "times": 1})
			require.Equal(t, http.StatusCreated, r.Status, "%s", r.Body)
			id := h.createContact(map[string]any{"firstName": "Fault", "email": c.action + "@example.com"})
			h.flush()
			ds := h.deliveries("contactId=" + id)
			require.Len(t, ds, 1)
			c.check(t, h.srv.Sink().Received("f"), ds[0])
			assert.Equal(t, c.action, ds[0].Attempts[len(ds[0].Attempts)-1].Fault)
		})
	}
	// A delay fault waits on the mock's clock.
	h.srv.Sink().Clear("f")
	r = h.admin("POST", "/_mock/faults", map[string]any{"target": "webhook", "action": "delay", "delayMs": 60000, "times": 1})
	require.Equal(t, http.StatusCreated, r.Status, "%s", r.Body)
	h.createContact(map[string]any{"firstName": "Late", "email": "late@example.com"})
	h.flush()
	assert.Empty(t, h.srv.Sink().Received("f"), "not yet")
	h.advanceClock("1m")
	assert.Len(t, h.srv.Sink().Received("f"), 1, "a minute later on the mock's clock")
}

// The calendar's side of appointments: book, reschedule, cancel, delete,
// each sending its event; bad input is GHL-shaped and changes nothing.
func TestAdminAppointmentsSendTheirEvents(t *testing.T) {
	h := setup(t)
	r := h.admin("POST", "/_mock/webhooks/subscriptions", map[string]any{"url": h.ts.URL + "/_mock/sink/cal"})
	require.Equal(t, http.StatusCreated, r.Status)
	for name, bad := range map[string]map[string]any{
		"no contact":      {"startTime": "2026-12-03T15:00:00Z", "endTime": "2026-12-03T16:00:00Z"},
		"no times":        {"contactId": h.namedID},
		"end before":      {"contactId": h.namedID, "startTime": "2026-12-03T15:00:00Z", "endTime": "2026-12-03T14:00:00Z"},
		"bad time":        {"contactId": h.namedID, "startTime": "tomorrow", "endTime": "2026-12-03T14:00:00Z"},
		"bad calendar":    {"contactId": h.namedID, "calendarId": "nope", "startTime": "2026-12-03T15:00:00Z", "endTime": "2026-12-03T16:00:00Z"},
		"unknown field":   {"contactId": h.namedID, "colour": "red"},
		"unknown contact": {"contactId": "nmFmQEsNgz6AVpgLVUJ0", "startTime": "2026-12-03T15:00:00Z", "endTime": "2026-12-03T16:00:00Z"},
	} {
		r := h.admin("POST", "/_mock/appointments", bad)
		assert.Equal(t, http.StatusBadRequest, r.Status, "%s: %s", name, r.Body)
		assertGHLError(t, r)
	}
	r = h.admin("POST", "/_mock/appointments", map[string]any{"contactId": h.namedID, "startTime": "2026-12-03T15:00:00Z", "endTime": "2026-12-03T16:00:00Z"})
	require.Equal(t, http.StatusCreated, r.Status, "%s", r.Body)
	id := r.JSON(t)["appointment"].(map[string]any)["id"].(string)
	r = h.admin("PUT", "/_mock/appointments/"+id, map[string]any{"startTime": "2026-12-04T15:00:00Z", "endTime": "2026-12-04T16:00:00Z"})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	r = h.admin("POST", "/_mock/appointments/"+id+"/cancel", nil)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	assert.Equal(t, "cancelled", r.JSON(t)["appointment"].(map[string]any)["appointmentStatus"])
	r = h.admin("GET", "/_mock/appointments?contactId="+h.namedID, nil)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	r = h.admin("DELETE", "/_mock/appointments/"+id, nil)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	assert.Equal(t, http.StatusNotFound, h.admin("DELETE", "/_mock/appointments/"+id, nil).Status)
	h.flush()
	var types []string
	for _, rec := range h.srv.Sink().Received("cal") {
		types = append(types, rec.Type)
		assert.True(t, rec.Verified)
	}
	assert.ElementsMatch(t, []string{"AppointmentCreate", "AppointmentUpdate", "AppointmentUpdate", "AppointmentDelete"}, types, "sent concurrently, in no promised order")
	var logged []string
	for _, d := range h.deliveries("") {
		logged = append([]string{d.Event}, logged...) // newest first
	}
	assert.Equal(t, []string{"AppointmentCreate", "AppointmentUpdate", "AppointmentUpdate", "AppointmentDelete"}, logged, "made in the order of the changes")
	// The API sees the calendar's bookings.
	list := h.do(call{path: "/contacts/" + h.namedID + "/appointments"})
	for _, ev := range list.JSON(t)["events"].([]any) {
		assert.NotEqual(t, id, ev.(map[string]any)["id"], "deleted")
	}
}

// A workflow's Custom Webhook action fires, unsigned and with its minimal
// payload and headers, when a contact is added to the workflow.
func TestWorkflowCustomWebhookFiresOnEnrolment(t *testing.T) {
	probe := setup(t)
	yaml := strings.Replace(string(mustDefaultYAML(t)), "      - {id: k6BpcetANCSIrFGrxnft, name: New lead nurture}",
		"      - {id: k6BpcetANCSIrFGrxnft, name: New lead nurture, customWebhook: {url: \""+probe.ts.URL+"/_mock/sink/zap\", headers: {x-bridge-secret: s3cr3t}}}", 1)
	h := setupWithYAML(t, yaml)
	r := h.do(call{method: "POST", path: "/contacts/" + h.namedID + "/workflow/k6BpcetANCSIrFGrxnft", body: map[string]any{}})
	require.Contains(t, []int{200, 201}, r.Status, "%s", r.Body)
	h.flush()
	got := probe.srv.Sink().Received("zap")
	require.Len(t, got, 1)
	assert.Equal(t, "missing", got[0].Signature, "unsigned")
	assert.Equal(t, "s3cr3t", got[0].Headers["X-Bridge-Secret"])
	var body map[string]any
	require.NoError(t, json.Unmarshal([]byte(got[0].Body), &body))
	assert.Equal(t, map[string]any{"id": h.namedID, "name": "Ada Lovelace", "email": "ada.lovelace@example.com", "phone": "+12125550101"}, body)
	ds := h.deliveries("event=WorkflowWebhook")
	require.Len(t, ds, 1)
	assert.Equal(t, "none", ds[0].Retry)
}

// --fixtures: an app's webhook gets what its installs' scopes allow.
func TestFixtureAppWebhookFollowsScopes(t *testing.T) {
	probe := setup(t)
	yaml := strings.Replace(string(mustDefaultYAML(t)), "    name: Staging chatbot\n",
		"    name: Staging chatbot\n    webhook: {url: \""+probe.ts.URL+"/_mock/sink/bot\", events: [ContactCreate, NoteCreate]}\n", 1)
	h := setupWithYAML(t, yaml)
	var subs struct{ Subscriptions []map[string]any }
	require.NoError(t, json.Unmarshal(h.admin("GET", "/_mock/webhooks/subscriptions", nil).Body, &subs))
	require.NotEmpty(t, subs.Subscriptions)
	assert.Equal(t, "fixtures", subs.Subscriptions[0]["source"])
	assert.Equal(t, []any{h.other}, subs.Subscriptions[0]["locations"], "installed where it has a token")
	for _, c := range []struct{ typ, contact string }{
		{"ContactCreate", h.namedID},     // not installed in loc
		{"ContactCreate", h.otherNameID}, // received
		{"ContactUpdate", h.otherNameID}, // not in its event list
	} {
		r := h.admin("POST", "/_mock/webhooks/send", map[string]any{"type": c.typ, "contactId": c.contact})
		require.Equal(t, http.StatusCreated, r.Status, "%s", r.Body)
	}
	h.flush()
	got := probe.srv.Sink().Received("bot")
	require.Len(t, got, 1, "only the event of an install, of a type it asked for")
	assert.Contains(t, got[0].Body, h.otherNameID)
	assert.True(t, got[0].Verified)
}

func mustDefaultYAML(t *testing.T) []byte {
	t.Helper()
	return fixtures.Default()
}

func setupWithYAML(t *testing.T, yaml string) *harness {
	t.Helper()
	fx, err := fixture.Parse([]byte(yaml), "test.yaml")
	require.NoError(t, err)
	return setup(t, func(c *mockserver.Config) { c.Fixtures = fx })
}

// With a state database the keys, the run-time subscriptions, the paused
// apps and the pending deliveries survive a restart: a retry planned
// before it is made after it, the same request signed with the same key.
func TestWebhooksSurviveARestart(t *testing.T) {
	probe := setup(t) // the receiver's side: its sink outlives the mocks
	path := filepath.Join(t.TempDir(), "state.db")
	h := setup(t, withState(path))
	key := h.srv.WebhookPublicKey()
	probe.admin("POST", "/_mock/sink/dur/behaviour", map[string]any{"status": 500, "times": 1})
	r := h.admin("POST", "/_mock/webhooks/subscriptions", map[string]any{"url": probe.ts.URL + "/_mock/sink/dur", "events": []string{"ContactCreate"}})
	require.Equal(t, http.StatusCreated, r.Status, "%s", r.Body)
	r = h.admin("POST", "/_mock/webhooks/subscriptions", map[string]any{"url": probe.ts.URL + "/_mock/sink/later", "app": "6650e2c1a8b4f7d3e9c01a2c", "events": []string{"ContactCreate"}})
	require.Equal(t, http.StatusCreated, r.Status, "%s", r.Body)
	require.Equal(t, http.StatusOK, h.admin("POST", "/_mock/webhooks/apps/6650e2c1a8b4f7d3e9c01a2c/pause", nil).Status)
	id := h.createContact(map[string]any{"firstName": "Durable", "email": "durable@example.com"})
	h.flush()
	require.Len(t, probe.srv.Sink().Received("dur"), 1)
	before := h.deliveries("contactId=" + id)
	require.Len(t, before, 2)

	h2 := restart(t, h, path)
	assert.Equal(t, key, h2.srv.WebhookPublicKey(), "the key is kept in the state")
	var subs struct{ Subscriptions []map[string]any }
	require.NoError(t, json.Unmarshal(h2.admin("GET", "/_mock/webhooks/subscriptions", nil).Body, &subs))
	require.Len(t, subs.Subscriptions, 2)
	assert.Equal(t, true, subs.Subscriptions[1]["paused"])
	after := h2.deliveries("contactId=" + id)
	require.Len(t, after, 2)
	assert.Equal(t, before[0].ID, after[0].ID)
	assert.Equal(t, before[1].Body, after[1].Body)

	h2.advanceClock("10m")
	got := probe.srv.Sink().Received("dur")
	require.Len(t, got, 2, "the retry planned before the restart was made after it")
	pub, err := webhooks.ParsePublicKey(key)
	require.NoError(t, err)
	assert.True(t, webhooks.Verify(pub, []byte(got[1].Body), got[1].Headers["X-Ghl-Signature"]), "signed with the kept key")
	assert.True(t, got[1].Duplicate, "the same webhookId")
	assert.Empty(t, probe.srv.Sink().Received("later"), "its app is still paused")
	require.Equal(t, http.StatusOK, h2.admin("POST", "/_mock/webhooks/apps/6650e2c1a8b4f7d3e9c01a2c/resume", nil).Status)
	h2.flush()
	assert.Len(t, probe.srv.Sink().Received("later"), 1)

	r = h2.admin("POST", "/_mock/webhooks/subscriptions", map[string]any{"url": probe.ts.URL + "/_mock/sink/third"})
	require.Equal(t, http.StatusCreated, r.Status, "a new id, not one of the restored: %s", r.Body)
	assert.Equal(t, "sub_3", r.JSON(t)["id"])

	// A reset forgets them, in the database too.
	require.Equal(t, http.StatusOK, h2.admin("POST", "/_mock/reset", nil).Status)
	h3 := restart(t, h2, path)
	require.NoError(t, json.Unmarshal(h3.admin("GET", "/_mock/webhooks/subscriptions", nil).Body, &subs))
	assert.Empty(t, subs.Subscriptions)
	assert.Empty(t, h3.deliveries(""))
	assert.Equal(t, key, h3.srv.WebhookPublicKey(), "a reset keeps the key: receivers are configured once")
}

// --webhook-key FILE signs with the file's key.
func TestWebhookKeyFile(t *testing.T) {
	keys, err := webhooks.DeriveKeys("key file test", 0)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "webhook.pem")
	require.NoError(t, keys.SaveKeyFile(path))
	h := setup(t, func(c *mockserver.Config) { c.Webhooks.KeyFile = path })
	pub, err := keys.PublicKeys()
	require.NoError(t, err)
	assert.Equal(t, pub.Ed25519.RawBase64, h.srv.WebhookPublicKey())
	_, err = mockserver.New(mockserver.Config{Webhooks: mockserver.WebhookConfig{KeyFile: filepath.Join(t.TempDir(), "missing.pem")}})
	assert.ErrorContains(t, err, "--webhook-key")
}

// With an admin token, a sender may post to the sink without it; reading
// the sink and changing its behaviour still need it.
func TestSinkTakesDeliveriesWithoutTheAdminToken(t *testing.T) {
	h := setup(t, func(c *mockserver.Config) { c.AdminToken = "s3cret" })
	assert.Equal(t, http.StatusOK, h.admin("POST", "/_mock/sink/open", map[string]any{"type": "ContactCreate"}).Status)
	assert.Equal(t, http.StatusUnauthorized, h.admin("GET", "/_mock/sink/open", nil).Status)
	assert.Equal(t, http.StatusUnauthorized, h.admin("POST", "/_mock/sink/open/behaviour", map[string]any{"status": 500}).Status)
	assert.Equal(t, http.StatusUnauthorized, h.admin("GET", "/_mock/webhooks/deliveries", nil).Status)
	r := h.admin("GET", "/_mock/sink/open", nil, "s3cret")
	require.Equal(t, http.StatusOK, r.Status)
	assert.Len(t, r.JSON(t)["received"], 1)
}

// POST /_mock/clock and flush answer only once what the retries they made
// is committed: the database's commits are slowed here, and the record is
// read from the file right after the answer.
func TestClockAdvanceCommitsTheRetriesBeforeAnswering(t *testing.T) {
	probe := setup(t)
	path := filepath.Join(t.TempDir(), "state.db")
	h := setup(t, withState(path), func(c *mockserver.Config) {
		mockserver.FailCommitsForTest(c, func() error { time.Sleep(50 * time.Millisecond); return nil })
	})
	probe.admin("POST", "/_mock/sink/slow/behaviour", map[string]any{"status": 500, "times": 2})
	r := h.admin("POST", "/_mock/webhooks/subscriptions", map[string]any{"url": probe.ts.URL + "/_mock/sink/slow", "events": []string{"ContactCreate"}})
	require.Equal(t, http.StatusCreated, r.Status, "%s", r.Body)
	id := h.createContact(map[string]any{"firstName": "Slow", "email": "slow@example.com"})
	h.flush()
	assert.Equal(t, 1, committedAttempts(t, path, id), "flush answered after the attempt was committed")
	h.advanceClock("10m")
	assert.Equal(t, 2, committedAttempts(t, path, id), "the clock answered after the retry was committed")
}

// committedAttempts reads, from the database file, how many attempts the
// delivery of a contact has.
func committedAttempts(t *testing.T, path, contactID string) int {
	t.Helper()
	ds, err := mockserver.DeliveriesInStateForTest(t.Context(), path)
	require.NoError(t, err)
	for _, d := range ds {
		if d.ContactID == contactID {
			return len(d.Attempts)
		}
	}
	return 0
}

// A bulk operation sends one event per contact it changed, all tied to the
// one request.
func TestBulkTagsSendOneEventPerContact(t *testing.T) {
	h := setup(t)
	r := h.admin("POST", "/_mock/webhooks/subscriptions", map[string]any{"url": h.ts.URL + "/_mock/sink/bulk", "events": []string{"ContactTagUpdate"}})
	require.Equal(t, http.StatusCreated, r.Status)
	r = h.do(call{method: "POST", path: "/contacts/bulk/tags/update/add", body: map[string]any{
		"locationId": locationID, "tags": []string{"Webinar"}, "contacts": []string{ada, babbage, "not-an-id"}}})
	require.Equal(t, 201, r.Status, "%s", r.Body)
	h.flush()
	ds := h.deliveries("event=ContactTagUpdate")
	require.Len(t, ds, 2, "one per contact changed, none for the refused id")
	assert.ElementsMatch(t, []string{ada, babbage}, []string{ds[0].ContactID, ds[1].ContactID})
	assert.Equal(t, ds[0].TraceID, ds[1].TraceID)
	assert.Len(t, h.srv.Sink().Received("bulk"), 2)
}

// The legacy RSA signature is opt-in: a mock with --webhook-rsa signs a
// subscription asking for ed25519+rsa with both, and publishes both keys.
func TestLegacyRSASignatureIsOptIn(t *testing.T) {
	h := setup(t, func(c *mockserver.Config) { c.Webhooks.RSA, c.Webhooks.RSABits = true, 2048 })
	keys := h.admin("GET", "/_mock/webhooks/keys", nil).JSON(t)
	require.Contains(t, keys, "rsa")
	assert.Contains(t, keys["rsa"].(map[string]any)["envLine"], "WEBHOOK_PUBLIC_KEY=")
	r := h.admin("POST", "/_mock/webhooks/subscriptions", map[string]any{"url": h.ts.URL + "/_mock/sink/legacy", "signature": "ed25519+rsa"})
	require.Equal(t, http.StatusCreated, r.Status, "%s", r.Body)
	r = h.admin("POST", "/_mock/webhooks/subscriptions", map[string]any{"url": h.ts.URL + "/_mock/sink/modern"})
	require.Equal(t, http.StatusCreated, r.Status, "%s", r.Body)
	h.createContact(map[string]any{"firstName": "Legacy", "email": "legacy@example.com"})
	h.flush()
	legacy, modern := h.srv.Sink().Received("legacy"), h.srv.Sink().Received("modern")
	require.Len(t, legacy, 1)
	require.Len(t, modern, 1)
	assert.Equal(t, "valid", legacy[0].LegacySignature)
	assert.Equal(t, "valid", legacy[0].Signature)
	assert.Equal(t, "missing", modern[0].LegacySignature, "only when asked for")
}

// An OAuth install's changes send the app's INSTALL and UNINSTALL, to its
// own subscriptions only, wherever it is installed.
func TestOAuthInstallsSendInstallAndUninstall(t *testing.T) {
	h := setup(t)
	const app = "6650e2c1a8b4f7d3e9c01a2c"
	r := h.admin("POST", "/_mock/webhooks/subscriptions", map[string]any{"url": h.ts.URL + "/_mock/sink/app", "app": app, "locations": []string{h.loc}})
	require.Equal(t, http.StatusCreated, r.Status, "%s", r.Body)
	r = h.admin("POST", "/_mock/webhooks/subscriptions", map[string]any{"url": h.ts.URL + "/_mock/sink/other", "app": defaultApp})
	require.Equal(t, http.StatusCreated, r.Status, "%s", r.Body)
	install := &oauth.Install{ID: "in1", AppID: app, UserType: oauth.ClassLocation, CompanyID: "co1", UserID: "u1",
		Locations: []oauth.InstalledOn{{LocationID: h.other}}}
	grown := *install
	grown.Locations = append(slices.Clone(install.Locations), oauth.InstalledOn{LocationID: h.loc})
	for _, c := range []crm.Change{
		{Kind: crm.KindGrant, ID: "in1", After: install},
		{Kind: crm.KindGrant, ID: "in1", Before: install, After: &grown},
		{Kind: crm.KindGrant, ID: "in1", Before: &grown},
		{Kind: crm.KindGrant, ID: "code1", After: &oauth.Code{Code: "c"}},
	} {
		mockserver.PublishForTest(h.srv, c)
	}
	h.flush()
	var got []string
	for _, rec := range h.srv.Sink().Received("app") {
		var body map[string]any
		require.NoError(t, json.Unmarshal([]byte(rec.Body), &body))
		assert.Equal(t, app, body["appId"])
		assert.Equal(t, "co1", body["companyId"])
		assert.True(t, rec.Verified)
		got = append(got, rec.Type+" "+body["locationId"].(string))
	}
	assert.ElementsMatch(t, []string{"INSTALL " + h.other, "INSTALL " + h.loc, "UNINSTALL " + h.other, "UNINSTALL " + h.loc}, got,
		"every location, the one the subscription does not list included")
	assert.Empty(t, h.srv.Sink().Received("other"), "another app's install is not the default app's business")
}

// With a state database a write's events are committed with it: here the
// engine is stopped, as if the process died right after the write was
// answered and before its deliveries were made; the restarted mock makes
// them, once.
func TestEventsOfACommittedWriteSurviveACrashBeforeDelivery(t *testing.T) {
	probe := setup(t)
	path := filepath.Join(t.TempDir(), "state.db")
	hooked := withWebhookURLs(probe.ts.URL + "/_mock/sink/crash")
	h := setup(t, withState(path), hooked)
	require.NoError(t, h.srv.Webhooks().Close(t.Context())) // the deliveries are never made in this process
	id := h.createContact(map[string]any{"firstName": "Crash", "email": "crash@example.com"})
	assert.Empty(t, h.srv.Webhooks().Deliveries(webhooks.Filter{}))

	h2 := restart(t, h, path, hooked)
	h2.flush()
	got := probe.srv.Sink().Received("crash")
	require.Len(t, got, 1, "the event of the committed write was delivered after the restart")
	assert.Equal(t, "ContactCreate", got[0].Type)
	assert.Contains(t, got[0].Body, id)

	h3 := restart(t, h2, path, hooked)
	h3.flush()
	assert.Len(t, probe.srv.Sink().Received("crash"), 1, "and only once: its record was deleted when its delivery was made")
	assert.Len(t, h3.deliveries("contactId="+id), 1)
}

// A reorder fault holds a delivery back until the next one to the same
// subscription was sent: the receiver gets them the other way round.
func TestWebhookReorderFault(t *testing.T) {
	h := setup(t)
	r := h.admin("POST", "/_mock/webhooks/subscriptions", map[string]any{"url": h.ts.URL + "/_mock/sink/order", "events": []string{"ContactCreate", "NoteCreate"}})
	require.Equal(t, http.StatusCreated, r.Status)
	r = h.admin("POST", "/_mock/faults", map[string]any{"target": "webhook", "event": "ContactCreate", "action": "reorder", "times": 1})
	require.Equal(t, http.StatusCreated, r.Status, "%s", r.Body)
	// Paused, so that both are due at once when it resumes, as under load.
	require.Equal(t, http.StatusOK, h.admin("POST", "/_mock/webhooks/apps/"+defaultApp+"/pause", nil).Status)
	id := h.createContact(map[string]any{"firstName": "First", "email": "first@example.com"})
	mustStatus(t, h.do(call{method: "POST", path: "/contacts/" + id + "/notes", body: map[string]any{"body": "then a note"}}), 201)
	h.flush()
	require.Equal(t, http.StatusOK, h.admin("POST", "/_mock/webhooks/apps/"+defaultApp+"/resume", nil).Status)
	h.flush()
	got := h.srv.Sink().Received("order")
	require.Len(t, got, 2)
	assert.Equal(t, []string{"NoteCreate", "ContactCreate"}, []string{got[0].Type, got[1].Type}, "the contact's event was held back behind the note's")
}

// A workflow's Custom Webhook may also be subscribed at run time.
func TestRunTimeWorkflowCustomWebhook(t *testing.T) {
	h := setup(t)
	r := h.admin("POST", "/_mock/webhooks/subscriptions", map[string]any{"url": h.ts.URL + "/_mock/sink/wf", "workflow": "k6BpcetANCSIrFGrxnft", "locations": []string{h.loc}})
	require.Equal(t, http.StatusCreated, r.Status, "%s", r.Body)
	assert.Equal(t, []any{"WorkflowWebhook"}, r.JSON(t)["events"])
	r = h.admin("POST", "/_mock/webhooks/subscriptions", map[string]any{"url": h.ts.URL + "/_mock/sink/wf", "workflow": "k6BpcetANCSIrFGrxnft", "signature": "ed25519"})
	assert.Equal(t, http.StatusBadRequest, r.Status, "a Custom Webhook is unsigned: %s", r.Body)
	mustStatus(t, h.do(call{method: "POST", path: "/contacts/" + h.namedID + "/workflow/k6BpcetANCSIrFGrxnft", body: map[string]any{}}), 201)
	h.flush()
	got := h.srv.Sink().Received("wf")
	require.Len(t, got, 1)
	assert.Equal(t, "missing", got[0].Signature)
	assert.Contains(t, got[0].Body, `"name":"Ada Lovelace"`)
}

// Through the OAuth admin: uninstalling the default OAuth app sends its
// UNINSTALL, installing it again its INSTALL; a reset, which puts the
// fixtures' installs back, sends none.
func TestOAuthAdminInstallsSendTheirWebhooks(t *testing.T) {
	h := setup(t)
	const oauthApp = "6650e2c1a8b4f7d3e9c01a2e"
	r := h.admin("POST", "/_mock/webhooks/subscriptions", map[string]any{"url": h.ts.URL + "/_mock/sink/oauth", "app": oauthApp, "events": []string{"INSTALL", "UNINSTALL"}})
	require.Equal(t, http.StatusCreated, r.Status, "%s", r.Body)
	r = h.admin("GET", "/_mock/oauth/installs", nil)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	var list struct {
		Installs []struct {
			ID    string `json:"id"`
			AppID string `json:"appId"`
		} `json:"installs"`
	}
	require.NoError(t, json.Unmarshal(r.Body, &list), "%s", r.Body)
	id := ""
	for _, in := range list.Installs {
		if in.AppID == oauthApp {
			id = in.ID
		}
	}
	require.NotEmpty(t, id, "the fixtures install the OAuth app: %s", r.Body)
	r = h.admin("DELETE", "/_mock/oauth/installs/"+id, nil)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	h.flush()
	got := h.srv.Sink().Received("oauth")
	require.NotEmpty(t, got, "an UNINSTALL per location")
	for _, rec := range got {
		assert.Equal(t, "UNINSTALL", rec.Type)
		assert.True(t, rec.Verified)
	}
	n := len(got)
	r = h.admin("POST", "/_mock/oauth/installs", map[string]any{"appId": oauthApp, "locationIds": []string{h.loc}})
	require.Contains(t, []int{200, 201}, r.Status, "%s", r.Body)
	h.flush()
	got = h.srv.Sink().Received("oauth")
	require.Len(t, got, n+1)
	assert.Equal(t, "INSTALL", got[n].Type)
	assert.Contains(t, got[n].Body, `"locationId":"`+h.loc+`"`)

	h.srv.Sink().Clear("oauth")
	require.Equal(t, http.StatusOK, h.admin("POST", "/_mock/reset", nil).Status)
	r = h.admin("POST", "/_mock/webhooks/subscriptions", map[string]any{"url": h.ts.URL + "/_mock/sink/oauth", "app": oauthApp})
	require.Equal(t, http.StatusCreated, r.Status)
	require.Equal(t, http.StatusOK, h.admin("POST", "/_mock/reset", nil).Status)
	h.flush()
	assert.Empty(t, h.srv.Sink().Received("oauth"), "a reset restores installs, it installs nothing")
}

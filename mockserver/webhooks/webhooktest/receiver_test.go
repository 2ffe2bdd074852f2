package webhooktest_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/webhooks"
	"github.com/ghlmock/ghlmock/mockserver/webhooks/webhooktest"
)

const app = "6650e2c1a8b4f7d3e9c01a2d"

func keys(t *testing.T) (*webhooks.Keys, webhooks.PublicKeys) {
	t.Helper()
	k, err := webhooks.DeriveKeys("webhooktest", 0)
	require.NoError(t, err)
	pub, err := k.PublicKeys()
	require.NoError(t, err)
	return k, pub
}

// post sends body with sig as its x-ghl-signature (none when "") and
// returns the status.
func post(t *testing.T, url string, body string, sig string) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), "POST", url, strings.NewReader(body))
	require.NoError(t, err)
	if sig != "" {
		req.Header.Set("X-Ghl-Signature", sig)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

func short(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	t.Cleanup(cancel)
	return ctx
}

func TestReceiverAcceptsEveryKeyForm(t *testing.T) {
	k, pub := keys(t)
	body := `{"type":"NoteCreate","id":"n1","webhookId":"w1","name":"Tom & Jerry"}`
	for name, form := range map[string]string{"pem": pub.Ed25519.PEM, "raw base64": pub.Ed25519.RawBase64,
		"hex": pub.Ed25519.Hex, "spki base64": pub.Ed25519.SPKIBase64} {
		t.Run(name, func(t *testing.T) {
			r := webhooktest.NewReceiver(t, form)
			assert.Equal(t, 200, post(t, r.URL, body, k.Sign([]byte(body))))
			ev, err := r.WaitFor(short(t), "NoteCreate", "n1")
			require.NoError(t, err)
			assert.True(t, ev.IsSignatureValid)
			assert.False(t, ev.SkippedSignatureVerification)
			assert.Equal(t, "w1", ev.WebhookID)
			assert.Equal(t, body, string(ev.Body))
			assert.Equal(t, "Tom & Jerry", ev.Payload["name"])
		})
	}
}

func TestReceiverRefusesWhatDoesNotVerify(t *testing.T) {
	k, pub := keys(t)
	other, err := webhooks.GenerateKeys(0)
	require.NoError(t, err)
	r := webhooktest.NewReceiver(t, pub.Ed25519.RawBase64)
	body := `{"type":"ContactCreate","id":"c1"}`
	assert.Equal(t, 401, post(t, r.URL, body, other.Sign([]byte(body))), "wrong key")
	assert.Equal(t, 401, post(t, r.URL, body+" ", k.Sign([]byte(body))), "tampered")
	assert.Equal(t, 401, post(t, r.URL, body, ""), "no signature")
	assert.Equal(t, 401, post(t, r.URL, body, "not base64!"), "garbage signature")
	evs := r.Events()
	require.Len(t, evs, 4)
	assert.False(t, evs[0].IsSignatureValid)
	assert.True(t, evs[2].SkippedSignatureVerification)
	_, err = r.WaitFor(short(t), "ContactCreate", "c1")
	require.Error(t, err, "only verified events are waited for")
	assert.Contains(t, err.Error(), "ContactCreate INVALID signature")
	assert.Contains(t, err.Error(), "ContactCreate no signature")
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestReceiverAppIDGate(t *testing.T) {
	k, pub := keys(t)
	r := webhooktest.NewReceiver(t, pub.Ed25519.PEM, webhooktest.WithAppID(app+"-lq3k9x2m"))
	other := `{"type":"ContactCreate","id":"c1","appId":"someoneelse"}`
	none := `{"type":"ContactCreate","id":"c1"}`
	ours := `{"type":"ContactCreate","id":"c1","appId":"` + app + `"}`
	assert.Equal(t, 200, post(t, r.URL, other, "bad"), "passed on unverified, as the SDK's next()")
	assert.Equal(t, 200, post(t, r.URL, none, k.Sign([]byte(none))), "no appId is a mismatch too")
	evs := r.Events()
	assert.True(t, evs[0].AppIDMismatch)
	assert.True(t, evs[1].AppIDMismatch)
	assert.False(t, evs[1].IsSignatureValid, "not verified at all")
	_, err := r.WaitFor(short(t), "ContactCreate", "c1")
	assert.ErrorContains(t, err, "appId mismatch")
	assert.Equal(t, 200, post(t, r.URL, ours, k.Sign([]byte(ours))))
	ev, err := r.WaitFor(short(t), "ContactCreate", "c1")
	require.NoError(t, err)
	assert.False(t, ev.AppIDMismatch)
}

func TestReceiverReserialised(t *testing.T) {
	k, pub := keys(t)
	escaped := `{"type":"ContactCreate","id":"c1","name":"Smith \u0026 Sons"}` // what encoding/json writes
	canonical, err := webhooks.Canonicalize([]byte(escaped))
	require.NoError(t, err)

	raw := webhooktest.NewReceiver(t, pub.Ed25519.RawBase64)
	reser := webhooktest.NewReceiver(t, pub.Ed25519.RawBase64, webhooktest.Reserialised())
	assert.Equal(t, 200, post(t, raw.URL, escaped, k.Sign([]byte(escaped))), "raw bytes verify")
	assert.Equal(t, 401, post(t, reser.URL, escaped, k.Sign([]byte(escaped))), "JSON.stringify writes & raw, so it no longer verifies")
	assert.Equal(t, 200, post(t, reser.URL, string(canonical), k.Sign(canonical)), "a canonical body verifies both ways")
	assert.Equal(t, 401, post(t, reser.URL, "not json", k.Sign([]byte("not json"))))
}

func TestWaitForMatchesTheEventsID(t *testing.T) {
	k, pub := keys(t)
	r := webhooktest.NewReceiver(t, pub.Ed25519.Hex)
	e, err := webhooks.New(webhooks.Config{Keys: k})
	require.NoError(t, err)
	defer e.Close(context.Background())
	_, err = e.Subscribe(webhooks.Subscription{App: app, URL: r.URL})
	require.NoError(t, err)
	e.Enqueue(
		webhooks.AppointmentEvent(webhooks.AppointmentCreate, &crm.Appointment{ID: "appt1", LocationID: "loc1", ContactID: "c1"}, nil),
		webhooks.InstallEvent(webhooks.InstallInfo{AppID: app, LocationID: "loc1", CompanyID: "co1"}),
		webhooks.TaskEvent(webhooks.TaskComplete, &crm.Task{ID: "task1", LocationID: "loc1", ContactID: "c1"}),
	)
	for _, c := range []struct{ typ, id string }{
		{"AppointmentCreate", "appt1"}, {"INSTALL", "loc1"}, {"INSTALL", "co1"}, {"TaskComplete", "task1"}, {"TaskComplete", ""},
	} {
		ev, err := r.WaitFor(t.Context(), c.typ, c.id)
		require.NoError(t, err, c)
		assert.Equal(t, c.typ, ev.Type)
	}
	_, err = r.WaitFor(short(t), "TaskComplete", "c1")
	assert.Error(t, err, "a task's id is its own, not its contact's")
	_, err = r.WaitFor(short(t), "AppointmentCreate", "loc1")
	assert.Error(t, err, "a location is no appointment's id")
}

func TestStartRefusesABadKey(t *testing.T) {
	_, err := webhooktest.Start("not a key")
	assert.Error(t, err)
}

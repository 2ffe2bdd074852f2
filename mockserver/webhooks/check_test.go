package webhooks_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/webhooks"
)

// goodReceiver does what HighLevel's docs ask: verify the signature over the
// raw body with the mock's key, reject a timestamp older than 5 minutes,
// and process a webhookId once (answering 200 to a repeat).
func goodReceiver(t *testing.T, now func() time.Time) (*httptest.Server, func() int) {
	t.Helper()
	pub := testKeys(t).PublicEd25519()
	var mu sync.Mutex
	seen := map[string]bool{}
	processed := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !webhooks.Verify(pub, body, r.Header.Get("X-Ghl-Signature")) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		var env struct {
			Timestamp time.Time `json:"timestamp"`
			WebhookID string    `json:"webhookId"`
			AppID     string    `json:"appId"`
		}
		if json.Unmarshal(body, &env) != nil || now().Sub(env.Timestamp) > 5*time.Minute || env.AppID != "app1" {
			http.Error(w, "stale", http.StatusUnauthorized)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if !seen[env.WebhookID] {
			seen[env.WebhookID] = true
			processed++
		}
	}))
	t.Cleanup(srv.Close)
	return srv, func() int { mu.Lock(); defer mu.Unlock(); return processed }
}

func verdicts(results []webhooks.CheckResult) map[string]string {
	out := map[string]string{}
	for _, r := range results {
		out[r.Case] = r.Verdict
	}
	return out
}

func TestCheckAGoodReceiver(t *testing.T) {
	clock := newClock()
	srv, processed := goodReceiver(t, clock.Now)
	results, err := webhooks.Check(t.Context(), srv.URL, webhooks.CheckOptions{Keys: testKeys(t), AppID: "app1", Stamp: clock.Now})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{
		"valid": "ok", "duplicate-webhookid": "not judged", "tampered-body": "ok", "missing-signature": "ok",
		"wrong-key": "ok", "stale-timestamp": "ok", "legacy-rsa-only": "ok",
	}, verdicts(results))
	assert.False(t, webhooks.CheckFailed(results))
	assert.Equal(t, 1, processed(), "the duplicate was sent and processed once")
	for _, r := range results {
		assert.False(t, r.WronglyAccepted, r.Case)
		assert.NotEmpty(t, r.Description)
		assert.NotEmpty(t, r.Expect)
	}
	assert.Equal(t, "valid", results[0].Case, "the genuine event goes first")
	assert.Equal(t, 200, results[0].Status)
	assert.True(t, results[0].Accepted)

	var out bytes.Buffer
	require.NoError(t, webhooks.FormatCheck(&out, results))
	assert.Contains(t, out.String(), "CASE")
	assert.Contains(t, out.String(), "stale-timestamp")
	assert.Contains(t, out.String(), "duplicate-webhookid: must not take effect twice")
	assert.Contains(t, out.String(), "passed every judged case")
}

func TestCheckAReceiverThatAcceptsEverything(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	results, err := webhooks.Check(t.Context(), srv.URL, webhooks.CheckOptions{Keys: testKeys(t)})
	require.NoError(t, err)
	v := verdicts(results)
	assert.Equal(t, "ok", v["valid"])
	for _, c := range []string{"tampered-body", "missing-signature", "wrong-key", "stale-timestamp", "legacy-rsa-only"} {
		assert.Equal(t, webhooks.VerdictWronglyAccepted, v[c], c)
	}
	assert.True(t, webhooks.CheckFailed(results))
	var out bytes.Buffer
	require.NoError(t, webhooks.FormatCheck(&out, results))
	assert.Contains(t, out.String(), "WRONGLY ACCEPTED")
	assert.Contains(t, out.String(), "FAILED")
}

func TestCheckAReceiverWithTheWrongKey(t *testing.T) {
	other, err := webhooks.GenerateKeys(0)
	require.NoError(t, err)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !webhooks.Verify(other.PublicEd25519(), body, r.Header.Get("X-Ghl-Signature")) {
			w.WriteHeader(http.StatusInternalServerError) // refuses, but with a 5xx
		}
	}))
	defer srv.Close()
	results, err := webhooks.Check(t.Context(), srv.URL, webhooks.CheckOptions{Keys: testKeys(t)})
	require.NoError(t, err)
	v := verdicts(results)
	assert.Equal(t, webhooks.VerdictWronglyRejected, v["valid"])
	assert.Contains(t, results[0].Note, "WEBHOOK_SIGNATURE_PUBLIC_KEY")
	assert.Equal(t, "ok", v["tampered-body"])
	for _, r := range results {
		if r.Case == "tampered-body" {
			assert.Contains(t, r.Note, "answer 401 or 403", "a 5xx refusal is retried by HighLevel")
		}
	}
	assert.True(t, webhooks.CheckFailed(results))
}

func TestCheckWithoutRSAOrReceiver(t *testing.T) {
	edOnly := &webhooks.Keys{Ed25519: testKeys(t).Ed25519}
	results, err := webhooks.Check(t.Context(), "http://127.0.0.1:1/unreachable", webhooks.CheckOptions{Keys: edOnly})
	require.NoError(t, err)
	require.Len(t, results, 6, "no legacy case without an RSA key")
	for _, r := range results {
		assert.Equal(t, webhooks.VerdictError, r.Verdict, r.Case)
		assert.NotEmpty(t, r.Error)
	}
	assert.True(t, webhooks.CheckFailed(results))
	assert.True(t, webhooks.CheckFailed(nil), "no result is no pass")
	_, err = webhooks.Check(t.Context(), "http://x", webhooks.CheckOptions{})
	assert.Error(t, err, "the keys are needed")
}

func TestCheckSendsTheGivenEvent(t *testing.T) {
	sink, srv := sinkServer(t, webhooks.SinkConfig{})
	ev := contactCreated("custom")
	_, err := webhooks.Check(t.Context(), srv.URL+"/_mock/sink/check", webhooks.CheckOptions{Keys: testKeys(t), Event: &ev,
		AppID: "app1", Headers: map[string]string{"x-env": "staging"}})
	require.NoError(t, err)
	recs := sink.Received("check")
	require.Len(t, recs, 7)
	assert.Contains(t, recs[0].Body, `"firstName":"custom"`)
	assert.Contains(t, recs[0].Body, `"appId":"app1"`)
	assert.Equal(t, "staging", recs[0].Headers["X-Env"])
	assert.True(t, recs[0].Verified)
	assert.True(t, recs[1].Duplicate, "the duplicate case repeats the webhookId")
	assert.False(t, recs[2].Verified, "tampered")
	assert.Equal(t, "missing", recs[3].Signature)
	assert.Equal(t, "invalid", recs[4].Signature, "wrong key")
	assert.True(t, recs[5].Verified, "the stale one is validly signed")
	assert.Equal(t, "valid", recs[6].LegacySignature)
	assert.Equal(t, "missing", recs[6].Signature)
}

package webhooks_test

import (
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/webhooks"
)

// sinkServer serves a sink that checks signatures with the test keys.
func sinkServer(t *testing.T, cfg webhooks.SinkConfig) (*webhooks.Sink, *httptest.Server) {
	t.Helper()
	k := testKeys(t)
	if cfg.PublicKeys == nil {
		cfg.PublicKeys = func() []ed25519.PublicKey { return []ed25519.PublicKey{k.PublicEd25519()} }
	}
	if cfg.RSAKeys == nil {
		cfg.RSAKeys = func() []*rsa.PublicKey { return []*rsa.PublicKey{&k.RSA.PublicKey} }
	}
	s := webhooks.NewSink(cfg)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv
}

func call(t *testing.T, method, url, body string, header map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
	require.NoError(t, err)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

func TestSinkRecordsAndVerifies(t *testing.T) {
	sink, srv := sinkServer(t, webhooks.SinkConfig{})
	e := newEngine(t, newClock(), webhooks.Config{})
	subscribe(t, e, webhooks.Subscription{App: "bot", URL: srv.URL + "/_mock/sink/ci", Signature: webhooks.SignEd25519RSA})
	e.Enqueue(contactCreated("Smith & Sons <b>"))
	flush(t, e)
	d := only(t, e)
	_, err := e.Redeliver(d.ID, false)
	require.NoError(t, err)
	flush(t, e)

	recs := sink.Received("ci")
	require.Len(t, recs, 2)
	r := recs[0]
	assert.Equal(t, 1, r.Seq)
	assert.Equal(t, "ContactCreate", r.Type)
	assert.Equal(t, d.WebhookID, r.WebhookID)
	assert.Equal(t, d.Body, r.Body)
	assert.Equal(t, "valid", r.Signature)
	assert.Equal(t, "valid", r.LegacySignature)
	assert.True(t, r.Verified)
	assert.True(t, r.Canonical)
	assert.False(t, r.Duplicate)
	assert.Equal(t, 200, r.Answered)
	assert.Equal(t, d.Headers["X-Ghl-Signature"], r.Headers["X-Ghl-Signature"])
	assert.True(t, recs[1].Duplicate, "the redelivery has the same webhookId")

	status, body := call(t, "GET", srv.URL+"/_mock/sink/ci", "", nil)
	assert.Equal(t, 200, status)
	var listing struct {
		Name      string                `json:"name"`
		Received  []webhooks.SinkRecord `json:"received"`
		Behaviour map[string]any        `json:"behaviour"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &listing))
	assert.Equal(t, "ci", listing.Name)
	assert.Len(t, listing.Received, 2)
	assert.Equal(t, map[string]any{"status": 200.0}, listing.Behaviour)

	status, body = call(t, "DELETE", srv.URL+"/_mock/sink/ci", "", nil)
	assert.Equal(t, 200, status)
	assert.JSONEq(t, `{"cleared":2}`, body)
	assert.Empty(t, sink.Received("ci"))
	_, body = call(t, "GET", srv.URL+"/_mock/sink/ci", "", nil)
	assert.Contains(t, body, `"received":[]`)
}

func TestSinkSignatureStates(t *testing.T) {
	k := testKeys(t)
	body := `{"type":"ContactCreate","webhookId":"w1"}`
	other, err := webhooks.GenerateKeys(0)
	require.NoError(t, err)
	_, srv := sinkServer(t, webhooks.SinkConfig{})
	noKeys := webhooks.NewSink(webhooks.SinkConfig{})
	bare := httptest.NewServer(noKeys)
	defer bare.Close()
	rsaSig, err := k.SignRSA([]byte(body))
	require.NoError(t, err)

	cases := []struct {
		name          string
		url           string
		body          string
		header        map[string]string
		sig, legacy   string
		verified, can bool
	}{
		{"valid", srv.URL, body, map[string]string{"X-Ghl-Signature": k.Sign([]byte(body)), "X-Wh-Signature": rsaSig}, "valid", "valid", true, true},
		{"missing", srv.URL, body, nil, "missing", "missing", false, true},
		{"wrong key", srv.URL, body, map[string]string{"X-Ghl-Signature": other.Sign([]byte(body))}, "invalid", "missing", false, true},
		{"tampered", srv.URL, body + " ", map[string]string{"X-Ghl-Signature": k.Sign([]byte(body)), "X-Wh-Signature": rsaSig}, "invalid", "invalid", false, false},
		{"no keys to check with", bare.URL, body, map[string]string{"X-Ghl-Signature": k.Sign([]byte(body)), "X-Wh-Signature": rsaSig}, "unchecked", "unchecked", false, true},
		{"escaped html is not canonical", srv.URL, `{"name":"\u0026"}`, nil, "missing", "missing", false, false},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			name := "s" + string(rune('a'+i))
			status, _ := call(t, "POST", c.url+"/_mock/sink/"+name, c.body, c.header)
			require.Equal(t, 200, status)
			var recs []webhooks.SinkRecord
			if c.url == bare.URL {
				recs = noKeys.Received(name)
			} else {
				_, out := call(t, "GET", c.url+"/_mock/sink/"+name, "", nil)
				var l struct {
					Received []webhooks.SinkRecord `json:"received"`
				}
				require.NoError(t, json.Unmarshal([]byte(out), &l))
				recs = l.Received
			}
			require.Len(t, recs, 1)
			assert.Equal(t, c.sig, recs[0].Signature)
			assert.Equal(t, c.legacy, recs[0].LegacySignature)
			assert.Equal(t, c.verified, recs[0].Verified)
			assert.Equal(t, c.can, recs[0].Canonical)
		})
	}
}

// TestSinkDrivesRetries is the CI story of the issue: a sink told to answer
// 429 twice gets GHL's retries as the clock advances, with no receiver of
// the test's own.
func TestSinkDrivesRetries(t *testing.T) {
	sink, srv := sinkServer(t, webhooks.SinkConfig{})
	status, body := call(t, "POST", srv.URL+"/_mock/sink/ci/behaviour", `{"status":429,"times":2}`, nil)
	require.Equal(t, 200, status, body)
	assert.JSONEq(t, `{"status":429,"remaining":2}`, body)

	clock := newClock()
	e := newEngine(t, clock, webhooks.Config{})
	subscribe(t, e, webhooks.Subscription{URL: srv.URL + "/_mock/sink/ci", Retry: "ghl-429"})
	e.Enqueue(contactCreated("a"))
	flush(t, e)
	advance(t, e, clock, 10*time.Minute)
	advance(t, e, clock, 10*time.Minute)

	d := only(t, e)
	assert.Equal(t, webhooks.StatusSucceeded, d.Status)
	require.Len(t, d.Attempts, 3)
	assert.Equal(t, []int{429, 429, 200}, []int{d.Attempts[0].Status, d.Attempts[1].Status, d.Attempts[2].Status})
	var answered []int
	for _, r := range sink.Received("ci") {
		answered = append(answered, r.Answered)
	}
	assert.Equal(t, []int{429, 429, 200}, answered)
	_, body = call(t, "GET", srv.URL+"/_mock/sink/ci/behaviour", "", nil)
	assert.JSONEq(t, `{"status":200}`, body, "back to 200 once the times are used")
}

func TestSinkBehaviourUntilReset(t *testing.T) {
	_, srv := sinkServer(t, webhooks.SinkConfig{})
	url := srv.URL + "/_mock/sink/x"
	status, _ := call(t, "POST", url+"/behaviour", `{"status":500}`, nil)
	require.Equal(t, 200, status)
	for range 3 {
		status, _ = call(t, "POST", url, `{}`, nil)
		assert.Equal(t, 500, status, "no times: until reset")
	}
	status, body := call(t, "POST", url+"/behaviour", `{"reset":true}`, nil)
	require.Equal(t, 200, status)
	assert.JSONEq(t, `{"status":200}`, body)
	status, _ = call(t, "POST", url, `{}`, nil)
	assert.Equal(t, 200, status)
}

func TestSinkDelay(t *testing.T) {
	_, srv := sinkServer(t, webhooks.SinkConfig{})
	url := srv.URL + "/_mock/sink/slow"
	status, _ := call(t, "POST", url+"/behaviour", `{"delayMs":1500}`, nil)
	require.Equal(t, 200, status)
	e := newEngine(t, newClock(), webhooks.Config{})
	subscribe(t, e, webhooks.Subscription{URL: url, Timeout: 50 * time.Millisecond, Retry: "none"})
	e.Enqueue(contactCreated("a"))
	flush(t, e)
	d := only(t, e)
	assert.Contains(t, d.Attempts[0].Error, "timeout", "a slow sink makes the attempt time out")

	status, _ = call(t, "POST", url+"/behaviour", `{"delayMs":100,"times":1}`, nil)
	require.Equal(t, 200, status)
	start := time.Now()
	status, _ = call(t, "POST", url, `{}`, nil)
	assert.Equal(t, 200, status)
	assert.GreaterOrEqual(t, time.Since(start), 100*time.Millisecond)
}

func TestSinkRefusals(t *testing.T) {
	_, srv := sinkServer(t, webhooks.SinkConfig{MaxBody: 10, MaxDelay: time.Second})
	base := srv.URL + "/_mock/sink/"
	cases := []struct {
		method, path, body string
		status             int
	}{
		{"POST", "bad name!", `{}`, 400},
		{"POST", "", `{}`, 400},
		{"POST", strings.Repeat("n", 65), `{}`, 400},
		{"PUT", "a", `{}`, 405},
		{"PATCH", "a/behaviour", `{}`, 405},
		{"GET", "a/other", ``, 404},
		{"POST", "a", `{"much":"too long"}`, 413},
		{"POST", "a/behaviour", `{"status":99}`, 400},
		{"POST", "a/behaviour", `{"status":700}`, 400},
		{"POST", "a/behaviour", `{"status":429,"times":-1}`, 400},
		{"POST", "a/behaviour", `{"delayMs":2000}`, 400},
		{"POST", "a/behaviour", `{}`, 400},
		{"POST", "a/behaviour", `{"reset":true,"status":500}`, 400},
		{"POST", "a/behaviour", `{"status":"x"}`, 400},
		{"POST", "a/behaviour", `{"colour":"red"}`, 400},
		{"POST", "a/behaviour", `not json`, 400},
	}
	for _, c := range cases {
		status, body := call(t, c.method, base+c.path, c.body, nil)
		assert.Equal(t, c.status, status, "%s %s %s: %s", c.method, c.path, c.body, body)
		assert.Contains(t, body, `"message"`)
	}
	status, _ := call(t, "GET", srv.URL+"/elsewhere", "", nil)
	assert.Equal(t, 404, status)
}

func TestSinkIsBounded(t *testing.T) {
	sink, srv := sinkServer(t, webhooks.SinkConfig{MaxSinks: 2, MaxRecords: 3, Prefix: "/sink"})
	for i := range 5 {
		call(t, "POST", srv.URL+"/sink/a", `{"webhookId":"w`+string(rune('0'+i%2))+`"}`, nil)
	}
	recs := sink.Received("a")
	require.Len(t, recs, 3, "the oldest records go")
	assert.Equal(t, []int{3, 4, 5}, []int{recs[0].Seq, recs[1].Seq, recs[2].Seq})
	assert.True(t, recs[2].Duplicate, "w0 is still among the kept records")

	call(t, "POST", srv.URL+"/sink/b", `{}`, nil)
	call(t, "POST", srv.URL+"/sink/a", `{}`, nil) // a is now the most recently used
	call(t, "POST", srv.URL+"/sink/c", `{}`, nil)
	assert.Empty(t, sink.Received("b"), "the least recently used sink goes")
	assert.NotEmpty(t, sink.Received("a"))
	assert.NotEmpty(t, sink.Received("c"))
	assert.Zero(t, sink.Clear("never"))
}

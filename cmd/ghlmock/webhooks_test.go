package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/fixtures"
	"github.com/ghlmock/ghlmock/mockserver"
	"github.com/ghlmock/ghlmock/mockserver/webhooks"
	"github.com/ghlmock/ghlmock/openapi"
)

const defaultApp = "6650e2c1a8b4f7d3e9c01a2b"

// strictReceiver verifies as a careful receiver should: the signature over
// the raw bytes, the timestamp within 5 minutes, each webhookId once.
func strictReceiver(t *testing.T, pubKey string) *httptest.Server {
	t.Helper()
	pub, err := webhooks.ParsePublicKey(pubKey)
	require.NoError(t, err)
	var mu sync.Mutex
	seen := map[string]bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !webhooks.Verify(pub, body, r.Header.Get("X-Ghl-Signature")) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var env struct {
			Timestamp time.Time
			WebhookID string
		}
		if json.Unmarshal(body, &env) != nil || time.Since(env.Timestamp) > 5*time.Minute {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		mu.Lock()
		dup := seen[env.WebhookID]
		seen[env.WebhookID] = true
		mu.Unlock()
		if dup {
			w.WriteHeader(http.StatusConflict)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestWebhooksKeysFromEverySource(t *testing.T) {
	seedKeys, err := mockserver.SeedWebhookKeys(7)
	require.NoError(t, err)
	pub, err := seedKeys.PublicKeys()
	require.NoError(t, err)

	out, _, err := runCmd(t, "webhooks", "keys", "--seed", "7")
	require.NoError(t, err)
	assert.Equal(t, "WEBHOOK_SIGNATURE_PUBLIC_KEY="+pub.Ed25519.RawBase64+"\n", out, "one line for a .env file")
	out, _, err = runCmd(t, "webhooks", "keys", "--seed", "7", "--format", "pem")
	require.NoError(t, err)
	assert.Equal(t, pub.Ed25519.PEM, out)

	file := filepath.Join(t.TempDir(), "key.pem")
	require.NoError(t, seedKeys.SaveKeyFile(file))
	out, _, err = runCmd(t, "webhooks", "keys", "--webhook-key", file, "--format", "json")
	require.NoError(t, err)
	assert.Contains(t, out, pub.Ed25519.SPKIBase64)

	// A running mock, and the database it keeps its key in, agree.
	state := filepath.Join(t.TempDir(), "state.db")
	base, stop := startServe(t, nil, "--addr", "127.0.0.1:0", "--state", state)
	fromMock, _, err := runCmd(t, "webhooks", "keys", "--mock-url", base)
	require.NoError(t, err)
	assert.Regexp(t, `^WEBHOOK_SIGNATURE_PUBLIC_KEY=[A-Za-z0-9+/]{43}=\n$`, fromMock)
	fromState, _, err := runCmd(t, "webhooks", "keys", "--state", state)
	require.NoError(t, err, "the database may be read while the mock uses it")
	assert.Equal(t, fromMock, fromState)
	require.NoError(t, stop())
	base, _ = startServe(t, nil, "--addr", "127.0.0.1:0", "--state", state)
	again, _, err := runCmd(t, "webhooks", "keys", "--mock-url", base)
	require.NoError(t, err)
	assert.Equal(t, fromMock, again, "the same key after a restart")

	_, _, err = runCmd(t, "webhooks", "keys", "--mock-url", "http://127.0.0.1:1")
	assert.ErrorContains(t, err, "no ghlmock answers")
	_, _, err = runCmd(t, "webhooks", "keys", "--seed", "7", "--format", "xml")
	assert.Error(t, err)
	_, _, err = runCmd(t, "webhooks")
	assert.Equal(t, exitCode(2), err)
}

// ghlmock webhooks check: a careful receiver passes (exit 0); one that
// verifies the signature but not the timestamp or the webhookId is caught
// (exit 1) — run locally with a key source, and through a running mock.
func TestWebhooksCheck(t *testing.T) {
	keys, err := mockserver.SeedWebhookKeys(1)
	require.NoError(t, err)
	pub, err := keys.PublicKeys()
	require.NoError(t, err)
	good := strictReceiver(t, pub.Ed25519.RawBase64)
	out, _, err := runCmd(t, "webhooks", "check", "--seed", "1", good.URL)
	require.NoError(t, err, out)
	assert.Contains(t, out, "the receiver passed every judged case")

	lax := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		p, _ := webhooks.ParsePublicKey(pub.Ed25519.RawBase64)
		if sig := r.Header.Get("X-Ghl-Signature"); sig != "" && !webhooks.Verify(p, body, sig) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusOK) // no signature: accepted, the flarecanary failure mode
	}))
	t.Cleanup(lax.Close)
	out, _, err = runCmd(t, "webhooks", "check", "--seed", "1", "--url", lax.URL)
	assert.Equal(t, exitCode(1), err)
	for _, c := range []string{"missing-signature", "stale-timestamp"} {
		assert.Regexp(t, c+`\s+refused \(4xx\)\s+200\s+WRONGLY ACCEPTED`, out)
	}
	assert.Regexp(t, `tampered-body\s+refused \(4xx\)\s+401\s+ok`, out)

	base, _ := startServe(t, nil, "--addr", "127.0.0.1:0") // seed 1: the same key
	out, _, err = runCmd(t, "webhooks", "check", "--mock-url", base, "--json", lax.URL)
	assert.Equal(t, exitCode(1), err)
	var results []webhooks.CheckResult
	require.NoError(t, json.Unmarshal([]byte(out), &results), out)
	assert.NotEmpty(t, results)
	out, _, err = runCmd(t, "webhooks", "check", "--mock-url", base, good.URL)
	assert.NoError(t, err, out)
}

// serve --webhook-url: the flag subscribes the default app to every event,
// and kill -9 with a retry pending loses none: the restarted mock makes it.
func TestServeWebhookURLAndKillNineLosesNoRetry(t *testing.T) {
	keys, err := mockserver.SeedWebhookKeys(1)
	require.NoError(t, err)
	pubKey, _ := keys.PublicKeys()
	pub, _ := webhooks.ParsePublicKey(pubKey.Ed25519.RawBase64)
	spec, err := openapi.Load(t.Context())
	require.NoError(t, err)
	var mu sync.Mutex
	var got []map[string]any
	fails := 2
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var m map[string]any
		_ = json.Unmarshal(body, &m)
		m["verified"] = webhooks.Verify(pub, body, r.Header.Get("X-Ghl-Signature"))
		m["schemaError"] = nil
		if err := spec.ValidateWebhook(fmt.Sprint(m["type"]), body); err != nil {
			m["schemaError"] = err.Error()
		}
		mu.Lock()
		got = append(got, m)
		fail := fails > 0
		fails--
		mu.Unlock()
		if fail {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(rcv.Close)
	state := filepath.Join(t.TempDir(), "state.db")
	c := startChild(t, "--state", state, "--webhook-url", rcv.URL, "--webhook-key", saveKey(t, keys))
	status, body := c.do("POST", "/contacts/", `{"locationId":"`+loc+`","firstName":"Kill","email":"kill9@example.com"}`)
	require.Equal(t, http.StatusCreated, status, "%v", body)
	id := body["contact"].(map[string]any)["id"].(string)
	admin(t, c.base, "POST", "/_mock/webhooks/flush", "")
	ds := deliveriesOf(t, c.base, id)
	require.Len(t, ds, 1)
	require.Equal(t, webhooks.StatusPending, ds[0].Status, "a 500 is retried")
	admin(t, c.base, "POST", "/_mock/clock", `{"advance":"10m"}`) // the first retry: 500 again
	require.Len(t, deliveriesOf(t, c.base, id)[0].Attempts, 2)

	require.NoError(t, c.cmd.Process.Signal(syscall.SIGKILL))
	<-c.exitedOnce()
	c2 := startChild(t, "--state", state, "--webhook-url", rcv.URL, "--webhook-key", saveKey(t, keys))
	ds = deliveriesOf(t, c2.base, id)
	require.Len(t, ds, 1, "the pending delivery survived kill -9")
	assert.Equal(t, webhooks.StatusPending, ds[0].Status)
	assert.Len(t, ds[0].Attempts, 2, "with the retry the clock's advance made, committed before it answered")
	admin(t, c2.base, "POST", "/_mock/clock", `{"advance":"20m"}`) // the new process's clock starts again at the real time
	ds = deliveriesOf(t, c2.base, id)
	assert.Equal(t, webhooks.StatusSucceeded, ds[0].Status)
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, got, 3)
	assert.Equal(t, got[0]["webhookId"], got[2]["webhookId"], "the retry is the same delivery")
	assert.Equal(t, true, got[2]["verified"])
	assert.Equal(t, defaultApp, got[2]["appId"])
	for _, m := range got {
		assert.Nil(t, m["schemaError"], "every delivery matches its schema in the OpenAPI document")
	}
}

func saveKey(t *testing.T, k *webhooks.Keys) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "key.pem")
	require.NoError(t, k.SaveKeyFile(path))
	return path
}

func admin(t *testing.T, base, method, path, body string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, base+path, strings.NewReader(body))
	require.NoError(t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	require.Equal(t, http.StatusOK, res.StatusCode, "%s %s: %s", method, path, raw)
	return raw
}

func deliveriesOf(t *testing.T, base, contactID string) []webhooks.Delivery {
	t.Helper()
	var out struct{ Deliveries []webhooks.Delivery }
	require.NoError(t, json.NewDecoder(bytes.NewReader(admin(t, base, "GET", "/_mock/webhooks/deliveries?contactId="+contactID, ""))).Decode(&out))
	return out.Deliveries
}

// ghlmock fixtures --json summarises the fixtures' webhook subscriptions.
func TestFixturesJSONListsWebhookSubscriptions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hooks.yaml")
	yaml := strings.Replace(string(fixtures.Default()), "    name: Staging chatbot\n", "    name: Staging chatbot\n    webhook: {url: \"http://127.0.0.1:3000/hook\"}\n", 1)
	require.NoError(t, os.WriteFile(path, []byte(yaml), 0o600))
	out, _, err := runCmd(t, "fixtures", "--json", "--fixtures", path)
	require.NoError(t, err)
	var got struct {
		Webhooks struct {
			Retry         string `json:"retry"`
			Subscriptions []struct {
				ID        string   `json:"id"`
				App       string   `json:"app"`
				URL       string   `json:"url"`
				Events    []string `json:"events"`
				Locations []string `json:"locations"`
			} `json:"subscriptions"`
		} `json:"webhooks"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	assert.Equal(t, "ghl-non2xx", got.Webhooks.Retry)
	require.Len(t, got.Webhooks.Subscriptions, 1)
	s := got.Webhooks.Subscriptions[0]
	assert.Equal(t, "app-6650e2c1a8b4f7d3e9c01a2c", s.ID)
	assert.Equal(t, "http://127.0.0.1:3000/hook", s.URL)
	assert.Contains(t, s.Events, "ContactCreate")
	assert.Len(t, s.Locations, 1)
}

// --webhook-url is repeatable, and GHLMOCK_WEBHOOK_URL takes a list.
func TestServeWebhookURLFlagAndEnvironment(t *testing.T) {
	base, _ := startServe(t, map[string]string{"GHLMOCK_WEBHOOK_URL": "http://127.0.0.1:1/a, http://127.0.0.1:1/b"}, "--addr", "127.0.0.1:0")
	var subs struct {
		Subscriptions []struct {
			ID, URL, Source string
		}
	}
	require.NoError(t, json.Unmarshal(admin(t, base, "GET", "/_mock/webhooks/subscriptions", ""), &subs))
	require.Len(t, subs.Subscriptions, 2)
	assert.Equal(t, "http://127.0.0.1:1/b", subs.Subscriptions[1].URL)
	assert.Equal(t, "flag", subs.Subscriptions[0].Source)

	base, _ = startServe(t, nil, "--addr", "127.0.0.1:0", "--webhook-url", "http://127.0.0.1:1/x", "--webhook-url", "http://127.0.0.1:1/y", "--webhook-retry", "ghl-429")
	require.NoError(t, json.Unmarshal(admin(t, base, "GET", "/_mock/webhooks/subscriptions", ""), &subs))
	assert.Len(t, subs.Subscriptions, 2)
	_, _, err := runCmd(t, "serve", "--addr", "127.0.0.1:0", "--webhook-retry", "sometimes")
	assert.ErrorContains(t, err, "--webhook-retry")
	_, _, err = runCmd(t, "serve", "--addr", "127.0.0.1:0", "--webhook-url", "ftp://nope")
	assert.ErrorContains(t, err, "url must be an absolute http or https URL")
	for _, bad := range []string{"0", "-0.5", "NaN", "+Inf"} {
		_, _, err = runCmd(t, "serve", "--addr", "127.0.0.1:0", "--webhook-busy-share", bad)
		assert.ErrorContains(t, err, "--webhook-busy-share must be a number above 0", bad)
	}
	for _, bad := range []string{"0", "-3"} {
		_, _, err = runCmd(t, "serve", "--addr", "127.0.0.1:0", "--webhook-max-backlog", bad)
		assert.ErrorContains(t, err, "--webhook-max-backlog must be at least 1", bad)
	}
	f := webhookFlags{share: 1, backlog: 500}
	wc, err := f.config()
	require.NoError(t, err)
	assert.Equal(t, 1.0, wc.BusyShare, "the flag reaches the mock's webhook config")
	assert.Equal(t, 500, wc.MaxBacklog, "the flag reaches the mock's webhook config")
}

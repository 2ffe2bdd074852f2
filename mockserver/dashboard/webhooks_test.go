package dashboard_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver"
)

// TestWebhooksPage: an edit on a contact's page fires the webhook an edit in
// GHL would; the webhooks page shows its delivery and what the mock's sink
// received, redelivers it, and pauses the app durably.
func TestWebhooksPage(t *testing.T) {
	srv := newMock(t, mockserver.Config{})
	ts := serve(t, srv)
	post := func(path, body string, hdr map[string]string) *http.Response {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, ts.URL+path, strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		t.Cleanup(func() { _ = res.Body.Close() })
		return res
	}
	res := post("/_mock/webhooks/subscriptions", `{"url":"`+ts.URL+`/_mock/sink/bot","events":["ContactUpdate"]}`, nil)
	require.Equal(t, http.StatusCreated, res.StatusCode, text(t, res))
	app, _ := jsonOf(t, post("/_mock/webhooks/subscriptions", `{"url":"`+ts.URL+`/_mock/sink/other","events":["NoteCreate"]}`, nil))["app"].(string)

	page := func(path string) string {
		t.Helper()
		res, err := http.Get(ts.URL + path)
		require.NoError(t, err)
		defer res.Body.Close()
		require.Equal(t, http.StatusOK, res.StatusCode)
		return text(t, res)
	}
	csrf := csrfOf(t, page("/_mock/ui/webhooks"))
	ui := map[string]string{"X-CSRF-Token": csrf}
	res = post("/_mock/ui/api/contacts/"+acme+"/"+ada, `{"city":"London"}`, ui)
	require.Equal(t, http.StatusOK, res.StatusCode, text(t, res))
	require.Equal(t, http.StatusOK, post("/_mock/webhooks/flush", "", nil).StatusCode)

	wh := page("/_mock/ui/webhooks")
	assert.NotContains(t, wh, "Not available")
	assert.Contains(t, wh, "ContactUpdate", "the dashboard's edit fired ContactUpdate")
	assert.Contains(t, wh, "Sink <code>bot</code>")
	assert.Contains(t, wh, `<span class="pill">valid</span>`, "the sink verified the signature")
	i := strings.Index(wh, `data-redeliver="`)
	require.Positive(t, i)
	id := wh[i+len(`data-redeliver="`):]
	id = id[:strings.Index(id, `"`)]

	res = post("/_mock/ui/api/webhooks/deliveries/"+id+"/redeliver", "{}", ui)
	require.Equal(t, http.StatusCreated, res.StatusCode, text(t, res))
	require.Equal(t, http.StatusOK, post("/_mock/webhooks/flush", "", nil).StatusCode)
	assert.Equal(t, 2, strings.Count(page("/_mock/ui/webhooks"), `data-redeliver="`), "the delivery and its redelivery")
	assert.Equal(t, http.StatusNotFound, post("/_mock/ui/api/webhooks/deliveries/nope/redeliver", "{}", ui).StatusCode)

	// A failed delivery is retried on the mock's clock: the dashboard's clock
	// buttons settle the retries that come due, as POST /_mock/clock does.
	require.Equal(t, http.StatusOK, post("/_mock/sink/other/behaviour", `{"status":500,"times":1}`, nil).StatusCode)
	res = post("/_mock/ui/api/contacts/"+acme+"/"+ada+"/notes", `{"body":"called back"}`, ui)
	require.Equal(t, http.StatusCreated, res.StatusCode, text(t, res))
	require.Equal(t, http.StatusOK, post("/_mock/webhooks/flush", "", nil).StatusCode)
	noteDelivery := func() string {
		t.Helper()
		res, err := http.Get(ts.URL + "/_mock/webhooks/deliveries?event=NoteCreate")
		require.NoError(t, err)
		defer res.Body.Close()
		return text(t, res)
	}
	require.Contains(t, noteDelivery(), `"status":"pending"`, "the first attempt got the sink's 500")
	res = post("/_mock/ui/api/clock", `{"advance":"10m"}`, ui)
	require.Equal(t, http.StatusOK, res.StatusCode, text(t, res))
	assert.Contains(t, noteDelivery(), `"status":"succeeded"`, "the retry came due and was made before the answer")

	res = post("/_mock/ui/api/webhooks/apps/"+app+"/pause", "{}", ui)
	require.Equal(t, http.StatusOK, res.StatusCode, text(t, res))
	apps, err := http.Get(ts.URL + "/_mock/webhooks/apps")
	require.NoError(t, err)
	assert.Contains(t, text(t, apps), app, "paused as the admin API sees it")
	_ = apps.Body.Close()
	assert.Equal(t, http.StatusNotFound, post("/_mock/ui/api/webhooks/apps/no-such-app/pause", "{}", ui).StatusCode)
}

package mockserver

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The webhook engine's Busy is the API's: true while a request is served
// and for busyWindow after one started, false once the API has been quiet
// that long (so a staging bot's occasional requests leave deliveries at
// full speed).
func TestTheAPIIsBusyWhileAndJustAfterARequest(t *testing.T) {
	s, err := New(Config{Webhooks: WebhookConfig{URLs: []string{"http://127.0.0.1:1/unused"}}})
	require.NoError(t, err)
	t.Cleanup(s.Close)
	assert.False(t, s.apiBusy(), "no request yet")

	var during bool
	s.serving.Add(1) // a request in its handler, started long ago
	during = s.apiBusy()
	s.serving.Add(-1)
	assert.True(t, during, "a request being served")

	req := httptest.NewRequest(http.MethodGet, "/contacts/2NexTNy4UiJ1cLOoua11", nil)
	req.Header.Set("Authorization", "Bearer pit-1a2b3c4d-0001-4000-8000-000000000001")
	req.Header.Set("Version", "2021-07-28")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Zero(t, s.serving.Load(), "the request was counted out")
	start := time.Unix(0, s.lastRequest.Load())
	if time.Since(start) < busyWindow/2 { // a slow machine may have taken longer than that already
		assert.True(t, s.apiBusy(), "just after a request")
	}
	assert.Eventually(t, func() bool { return !s.apiBusy() }, time.Second, time.Millisecond, "quiet again after busyWindow")

	// With no subscription nothing is delivered, and requests are not counted.
	quiet, err := New(Config{})
	require.NoError(t, err)
	t.Cleanup(quiet.Close)
	rec = httptest.NewRecorder()
	quiet.ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Zero(t, quiet.lastRequest.Load(), "a mock without subscriptions pays nothing for the engine's yielding")
}

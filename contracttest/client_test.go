package contracttest_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/contracttest"
)

// scripted is a server that answers from a script, one entry per request
// (the last entry repeats), with GHL's rate-limit headers.
type scripted struct {
	mu    sync.Mutex
	steps []scriptStep
	n     int
}

type scriptStep struct {
	status         int
	remaining      int
	dailyRemaining int
	retryAfter     string
}

func (s *scripted) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	st := s.steps[min(s.n, len(s.steps)-1)]
	s.n++
	s.mu.Unlock()
	h := w.Header()
	h.Set("X-RateLimit-Max", "100")
	h.Set("X-RateLimit-Interval-Milliseconds", "10000")
	h.Set("X-RateLimit-Remaining", strconv.Itoa(st.remaining))
	h.Set("X-RateLimit-Limit-Daily", "200000")
	h.Set("X-RateLimit-Daily-Remaining", strconv.Itoa(st.dailyRemaining))
	if st.retryAfter != "" {
		h.Set("Retry-After", st.retryAfter)
	}
	h.Set("Content-Type", "application/json")
	w.WriteHeader(st.status)
	if st.status == http.StatusTooManyRequests {
		_, _ = w.Write([]byte(`{"statusCode":429,"message":"Too Many Requests"}`))
		return
	}
	_, _ = w.Write([]byte(`{"contacts":[],"meta":{"total":0}}`))
}

func (s *scripted) requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

func scriptedTarget(t *testing.T, steps ...scriptStep) (*contracttest.Target, *contracttest.FakeClock, *scripted) {
	t.Helper()
	srv := &scripted{steps: steps}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	clock := contracttest.NewFakeClock(start, 0)
	return &contracttest.Target{Name: "scripted", BaseURL: ts.URL, Client: ts.Client(), Clock: clock,
		Vars: map[string]string{"token": "t", "locationId": "loc"}}, clock, srv
}

func ok(remaining int) scriptStep {
	return scriptStep{status: 200, remaining: remaining, dailyRemaining: 1000}
}

func burst429() scriptStep {
	return scriptStep{status: 429, remaining: 0, dailyRemaining: 1000}
}

var both = contracttest.SendOptions{Throttle: true, Retry429: true}

func do(t *testing.T, c *contracttest.Client, opt contracttest.SendOptions) *contracttest.Exchange {
	t.Helper()
	ex, err := c.Do(t.Context(), http.MethodGet, "/contacts/?locationId=loc", http.Header{}, nil, opt)
	require.NoError(t, err)
	return ex
}

func TestClientThrottlesWhenTheWindowIsNearlySpent(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		script  []scriptStep
		advance time.Duration // fake time between requests
		calls   int
		slept   []time.Duration
	}{
		{"plenty left: no wait", []scriptStep{ok(50), ok(49), ok(48)}, 0, 3, nil},
		{"reserve reached: wait for the window to close", []scriptStep{ok(5), ok(4), ok(3), ok(99)}, time.Second, 4, []time.Duration{7 * time.Second}},
		{"a closed window needs no wait", []scriptStep{ok(5), ok(3), ok(99)}, 11 * time.Second, 3, nil},
		// An answer that was not charged (remaining == max, as a 401's) opens
		// no window: the window starts with the first charged answer.
		{"an idle answer opens no window", []scriptStep{ok(100), ok(99), ok(3), ok(99)}, 2 * time.Second, 4, []time.Duration{6 * time.Second}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tg, clock, _ := scriptedTarget(t, tc.script...)
			c := contracttest.NewClient(tg, contracttest.Policy{})
			for range tc.calls {
				do(t, c, both)
				clock.Advance(tc.advance)
			}
			assert.Equal(t, tc.slept, clock.Slept())
			assert.Equal(t, len(tc.slept), c.Stats().Throttled)
		})
	}
}

func TestClientRetriesABurst429WithBackoff(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		policy   contracttest.Policy
		script   []scriptStep
		status   int
		attempts int
		slept    []time.Duration
	}{
		{"after the reported interval, doubling", contracttest.Policy{},
			[]scriptStep{burst429(), burst429(), burst429(), ok(99)}, 200, 4,
			[]time.Duration{10 * time.Second, 20 * time.Second, 40 * time.Second}},
		{"capped, and given up after MaxRetries", contracttest.Policy{MaxBackoff: 15 * time.Second, MaxRetries: 3},
			[]scriptStep{burst429()}, 429, 4,
			[]time.Duration{10 * time.Second, 15 * time.Second, 15 * time.Second}},
		{"a longer Retry-After wins", contracttest.Policy{},
			[]scriptStep{{status: 429, dailyRemaining: 5, retryAfter: "30"}, ok(99)}, 200, 2,
			[]time.Duration{30 * time.Second}},
		{"a daily 429 is never retried", contracttest.Policy{},
			[]scriptStep{{status: 429, dailyRemaining: 0}, ok(99)}, 429, 1, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tg, clock, srv := scriptedTarget(t, tc.script...)
			c := contracttest.NewClient(tg, tc.policy)
			ex := do(t, c, contracttest.SendOptions{Retry429: true})
			assert.Equal(t, tc.status, ex.Status)
			assert.Equal(t, tc.attempts, ex.Attempts)
			assert.Equal(t, tc.attempts, srv.requests())
			assert.Len(t, ex.Seen, tc.attempts-1)
			assert.Equal(t, tc.slept, clock.Slept())
			assert.Equal(t, tc.status == 429 && tc.attempts == 1, ex.Daily429)
			assert.Equal(t, ex.Daily429, c.Stats().DailyExceeded)
		})
	}
}

func TestClientWithoutRetryReturnsThe429(t *testing.T) {
	t.Parallel()
	tg, clock, srv := scriptedTarget(t, burst429(), ok(99))
	c := contracttest.NewClient(tg, contracttest.Policy{})
	ex := do(t, c, contracttest.SendOptions{})
	assert.Equal(t, 429, ex.Status)
	assert.Equal(t, 1, srv.requests())
	assert.Empty(t, clock.Slept())
}

func TestClientStopsWaitingWhenCancelled(t *testing.T) {
	t.Parallel()
	tg, _, srv := scriptedTarget(t, burst429())
	tg.Clock = contracttest.RealClock{}
	c := contracttest.NewClient(tg, contracttest.Policy{})
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	began := time.Now()
	_, err := c.Do(ctx, http.MethodGet, "/contacts/", http.Header{}, nil, both)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(began), 5*time.Second, "a cancelled run does not sit out a 10 s backoff")
	assert.Equal(t, 1, srv.requests())
}

// TestADaily429StopsTheRun: a step meets the daily quota; it fails saying so,
// and the scenarios after it are skipped, not sent into the same wall.
func TestADaily429StopsTheRun(t *testing.T) {
	t.Parallel()
	tg, _, _ := scriptedTarget(t, scriptStep{status: 429, dailyRemaining: 0})
	file := `scenarios:
  - name: first
    tags: [readonly]
    steps:
      - name: list
        request: {method: GET, path: /contacts/, query: {locationId: "{{locationId}}"}}
        expect: {status: 200}
  - name: second
    tags: [readonly]
    steps:
      - name: list
        request: {method: GET, path: /contacts/, query: {locationId: "{{locationId}}"}}
        expect: {status: 200}
`
	s, err := contracttest.Load(fstest.MapFS{"daily.yaml": {Data: []byte(file)}})
	require.NoError(t, err)
	rep := run(t, s, tg, contracttest.Options{})
	assert.False(t, rep.OK())
	assert.Equal(t, 1, rep.Failed)
	assert.Equal(t, 1, rep.Skipped)
	assert.Contains(t, rep.Error, "daily")
	assert.Contains(t, failuresText(rep), "X-RateLimit-Daily-Remaining: 0; not retried")
	second, _ := rep.Scenario("second")
	assert.Contains(t, second.SkipReason, "daily rate limit")
}

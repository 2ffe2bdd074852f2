package webhooks_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/webhooks"
)

func TestParseRetry(t *testing.T) {
	cases := []struct {
		spec    string
		name    string
		retries int
		only429 bool
		jitter  time.Duration
		str     string
	}{
		{"", "ghl-non2xx", 6, false, time.Minute, "ghl-non2xx"},
		{"ghl-non2xx", "ghl-non2xx", 6, false, time.Minute, "ghl-non2xx"},
		{"ghl-429", "ghl-429", 6, true, time.Minute, "ghl-429"},
		{"none", "none", 0, false, 0, "none"},
		{"30s,5m,10m", "", 3, false, 0, "30s,5m0s,10m0s"},
		{"429: 1s, 2s", "", 2, true, 0, "429:1s,2s"},
		{"0s", "", 1, false, 0, "0s"},
	}
	for _, c := range cases {
		p, err := webhooks.ParseRetry(c.spec)
		require.NoError(t, err, c.spec)
		assert.Equal(t, c.name, p.Name, c.spec)
		assert.Len(t, p.Delays, c.retries, c.spec)
		assert.Equal(t, c.only429, p.Only429, c.spec)
		assert.Equal(t, c.jitter, p.Jitter, c.spec)
		assert.Equal(t, c.str, p.String(), c.spec)
		back, err := webhooks.ParseRetry(p.String())
		require.NoError(t, err)
		assert.Equal(t, p, back, "String reads back")
	}
	for _, bad := range []string{"sometimes", "ghl", "1s,x", "-1s", "429:", ","} {
		_, err := webhooks.ParseRetry(bad)
		assert.Error(t, err, bad)
	}
}

func TestRetryable(t *testing.T) {
	non2xx, _ := webhooks.ParseRetry("ghl-non2xx")
	only429, _ := webhooks.ParseRetry("ghl-429")
	for _, c := range []struct {
		status      int
		non2xx, ghl bool
	}{
		{200, false, false}, {204, false, false}, {302, true, false}, {400, true, false},
		{429, true, true}, {500, true, false}, {503, true, false}, {0, true, false},
	} {
		assert.Equal(t, c.non2xx, non2xx.Retryable(c.status), "ghl-non2xx %d", c.status)
		assert.Equal(t, c.ghl, only429.Retryable(c.status), "ghl-429 %d", c.status)
	}
}

func TestRetryJitterIsSeededAndNeverLate(t *testing.T) {
	p, _ := webhooks.ParseRetry("ghl-non2xx")
	varied := false
	for n := 1; n <= 6; n++ {
		d, ok := p.Delay(n, 1, "whd_1")
		require.True(t, ok)
		assert.LessOrEqual(t, d, 10*time.Minute, "advancing 10 minutes always fires the retry")
		assert.Greater(t, d, 9*time.Minute)
		again, _ := p.Delay(n, 1, "whd_1")
		assert.Equal(t, d, again, "reproducible")
		if other, _ := p.Delay(n, 2, "whd_1"); other != d {
			varied = true
		}
	}
	assert.True(t, varied, "another seed gives other jitter")
	_, ok := p.Delay(7, 1, "whd_1")
	assert.False(t, ok, "six retries")
	_, ok = p.Delay(0, 1, "whd_1")
	assert.False(t, ok)
	custom, _ := webhooks.ParseRetry("30s")
	d, _ := custom.Delay(1, 1, "x")
	assert.Equal(t, 30*time.Second, d, "a custom list has no jitter")
}

// TestRetryProfiles drives each profile against a receiver with a script of
// answers, advancing the mock's clock by each step, and checks the
// attempts made and the delivery's status.
func TestRetryProfiles(t *testing.T) {
	cases := []struct {
		name     string
		retry    string
		answers  []int
		steps    []time.Duration // clock advances after the first attempt
		attempts int
		status   webhooks.Status
	}{
		{"ghl-429: 429 then 200", "ghl-429", []int{429}, []time.Duration{10 * time.Minute}, 2, webhooks.StatusSucceeded},
		{"ghl-429: 500 is final", "ghl-429", []int{500}, []time.Duration{10 * time.Minute}, 1, webhooks.StatusFailed},
		{"ghl-429: 400 is final", "ghl-429", []int{400}, nil, 1, webhooks.StatusFailed},
		{"ghl-429: six retries then exhausted", "ghl-429", []int{429, 429, 429, 429, 429, 429, 429},
			rep(6, 10*time.Minute), 7, webhooks.StatusExhausted},
		{"ghl-non2xx: 500 retried", "ghl-non2xx", []int{500}, []time.Duration{10 * time.Minute}, 2, webhooks.StatusSucceeded},
		{"ghl-non2xx: 404 and 429 retried", "", []int{404, 429}, rep(2, 10*time.Minute), 3, webhooks.StatusSucceeded},
		{"ghl-non2xx: exhausted after 6", "ghl-non2xx", []int{500, 500, 500, 500, 500, 500, 500, 200},
			rep(8, 10*time.Minute), 7, webhooks.StatusExhausted},
		{"ghl-non2xx: not before its time", "ghl-non2xx", []int{500}, []time.Duration{8 * time.Minute}, 1, webhooks.StatusPending},
		{"none: 429 is final", "none", []int{429}, []time.Duration{10 * time.Minute}, 1, webhooks.StatusFailed},
		{"list: 30s then 5m", "30s,5m", []int{503, 503, 503}, []time.Duration{30 * time.Second, 5 * time.Minute, time.Hour}, 3,
			webhooks.StatusExhausted},
		{"list: exact times", "30s,5m", []int{503, 503}, []time.Duration{29 * time.Second, time.Second, 4 * time.Minute}, 2,
			webhooks.StatusPending},
		{"list 429 only", "429:1m", []int{500}, []time.Duration{time.Minute}, 1, webhooks.StatusFailed},
		{"list with zero delay", "0s,0s", []int{500, 500, 200}, nil, 3, webhooks.StatusSucceeded},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clock := newClock()
			e := newEngine(t, clock, webhooks.Config{})
			rcv := newReceiver(t, c.answers...)
			subscribe(t, e, webhooks.Subscription{URL: rcv.URL, Retry: c.retry})
			e.Enqueue(contactCreated("a"))
			flush(t, e)
			for _, step := range c.steps {
				advance(t, e, clock, step)
			}
			d := only(t, e)
			assert.Len(t, d.Attempts, c.attempts)
			assert.Len(t, rcv.got(), c.attempts)
			assert.Equal(t, c.status, d.Status)
			for i, a := range d.Attempts {
				assert.Equal(t, i+1, a.N)
			}
			if d.Status == webhooks.StatusPending {
				assert.False(t, d.NextAttemptAt.IsZero(), "a pending delivery knows when it is next sent")
			} else {
				assert.True(t, d.NextAttemptAt.IsZero())
			}
		})
	}
}

func rep(n int, d time.Duration) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = d
	}
	return out
}

func TestRetryScheduleOnTheMocksClock(t *testing.T) {
	clock := newClock()
	e := newEngine(t, clock, webhooks.Config{Seed: 42})
	rcv := newReceiver(t, 429, 429)
	subscribe(t, e, webhooks.Subscription{URL: rcv.URL, Retry: "ghl-429"})
	start := clock.Now()
	e.Enqueue(contactCreated("a"))
	flush(t, e)
	d := only(t, e)
	p, _ := webhooks.ParseRetry("ghl-429")
	wait, _ := p.Delay(1, 42, d.ID)
	assert.Equal(t, start.Add(wait), d.NextAttemptAt, "10 minutes minus the seeded jitter after the attempt")
	advance(t, e, clock, 10*time.Minute)
	d = only(t, e)
	require.Len(t, d.Attempts, 2)
	assert.Equal(t, clock.Now(), d.Attempts[1].At)
	wait2, _ := p.Delay(2, 42, d.ID)
	assert.Equal(t, clock.Now().Add(wait2), d.NextAttemptAt)
}

func TestConnectionErrorsAndTimeoutsPerProfile(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close() // connection refused from now on
	for _, c := range []struct {
		retry  string
		status webhooks.Status
	}{
		{"ghl-non2xx", webhooks.StatusPending},
		{"ghl-429", webhooks.StatusFailed},
	} {
		t.Run(c.retry+" connection refused", func(t *testing.T) {
			e := newEngine(t, newClock(), webhooks.Config{})
			subscribe(t, e, webhooks.Subscription{URL: closed.URL, Retry: c.retry})
			e.Enqueue(contactCreated("a"))
			flush(t, e)
			d := only(t, e)
			assert.Equal(t, c.status, d.Status)
			assert.NotEmpty(t, d.Attempts[0].Error)
			assert.Zero(t, d.Attempts[0].Status)
		})
		t.Run(c.retry+" timeout", func(t *testing.T) {
			e := newEngine(t, newClock(), webhooks.Config{})
			rcv := newReceiver(t)
			rcv.sleep = 5 * time.Second
			subscribe(t, e, webhooks.Subscription{URL: rcv.URL, Retry: c.retry, Timeout: 20 * time.Millisecond})
			e.Enqueue(contactCreated("a"))
			flush(t, e)
			d := only(t, e)
			assert.Equal(t, c.status, d.Status)
			assert.Contains(t, d.Attempts[0].Error, "timeout")
		})
	}
}

func TestRestamp(t *testing.T) {
	for _, restamp := range []bool{false, true} {
		t.Run(map[bool]string{false: "same bytes", true: "restamped"}[restamp], func(t *testing.T) {
			clock := newClock()
			stamps := []time.Time{clock.Now(), clock.Now().Add(10 * time.Minute)}
			next := 0
			e := newEngine(t, clock, webhooks.Config{Stamp: func() time.Time { s := stamps[min(next, 1)]; next++; return s }})
			rcv := newReceiver(t, 500)
			subscribe(t, e, webhooks.Subscription{URL: rcv.URL, Restamp: restamp})
			e.Enqueue(contactCreated("a"))
			flush(t, e)
			advance(t, e, clock, 10*time.Minute)
			hits := rcv.got()
			require.Len(t, hits, 2)
			first, second := hits[0].json(t), hits[1].json(t)
			assert.Equal(t, first["webhookId"], second["webhookId"], "a retry is the same webhook")
			sig := hits[1].Header.Get("X-Ghl-Signature")
			assert.True(t, webhooks.Verify(testKeys(t).PublicEd25519(), hits[1].Body, sig))
			d := only(t, e)
			if !restamp {
				assert.Equal(t, hits[0].Body, hits[1].Body)
				assert.Equal(t, hits[0].Header.Get("X-Ghl-Signature"), sig)
				assert.Empty(t, d.Attempts[1].Body)
				return
			}
			assert.Equal(t, "2026-12-02T10:00:00.000Z", first["timestamp"])
			assert.Equal(t, "2026-12-02T10:10:00.000Z", second["timestamp"])
			assert.NotEqual(t, hits[0].Header.Get("X-Ghl-Signature"), sig)
			assert.Equal(t, string(hits[1].Body), d.Attempts[1].Body, "the log shows what the retry sent")
			assert.Equal(t, sig, d.Attempts[1].Headers["X-Ghl-Signature"])
			assert.Equal(t, string(hits[0].Body), d.Body, "the delivery keeps its original body")
		})
	}
}

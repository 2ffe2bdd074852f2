package mockserver_test

import (
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver"
	"github.com/ghlmock/ghlmock/mockserver/ratelimit"
)

// ghlLimits puts GHL's default limits back (the harness raises them).
func ghlLimits(c *mockserver.Config) { c.RateLimits = ratelimit.Limits{} }

func headerInt(t *testing.T, r *response, name string) int {
	t.Helper()
	v := r.Header.Get(name)
	require.NotEmpty(t, v, "header %s", name)
	n, err := strconv.Atoi(v)
	require.NoError(t, err, "header %s=%q", name, v)
	return n
}

// TestBurstOf125GivesExactly100And25 is the acceptance check: 125
// requests at once against the default limits give exactly 100 answers and
// 25 GHL-shaped 429s with the right headers; a client that waits
// X-RateLimit-Interval-Milliseconds then succeeds; another location keeps its
// own budget.
func TestBurstOf125GivesExactly100And25(t *testing.T) {
	h := setup(t, ghlLimits)
	var mu sync.Mutex
	var oks, limited []*response
	var wg sync.WaitGroup
	for range 125 {
		wg.Go(func() {
			r := h.do(call{path: "/contacts/" + ada})
			mu.Lock()
			defer mu.Unlock()
			switch r.Status {
			case 200:
				oks = append(oks, r)
			case 429:
				limited = append(limited, r)
			default:
				t.Errorf("unexpected %d %s", r.Status, r.Body)
			}
		})
	}
	wg.Wait()
	require.Len(t, oks, 100)
	require.Len(t, limited, 25)
	for _, r := range limited {
		assert.Equal(t, "Too Many Requests", errorMessage(t, r))
		assert.Equal(t, 0, headerInt(t, r, "X-RateLimit-Remaining"))
		assert.Equal(t, 100, headerInt(t, r, "X-RateLimit-Max"))
		assert.Equal(t, 10000, headerInt(t, r, "X-RateLimit-Interval-Milliseconds"))
		assert.Equal(t, 200000, headerInt(t, r, "X-RateLimit-Limit-Daily"))
		assert.Equal(t, 200000-100, headerInt(t, r, "X-RateLimit-Daily-Remaining"), "a burst 429, not a daily one")
		assert.Empty(t, r.Header.Get("Retry-After"), "GHL does not document Retry-After; off by default")
	}
	remaining := map[int]bool{}
	for _, r := range oks {
		remaining[headerInt(t, r, "X-RateLimit-Remaining")] = true
	}
	assert.Len(t, remaining, 100, "each success saw its own remaining count, 99 down to 0")

	other := h.do(call{path: "/contacts/" + grace, token: str(h.otherRW)})
	assert.Equal(t, 200, other.Status, "another location keeps its own budget")

	wait := time.Duration(headerInt(t, limited[0], "X-RateLimit-Interval-Milliseconds")) * time.Millisecond
	h.clock.Advance(wait)
	r := h.do(call{path: "/contacts/" + ada})
	assert.Equal(t, 200, r.Status, "after waiting the interval the client succeeds")
	assert.Equal(t, 99, headerInt(t, r, "X-RateLimit-Remaining"))
}

// rateHeaders are the X-RateLimit-* values of one answer.
type rateHeaders struct {
	Daily, DailyRemaining, Interval, Max, Remaining int
	DailyReset                                      int64 // epoch ms
}

func rateHeadersOf(t *testing.T, r *response) rateHeaders {
	t.Helper()
	reset, err := strconv.ParseInt(r.Header.Get("X-RateLimit-Daily-Reset"), 10, 64)
	require.NoError(t, err, "X-RateLimit-Daily-Reset on %d", r.Status)
	return rateHeaders{
		Daily: headerInt(t, r, "X-RateLimit-Limit-Daily"), DailyRemaining: headerInt(t, r, "X-RateLimit-Daily-Remaining"),
		Interval: headerInt(t, r, "X-RateLimit-Interval-Milliseconds"), Max: headerInt(t, r, "X-RateLimit-Max"),
		Remaining: headerInt(t, r, "X-RateLimit-Remaining"), DailyReset: reset,
	}
}

// TestRateLimitHeadersOnEveryAnswer checks the values, not only the
// presence, of the headers on refused answers: one no app and location can
// be charged for (no, unknown or expired token) shows the default app's
// limits untouched, whatever other clients have used; a refusal after the
// token is known (Version, scope, location, not found, validation) is
// charged like a success and shows the count going down.
func TestRateLimitHeadersOnEveryAnswer(t *testing.T) {
	h := setup(t, ghlLimits)
	dayEnd := h.clock.Now().Add(24 * time.Hour).UnixMilli()
	for range 3 {
		require.Equal(t, 200, h.do(call{path: "/contacts/" + ada}).Status)
	}
	untouched := rateHeaders{Daily: 200000, DailyRemaining: 200000, Interval: 10000, Max: 100, Remaining: 100, DailyReset: dayEnd}
	for _, c := range []struct {
		name string
		call call
	}{
		{"no token", call{path: "/contacts/" + ada, token: str("")}},
		{"not a bearer token", call{path: "/contacts/" + ada, headers: map[string]string{"Authorization": "Basic eDp5"}}},
		{"unknown token", call{path: "/contacts/" + ada, token: str("pit-00000000-0000-4000-8000-000000000000")}},
		{"expired token", call{path: "/contacts/" + ada, token: str("pit-1a2b3c4d-0001-4000-8000-000000000004")}},
	} {
		r := h.do(c.call)
		require.Equal(t, 401, r.Status, c.name)
		assert.Equal(t, untouched, rateHeadersOf(t, r), "%s: the default app's limits, untouched", c.name)
	}

	used := 3 // the successes above; the 401s before the token was known cost nothing
	for _, c := range []struct {
		name   string
		call   call
		status int
	}{
		{"no Version", call{path: "/contacts/" + ada, version: str("")}, 401},
		{"read-only token on a write", call{method: "DELETE", path: "/contacts/" + ada, token: &h.ro}, 401},
		{"unknown contact", call{path: "/contacts/" + unknownID}, 400},
		{"invalid body", call{method: "POST", path: "/contacts/", body: map[string]any{"locationId": locationID, "email": "bad"}}, 422},
		{"another location in the query", call{path: "/contacts/?locationId=" + h.other}, 403},
	} {
		r := h.do(c.call)
		require.Equal(t, c.status, r.Status, "%s: %s", c.name, r.Body)
		used++
		assert.Equal(t, rateHeaders{Daily: 200000, DailyRemaining: 200000 - used, Interval: 10000, Max: 100, Remaining: 100 - used, DailyReset: dayEnd},
			rateHeadersOf(t, r), "%s: charged to the token's app and location", c.name)
	}
}

// TestRateLimitHeadersOn429: a burst 429 says Remaining 0 with the day's
// count as it was (refused requests are not counted); a daily 429 says
// Daily-Remaining 0 with the burst window's own count.
func TestRateLimitHeadersOn429(t *testing.T) {
	h := setup(t, func(c *mockserver.Config) {
		c.RateLimits = ratelimit.Limits{Burst: 3, Window: 10 * time.Second, Daily: 5}
	})
	start := h.clock.Now()
	for range 3 {
		require.Equal(t, 200, h.do(call{path: "/contacts/" + ada}).Status)
	}
	r := h.do(call{path: "/contacts/" + ada})
	require.Equal(t, 429, r.Status)
	assert.Equal(t, rateHeaders{Daily: 5, DailyRemaining: 2, Interval: 10000, Max: 3, Remaining: 0, DailyReset: start.Add(24 * time.Hour).UnixMilli()},
		rateHeadersOf(t, r), "a burst 429")

	h.clock.Advance(10 * time.Second)
	for range 2 {
		require.Equal(t, 200, h.do(call{path: "/contacts/" + ada}).Status)
	}
	r = h.do(call{path: "/contacts/" + ada})
	require.Equal(t, 429, r.Status)
	assert.Equal(t, rateHeaders{Daily: 5, DailyRemaining: 0, Interval: 10000, Max: 3, Remaining: 1, DailyReset: start.Add(24 * time.Hour).UnixMilli()},
		rateHeadersOf(t, r), "a daily 429: the burst window still has one left")
}

// TestRateLimitHeadersOnInjectedFaults: an injected answer comes before the
// rate limiter, so it costs nothing, and its headers tell the token's budget
// as it stands (an untouched default for a token the mock does not know); an
// injected 429 reads as a spent burst window. A client that throttles itself
// on X-RateLimit-Remaining must not be told after a 503 that it has a fresh
// window.
func TestRateLimitHeadersOnInjectedFaults(t *testing.T) {
	h := setup(t, ghlLimits)
	dayEnd := h.clock.Now().Add(24 * time.Hour).UnixMilli()
	for range 4 {
		require.Equal(t, 200, h.do(call{path: "/contacts/" + ada}).Status)
	}
	require.Equal(t, 201, h.admin("POST", "/_mock/faults", map[string]any{"operationId": "get-contact", "status": 503, "times": 2}).Status)
	require.Equal(t, 201, h.admin("POST", "/_mock/faults", map[string]any{"operationId": "get-contact", "status": 429, "times": 1}).Status)

	r := h.do(call{path: "/contacts/" + ada})
	require.Equal(t, 503, r.Status)
	assert.Equal(t, rateHeaders{Daily: 200000, DailyRemaining: 200000 - 4, Interval: 10000, Max: 100, Remaining: 100 - 4, DailyReset: dayEnd},
		rateHeadersOf(t, r), "a 503 fault: the budget as it stands, not charged")
	r = h.do(call{path: "/contacts/" + ada, token: str("pit-00000000-0000-4000-8000-000000000000")})
	require.Equal(t, 503, r.Status)
	assert.Equal(t, rateHeaders{Daily: 200000, DailyRemaining: 200000, Interval: 10000, Max: 100, Remaining: 100, DailyReset: dayEnd},
		rateHeadersOf(t, r), "a 503 fault for an unknown token: the default app's limits, untouched")
	r = h.do(call{path: "/contacts/" + ada})
	require.Equal(t, 429, r.Status)
	assert.Equal(t, rateHeaders{Daily: 200000, DailyRemaining: 200000 - 4, Interval: 10000, Max: 100, Remaining: 0, DailyReset: dayEnd},
		rateHeadersOf(t, r), "a 429 fault: a spent burst window")

	r = h.do(call{path: "/contacts/" + ada})
	require.Equal(t, 200, r.Status, "the faults are used up")
	assert.Equal(t, 100-5, headerInt(t, r, "X-RateLimit-Remaining"), "the three faulted requests were not counted")
}

func TestDailyQuotaRunsOut(t *testing.T) {
	h := setup(t, func(c *mockserver.Config) {
		c.RateLimits = ratelimit.Limits{Burst: 1000, Window: 10 * time.Second, Daily: 5}
	})
	for i := range 5 {
		require.Equal(t, 200, h.do(call{path: "/contacts/" + ada}).Status, "request %d", i)
	}
	r := h.do(call{path: "/contacts/" + ada})
	require.Equal(t, 429, r.Status)
	assert.Equal(t, 0, headerInt(t, r, "X-RateLimit-Daily-Remaining"), "the SDK tells a daily 429 by this header")
	reset := headerInt(t, r, "X-RateLimit-Daily-Reset")
	h.clock.Advance(11 * time.Second)
	assert.Equal(t, 429, h.do(call{path: "/contacts/" + ada}).Status, "a new burst window does not refill the day")
	h.clock.Advance(time.Duration(int64(reset)-h.clock.Now().UnixMilli()) * time.Millisecond)
	assert.Equal(t, 200, h.do(call{path: "/contacts/" + ada}).Status, "the day resets at X-RateLimit-Daily-Reset")
}

// TestSandboxTokenAndAppsAreSeparate: the sandbox token of location 2 has
// its app's 25 per 10 s, shared with every other token of that app there and
// apart from the default app's budget; the chatbot app's token counts apart
// from the default app's in the same location.
func TestSandboxTokenAndAppsAreSeparate(t *testing.T) {
	h := setup(t, ghlLimits)
	sandbox := "pit-1a2b3c4d-0002-4000-8000-000000000003"
	chatbot := "pit-1a2b3c4d-0002-4000-8000-000000000004"
	minted := h.admin("POST", "/_mock/tokens", map[string]any{"locationId": h.other, "app": "6650e2c1a8b4f7d3e9c01a2d", "scopes": []string{"contacts.readonly"}})
	require.Equal(t, 201, minted.Status, "%s", minted.Body)
	secondSandbox := minted.JSON(t)["token"].(string)
	for range 20 {
		require.Equal(t, 200, h.do(call{path: "/contacts/" + grace, token: str(sandbox)}).Status)
	}
	for range 5 {
		require.Equal(t, 200, h.do(call{path: "/contacts/" + grace, token: str(secondSandbox)}).Status)
	}
	r := h.do(call{path: "/contacts/" + grace, token: str(sandbox)})
	require.Equal(t, 429, r.Status, "the account's PITs share one budget: 20 + 5 used it up")
	assert.Equal(t, 25, headerInt(t, r, "X-RateLimit-Max"))
	assert.Equal(t, 10000, headerInt(t, r, "X-RateLimit-Limit-Daily"))
	r = h.do(call{path: "/contacts/" + grace, token: str(h.otherRW)})
	require.Equal(t, 200, r.Status)
	assert.Equal(t, 99, headerInt(t, r, "X-RateLimit-Remaining"), "the default app's budget is untouched by the sandbox's")

	for range 100 {
		require.Equal(t, 200, h.do(call{path: "/contacts/" + grace, token: str(chatbot)}).Status)
	}
	assert.Equal(t, 429, h.do(call{path: "/contacts/" + grace, token: str(chatbot)}).Status)
	assert.Equal(t, 200, h.do(call{path: "/contacts/" + grace, token: str(h.otherRW)}).Status, "the default app has its own budget")
	assert.Equal(t, 429, h.do(call{path: "/contacts/" + grace, token: str(secondSandbox)}).Status, "still the sandbox's")
}

// TestRateLimitedMessageIsASetting: no capture of GHL's 429 body exists, so
// its message is the fixtures' messages.rateLimited, for the limiter's 429s
// and for an injected 429 alike.
func TestRateLimitedMessageIsASetting(t *testing.T) {
	h := setup(t, func(c *mockserver.Config) {
		c.RateLimits = ratelimit.Limits{Burst: 1, Window: 10 * time.Second}
		c.Fixtures.Settings.Messages.RateLimited = "API rate limit exceeded"
	})
	require.Equal(t, 200, h.do(call{path: "/contacts/" + ada}).Status)
	r := h.do(call{path: "/contacts/" + ada})
	require.Equal(t, 429, r.Status)
	assert.Equal(t, "API rate limit exceeded", errorMessage(t, r))

	h.clock.Advance(10 * time.Second)
	require.Equal(t, 201, h.admin("POST", "/_mock/faults", map[string]any{"status": 429, "times": 1}).Status)
	r = h.do(call{path: "/contacts/" + ada})
	require.Equal(t, 429, r.Status)
	assert.Equal(t, "API rate limit exceeded", errorMessage(t, r))

	d := setup(t, func(c *mockserver.Config) { c.RateLimits = ratelimit.Limits{Burst: 1, Window: 10 * time.Second} })
	d.do(call{path: "/contacts/" + ada})
	assert.Equal(t, "Too Many Requests", errorMessage(t, d.do(call{path: "/contacts/" + ada})), "the default")
}

func TestRetryAfterIsASetting(t *testing.T) {
	on := true
	h := setup(t, func(c *mockserver.Config) {
		c.RateLimits = ratelimit.Limits{Burst: 1, Window: 10 * time.Second}
		c.RetryAfter = &on
	})
	opened := h.clock.Now()
	require.Equal(t, 200, h.do(call{path: "/contacts/" + ada}).Status)
	// Retry-After is whole seconds, rounded up: a client that waits it is
	// past the window, never a moment short of it.
	for _, c := range []struct {
		elapsed time.Duration // since the window opened
		want    string
	}{
		{3 * time.Second, "7"},
		{7700 * time.Millisecond, "3"}, // 2.3 s left
		{8 * time.Second, "2"},
		{9999 * time.Millisecond, "1"}, // 1 ms left
	} {
		h.clock.Advance(opened.Add(c.elapsed).Sub(h.clock.Now()))
		r := h.do(call{path: "/contacts/" + ada})
		require.Equal(t, http.StatusTooManyRequests, r.Status, "%v into the window", c.elapsed)
		assert.Equal(t, c.want, r.Header.Get("Retry-After"), "%v into the 10 s window", c.elapsed)
	}
}

func TestAdminRoutesAreNeverLimited(t *testing.T) {
	h := setup(t, func(c *mockserver.Config) { c.RateLimits = ratelimit.Limits{Burst: 1, Window: 10 * time.Second} })
	h.do(call{path: "/contacts/" + ada})
	for range 20 {
		r := h.admin("GET", "/_mock/health", nil)
		require.Equal(t, 200, r.Status)
		assert.Empty(t, r.Header.Get("X-RateLimit-Remaining"))
	}
}

// TestResetClearsTheRateCounters: after POST /_mock/reset the whole burst and
// the whole day are available again, without moving the clock.
func TestResetClearsTheRateCounters(t *testing.T) {
	h := setup(t, func(c *mockserver.Config) {
		c.RateLimits = ratelimit.Limits{Burst: 3, Window: 10 * time.Second, Daily: 5}
	})
	for range 3 {
		require.Equal(t, 200, h.do(call{path: "/contacts/" + ada}).Status)
	}
	require.Equal(t, 429, h.do(call{path: "/contacts/" + ada}).Status)

	require.Equal(t, 200, h.admin("POST", "/_mock/reset", nil).Status)
	for i := range 3 {
		r := h.do(call{path: "/contacts/" + ada})
		require.Equal(t, 200, r.Status, "request %d of the burst after the reset", i+1)
		assert.Equal(t, 2-i, headerInt(t, r, "X-RateLimit-Remaining"))
		assert.Equal(t, 4-i, headerInt(t, r, "X-RateLimit-Daily-Remaining"), "the day's count was cleared too")
	}
	assert.Equal(t, 429, h.do(call{path: "/contacts/" + ada}).Status, "and no more than the burst")
}

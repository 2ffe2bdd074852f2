package ratelimit_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/ratelimit"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newLimiter(t *testing.T) (*ratelimit.Limiter, *fakeClock) {
	t.Helper()
	clk := &fakeClock{t: time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)}
	return ratelimit.New(clk.Now), clk
}

var ghl = ratelimit.Limits{Burst: 100, Window: 10 * time.Second, Daily: 200000}

func TestExactlyBurstRequestsPassUnderConcurrency(t *testing.T) {
	l, _ := newLimiter(t)
	var allowed, refused atomic.Int64
	var wg sync.WaitGroup
	for range 125 {
		wg.Go(func() {
			if l.Take("app:loc", ghl).Allowed {
				allowed.Add(1)
			} else {
				refused.Add(1)
			}
		})
	}
	wg.Wait()
	assert.EqualValues(t, 100, allowed.Load())
	assert.EqualValues(t, 25, refused.Load())
}

func TestWindowRollsOverAfterItsLength(t *testing.T) {
	l, clk := newLimiter(t)
	for i := range 100 {
		d := l.Take("k", ghl)
		require.True(t, d.Allowed, "request %d", i)
		assert.Equal(t, 99-i, d.Remaining)
	}
	d := l.Take("k", ghl)
	require.False(t, d.Allowed)
	assert.False(t, d.Daily)
	assert.Equal(t, 0, d.Remaining)
	assert.Equal(t, 10*time.Second, d.RetryAfter(clk.Now()))

	clk.Advance(9999 * time.Millisecond)
	assert.False(t, l.Take("k", ghl).Allowed, "window still open")
	clk.Advance(time.Millisecond)
	d = l.Take("k", ghl)
	assert.True(t, d.Allowed, "a client that waited the interval succeeds")
	assert.Equal(t, 99, d.Remaining)
	assert.Equal(t, 200000-101, d.DailyRemaining)
}

func TestDailyQuotaRunsOutAndResets(t *testing.T) {
	l, clk := newLimiter(t)
	lim := ratelimit.Limits{Burst: 1000, Window: 10 * time.Second, Daily: 3}
	for range 3 {
		require.True(t, l.Take("k", lim).Allowed)
	}
	d := l.Take("k", lim)
	require.False(t, d.Allowed)
	assert.True(t, d.Daily)
	assert.Equal(t, 0, d.DailyRemaining)
	clk.Advance(11 * time.Second)
	d = l.Take("k", lim)
	assert.False(t, d.Allowed, "a new burst window does not refill the day")
	assert.True(t, d.Daily)
	clk.Advance(24 * time.Hour)
	d = l.Take("k", lim)
	assert.True(t, d.Allowed)
	assert.Equal(t, 2, d.DailyRemaining)
}

func TestKeysAreSeparate(t *testing.T) {
	l, _ := newLimiter(t)
	lim := ratelimit.Limits{Burst: 2, Window: time.Second, Daily: 10}
	assert.True(t, l.Take("a", lim).Allowed)
	assert.True(t, l.Take("a", lim).Allowed)
	assert.False(t, l.Take("a", lim).Allowed)
	assert.True(t, l.Take("b", lim).Allowed, "another key keeps its own budget")
}

func TestCountersAndReset(t *testing.T) {
	l, clk := newLimiter(t)
	lim := ratelimit.Limits{Burst: 2, Window: time.Second, Daily: 10}
	l.Take("b", lim)
	l.Take("a", lim)
	l.Take("a", lim)
	l.Take("a", lim)
	cs := l.Counters()
	require.Len(t, cs, 2)
	assert.Equal(t, "a", cs[0].Key)
	assert.Equal(t, 2, cs[0].Used)
	assert.Equal(t, 1, cs[0].Refused)
	assert.Equal(t, 8, cs[0].DailyRemaining)
	clk.Advance(time.Second)
	assert.Equal(t, 0, l.Counters()[0].Used, "a closed window reads as empty")
	l.Reset()
	assert.Empty(t, l.Counters())
	assert.True(t, l.Take("a", lim).Allowed)
}

// TestPeekCountsNothing: Peek tells what Take would, without counting; an
// unknown key and a closed window read as untouched.
func TestPeekCountsNothing(t *testing.T) {
	l, clk := newLimiter(t)
	lim := ratelimit.Limits{Burst: 3, Window: 10 * time.Second, Daily: 5}
	start := clk.Now()
	assert.Equal(t, ratelimit.Decision{Allowed: true, Limits: ratelimit.Limits{Burst: 3, Window: 10 * time.Second, Daily: 5, DailyWindow: 24 * time.Hour},
		Remaining: 3, DailyRemaining: 5, Reset: start.Add(10 * time.Second), DailyReset: start.Add(24 * time.Hour)}, l.Peek("k", lim), "an unknown key")
	assert.Empty(t, l.Counters(), "peeking made no counter")

	l.Take("k", lim)
	clk.Advance(time.Second)
	l.Take("k", lim)
	for range 3 {
		d := l.Peek("k", lim)
		assert.Equal(t, 1, d.Remaining)
		assert.Equal(t, 3, d.DailyRemaining)
		assert.Equal(t, start.Add(10*time.Second), d.Reset, "the window that opened at the first request")
		assert.Equal(t, start.Add(24*time.Hour), d.DailyReset)
	}
	third := l.Take("k", lim)
	assert.True(t, third.Allowed, "the peeks counted nothing: the third request passes")
	assert.Equal(t, 0, third.Remaining)
	d := l.Peek("k", lim)
	assert.False(t, d.Allowed, "a Take now would be refused")
	assert.Equal(t, 0, d.Remaining)

	clk.Advance(9 * time.Second) // the burst window closes
	d = l.Peek("k", lim)
	assert.True(t, d.Allowed)
	assert.Equal(t, 3, d.Remaining)
	assert.Equal(t, 2, d.DailyRemaining, "the day goes on")
	assert.Equal(t, clk.Now().Add(10*time.Second), d.Reset)
}

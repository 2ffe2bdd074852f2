// Package ratelimit simulates GoHighLevel's API rate limits: a burst limit of
// N requests per window and a daily quota, counted per key (ghlmock uses
// app × location, as GHL counts "per Marketplace app per resource").
//
// Each limit is a fixed window that opens at the first request after the
// previous one closed, so a client told to wait the window's length
// (X-RateLimit-Interval-Milliseconds) always succeeds afterwards. Refused
// requests do not count. Exactly Burst requests pass per window however many
// goroutines ask at once.
package ratelimit

import (
	"cmp"
	"slices"
	"sync"
	"time"
)

// Limits are the limits that apply to one request.
type Limits struct {
	Burst       int           // requests per window
	Window      time.Duration // length of the burst window
	Daily       int           // requests per day
	DailyWindow time.Duration // length of the daily window; 0 means 24h
}

// Decision is the outcome of Take: whether the request may pass, and what the
// X-RateLimit-* headers of its answer say.
type Decision struct {
	Allowed bool
	// Daily reports that the daily quota, not the burst limit, refused the request.
	Daily          bool
	Limits         Limits
	Remaining      int       // burst requests left in the current window
	DailyRemaining int       // requests left today
	Reset          time.Time // when the current burst window closes
	DailyReset     time.Time // when the current daily window closes
}

// RetryAfter is how long a refused client must wait.
func (d Decision) RetryAfter(now time.Time) time.Duration {
	at := d.Reset
	if d.Daily {
		at = d.DailyReset
	}
	if w := at.Sub(now); w > 0 {
		return w
	}
	return 0
}

// Limiter counts requests per key. The zero value is not usable; call New.
type Limiter struct {
	now func() time.Time

	mu       sync.Mutex
	counters map[string]*counter
}

type counter struct {
	burstStart time.Time
	burstCount int
	dayStart   time.Time
	dayCount   int
	limits     Limits
	refused    int
}

// New returns a limiter reading the given clock.
func New(now func() time.Time) *Limiter {
	return &Limiter{now: now, counters: map[string]*counter{}}
}

// Take counts one request for key under lim, unless a limit refuses it.
func (l *Limiter) Take(key string, lim Limits) Decision {
	if lim.DailyWindow <= 0 {
		lim.DailyWindow = 24 * time.Hour
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.counters[key]
	if c == nil {
		c = &counter{}
		l.counters[key] = c
	}
	c.limits = lim
	if c.burstStart.IsZero() || !now.Before(c.burstStart.Add(lim.Window)) {
		c.burstStart, c.burstCount = now, 0
	}
	if c.dayStart.IsZero() || !now.Before(c.dayStart.Add(lim.DailyWindow)) {
		c.dayStart, c.dayCount = now, 0
	}
	d := Decision{Limits: lim, Reset: c.burstStart.Add(lim.Window), DailyReset: c.dayStart.Add(lim.DailyWindow)}
	switch {
	case c.dayCount >= lim.Daily:
		d.Daily = true
		c.refused++
	case c.burstCount >= lim.Burst:
		c.refused++
	default:
		d.Allowed = true
		c.burstCount++
		c.dayCount++
	}
	d.Remaining = max(lim.Burst-c.burstCount, 0)
	d.DailyRemaining = max(lim.Daily-c.dayCount, 0)
	return d
}

// Peek reports what the headers of key's next answer would say without
// counting a request: for an answer the limiter never saw, such as an
// injected fault. A key that has no open window reads as untouched.
func (l *Limiter) Peek(key string, lim Limits) Decision {
	if lim.DailyWindow <= 0 {
		lim.DailyWindow = 24 * time.Hour
	}
	now := l.now()
	var c counter
	l.mu.Lock()
	if p := l.counters[key]; p != nil {
		c = *p
	}
	l.mu.Unlock()
	if c.burstStart.IsZero() || !now.Before(c.burstStart.Add(lim.Window)) {
		c.burstStart, c.burstCount = now, 0
	}
	if c.dayStart.IsZero() || !now.Before(c.dayStart.Add(lim.DailyWindow)) {
		c.dayStart, c.dayCount = now, 0
	}
	return Decision{
		Allowed: c.burstCount < lim.Burst && c.dayCount < lim.Daily, Daily: c.dayCount >= lim.Daily, Limits: lim,
		Remaining: max(lim.Burst-c.burstCount, 0), DailyRemaining: max(lim.Daily-c.dayCount, 0),
		Reset: c.burstStart.Add(lim.Window), DailyReset: c.dayStart.Add(lim.DailyWindow),
	}
}

// Counter is the state of one key, for the admin API.
type Counter struct {
	Key            string    `json:"key"`
	Burst          int       `json:"burstLimit"`
	WindowMs       int64     `json:"burstWindowMs"`
	Used           int       `json:"burstUsed"`
	Remaining      int       `json:"burstRemaining"`
	Reset          time.Time `json:"burstReset"`
	Daily          int       `json:"dailyLimit"`
	DailyUsed      int       `json:"dailyUsed"`
	DailyRemaining int       `json:"dailyRemaining"`
	DailyReset     time.Time `json:"dailyReset"`
	Refused        int       `json:"refused"`
}

// Counters returns the current state of every key, sorted by key. Windows
// that have closed read as empty.
func (l *Limiter) Counters() []Counter {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]Counter, 0, len(l.counters))
	for key, c := range l.counters {
		lim := c.limits
		used, dayUsed := c.burstCount, c.dayCount
		if !now.Before(c.burstStart.Add(lim.Window)) {
			used = 0
		}
		if !now.Before(c.dayStart.Add(lim.DailyWindow)) {
			dayUsed = 0
		}
		out = append(out, Counter{
			Key: key, Burst: lim.Burst, WindowMs: lim.Window.Milliseconds(), Used: used,
			Remaining: max(lim.Burst-used, 0), Reset: c.burstStart.Add(lim.Window).UTC(),
			Daily: lim.Daily, DailyUsed: dayUsed, DailyRemaining: max(lim.Daily-dayUsed, 0),
			DailyReset: c.dayStart.Add(lim.DailyWindow).UTC(), Refused: c.refused,
		})
	}
	slices.SortFunc(out, func(a, b Counter) int { return cmp.Compare(a.Key, b.Key) })
	return out
}

// Reset forgets every counter.
func (l *Limiter) Reset() {
	l.mu.Lock()
	l.counters = map[string]*counter{}
	l.mu.Unlock()
}

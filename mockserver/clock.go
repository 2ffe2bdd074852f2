package mockserver

import (
	"sync/atomic"
	"time"
)

// Clock is the mock's notion of now: an underlying clock plus an offset that
// the admin API can move forward, so a test of "wait for the rate window" or
// "let the token expire" takes no time.
type Clock struct {
	base    func() time.Time
	offset  atomic.Int64 // nanoseconds
	restart func()       // non-nil for an epoch clock: back to its epoch
}

// NewClock returns a clock reading base (time.Now when nil).
func NewClock(base func() time.Time) *Clock {
	if base == nil {
		base = time.Now
	}
	return &Clock{base: base}
}

// Now returns the current time of the mock, in UTC.
func (c *Clock) Now() time.Time {
	return c.base().Add(time.Duration(c.offset.Load())).UTC()
}

// Advance moves the clock forward by d (negative d is refused by the admin API).
func (c *Clock) Advance(d time.Duration) { c.offset.Add(int64(d)) }

// AdvanceWithin moves the clock forward by d unless that would take its
// offset beyond limit; it reports whether it moved.
func (c *Clock) AdvanceWithin(d, limit time.Duration) bool {
	for {
		cur := c.offset.Load()
		if d > limit || time.Duration(cur) > limit-d {
			return false
		}
		if c.offset.CompareAndSwap(cur, cur+int64(d)) {
			return true
		}
	}
}

// Offset is how far the clock has been moved.
func (c *Clock) Offset() time.Duration { return time.Duration(c.offset.Load()) }

// Reset drops any offset; an epoch clock also starts again at its epoch.
func (c *Clock) Reset() {
	c.offset.Store(0)
	if c.restart != nil {
		c.restart()
	}
}

// newEpochClock returns a clock that reads epoch now and runs at real speed
// from there; Reset starts it at epoch again.
func newEpochClock(epoch time.Time) *Clock {
	var start atomic.Pointer[time.Time]
	restart := func() {
		t := time.Now()
		start.Store(&t)
	}
	restart()
	return &Clock{base: func() time.Time { return epoch.Add(time.Since(*start.Load())) }, restart: restart}
}

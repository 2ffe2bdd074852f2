package mockserver

import (
	"sync/atomic"
	"time"
)

// Clock is the mock's notion of now: an underlying clock plus an offset that
// the admin API can move forward, so a test of "wait for the rate window" or
// "let the token expire" takes no time.
type Clock struct {
	base   func() time.Time
	offset atomic.Int64 // nanoseconds
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

// Offset is how far the clock has been moved.
func (c *Clock) Offset() time.Duration { return time.Duration(c.offset.Load()) }

// Reset drops any offset.
func (c *Clock) Reset() { c.offset.Store(0) }

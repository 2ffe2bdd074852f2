package mockserver

import (
	"sync"
	"sync/atomic"
	"time"
)

// Clock is the mock's notion of now: an underlying clock plus an offset that
// the admin API can move forward, so a test of "wait for the rate window" or
// "let the token expire" takes no time. A frozen clock stands still until it
// is advanced or thawed (see Freeze).
type Clock struct {
	base    func() time.Time
	offset  atomic.Int64 // nanoseconds
	restart func()       // non-nil for an epoch clock: back to its epoch

	// frozen is set while the clock stands still at frozenAt (Unix
	// nanoseconds); mu orders freezing, thawing and advancing.
	frozen   atomic.Bool
	frozenAt atomic.Int64
	mu       sync.Mutex
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
	if c.frozen.Load() {
		return time.Unix(0, c.frozenAt.Load()).UTC()
	}
	return c.base().Add(time.Duration(c.offset.Load())).UTC()
}

// Advance moves the clock forward by d (negative d is refused by the admin API).
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.move(d)
}

// move adds d to the offset (and to a frozen clock's reading); c.mu is held.
func (c *Clock) move(d time.Duration) {
	c.offset.Add(int64(d))
	if c.frozen.Load() {
		c.frozenAt.Add(int64(d))
	}
}

// AdvanceWithin moves the clock forward by d unless that would take its
// offset beyond limit; it reports whether it moved. A frozen clock moves by
// d and stays frozen there.
func (c *Clock) AdvanceWithin(d, limit time.Duration) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	cur := c.offset.Load()
	if d > limit || time.Duration(cur) > limit-d {
		return false
	}
	c.move(d)
	return true
}

// Offset is how far the clock has been moved (a frozen clock: how far it
// would read ahead of its underlying clock if it were thawed now).
func (c *Clock) Offset() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.frozen.Load() {
		return time.Duration(c.frozenAt.Load() - c.base().UnixNano())
	}
	return time.Duration(c.offset.Load())
}

// Freeze stops the clock at its current reading (freeze true) or lets it run
// on from where it stands (freeze false).
func (c *Clock) Freeze(freeze bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch was := c.frozen.Load(); {
	case freeze && !was:
		c.frozenAt.Store(c.base().Add(time.Duration(c.offset.Load())).UnixNano())
		c.frozen.Store(true)
	case !freeze && was:
		c.offset.Store(c.frozenAt.Load() - c.base().UnixNano())
		c.frozen.Store(false)
	}
}

// Frozen reports whether the clock stands still.
func (c *Clock) Frozen() bool { return c.frozen.Load() }

// Reset drops any offset and thaws the clock; an epoch clock also starts
// again at its epoch.
func (c *Clock) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset.Store(0)
	c.frozen.Store(false)
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

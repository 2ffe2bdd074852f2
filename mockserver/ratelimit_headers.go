package mockserver

import (
	"net/http"
	"strconv"
	"time"

	"github.com/ghlmock/ghlmock/mockserver/ratelimit"
)

// Every API answer carries GHL's X-RateLimit-* headers, refused ones too;
// setRateHeaders is the one place that writes them.

// rateConsts are the header values that only depend on a token's limits,
// made once: they are written on every answer.
type rateConsts struct {
	daily, interval, max []string
}

func newRateConsts(l ratelimit.Limits) *rateConsts {
	return &rateConsts{
		daily:    []string{strconv.Itoa(l.Daily)},
		interval: []string{strconv.FormatInt(l.Window.Milliseconds(), 10)},
		max:      []string{strconv.Itoa(l.Burst)},
	}
}

// uncharged is the decision reported for a request no limit was charged for
// (refused before the rate limit, or answered by a fault): the budget of its
// token's app and location as it stands (a client that throttles itself
// must not read a fresh window into an injected 503), or the default app's
// limits, untouched, without a token.
func (s *Server) uncharged(t *token) ratelimit.Decision {
	if t != nil {
		d := s.limiter.Peek(t.rateKey, t.Limits)
		d.Allowed = true
		return d
	}
	lim := s.defaultLimits()
	now := s.clock.Now()
	return ratelimit.Decision{
		Allowed: true, Limits: lim, Remaining: lim.Burst, DailyRemaining: lim.Daily,
		Reset: now.Add(lim.Window), DailyReset: now.Add(24 * time.Hour),
	}
}

// setRateHeaders writes the headers of the request's decision (rq.rate once
// rated, else an uncharged one), and Retry-After on a refusal when the
// fixtures' retryAfter setting asks for it.
func (s *Server) setRateHeaders(h http.Header, rq *request) {
	d, c := rq.rate, (*rateConsts)(nil)
	switch {
	case !rq.rated:
		d = s.uncharged(nil)
	case rq.token != nil: // charged to the token by rateLimit, under its limits
		c = rq.token.headers
	}
	writeRateHeaders(h, d, c)
	if !d.Allowed && s.settings.RetryAfter {
		secs := (d.RetryAfter(s.clock.Now()) + time.Second - 1) / time.Second
		h.Set("Retry-After", strconv.Itoa(int(max(secs, 1))))
	}
}

// writeRateHeaders writes GHL's rate-limit headers for a decision; c holds the
// constant ones (nil: made from the decision). The value slices of c are
// shared by every answer, with their capacity equal to their length so that
// an Add elsewhere copies rather than overwrites.
func writeRateHeaders(h http.Header, d ratelimit.Decision, c *rateConsts) {
	if c == nil {
		c = newRateConsts(d.Limits)
	}
	h["X-Ratelimit-Limit-Daily"] = c.daily
	h["X-Ratelimit-Interval-Milliseconds"] = c.interval
	h["X-Ratelimit-Max"] = c.max
	// The three numbers share one string and one array: two allocations
	// rather than four on every answer.
	var digits [64]byte
	b := strconv.AppendInt(digits[:0], int64(d.DailyRemaining), 10)
	i := len(b)
	b = strconv.AppendInt(b, d.DailyReset.UnixMilli(), 10)
	j := len(b)
	b = strconv.AppendInt(b, int64(d.Remaining), 10)
	all := string(b)
	v := &[3]string{all[:i], all[i:j], all[j:]}
	h["X-Ratelimit-Daily-Remaining"] = v[0:1:1]
	h["X-Ratelimit-Daily-Reset"] = v[1:2:2]
	h["X-Ratelimit-Remaining"] = v[2:3:3]
}

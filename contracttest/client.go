package contracttest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Policy tunes how the client spares the target's rate limits.
type Policy struct {
	// Reserve: when X-RateLimit-Remaining falls to Reserve or below, the
	// client waits for the burst window to close before the next request
	// (default 3).
	Reserve int
	// MaxRetries is how often a burst 429 is retried (default 4). A daily 429
	// (X-RateLimit-Daily-Remaining: 0) is never retried.
	MaxRetries int
	// MaxBackoff caps the wait before a retry (default 60 s). The first retry
	// waits the reported X-RateLimit-Interval-Milliseconds (or Retry-After,
	// whichever is longer; 1 s when neither is sent), each further one twice
	// as long as the one before.
	MaxBackoff time.Duration
}

func (p Policy) withDefaults() Policy {
	if p.Reserve == 0 {
		p.Reserve = 3
	}
	if p.MaxRetries == 0 {
		p.MaxRetries = 4
	}
	if p.MaxBackoff == 0 {
		p.MaxBackoff = time.Minute
	}
	return p
}

// Client sends the scenarios' requests: it throttles itself from the
// X-RateLimit-* headers of the answers it has seen and retries burst 429s.
// It is safe for concurrent use.
type Client struct {
	target *Target
	policy Policy

	mu    sync.Mutex
	rl    rateState
	stats ClientStats
}

// ClientStats counts what the client did to spare the rate limits.
type ClientStats struct {
	Requests      int           `json:"requests"`
	Retries429    int           `json:"retries429"`
	Throttled     int           `json:"throttled"`      // waits for a burst window to close
	ThrottleWait  time.Duration `json:"throttleWaitNs"` // their total (on the target's clock)
	BackoffWait   time.Duration `json:"backoffWaitNs"`  // total wait before 429 retries
	DailyExceeded bool          `json:"dailyExceeded"`  // a daily 429 was met
}

// rateState is what the last answers said about the burst window.
type rateState struct {
	known     bool
	idle      bool // the last answer showed a full window: none is open
	remaining int
	interval  time.Duration
	// windowStart is a time no earlier than the start of the window the last
	// answer was counted in, so windowStart+interval is no earlier than its end.
	windowStart time.Time
}

// NewClient returns a client for the target.
func NewClient(t *Target, p Policy) *Client {
	return &Client{target: t, policy: p.withDefaults()}
}

// Stats returns the counters so far.
func (c *Client) Stats() ClientStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats
}

// SendOptions choose per request whether to throttle and retry.
type SendOptions struct {
	Throttle bool
	Retry429 bool
}

// Exchange is one request as sent and the answer finally received.
type Exchange struct {
	Request  *http.Request // the last attempt; its body is ReqBody
	ReqBody  []byte
	Status   int
	Header   http.Header
	Body     []byte
	Attempts int
	// Daily429 reports a 429 of the daily quota (not retried).
	Daily429 bool
	Elapsed  time.Duration // wall time of all attempts, waits included
	// Seen are the answers before the last (burst 429s that were retried).
	Seen []*Exchange
}

// ErrUnreachable wraps a transport error that means the target cannot be
// reached at all (refused connection, unknown host).
var ErrUnreachable = errors.New("target unreachable")

// Do sends a request, waiting first if the burst window is nearly spent, and
// retrying a burst 429 after the reported interval with exponential backoff.
func (c *Client) Do(ctx context.Context, method, pathQuery string, header http.Header, body []byte, opt SendOptions) (*Exchange, error) {
	start := time.Now()
	var seen []*Exchange
	for attempt := 0; ; attempt++ {
		if opt.Throttle {
			if err := c.throttle(ctx); err != nil {
				return nil, err
			}
		}
		ex, err := c.send(ctx, method, pathQuery, header, body)
		if err != nil {
			return nil, err
		}
		ex.Attempts = attempt + 1
		if ex.Status != http.StatusTooManyRequests {
			ex.Seen, ex.Elapsed = seen, time.Since(start)
			return ex, nil
		}
		if ex.Header.Get("X-RateLimit-Daily-Remaining") == "0" {
			ex.Daily429 = true
			c.mu.Lock()
			c.stats.DailyExceeded = true
			c.mu.Unlock()
		}
		if !opt.Retry429 || ex.Daily429 || attempt >= c.policy.MaxRetries {
			ex.Seen, ex.Elapsed = seen, time.Since(start)
			return ex, nil
		}
		wait := c.backoff(ex.Header, attempt)
		c.mu.Lock()
		c.stats.Retries429++
		c.stats.BackoffWait += wait
		c.mu.Unlock()
		if err := c.target.Clock.Sleep(ctx, wait); err != nil {
			return nil, err
		}
		seen = append(seen, ex)
	}
}

// backoff is the wait before retry number attempt+1 of a burst 429.
func (c *Client) backoff(h http.Header, attempt int) time.Duration {
	base := time.Second
	if ms, err := strconv.Atoi(h.Get("X-RateLimit-Interval-Milliseconds")); err == nil && ms > 0 {
		base = time.Duration(ms) * time.Millisecond
	}
	if s, err := strconv.Atoi(h.Get("Retry-After")); err == nil && time.Duration(s)*time.Second > base {
		base = time.Duration(s) * time.Second
	}
	wait := base
	for i := 0; i < attempt && wait < c.policy.MaxBackoff; i++ {
		wait *= 2
	}
	return min(wait, c.policy.MaxBackoff) + c.target.ThrottleMargin
}

// throttle waits for the burst window to close when the last answer left
// Reserve requests or fewer in it.
func (c *Client) throttle(ctx context.Context) error {
	c.mu.Lock()
	rl := c.rl
	if !rl.known || rl.remaining > c.policy.Reserve {
		c.mu.Unlock()
		return nil
	}
	now := c.target.Clock.Now()
	wait := rl.windowStart.Add(rl.interval).Sub(now) + c.target.ThrottleMargin
	// The window is over (or we wait for it now): the next answer tells.
	c.rl.known = false
	if wait > 0 {
		c.stats.Throttled++
		c.stats.ThrottleWait += wait
	}
	c.mu.Unlock()
	if wait <= 0 {
		return nil
	}
	return c.target.Clock.Sleep(ctx, wait)
}

// observe records the rate-limit headers of an answer received at now.
func (c *Client) observe(h http.Header, now time.Time) {
	remaining, err1 := strconv.Atoi(h.Get("X-RateLimit-Remaining"))
	ms, err2 := strconv.Atoi(h.Get("X-RateLimit-Interval-Milliseconds"))
	if err1 != nil || err2 != nil || ms <= 0 {
		return
	}
	limit, err := strconv.Atoi(h.Get("X-RateLimit-Max"))
	c.mu.Lock()
	defer c.mu.Unlock()
	rl := &c.rl
	rl.interval = time.Duration(ms) * time.Millisecond
	if err == nil && remaining >= limit {
		// Nothing counted in this window (an answer that was not charged,
		// such as a 401): no window is open, the next charged answer opens one.
		rl.known, rl.idle, rl.remaining = true, true, remaining
		return
	}
	// A new window began if one was not open, if more requests are left than
	// before, or if we are past the end of the one we knew: it began no later
	// than now.
	if !rl.known || rl.idle || remaining > rl.remaining || !now.Before(rl.windowStart.Add(rl.interval)) {
		rl.windowStart = now
	}
	rl.known, rl.idle, rl.remaining = true, false, remaining
}

func (c *Client) send(ctx context.Context, method, pathQuery string, header http.Header, body []byte) (*Exchange, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.target.BaseURL+pathQuery, rd)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	for k, vs := range header {
		req.Header[k] = append([]string(nil), vs...)
	}
	c.mu.Lock()
	c.stats.Requests++
	c.mu.Unlock()
	res, err := c.target.Client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if isUnreachable(err) {
			return nil, fmt.Errorf("%w: %v", ErrUnreachable, err)
		}
		return nil, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 16<<20))
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("read answer: %w", err)
	}
	c.observe(res.Header, c.target.Clock.Now())
	return &Exchange{Request: req, ReqBody: body, Status: res.StatusCode, Header: res.Header, Body: raw}, nil
}

func isUnreachable(err error) bool {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return true
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	return strings.Contains(err.Error(), "connection refused")
}

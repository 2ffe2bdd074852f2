package webhooks

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"
	"time"
)

// Retry profile names. HighLevel's statements on retries conflict, so each
// is a profile:
//
//   - ghl-non2xx (the default) follows HighLevel's newest statement, a staff
//     comment of 2026-04-30 in GoHighLevel/highlevel-api-docs#257: "the retry
//     for all webhooks failing with non 2xx status code is now live". Any
//     non-2xx answer, a timeout or a connection error is retried. The
//     schedule is not stated there, so it is the help article's: 6 retries,
//     10 minutes apart, with jitter.
//   - ghl-429 follows the help article "Automated Webhook Retries"
//     (help.gohighlevel.com 155000007071, modified 2025-11-29) and the 2025
//     changelog: only a 429 is retried, up to six times, every 10 minutes
//     with jitter; every other status (and so a 500) is final. A timeout or
//     a connection error has no status, and is final too.
//   - none: one attempt.
//
// A list of durations ("30s,5m,10m") is a custom schedule that retries like
// ghl-non2xx, or like ghl-429 with the prefix "429:" ("429:30s,5m").
const (
	RetryGHLNon2xx = "ghl-non2xx"
	RetryGHL429    = "ghl-429"
	RetryNone      = "none"
)

// ghlJitter is how much is taken off each 10-minute wait. HighLevel only
// says "randomized jitter". Taking it off, rather than adding it, means that
// advancing the mock's clock by 10 minutes always fires the next retry,
// which is what a test of "retried after 10 minutes" expects.
const ghlJitter = time.Minute

// RetryPolicy is a parsed retry profile.
type RetryPolicy struct {
	Name    string          // RetryGHLNon2xx, RetryGHL429, RetryNone, or "" for a custom list
	Delays  []time.Duration // the wait after attempt n before retry n; len(Delays) retries at most
	Jitter  time.Duration   // up to this much is taken off each wait, reproducibly for a seed
	Only429 bool            // only a 429 is retried; else any non-2xx, timeout or connection error
}

// ParseRetry reads a retry profile: ghl-non2xx ("" too), ghl-429, none, or
// a list of durations, optionally prefixed with "429:".
func ParseRetry(spec string) (RetryPolicy, error) {
	tenMinutes := []time.Duration{10 * time.Minute, 10 * time.Minute, 10 * time.Minute, 10 * time.Minute, 10 * time.Minute, 10 * time.Minute}
	switch strings.TrimSpace(spec) {
	case "", RetryGHLNon2xx:
		return RetryPolicy{Name: RetryGHLNon2xx, Delays: tenMinutes, Jitter: ghlJitter}, nil
	case RetryGHL429:
		return RetryPolicy{Name: RetryGHL429, Delays: tenMinutes, Jitter: ghlJitter, Only429: true}, nil
	case RetryNone:
		return RetryPolicy{Name: RetryNone}, nil
	}
	p := RetryPolicy{}
	list := strings.TrimSpace(spec)
	if rest, ok := strings.CutPrefix(list, "429:"); ok {
		p.Only429, list = true, rest
	}
	for _, part := range strings.Split(list, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(part))
		if err != nil || d < 0 || d > 30*24*time.Hour {
			return RetryPolicy{}, fmt.Errorf("webhooks: retry %q: want ghl-non2xx, ghl-429, none or a list of durations such as 30s,5m,10m (each between 0 and 720h)", spec)
		}
		p.Delays = append(p.Delays, d)
	}
	if len(p.Delays) > 100 {
		return RetryPolicy{}, fmt.Errorf("webhooks: retry %q: at most 100 retries", spec)
	}
	return p, nil
}

// String is the profile's spec, which ParseRetry reads back.
func (p RetryPolicy) String() string {
	if p.Name != "" {
		return p.Name
	}
	parts := make([]string, len(p.Delays))
	for i, d := range p.Delays {
		parts[i] = d.String()
	}
	s := strings.Join(parts, ",")
	if p.Only429 {
		s = "429:" + s
	}
	return s
}

// Retryable reports whether an attempt that got status (0: no answer, a
// timeout or a connection error) may be retried under p.
func (p RetryPolicy) Retryable(status int) bool {
	if status >= 200 && status < 300 {
		return false
	}
	if p.Only429 {
		return status == 429
	}
	return true
}

// Delay returns the wait before retry n (from 1), and false when p allows
// no retry n. The jitter depends on the seed, the delivery's id and n only,
// so the same run gives the same schedule whatever order attempts finish in.
func (p RetryPolicy) Delay(n int, seed uint64, deliveryID string) (time.Duration, bool) {
	if n < 1 || n > len(p.Delays) {
		return 0, false
	}
	d := p.Delays[n-1]
	if p.Jitter > 0 && d > 0 {
		h := fnv.New64a()
		h.Write([]byte(deliveryID))
		r := rand.New(rand.NewPCG(seed, h.Sum64()+uint64(n)))
		d -= time.Duration(r.Int64N(int64(min(p.Jitter, d))))
	}
	return d, true
}

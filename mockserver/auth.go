package mockserver

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ghlmock/ghlmock/mockserver/fixture"
	"github.com/ghlmock/ghlmock/mockserver/ratelimit"
)

// token is a bearer token the mock accepts: one from the fixtures or one
// minted through the admin API.
type token struct {
	Value      string
	Name       string
	LocationID string
	App        string
	Scopes     []string
	Limits     ratelimit.Limits
	ExpiresAt  time.Time // zero: never
	Minted     bool      // created through the admin API
	headers    *rateConsts
	rateKey    string // app/location: GHL counts per app and location
}

func (t *token) hasScope(scopes []string) bool {
	if len(scopes) == 0 {
		return true
	}
	for _, sc := range scopes {
		if slices.Contains(t.Scopes, sc) {
			return true
		}
	}
	return false
}

// tokens is the registry of live tokens.
type tokens struct {
	mu sync.RWMutex
	m  map[string]*token
}

func (ts *tokens) lookup(value string) (*token, bool) {
	ts.mu.RLock()
	t, ok := ts.m[value]
	ts.mu.RUnlock()
	return t, ok
}

func (ts *tokens) put(t *token) {
	ts.mu.Lock()
	ts.m[t.Value] = t
	ts.mu.Unlock()
}

// reload replaces every token at once (on reset).
func (ts *tokens) reload(m map[string]*token) {
	ts.mu.Lock()
	ts.m = m
	ts.mu.Unlock()
}

// list returns the tokens sorted by location, then value.
func (ts *tokens) list() []*token {
	ts.mu.RLock()
	out := make([]*token, 0, len(ts.m))
	for _, t := range ts.m {
		out = append(out, t)
	}
	ts.mu.RUnlock()
	slices.SortFunc(out, func(a, b *token) int {
		if c := strings.Compare(a.LocationID, b.LocationID); c != 0 {
			return c
		}
		return strings.Compare(a.Value, b.Value)
	})
	return out
}

func (ts *tokens) remove(value string) bool {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	_, ok := ts.m[value]
	delete(ts.m, value)
	return ok
}

// fixtureTokens are the tokens the fixtures declare.
func (s *Server) fixtureTokens() map[string]*token {
	m := map[string]*token{}
	for _, loc := range s.fx.Locations {
		for _, ft := range loc.Tokens {
			m[ft.Token] = s.newToken(ft)
		}
	}
	return m
}

// newToken resolves a fixture token's limits: its own when the fixture sets
// them on the token; otherwise the limits given in Config (the --burst-limit,
// --burst-window and --daily-limit flags) where set, else its app's.
func (s *Server) newToken(ft fixture.Token) *token {
	lim := ratelimit.Limits{Burst: ft.BurstLimit, Window: ft.BurstWindow, Daily: ft.DailyLimit}
	if !ft.OwnLimits {
		o := s.cfg.RateLimits
		lim = overrideLimits(lim, o.Burst, o.Window, o.Daily)
	}
	return &token{
		Value: ft.Token, Name: ft.Name, LocationID: ft.LocationID, App: ft.App,
		Scopes: slices.Clone(ft.Scopes), Limits: lim, ExpiresAt: ft.ExpiresAt,
		headers: newRateConsts(lim), rateKey: ft.App + "/" + ft.LocationID,
	}
}

func overrideLimits(lim ratelimit.Limits, burst int, window time.Duration, daily int) ratelimit.Limits {
	if burst > 0 {
		lim.Burst = burst
	}
	if window > 0 {
		lim.Window = window
	}
	if daily > 0 {
		lim.Daily = daily
	}
	return lim
}

// dateVersion is a Version value shaped like a date: GHL answers an unknown
// one 401 "version header is invalid", and anything else 400.
var dateVersion = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// authenticate checks, in the real API's order, the bearer token (401), the
// rate limits of its app and location (429), the Version header (401/400) and
// the operation's scope (401). Every answer from here on carries the
// X-RateLimit-* headers.
func (s *Server) authenticate(w http.ResponseWriter, rq *request) *apiError {
	msgs := s.settings.Messages
	h := rq.r.Header
	authz := h.Get("Authorization")
	scheme, value, _ := strings.Cut(strings.TrimSpace(authz), " ")
	value = strings.TrimSpace(value)
	if authz == "" || !strings.EqualFold(scheme, "Bearer") || value == "" {
		s.setIdleRateHeaders(w)
		if authz == "" {
			return &apiError{Status: http.StatusUnauthorized, Message: msgs.MissingToken}
		}
		return &apiError{Status: http.StatusUnauthorized, Message: msgs.InvalidToken}
	}
	t, ok := s.tokens.lookup(value)
	if !ok || (!t.ExpiresAt.IsZero() && !s.clock.Now().Before(t.ExpiresAt)) {
		s.setIdleRateHeaders(w)
		return &apiError{Status: http.StatusUnauthorized, Message: msgs.InvalidToken}
	}
	rq.token, rq.loc = t, t.LocationID

	d := s.limiter.Take(t.rateKey, t.Limits)
	setRateHeaders(w.Header(), d, t.headers)
	if !d.Allowed {
		if s.settings.RetryAfter {
			secs := (d.RetryAfter(s.clock.Now()) + time.Second - 1) / time.Second
			w.Header().Set("Retry-After", strconv.Itoa(int(max(secs, 1))))
		}
		return &apiError{Status: http.StatusTooManyRequests, Message: msgs.RateLimited}
	}

	version := h.Get("Version")
	switch {
	case version == "":
		return &apiError{Status: http.StatusUnauthorized, Message: msgs.MissingVersion}
	case slices.Contains(s.settings.AllowedVersions, version):
	case dateVersion.MatchString(version):
		return &apiError{Status: msgs.InvalidVersionDate.Status, Message: fixture.Expand(msgs.InvalidVersionDate.Message, "value", version)}
	default:
		return &apiError{Status: msgs.InvalidVersionGarbage.Status, Message: fixture.Expand(msgs.InvalidVersionGarbage.Message, "value", version)}
	}

	if !t.hasScope(rq.op.Scopes) {
		// Live GHL sends this one without an "error" key.
		return &apiError{Status: http.StatusUnauthorized, Message: msgs.Scope, NoError: true}
	}
	return nil
}

// defaultLimits are the limits of the default app, as Config overrides them.
func (s *Server) defaultLimits() ratelimit.Limits {
	app := s.fx.DefaultApp()
	return overrideLimits(ratelimit.Limits{Burst: app.BurstLimit, Window: app.BurstWindow, Daily: app.DailyLimit},
		s.cfg.RateLimits.Burst, s.cfg.RateLimits.Window, s.cfg.RateLimits.Daily)
}

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

// setRateHeaders writes GHL's rate-limit headers for a decision; c holds the
// constant ones (nil: made from the decision). The value slices of c are
// shared by every answer, with their capacity equal to their length so that
// an Add elsewhere copies rather than overwrites.
func setRateHeaders(h http.Header, d ratelimit.Decision, c *rateConsts) {
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

// setIdleRateHeaders writes the headers for a request no app and location
// can be charged for (no valid token): the default limits, untouched.
func (s *Server) setIdleRateHeaders(w http.ResponseWriter) {
	lim := s.defaultLimits()
	now := s.clock.Now()
	setRateHeaders(w.Header(), ratelimit.Decision{
		Limits: lim, Remaining: lim.Burst, DailyRemaining: lim.Daily,
		Reset: now.Add(lim.Window), DailyReset: now.Add(24 * time.Hour),
	}, nil)
}

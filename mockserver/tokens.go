package mockserver

import (
	"slices"
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

// defaultLimits are the limits of the default app, as Config overrides them.
func (s *Server) defaultLimits() ratelimit.Limits {
	app := s.fx.DefaultApp()
	return overrideLimits(ratelimit.Limits{Burst: app.BurstLimit, Window: app.BurstWindow, Daily: app.DailyLimit},
		s.cfg.RateLimits.Burst, s.cfg.RateLimits.Window, s.cfg.RateLimits.Daily)
}

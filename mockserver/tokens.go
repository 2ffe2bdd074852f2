package mockserver

import (
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ghlmock/ghlmock/mockserver/fixture"
	"github.com/ghlmock/ghlmock/mockserver/oauth"
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
	// oauth is who an OAuth access token acts for; nil for a PIT.
	oauth *oauth.Principal
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

// tokens is the registry of live tokens, and of the revoked ones (so that
// a refusal can say why).
type tokens struct {
	mu      sync.RWMutex
	m       map[string]*token
	revoked map[string]time.Time
}

func newTokens(m map[string]*token) *tokens {
	return &tokens{m: m, revoked: map[string]time.Time{}}
}

func (ts *tokens) lookup(value string) (*token, bool) {
	ts.mu.RLock()
	t, ok := ts.m[value]
	ts.mu.RUnlock()
	return t, ok
}

// revokedAt reports when a token that is no longer accepted was revoked.
func (ts *tokens) revokedAt(value string) (time.Time, bool) {
	ts.mu.RLock()
	defer ts.mu.RUnlock()
	at, ok := ts.revoked[value]
	return at, ok
}

func (ts *tokens) put(t *token) {
	ts.mu.Lock()
	ts.m[t.Value] = t
	delete(ts.revoked, t.Value)
	ts.mu.Unlock()
}

// reload replaces every token at once (on reset), and returns what it
// replaced.
func (ts *tokens) reload(m map[string]*token) tokenSet {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	old := tokenSet{m: ts.m, revoked: ts.revoked}
	ts.m, ts.revoked = m, map[string]time.Time{}
	return old
}

// restore puts back what reload replaced.
func (ts *tokens) restore(set tokenSet) {
	ts.mu.Lock()
	ts.m, ts.revoked = set.m, set.revoked
	ts.mu.Unlock()
}

// apply makes a token what its record says: live, or revoked.
func (ts *tokens) apply(r *tokenRecord) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if !r.RevokedAt.IsZero() {
		delete(ts.m, r.Token)
		ts.revoked[r.Token] = r.RevokedAt
		return
	}
	delete(ts.revoked, r.Token)
	ts.m[r.Token] = r.token()
}

// forget drops a token that never should have been (an undone mint).
func (ts *tokens) forget(value string) {
	ts.mu.Lock()
	delete(ts.m, value)
	delete(ts.revoked, value)
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

// revoke stops accepting a token and returns it, or nil when there was none.
func (ts *tokens) revoke(value string, at time.Time) *token {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	t, ok := ts.m[value]
	if !ok {
		return nil
	}
	delete(ts.m, value)
	ts.revoked[value] = at
	return t
}

// records are the token records that set differs from the fixtures' tokens
// by: every minted token, every revocation.
func (ts *tokens) records(fixtures map[string]*token) []*tokenRecord {
	ts.mu.RLock()
	defer ts.mu.RUnlock()
	var out []*tokenRecord
	for _, t := range ts.m {
		if t.Minted || fixtures[t.Value] == nil {
			out = append(out, t.record(time.Time{}))
		}
	}
	for value, at := range ts.revoked {
		if t := fixtures[value]; t != nil {
			out = append(out, t.record(at))
		} else {
			out = append(out, &tokenRecord{Token: value, RevokedAt: at})
		}
	}
	return out
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

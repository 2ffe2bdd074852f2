package contracttest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// TargetVar is a variable that the target, not the scenario, provides: what
// a real location must have for a scenario to run (a user, a campaign, a
// second location the token cannot see, …). The in-process mock provides all
// of them from its default fixtures; against a real API each comes from a
// flag or an environment variable, and a scenario that needs one that is not
// given is skipped with the reason.
type TargetVar struct {
	Name string // as written in templates: {{userId}}
	Flag string // the ghlmock contract flag: --user-id
	Env  string // the environment variable: GHL_USER_ID
	Help string
}

// TargetVars are every target variable.
var TargetVars = []TargetVar{
	{"token", "token", "GHL_TOKEN", "bearer token of the location with contacts.readonly and contacts.write (a Private Integration Token)"},
	{"locationId", "location-id", "GHL_LOCATION_ID", "the (sandbox) location the scenarios create their contacts in"},
	{"readonlyToken", "readonly-token", "GHL_READONLY_TOKEN", "a token of the same location with only contacts.readonly"},
	{"userId", "user-id", "GHL_USER_ID", "a user of the location (followers, assignedTo)"},
	{"campaignId", "campaign-id", "GHL_CAMPAIGN_ID", "a campaign of the location"},
	{"workflowId", "workflow-id", "GHL_WORKFLOW_ID", "a workflow of the location"},
	{"businessId", "business-id", "GHL_BUSINESS_ID", "a business of the location"},
	{"foreignLocationId", "foreign-location-id", "GHL_FOREIGN_LOCATION_ID", "a location id the token cannot access (for the 403)"},
	{"duplicatesDisallowed", "duplicates-disallowed", "GHL_DUPLICATES_DISALLOWED", `"true" when the location does not allow duplicate contacts (Settings: Allow Duplicate Contact off)`},
	// OAuth (fixtures/scenarios/oauth.yaml). The refresh tokens are used up
	// by the scenarios that rotate them: give ones you can afford to lose.
	{"clientId", "client-id", "GHL_CLIENT_ID", "the client id of a marketplace app installed on the location (<appId>-<suffix>)"},
	{"clientSecret", "client-secret", "GHL_CLIENT_SECRET", "that app's client secret"},
	{"refreshToken", "refresh-token", "GHL_REFRESH_TOKEN", "a refresh token of that app for the location (a Location token's; the scenario uses it up)"},
	{"oauthCode", "oauth-code", "GHL_OAUTH_CODE", "a fresh authorization code of that app, not yet exchanged (the scenario exchanges it)"},
	{"companyId", "company-id", "GHL_COMPANY_ID", "the agency (company) that owns the location"},
	{"companyRefreshToken", "company-refresh-token", "GHL_COMPANY_REFRESH_TOKEN", "a refresh token of that app's Company install (an agency token's; the scenario uses it up)"},
}

// TargetVarNames lists the names of the target variables.
func TargetVarNames() []string {
	out := make([]string, len(TargetVars))
	for i, v := range TargetVars {
		out[i] = v.Name
	}
	return out
}

func isTargetVar(name string) bool {
	for _, v := range TargetVars {
		if v.Name == name {
			return true
		}
	}
	return false
}

func targetVar(name string) TargetVar {
	for _, v := range TargetVars {
		if v.Name == name {
			return v
		}
	}
	return TargetVar{Name: name}
}

// Target is what the scenarios run against.
type Target struct {
	// Name says what the target is in reports: "in-process mock" or the base URL.
	Name    string
	BaseURL string // scheme://host[:port], without a trailing slash
	Client  *http.Client
	// Vars are the target variables; an empty or missing one is not provided.
	Vars map[string]string
	// Clock is the runner's clock: throttling and backoff sleep on it. A real
	// target uses RealClock; the in-process mock shares a fake clock with the
	// mock, so that waiting for a rate-limit window takes no time.
	Clock Clock
	// ThrottleMargin is added to every computed wait, for clock skew and
	// latency (none is needed in process).
	ThrottleMargin time.Duration
}

// RemoteConfig describes a target reached over HTTP.
type RemoteConfig struct {
	BaseURL string
	Vars    map[string]string // token and locationId are required
	Timeout time.Duration     // per request; 0 means 30 s
}

// NewRemoteTarget checks a remote configuration and returns its target.
func NewRemoteTarget(cfg RemoteConfig) (*Target, error) {
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("base URL %q must be an absolute http(s) URL such as https://services.leadconnectorhq.com", cfg.BaseURL)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("base URL %q must not have a query or fragment", cfg.BaseURL)
	}
	var missing []string
	for _, name := range []string{"token", "locationId"} {
		if strings.TrimSpace(cfg.Vars[name]) == "" {
			v := targetVar(name)
			missing = append(missing, fmt.Sprintf("--%s (or %s)", v.Flag, v.Env))
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("a real target needs %s", strings.Join(missing, " and "))
	}
	if d := cfg.Vars["duplicatesDisallowed"]; d != "" && d != "true" && d != "false" {
		return nil, fmt.Errorf("duplicatesDisallowed must be true or false, not %q", d)
	}
	timeout := cfg.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	vars := map[string]string{}
	for k, v := range cfg.Vars {
		if !isTargetVar(k) {
			return nil, fmt.Errorf("unknown target variable %q", k)
		}
		vars[k] = strings.TrimSpace(v)
	}
	return &Target{
		Name:           strings.TrimRight(cfg.BaseURL, "/"),
		BaseURL:        strings.TrimRight(cfg.BaseURL, "/"),
		Client:         &http.Client{Timeout: timeout},
		Vars:           vars,
		Clock:          RealClock{},
		ThrottleMargin: 250 * time.Millisecond,
	}, nil
}

// missingVars returns the variables of names the target does not provide
// ("false" does not provide a condition such as duplicatesDisallowed).
func (t *Target) missingVars(names []string) []string {
	var out []string
	for _, n := range names {
		v := t.Vars[n]
		if v == "" || (n == "duplicatesDisallowed" && v != "true") {
			out = append(out, n)
		}
	}
	return out
}

// skipReason words why a scenario needing the missing variables is skipped.
func skipReason(missing []string) string {
	parts := make([]string, len(missing))
	for i, n := range missing {
		v := targetVar(n)
		parts[i] = fmt.Sprintf("%s (--%s or %s: %s)", n, v.Flag, v.Env, v.Help)
	}
	return "the target does not provide " + strings.Join(parts, "; ")
}

// Clock is the runner's time: what it reads and how it waits.
type Clock interface {
	Now() time.Time
	// Sleep waits d, or until ctx is done (then it returns ctx's error).
	Sleep(ctx context.Context, d time.Duration) error
}

// RealClock is the wall clock.
type RealClock struct{}

// Now returns time.Now().
func (RealClock) Now() time.Time { return time.Now() }

// Sleep waits d unless ctx ends first.
func (RealClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// FakeClock is a clock that moves only when told: Sleep advances it at once,
// and each reading advances it by Tick (so that successive events get
// distinct times). Share it with the in-process mock (mockserver.Config.Now)
// and the runner's waits cost no wall time.
type FakeClock struct {
	mu    sync.Mutex
	t     time.Time
	tick  time.Duration
	slept []time.Duration
}

// NewFakeClock returns a fake clock at start that advances tick per reading.
func NewFakeClock(start time.Time, tick time.Duration) *FakeClock {
	return &FakeClock{t: start, tick: tick}
}

// Now returns the fake time, then advances it by the tick.
func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.t
	c.t = c.t.Add(c.tick)
	return now
}

// Sleep advances the clock by d at once.
func (c *FakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if d > 0 {
		c.t = c.t.Add(d)
		c.slept = append(c.slept, d)
	}
	return nil
}

// Advance moves the clock forward by d.
func (c *FakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Slept returns every Sleep so far, in order.
func (c *FakeClock) Slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.slept)
}

var errNoTarget = errors.New("contracttest: no target")

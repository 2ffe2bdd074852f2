// Package faults decides which injected fault, if any, applies to a request:
// an error status, added latency, a dropped connection, a request held until
// the client gives up, or a truncated body. Rules match on operationId,
// method, path (a glob), location and token; "times" limits a rule to the
// next N matching requests ("fail twice, then succeed") and "probability"
// applies it at random, reproducibly for a given seed.
package faults

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Actions besides answering a status or adding latency.
const (
	ActionReset    = "reset"    // drop the connection without an answer
	ActionTimeout  = "timeout"  // hold the request until the client gives up
	ActionTruncate = "truncate" // send the headers and half of the body, then close
)

// Targets of a rule: the API's requests, or the webhook deliveries the mock
// sends.
const (
	TargetAPI     = "api"
	TargetWebhook = "webhook"
)

// WebhookActions are the actions of a rule whose target is webhook: the
// ways a real sender breaks (see webhooks.FaultAction).
var WebhookActions = []string{"drop", "delay", "duplicate", "reorder", "bad-signature", "missing-signature", "wrong-key", "legacy-only", "stale-timestamp"}

// Rule is one fault rule as the admin API, the fixtures and --faults files
// spell it. Matchers left empty match everything.
type Rule struct {
	ID string `json:"id,omitempty"`

	// Target is api (the default: requests to the API) or webhook (the
	// deliveries the mock sends, matched on Event, App, LocationID and
	// Attempt, and broken by one of WebhookActions).
	Target  string `json:"target,omitempty"`
	Event   string `json:"event,omitempty"`   // webhook: the event type, e.g. ContactCreate
	App     string `json:"app,omitempty"`     // webhook: the app id of the subscription
	Attempt int    `json:"attempt,omitempty"` // webhook: only this attempt (1 the first send, 2 the first retry, …)

	OperationID string `json:"operationId,omitempty"`
	Method      string `json:"method,omitempty"`
	Path        string `json:"path,omitempty"` // glob: * within a segment, ** across segments
	LocationID  string `json:"locationId,omitempty"`
	Token       string `json:"token,omitempty"`

	// Status answers with this status and GHL's error body for it, or Body
	// when given.
	Status  int               `json:"status,omitempty"`
	Body    json.RawMessage   `json:"body,omitempty"`
	Message string            `json:"message,omitempty"` // the message of the generated error body
	Headers map[string]string `json:"headers,omitempty"` // extra headers on a Status answer
	// DelayMs waits before answering (normally, or as the rule says).
	DelayMs int      `json:"delayMs,omitempty"`
	Latency *Latency `json:"latency,omitempty"`
	// Action is reset, timeout or truncate.
	Action string `json:"action,omitempty"`

	// Times limits the rule to the next Times matching requests; 0 means
	// every one. Probability (0 < p < 1) applies it to that share of them.
	Times       int     `json:"times,omitempty"`
	Probability float64 `json:"probability,omitempty"`

	// TTL, a duration ("15m"), removes the rule that long after it was
	// added, on the mock's clock (see Engine.SetClock): chaos that expires by
	// itself, so nobody leaves a staging mock failing overnight.
	TTL string `json:"ttl,omitempty"`

	// Applied counts the requests the rule was applied to; Remaining is what
	// is left of Times (absent when unlimited); ExpiresAt is when a rule
	// with a TTL goes. All three are read-only.
	Applied   int        `json:"applied"`
	Remaining *int       `json:"remaining,omitempty"`
	ExpiresAt *time.Time `json:"expiresAt,omitempty"`
}

// Latency is a random delay: uniform between MinMs and MaxMs, or normal
// around MeanMs with StddevMs (never below zero).
type Latency struct {
	Distribution string  `json:"distribution"` // uniform or normal
	MinMs        float64 `json:"minMs,omitempty"`
	MaxMs        float64 `json:"maxMs,omitempty"`
	MeanMs       float64 `json:"meanMs,omitempty"`
	StddevMs     float64 `json:"stddevMs,omitempty"`
}

// Validate checks a rule and reports every problem at once.
func (r *Rule) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if r.Target == TargetWebhook {
		return r.validateWebhook()
	}
	if r.Target != "" && r.Target != TargetAPI {
		bad("target must be api or webhook")
	}
	if r.Event != "" || r.App != "" || r.Attempt != 0 {
		bad("event, app and attempt match webhook deliveries: give target webhook")
	}
	if r.Status != 0 && (r.Status < 100 || r.Status > 599) {
		bad("status must be between 100 and 599")
	}
	switch r.Action {
	case "", ActionReset, ActionTimeout, ActionTruncate:
	default:
		bad("action must be one of reset, timeout, truncate")
	}
	if r.Action != "" && r.Status != 0 {
		bad("give either status or action, not both")
	}
	if r.Status == 0 && r.Action == "" && r.DelayMs == 0 && r.Latency == nil {
		bad("a rule needs status, action, delayMs or latency")
	}
	if len(r.Body) > 0 && !json.Valid(r.Body) {
		bad("body must be JSON")
	}
	if len(r.Body) > 0 && r.Status == 0 {
		bad("body needs a status")
	}
	if r.DelayMs < 0 || r.DelayMs > 600_000 {
		bad("delayMs must be between 0 and 600000")
	}
	if l := r.Latency; l != nil {
		switch l.Distribution {
		case "uniform":
			if l.MinMs < 0 || l.MaxMs < l.MinMs || l.MaxMs > 600_000 {
				bad("latency: uniform needs 0 ≤ minMs ≤ maxMs ≤ 600000")
			}
		case "normal":
			if l.MeanMs < 0 || l.StddevMs < 0 || l.MeanMs > 600_000 {
				bad("latency: normal needs meanMs ≥ 0 and stddevMs ≥ 0")
			}
		default:
			bad("latency.distribution must be uniform or normal")
		}
	}
	if r.Times < 0 {
		bad("times must not be negative")
	}
	if r.Probability < 0 || r.Probability > 1 {
		bad("probability must be between 0 and 1")
	}
	if err := r.validateTTL(); err != nil {
		errs = append(errs, err)
	}
	if r.Method != "" && strings.ToUpper(r.Method) != r.Method {
		r.Method = strings.ToUpper(r.Method)
	}
	if r.Path != "" {
		if !strings.HasPrefix(r.Path, "/") {
			bad("path must start with /")
		} else if _, err := path.Match(strings.ReplaceAll(r.Path, "**", "*"), "/"); err != nil {
			bad("path: %v", err)
		}
	}
	return errors.Join(errs...)
}

// validateWebhook checks a rule whose target is webhook.
func (r *Rule) validateWebhook() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if !slices.Contains(WebhookActions, r.Action) {
		bad("a webhook rule's action must be one of %s", strings.Join(WebhookActions, ", "))
	}
	if r.OperationID != "" || r.Method != "" || r.Path != "" || r.Token != "" {
		bad("operationId, method, path and token match API requests, not webhook deliveries")
	}
	if r.Status != 0 || len(r.Body) > 0 || r.Latency != nil || len(r.Headers) > 0 || r.Message != "" {
		bad("a webhook rule breaks a delivery with its action: status, body, message, headers and latency are the API's")
	}
	if r.Action == "delay" && r.DelayMs <= 0 {
		bad("action delay needs delayMs")
	}
	if r.Action != "delay" && r.DelayMs != 0 {
		bad("delayMs goes with action delay")
	}
	if r.DelayMs < 0 || r.DelayMs > 86_400_000 {
		bad("delayMs must be between 0 and 86400000 (a day, on the mock's clock)")
	}
	if r.Attempt < 0 {
		bad("attempt must not be negative")
	}
	if r.Times < 0 {
		bad("times must not be negative")
	}
	if r.Probability < 0 || r.Probability > 1 {
		bad("probability must be between 0 and 1")
	}
	if err := r.validateTTL(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Webhook is what a webhook rule can match on: one attempt of a delivery.
type Webhook struct {
	Event      string
	App        string
	LocationID string
	Attempt    int
}

func (r *Rule) matchesWebhook(q Webhook) bool {
	return r.Target == TargetWebhook &&
		(r.Event == "" || r.Event == q.Event) &&
		(r.App == "" || r.App == q.App) &&
		(r.LocationID == "" || r.LocationID == q.LocationID) &&
		(r.Attempt == 0 || r.Attempt == q.Attempt)
}

// Request is what a rule can match on.
type Request struct {
	OperationID string
	Method      string
	Path        string
	LocationID  string
	Token       string
}

func (r *Rule) matches(q Request) bool {
	return r.Target != TargetWebhook &&
		(r.OperationID == "" || r.OperationID == q.OperationID) &&
		(r.Method == "" || r.Method == q.Method) &&
		(r.LocationID == "" || r.LocationID == q.LocationID) &&
		(r.Token == "" || r.Token == q.Token) &&
		(r.Path == "" || GlobMatch(r.Path, q.Path))
}

// GlobMatch matches a path against a glob where * stays within a segment and
// ** spans any number of segments.
func GlobMatch(pattern, p string) bool {
	pp, ps := strings.Split(strings.Trim(pattern, "/"), "/"), strings.Split(strings.Trim(p, "/"), "/")
	var match func(i, j int) bool
	match = func(i, j int) bool {
		for i < len(pp) {
			if pp[i] == "**" {
				for k := j; k <= len(ps); k++ {
					if match(i+1, k) {
						return true
					}
				}
				return false
			}
			if j >= len(ps) {
				return false
			}
			if ok, _ := path.Match(pp[i], ps[j]); !ok {
				return false
			}
			i, j = i+1, j+1
		}
		return j == len(ps)
	}
	return match(0, 0)
}

// Decision is what to do to one request.
type Decision struct {
	RuleID  string
	Status  int
	Body    []byte // nil: GHL's error body for Status
	Message string
	Headers map[string]string
	Delay   time.Duration
	Action  string
}

// Engine holds the rules and applies them. It is safe for concurrent use.
type Engine struct {
	mu    sync.Mutex
	rules []*Rule
	seq   int
	rng   *rand.Rand
	seed  uint64
	now   func() time.Time
}

// New returns an engine whose random choices follow seed, reading the real
// clock for TTLs until SetClock.
func New(seed uint64) *Engine {
	return &Engine{seed: seed, rng: rand.New(rand.NewPCG(seed, 0xfa17)), now: time.Now}
}

// SetClock makes the engine read now for TTLs (the mock's clock, so that
// advancing it expires rules at once). Call it before adding rules.
func (e *Engine) SetClock(now func() time.Time) {
	e.mu.Lock()
	e.now = now
	e.mu.Unlock()
}

// Add validates a rule, gives it an id and appends it; rules are tried in
// the order they were added.
func (e *Engine) Add(r Rule) (Rule, error) {
	if err := r.Validate(); err != nil {
		return Rule{}, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.seq++
	r.ID = "fault-" + strconv.Itoa(e.seq)
	r.Applied = 0
	r.Remaining = nil
	r.ExpiresAt = nil
	if ttl := r.ttl(); ttl > 0 {
		at := e.now().Add(ttl).UTC()
		r.ExpiresAt = &at
	}
	if r.Times > 0 {
		n := r.Times
		r.Remaining = &n
	}
	e.rules = append(e.rules, &r)
	return r.copy(), nil
}

func (r *Rule) copy() Rule {
	c := *r
	if r.Remaining != nil {
		n := *r.Remaining
		c.Remaining = &n
	}
	if r.ExpiresAt != nil {
		at := *r.ExpiresAt
		c.ExpiresAt = &at
	}
	return c
}

// List returns the rules in the order they are tried.
func (e *Engine) List() []Rule {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.dropExpired()
	out := make([]Rule, 0, len(e.rules))
	for _, r := range e.rules {
		out = append(out, r.copy())
	}
	return out
}

// Remove deletes a rule; it reports whether the rule existed.
func (e *Engine) Remove(id string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	for i, r := range e.rules {
		if r.ID == id {
			e.rules = append(e.rules[:i], e.rules[i+1:]...)
			return true
		}
	}
	return false
}

// Clear deletes every rule and restarts the random sequence, so a reset mock
// makes the same choices again.
func (e *Engine) Clear() {
	e.mu.Lock()
	e.rules = nil
	e.rng = rand.New(rand.NewPCG(e.seed, 0xfa17))
	e.mu.Unlock()
}

// Len is the number of rules.
func (e *Engine) Len() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.rules)
}

// Decide returns the decision of the first rule that matches q and applies
// (times left, probability drawn), consuming one of its times.
func (e *Engine) Decide(q Request) (Decision, bool) {
	return e.decide(func(r *Rule) bool { return r.matches(q) })
}

// DecideWebhook is Decide for an attempt of a webhook delivery: the rules
// whose target is webhook.
func (e *Engine) DecideWebhook(q Webhook) (Decision, bool) {
	return e.decide(func(r *Rule) bool { return r.matchesWebhook(q) })
}

func (e *Engine) decide(match func(*Rule) bool) (Decision, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.rules) == 0 {
		return Decision{}, false
	}
	e.dropExpired()
	for _, r := range e.rules {
		if !match(r) || (r.Remaining != nil && *r.Remaining == 0) {
			continue
		}
		if r.Probability > 0 && r.Probability < 1 && e.rng.Float64() >= r.Probability {
			continue
		}
		r.Applied++
		if r.Remaining != nil {
			*r.Remaining--
		}
		d := Decision{RuleID: r.ID, Status: r.Status, Message: r.Message, Headers: r.Headers, Action: r.Action,
			Delay: time.Duration(r.DelayMs) * time.Millisecond}
		if len(r.Body) > 0 {
			d.Body = append([]byte(nil), r.Body...)
		}
		if l := r.Latency; l != nil {
			d.Delay += e.sample(l)
		}
		return d, true
	}
	return Decision{}, false
}

func (e *Engine) sample(l *Latency) time.Duration {
	var ms float64
	switch l.Distribution {
	case "uniform":
		ms = l.MinMs + e.rng.Float64()*(l.MaxMs-l.MinMs)
	case "normal":
		ms = math.Max(0, l.MeanMs+e.rng.NormFloat64()*l.StddevMs)
	}
	return time.Duration(ms * float64(time.Millisecond))
}

// DefaultMessage is the message of a generated error body for a status.
func DefaultMessage(status int) string {
	if t := http.StatusText(status); t != "" {
		return t
	}
	return "Error"
}

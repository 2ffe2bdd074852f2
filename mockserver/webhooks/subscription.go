package webhooks

import (
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Subscription is a receiver of webhooks. GHL has no subscription API: an
// app has one "Default Webhook URL" and the events its install's scopes
// allow, and a workflow's "Custom Webhook" action has its own URL and
// headers. The mock models both, plus any number of extra URLs.
type Subscription struct {
	ID  string // assigned by Subscribe when empty
	App string // the app's id: the appId of its bodies, the part of its client id before "-"
	URL string // http or https

	// Events are the event types it receives: nil means all of EventTypes,
	// an empty list none. INSTALL and UNINSTALL reach only their own app.
	Events []string
	// Locations limits it to the events of these locations (nil: all), as an
	// app receives only the events of the locations it is installed on.
	Locations []string
	// Workflow makes it a workflow's Custom Webhook action: it receives that
	// workflow's WorkflowWebhook events only, unsigned, with the action's
	// minimal payload and no retries (as measured: idx:70477076689 §2b).
	Workflow string

	Signature    Signature     // "" means ed25519
	Retry        string        // a retry profile for ParseRetry; "" means ghl-non2xx
	Timeout      time.Duration // per attempt; 0 means the engine's
	IncludeAppID bool          // add appId to the bodies (the SDK's subscribe() skips events without it)
	Headers      map[string]string
	// Restamp gives each retry a new timestamp (and so a new signature).
	// Whether GHL re-stamps is unknown; by default a retry re-sends the same
	// bytes, so a receiver enforcing the 5-minute replay window rejects a
	// retry 10 minutes later, which is worth knowing.
	Restamp bool
}

// normalize checks s and fills in its defaults.
func (s Subscription) normalize(keys *Keys) (Subscription, RetryPolicy, error) {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	u, err := url.Parse(s.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("url must be an absolute http or https URL")
	}
	if !s.Signature.valid() {
		bad("signature must be ed25519, ed25519+rsa or none")
	}
	if s.Workflow != "" {
		if s.Signature != "" && s.Signature != SignNone {
			bad("a workflow's Custom Webhook is unsigned")
		}
		if s.Retry != "" && s.Retry != RetryNone {
			bad("a workflow's Custom Webhook is not retried")
		}
		if s.Events != nil {
			bad("a workflow's Custom Webhook has no event list")
		}
		s.Signature, s.Retry = SignNone, RetryNone
	}
	if s.Signature == "" {
		s.Signature = SignEd25519
	}
	if s.Signature != SignNone && keys == nil {
		bad("a signed subscription needs the engine's keys")
	}
	if s.Signature == SignEd25519RSA && (keys == nil || keys.RSA == nil) {
		bad("signature ed25519+rsa needs an RSA key")
	}
	for _, ev := range s.Events {
		if !IsEventType(ev) {
			bad("unknown event type %q", ev)
		}
	}
	policy, err := ParseRetry(s.Retry)
	if err != nil {
		errs = append(errs, err)
	}
	s.Retry = policy.String()
	if s.Timeout < 0 || s.Timeout > 10*time.Minute {
		bad("timeout must be between 0 and 10m")
	}
	for k, v := range s.Headers {
		if !validHeaderName(k) || strings.ContainsAny(v, "\r\n\x00") {
			bad("bad header %q", k)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return Subscription{}, RetryPolicy{}, fmt.Errorf("webhooks: subscription: %w", err)
	}
	s.Events = cloneStrings(s.Events)
	s.Locations = cloneStrings(s.Locations)
	s.Headers = maps.Clone(s.Headers)
	return s, policy, nil
}

// matches reports whether s receives ev.
func (s *Subscription) matches(ev *Event) bool {
	if ev.Type == WorkflowWebhook || s.Workflow != "" {
		return ev.Type == WorkflowWebhook && s.Workflow == ev.WorkflowID && s.inLocation(ev.LocationID)
	}
	if ev.ForApp != "" && ev.ForApp != s.App {
		return false
	}
	if s.Events != nil && !slices.Contains(s.Events, ev.Type) {
		return false
	}
	if ev.Type == Install || ev.Type == Uninstall {
		// An app's own install events reach its Default Webhook URL wherever
		// it is installed, a location it was not installed on before included.
		return true
	}
	return s.inLocation(ev.LocationID)
}

func (s *Subscription) inLocation(loc string) bool {
	return s.Locations == nil || loc == "" || slices.Contains(s.Locations, loc)
}

func (s Subscription) clone() Subscription {
	s.Events = cloneStrings(s.Events)
	s.Locations = cloneStrings(s.Locations)
	s.Headers = maps.Clone(s.Headers)
	return s
}

func cloneStrings(s []string) []string {
	if s == nil {
		return nil
	}
	return append(make([]string, 0, len(s)), s...)
}

// validHeaderName reports whether k is an HTTP token (RFC 9110 §5.6.2).
func validHeaderName(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0 {
			continue
		}
		return false
	}
	return true
}

// Subscribe adds a subscription and returns it as stored (its ID assigned,
// its defaults filled in). Events enqueued from then on reach it.
func (e *Engine) Subscribe(s Subscription) (Subscription, error) {
	n, policy, err := s.normalize(e.cfg.Keys)
	if err != nil {
		return Subscription{}, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if n.ID == "" {
		e.subSeq++
		n.ID = "sub_" + strconv.Itoa(e.subSeq)
	}
	for _, old := range e.subs {
		if old.ID == n.ID {
			return Subscription{}, fmt.Errorf("webhooks: subscription %q exists", n.ID)
		}
	}
	e.subs = append(e.subs, subscription{n, policy})
	return n.clone(), nil
}

// Unsubscribe removes a subscription; its pending deliveries are still sent.
// It reports whether there was one.
func (e *Engine) Unsubscribe(id string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	for i, s := range e.subs {
		if s.ID == id {
			e.subs = slices.Delete(e.subs, i, i+1)
			return true
		}
	}
	return false
}

// Subscriptions lists the subscriptions in the order they were added.
func (e *Engine) Subscriptions() []Subscription {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]Subscription, len(e.subs))
	for i, s := range e.subs {
		out[i] = s.clone()
	}
	return out
}

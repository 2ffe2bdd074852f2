package contracttest

import (
	"slices"
	"time"
)

// Tags a scenario can carry; --tags chooses by them.
const (
	// TagReadonly marks a scenario that writes nothing: it runs with a token
	// that has only contacts.readonly (a write it attempts must expect 401).
	TagReadonly = "readonly"
	// TagWrite marks a scenario that creates, changes or deletes data (and
	// cleans up after itself).
	TagWrite = "write"
	// TagErrors marks a scenario about GHL's error answers.
	TagErrors = "errors"
	// TagRateLimit marks a scenario that spends 100+ requests to meet a 429;
	// it runs only when asked for.
	TagRateLimit = "ratelimit"
	// TagOAuth marks a scenario of GHL's OAuth endpoints: it needs an app's
	// client credentials and refresh tokens (target variables).
	TagOAuth = "oauth"
)

// KnownTags are the tags a scenario may carry.
var KnownTags = []string{TagReadonly, TagWrite, TagErrors, TagRateLimit, TagOAuth}

// Suite is every scenario of a set of scenario files, in file order.
type Suite struct {
	Scenarios []*Scenario
}

// Scenario is a named sequence of steps, with the cleanup steps that always
// run after them.
type Scenario struct {
	Name        string
	Description string
	File        string
	Line        int
	Tags        []string
	// Requires are target variables the scenario needs besides those its
	// templates name (e.g. duplicatesDisallowed, a condition).
	Requires []string
	Steps    []*Step
	Cleanup  []*Step
}

// HasTag reports whether the scenario carries tag.
func (s *Scenario) HasTag(tag string) bool { return slices.Contains(s.Tags, tag) }

// Needs lists the target variables the scenario cannot run without: its
// Requires and every target variable its templates use, in order of first use.
func (s *Scenario) Needs() []string {
	var out []string
	add := func(n string) {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	for _, r := range s.Requires {
		add(r)
	}
	for _, st := range append(slices.Clone(s.Steps), s.Cleanup...) {
		for _, t := range st.templates() {
			for _, e := range t.exprs() {
				if isTargetVar(e.name) {
					add(e.name)
				}
			}
		}
	}
	return out
}

// Step is one request with its expectations and captures.
type Step struct {
	Name string
	Line int
	// OperationID, when set, is the operation of the document the step
	// exercises: the loader checks the document has it, the runner that the
	// request routes to it.
	OperationID string
	Request     Request
	Expect      Expect
	// Capture saves response values into variables for later steps, in order.
	Capture []Capture
	// Eventually re-sends the request until its expectations hold, for GHL's
	// eventually consistent search index.
	Eventually *Eventually
	// Repeat sends the request many times, for the rate-limit scenarios.
	Repeat *Repeat
	// Walk pages through a list from this request to its last page.
	Walk *Walk
	// Wait is slept (on the runner's clock) before the step is sent, e.g. so
	// that two contacts do not share a dateAdded millisecond.
	Wait time.Duration
	// Throttle waits, before sending, when X-RateLimit-Remaining is low
	// (default true).
	Throttle bool
	// Retry429 retries a burst 429 after the reported interval (default true).
	Retry429 bool
}

// Request is what a step sends. Strings may hold {{variables}}.
type Request struct {
	Method string
	Path   *template
	Query  []queryParam
	// Headers override the defaults (Authorization: Bearer {{token}},
	// Version: 2021-07-28); a header with Remove set is not sent at all.
	Headers []headerSpec
	Body    *value // nil: no body
	// Form is a form-encoded body (application/x-www-form-urlencoded), as
	// OAuth's token endpoints take; a step has a body or a form, not both.
	Form []queryParam
}

type queryParam struct {
	name string
	val  *template
}

type headerSpec struct {
	name   string
	val    *template
	remove bool
}

// Expect is what a step's answer must satisfy besides the document.
type Expect struct {
	Status  []int // any of them
	Headers []Assertion
	Body    []Assertion
}

// Assertion is a matcher applied at a JSON path of the body, or to a header.
type Assertion struct {
	Path    Path   // body assertions
	Header  string // header assertions
	Matcher *Matcher
	Line    int
}

// Capture saves the value at a JSON path of the body (or a header's value)
// into a variable.
type Capture struct {
	Var    string
	Path   Path
	Header string // set instead of Path for header:Name
	Line   int
}

// Eventually re-sends a step until its expectations hold.
type Eventually struct {
	Attempts int
	Interval time.Duration
}

// Repeat sends a step's request Count times, Concurrency at a time, stopping
// at the first answer with status Until; the expectations apply to that answer.
type Repeat struct {
	Count       int
	Concurrency int
	Until       int
}

// templates lists every template of the step.
func (st *Step) templates() []*template {
	var out []*template
	r := st.Request
	if r.Path != nil {
		out = append(out, r.Path)
	}
	for _, q := range append(slices.Clone(r.Query), r.Form...) {
		out = append(out, q.val)
	}
	for _, h := range r.Headers {
		if h.val != nil {
			out = append(out, h.val)
		}
	}
	if r.Body != nil {
		out = append(out, r.Body.templates()...)
	}
	for _, a := range append(slices.Clone(st.Expect.Headers), st.Expect.Body...) {
		out = append(out, a.Matcher.templates()...)
	}
	return out
}

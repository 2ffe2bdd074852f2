package contracttest

// Accessors that only the tests call, to inspect the scenarios they load
// (coverage_test.go and others): they are no part of the package's API.

import (
	"regexp"
	"slices"
	"strings"
)

// PathTemplate returns the step's path with every {{variable}} replaced by a
// placeholder segment, so that it can be matched against the document's paths.
func (st *Step) PathTemplate() string {
	return placeholderRE.ReplaceAllString(st.Request.Path.raw, "x")
}

var placeholderRE = regexp.MustCompile(`\{\{[^}]*\}\}`)

// Method returns the step's HTTP method.
func (st *Step) Method() string { return st.Request.Method }

// ExpectedStatuses returns the statuses the step accepts.
func (st *Step) ExpectedStatuses() []int { return slices.Clone(st.Expect.Status) }

// RemovesHeader reports whether the step sends the request without header name.
func (st *Step) RemovesHeader(name string) bool {
	for _, h := range st.Request.Headers {
		if strings.EqualFold(h.name, name) && h.remove {
			return true
		}
	}
	return false
}

// HeaderTemplate returns the raw template a step sets header name to, if any.
func (st *Step) HeaderTemplate(name string) (string, bool) {
	for _, h := range st.Request.Headers {
		if strings.EqualFold(h.name, name) && !h.remove {
			return h.val.raw, true
		}
	}
	return "", false
}

// BodyAssertion returns the raw text of the step's expectation at path, if any.
func (st *Step) BodyAssertion(path string) (*Matcher, bool) {
	for _, a := range st.Expect.Body {
		if a.Path.String() == path {
			return a.Matcher, true
		}
	}
	return nil, false
}

// RawPath returns the step's path as written, {{variables}} included.
func (st *Step) RawPath() string { return st.Request.Path.raw }

// QueryTemplate returns the raw template of query parameter name, if sent.
func (st *Step) QueryTemplate(name string) (string, bool) {
	for _, q := range st.Request.Query {
		if q.name == name {
			return q.val.raw, true
		}
	}
	return "", false
}

// BodyKeys returns the top-level keys of the step's JSON body.
func (st *Step) BodyKeys() []string {
	if st.Request.Body == nil {
		return nil
	}
	obj, _ := st.Request.Body.v.([]kv)
	out := make([]string, len(obj))
	for i, p := range obj {
		out[i] = p.key
	}
	return out
}

// UsesVariable reports whether any template of the step names variable name.
func (st *Step) UsesVariable(name string) bool {
	for _, t := range st.templates() {
		for _, e := range t.exprs() {
			if e.name == name {
				return true
			}
		}
	}
	return false
}

// Ops lists the matcher's checks, for tests that inspect scenarios.
func (m *Matcher) Ops() []string {
	if m == nil {
		return nil
	}
	out := make([]string, len(m.checks))
	for i, c := range m.checks {
		out[i] = c.op
	}
	return out
}

// Arg returns the raw argument of the matcher's check op (a string's template
// text, a number, a bool), for tests that inspect scenarios.
func (m *Matcher) Arg(op string) (any, bool) {
	if m == nil {
		return nil, false
	}
	for _, c := range m.checks {
		if c.op == op {
			if t, ok := c.arg.v.(*template); ok {
				return t.raw, true
			}
			return c.arg.v, true
		}
	}
	return nil, false
}

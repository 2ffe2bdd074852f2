package contracttest

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// A template is a string of a scenario file with {{variables}} in it:
//
//	{{locationId}}           a target variable (see TargetVars)
//	{{email.a}}              a generated value, unique per run and label (email, phone, firstName, lastName, tag)
//	{{runId}} {{seed}}       the run's id and seed
//	{{now}} {{now+48h}}      the runner's clock as GHL writes timestamps; {{nowMs}} in epoch milliseconds
//	{{contactId}}            a value captured by an earlier step
//	{{firstName.a | lower}}  filters: lower, upper, national (+12125550150 → 2125550150),
//	                         appId (a client id's app id)
//
// A string that is exactly one {{…}} takes the variable's own JSON type, so a
// captured array or number can be sent as such; anywhere else the value is
// written into the string.
type template struct {
	raw   string
	parts []tmplPart
}

type tmplPart struct {
	lit  string
	expr *tmplExpr
}

type tmplExpr struct {
	name    string
	filters []string
}

var (
	identRE     = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	generatorRE = regexp.MustCompile(`^(email|phone|firstName|lastName|tag)\.([a-z0-9]+)$`)
	timeRE      = regexp.MustCompile(`^now(?:([+-])([0-9][0-9a-z.]*))?$`)
)

var knownFilters = map[string]func(string) string{
	"lower": strings.ToLower,
	"upper": strings.ToUpper,
	// national turns an E.164 NANP phone (+12125550150) into its bare
	// 10-digit form (2125550150).
	"national": func(s string) string { return strings.TrimPrefix(strings.TrimPrefix(s, "+1"), "+") },
	// appId is the app id of a client id (<appId>-<suffix> → <appId>).
	"appId": func(s string) string { id, _, _ := strings.Cut(s, "-"); return id },
}

// builtinVars are variables the runner itself defines.
var builtinVars = map[string]bool{"runId": true, "seed": true, "nowMs": true}

// parseTemplate splits s into literals and {{expressions}} and checks the
// expressions' syntax.
func parseTemplate(s string) (*template, error) {
	t := &template{raw: s}
	rest := s
	for {
		i := strings.Index(rest, "{{")
		if i < 0 {
			if strings.Contains(rest, "}}") {
				return nil, fmt.Errorf("%q: }} without {{", s)
			}
			if rest != "" {
				t.parts = append(t.parts, tmplPart{lit: rest})
			}
			return t, nil
		}
		if i > 0 {
			if strings.Contains(rest[:i], "}}") {
				return nil, fmt.Errorf("%q: }} without {{", s)
			}
			t.parts = append(t.parts, tmplPart{lit: rest[:i]})
		}
		j := strings.Index(rest[i:], "}}")
		if j < 0 {
			return nil, fmt.Errorf("%q: {{ without }}", s)
		}
		e, err := parseExpr(rest[i+2 : i+j])
		if err != nil {
			return nil, fmt.Errorf("%q: %w", s, err)
		}
		t.parts = append(t.parts, tmplPart{expr: e})
		rest = rest[i+j+2:]
	}
}

func parseExpr(s string) (*tmplExpr, error) {
	fields := strings.Split(s, "|")
	e := &tmplExpr{name: strings.TrimSpace(fields[0])}
	if e.name == "" {
		return nil, errors.New("empty {{}}")
	}
	for _, f := range fields[1:] {
		f = strings.TrimSpace(f)
		if _, ok := knownFilters[f]; !ok {
			return nil, fmt.Errorf("unknown filter %q (known: lower, upper, national)", f)
		}
		e.filters = append(e.filters, f)
	}
	switch {
	case generatorRE.MatchString(e.name), builtinVars[e.name], isTargetVar(e.name):
	case e.name == "now":
	case strings.HasPrefix(e.name, "now+") || strings.HasPrefix(e.name, "now-"):
		if _, err := time.ParseDuration(e.name[4:]); err != nil || !timeRE.MatchString(e.name) {
			return nil, fmt.Errorf("{{%s}}: %q is not a duration such as 48h or 90m", e.name, e.name[4:])
		}
	case strings.Contains(e.name, "."):
		return nil, fmt.Errorf("unknown variable {{%s}}: generators are email, phone, firstName, lastName and tag, with a label of lower-case letters and digits (email.a)", e.name)
	case !identRE.MatchString(e.name):
		return nil, fmt.Errorf("{{%s}} is not a variable name", e.name)
	}
	return e, nil
}

// isCapture reports whether the expression names a captured variable.
func (e *tmplExpr) isCapture() bool {
	return identRE.MatchString(e.name) && !builtinVars[e.name] && !isTargetVar(e.name) && !timeRE.MatchString(e.name)
}

// single reports whether the template is exactly one expression.
func (t *template) single() bool { return len(t.parts) == 1 && t.parts[0].expr != nil }

// hasExpr reports whether the template has any expression at all.
func (t *template) hasExpr() bool {
	for _, p := range t.parts {
		if p.expr != nil {
			return true
		}
	}
	return false
}

// exprs lists the template's expressions.
func (t *template) exprs() []*tmplExpr {
	var out []*tmplExpr
	for _, p := range t.parts {
		if p.expr != nil {
			out = append(out, p.expr)
		}
	}
	return out
}

// resolver gives the value of a variable.
type resolver interface {
	resolve(name string) (any, error)
}

// errNotCaptured is returned for a capture an earlier step did not make
// (because it failed); steps that need it are not run.
type errNotCaptured struct{ name string }

func (e *errNotCaptured) Error() string {
	return fmt.Sprintf("{{%s}} was not captured (an earlier step failed)", e.name)
}

// errMissingTargetVar is returned for a target variable the target does not provide.
type errMissingTargetVar struct{ name string }

func (e *errMissingTargetVar) Error() string {
	return fmt.Sprintf("the target provides no {{%s}}", e.name)
}

// expand evaluates the template. A single expression keeps its value's type.
func (t *template) expand(r resolver) (any, error) {
	if t.single() {
		return t.evalExpr(t.parts[0].expr, r)
	}
	var b strings.Builder
	for _, p := range t.parts {
		if p.expr == nil {
			b.WriteString(p.lit)
			continue
		}
		v, err := t.evalExpr(p.expr, r)
		if err != nil {
			return nil, err
		}
		b.WriteString(stringify(v))
	}
	return b.String(), nil
}

// expandString evaluates the template as a string.
func (t *template) expandString(r resolver) (string, error) {
	v, err := t.expand(r)
	if err != nil {
		return "", err
	}
	return stringify(v), nil
}

func (t *template) evalExpr(e *tmplExpr, r resolver) (any, error) {
	v, err := r.resolve(e.name)
	if err != nil {
		return nil, err
	}
	if len(e.filters) == 0 {
		return v, nil
	}
	s := stringify(v)
	for _, f := range e.filters {
		s = knownFilters[f](s)
	}
	return s, nil
}

// stringify writes a JSON value as text: strings as they are, numbers in
// their shortest exact form, anything else as JSON.
func stringify(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return x
	case json.Number:
		return x.String()
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case bool:
		return strconv.FormatBool(x)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// value is a JSON value of a scenario file (a request body, an expected
// value) whose strings may be templates.
type value struct {
	v any // nil, bool, int64, float64, *template (a string), []value, []kv
}

type kv struct {
	key string
	val value
}

// expandValue evaluates every template in v, giving plain JSON values.
func expandValue(v value, r resolver) (any, error) {
	switch x := v.v.(type) {
	case *template:
		if !x.hasExpr() {
			return x.raw, nil
		}
		return x.expand(r)
	case []value:
		out := make([]any, len(x))
		for i, el := range x {
			e, err := expandValue(el, r)
			if err != nil {
				return nil, err
			}
			out[i] = e
		}
		return out, nil
	case []kv:
		out := make(map[string]any, len(x))
		for _, p := range x {
			e, err := expandValue(p.val, r)
			if err != nil {
				return nil, err
			}
			out[p.key] = e
		}
		return out, nil
	}
	return v.v, nil
}

// templates lists every template inside v.
func (v value) templates() []*template {
	switch x := v.v.(type) {
	case *template:
		return []*template{x}
	case []value:
		var out []*template
		for _, el := range x {
			out = append(out, el.templates()...)
		}
		return out
	case []kv:
		var out []*template
		for _, p := range x {
			out = append(out, p.val.templates()...)
		}
		return out
	}
	return nil
}

// sortedKeys returns a map's keys in order, for stable messages.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

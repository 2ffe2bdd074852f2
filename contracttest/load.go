package contracttest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/ghlmock/ghlmock/fixtures"
	"github.com/ghlmock/ghlmock/openapi"
)

// LoadError is one problem of a scenario file, with where it is.
type LoadError struct {
	File   string
	Line   int
	Reason string
}

func (e *LoadError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Reason)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Reason)
}

// LoadEmbedded loads the scenario files built into the binary
// (fixtures/scenarios).
func LoadEmbedded() (*Suite, error) {
	return Load(fixtures.Scenarios())
}

// Load reads every *.yaml and *.yml file at the top of fsys, in name order.
// The error, when not nil, joins one *LoadError per problem.
func Load(fsys fs.FS) (*Suite, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("contracttest: scenarios: %w", err)
	}
	var names []string
	for _, e := range entries {
		if ext := path.Ext(e.Name()); !e.IsDir() && (ext == ".yaml" || ext == ".yml") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		return nil, errors.New("contracttest: no scenario files (*.yaml)")
	}
	suite := &Suite{}
	var errs []error
	seen := map[string]*Scenario{}
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			errs = append(errs, &LoadError{File: name, Reason: err.Error()})
			continue
		}
		scs, err := ParseFile(name, data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, sc := range scs {
			if prev, dup := seen[sc.Name]; dup {
				errs = append(errs, &LoadError{File: sc.File, Line: sc.Line,
					Reason: fmt.Sprintf("scenario %q is already defined at %s:%d", sc.Name, prev.File, prev.Line)})
				continue
			}
			seen[sc.Name] = sc
			suite.Scenarios = append(suite.Scenarios, sc)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return suite, nil
}

// ParseFile parses one scenario file; name is used in error messages.
func ParseFile(name string, data []byte) ([]*Scenario, error) {
	p := &parser{file: name}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, p.yamlError(err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, &LoadError{File: name, Reason: "empty scenario file: it needs a top-level scenarios: list"}
	}
	root := doc.Content[0]
	var out []*Scenario
	p.mapping(root, "the file", map[string]func(*yaml.Node){
		"scenarios": func(n *yaml.Node) {
			if p.kind(n, yaml.SequenceNode, "scenarios must be a list of scenarios") {
				for _, sn := range n.Content {
					if sc := p.scenario(sn); sc != nil {
						out = append(out, sc)
					}
				}
			}
		},
	}, "scenarios")
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	return out, nil
}

type parser struct {
	file string
	errs []error
}

// document is the OpenAPI document a step's operationId must name: the
// embedded one, which the mock is built from and the runner validates with.
var document = sync.OnceValues(func() (*openapi.Spec, error) { return openapi.Load(context.Background()) })

// operationID reads a step's operationId and makes sure the document has it.
func (p *parser) operationID(n *yaml.Node) string {
	id := p.str(n, "operationId")
	if id == "" {
		if n.Kind == yaml.ScalarNode {
			p.errorf(n, "operationId must not be empty")
		}
		return ""
	}
	spec, err := document()
	if err != nil {
		p.errorf(n, "operationId %q cannot be checked: %v", id, err)
		return id
	}
	if _, ok := spec.Operation(id); !ok {
		p.errorf(n, "operationId %q is no operation of the OpenAPI document (openapi/contacts.yaml)%s", id, closest(spec, id))
	}
	return id
}

// closest suggests the document's operationId nearest to a misspelt one.
func closest(spec *openapi.Spec, id string) string {
	best, dist := "", len(id)/2+1
	for _, op := range spec.Operations() {
		if d := editDistance(op.ID, id); d < dist {
			best, dist = op.ID, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", best)
}

// editDistance is the Levenshtein distance of two strings, by bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func (p *parser) errorf(n *yaml.Node, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	p.errs = append(p.errs, &LoadError{File: p.file, Line: line, Reason: fmt.Sprintf(format, args...)})
}

var yamlLineRE = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

func (p *parser) yamlError(err error) error {
	msg := err.Error()
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &LoadError{File: p.file, Line: line, Reason: m[2]}
	}
	return &LoadError{File: p.file, Reason: strings.TrimPrefix(msg, "yaml: ")}
}

func (p *parser) kind(n *yaml.Node, k yaml.Kind, msg string) bool {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		*n = *n.Alias
	}
	if n.Kind != k {
		p.errorf(n, "%s", msg)
		return false
	}
	return true
}

// mapping walks a mapping node: each key goes to its handler, an unknown key
// is an error, and every required key must be there.
func (p *parser) mapping(n *yaml.Node, what string, handlers map[string]func(*yaml.Node), required ...string) {
	if !p.kind(n, yaml.MappingNode, what+" must be a mapping") {
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		h, ok := handlers[k.Value]
		switch {
		case !ok:
			p.errorf(k, "unknown key %q in %s (known: %s)", k.Value, what, strings.Join(sortedKeys(handlers), ", "))
		case seen[k.Value]:
			p.errorf(k, "key %q is given twice in %s", k.Value, what)
		default:
			seen[k.Value] = true
			h(v)
		}
	}
	for _, r := range required {
		if !seen[r] {
			p.errorf(n, "%s has no %s", what, r)
		}
	}
}

func (p *parser) str(n *yaml.Node, what string) string {
	if !p.kind(n, yaml.ScalarNode, what+" must be a string") {
		return ""
	}
	return n.Value
}

func (p *parser) integer(n *yaml.Node, what string, min int) int {
	if !p.kind(n, yaml.ScalarNode, what+" must be a number") {
		return 0
	}
	v, err := strconv.Atoi(n.Value)
	if err != nil || v < min {
		p.errorf(n, "%s must be a whole number of at least %d, not %q", what, min, n.Value)
		return 0
	}
	return v
}

func (p *parser) boolean(n *yaml.Node, what string) bool {
	if !p.kind(n, yaml.ScalarNode, what+" must be true or false") {
		return false
	}
	switch n.Value {
	case "true":
		return true
	case "false":
		return false
	}
	p.errorf(n, "%s must be true or false, not %q", what, n.Value)
	return false
}

func (p *parser) strList(n *yaml.Node, what string) []string {
	if !p.kind(n, yaml.SequenceNode, what+" must be a list") {
		return nil
	}
	out := make([]string, 0, len(n.Content))
	for _, el := range n.Content {
		out = append(out, p.str(el, "each of "+what))
	}
	return out
}

func (p *parser) tmpl(n *yaml.Node, what string) *template {
	if !p.kind(n, yaml.ScalarNode, what+" must be a string") {
		return nil
	}
	t, err := parseTemplate(n.Value)
	if err != nil {
		p.errorf(n, "%s: %v", what, err)
		return nil
	}
	return t
}

var scenarioNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

func (p *parser) scenario(n *yaml.Node) *Scenario {
	sc := &Scenario{File: p.file, Line: n.Line}
	before := len(p.errs)
	p.mapping(n, "a scenario", map[string]func(*yaml.Node){
		"name": func(v *yaml.Node) {
			sc.Name = p.str(v, "name")
			if sc.Name != "" && !scenarioNameRE.MatchString(sc.Name) {
				p.errorf(v, "scenario name %q must be lower-case letters, digits and dashes", sc.Name)
			}
		},
		"description": func(v *yaml.Node) { sc.Description = p.str(v, "description") },
		"tags": func(v *yaml.Node) {
			sc.Tags = p.strList(v, "tags")
			for i, t := range sc.Tags {
				if !slices.Contains(KnownTags, t) {
					p.errorf(v.Content[i], "unknown tag %q (known: %s)", t, strings.Join(KnownTags, ", "))
				}
			}
			if len(sc.Tags) == 0 {
				p.errorf(v, "tags must not be empty")
			}
		},
		"requires": func(v *yaml.Node) {
			sc.Requires = p.strList(v, "requires")
			for i, r := range sc.Requires {
				if !isTargetVar(r) {
					p.errorf(v.Content[i], "requires: %q is not a target variable (known: %s)", r, strings.Join(TargetVarNames(), ", "))
				}
			}
		},
		"steps": func(v *yaml.Node) {
			if p.kind(v, yaml.SequenceNode, "steps must be a list of steps") {
				for _, s := range v.Content {
					if st := p.step(s); st != nil {
						sc.Steps = append(sc.Steps, st)
					}
				}
				if len(v.Content) == 0 {
					p.errorf(v, "steps must not be empty")
				}
			}
		},
		"cleanup": func(v *yaml.Node) {
			if p.kind(v, yaml.SequenceNode, "cleanup must be a list of steps") {
				for _, s := range v.Content {
					if st := p.step(s); st != nil {
						sc.Cleanup = append(sc.Cleanup, st)
					}
				}
			}
		},
	}, "name", "tags", "steps")
	if len(p.errs) > before {
		return nil
	}
	p.checkVariables(sc)
	if len(p.errs) > before {
		return nil
	}
	return sc
}

// checkVariables makes sure every captured variable a step uses is captured
// by an earlier step (for cleanup steps: by any step).
func (p *parser) checkVariables(sc *Scenario) {
	captured := map[string]bool{}
	check := func(st *Step, phase string) {
		for _, t := range st.templates() {
			for _, e := range t.exprs() {
				if e.isCapture() && !captured[e.name] {
					p.errorf(&yaml.Node{Line: st.Line}, "scenario %q, %s %q: {{%s}} is not captured by an earlier step",
						sc.Name, phase, st.Name, e.name)
				}
			}
		}
		for _, c := range st.Capture {
			captured[c.Var] = true
		}
	}
	for _, st := range sc.Steps {
		check(st, "step")
	}
	for _, st := range sc.Cleanup {
		check(st, "cleanup step")
	}
}

func (p *parser) step(n *yaml.Node) *Step {
	st := &Step{Line: n.Line, Throttle: true, Retry429: true}
	p.mapping(n, "a step", map[string]func(*yaml.Node){
		"name":        func(v *yaml.Node) { st.Name = p.str(v, "name") },
		"operationId": func(v *yaml.Node) { st.OperationID = p.operationID(v) },
		"request":     func(v *yaml.Node) { st.Request = p.request(v) },
		"expect":      func(v *yaml.Node) { st.Expect = p.expect(v) },
		"capture": func(v *yaml.Node) {
			if p.kind(v, yaml.MappingNode, "capture must be a mapping of variable names to JSON paths (or header:Name)") {
				st.Capture = p.captures(v)
			}
		},
		"eventually": func(v *yaml.Node) {
			e := &Eventually{Attempts: 10, Interval: time.Second}
			p.mapping(v, "eventually", map[string]func(*yaml.Node){
				"attempts": func(a *yaml.Node) { e.Attempts = p.integer(a, "attempts", 2) },
				"interval": func(a *yaml.Node) { e.Interval = p.duration(a, "interval") },
			})
			st.Eventually = e
		},
		"repeat": func(v *yaml.Node) {
			r := &Repeat{Concurrency: 1}
			p.mapping(v, "repeat", map[string]func(*yaml.Node){
				"count":       func(a *yaml.Node) { r.Count = p.integer(a, "count", 1) },
				"concurrency": func(a *yaml.Node) { r.Concurrency = p.integer(a, "concurrency", 1) },
				"until":       func(a *yaml.Node) { r.Until = p.integer(a, "until", 100) },
			}, "count", "until")
			st.Repeat = r
		},
		"walk":     func(v *yaml.Node) { st.Walk = p.walk(v) },
		"throttle": func(v *yaml.Node) { st.Throttle = p.boolean(v, "throttle") },
		"wait":     func(v *yaml.Node) { st.Wait = p.duration(v, "wait") },
		"retry429": func(v *yaml.Node) { st.Retry429 = p.boolean(v, "retry429") },
	}, "name", "request", "expect")
	if st.Repeat != nil && st.Eventually != nil {
		p.errorf(n, "step %q: repeat and eventually cannot be combined", st.Name)
	}
	if st.Walk != nil && (st.Repeat != nil || st.Eventually != nil) {
		p.errorf(n, "step %q: walk cannot be combined with repeat or eventually (wait for the list in a step before)", st.Name)
	}
	return st
}

func (p *parser) duration(n *yaml.Node, what string) time.Duration {
	s := p.str(n, what)
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		p.errorf(n, "%s must be a duration such as 500ms or 2s, not %q", what, s)
	}
	return d
}

var methods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

func (p *parser) request(n *yaml.Node) Request {
	var r Request
	p.mapping(n, "request", map[string]func(*yaml.Node){
		"method": func(v *yaml.Node) {
			r.Method = p.str(v, "method")
			if r.Method != "" && !slices.Contains(methods, r.Method) {
				p.errorf(v, "method %q is not one of %s", r.Method, strings.Join(methods, ", "))
			}
		},
		"path": func(v *yaml.Node) {
			r.Path = p.tmpl(v, "path")
			if r.Path != nil && !strings.HasPrefix(r.Path.raw, "/") {
				p.errorf(v, "path %q must start with /", r.Path.raw)
			}
			if r.Path != nil && strings.ContainsAny(r.Path.raw, "?#") {
				p.errorf(v, "path %q: put query parameters under query:", r.Path.raw)
			}
		},
		"query": func(v *yaml.Node) {
			if !p.kind(v, yaml.MappingNode, "query must be a mapping of parameter names to values") {
				return
			}
			for i := 0; i+1 < len(v.Content); i += 2 {
				name := v.Content[i].Value
				if t := p.tmpl(v.Content[i+1], "query parameter "+name); t != nil {
					r.Query = append(r.Query, queryParam{name: name, val: t})
				}
			}
		},
		"headers": func(v *yaml.Node) {
			if !p.kind(v, yaml.MappingNode, "headers must be a mapping of header names to values (null removes a header)") {
				return
			}
			for i := 0; i+1 < len(v.Content); i += 2 {
				name, val := v.Content[i].Value, v.Content[i+1]
				if val.Kind == yaml.ScalarNode && val.Tag == "!!null" {
					r.Headers = append(r.Headers, headerSpec{name: name, remove: true})
					continue
				}
				if t := p.tmpl(val, "header "+name); t != nil {
					r.Headers = append(r.Headers, headerSpec{name: name, val: t})
				}
			}
		},
		"body": func(v *yaml.Node) {
			val := p.value(v)
			r.Body = &val
		},
		"form": func(v *yaml.Node) {
			if !p.kind(v, yaml.MappingNode, "form must be a mapping of field names to values") {
				return
			}
			for i := 0; i+1 < len(v.Content); i += 2 {
				name := v.Content[i].Value
				if t := p.tmpl(v.Content[i+1], "form field "+name); t != nil {
					r.Form = append(r.Form, queryParam{name: name, val: t})
				}
			}
		},
	}, "method", "path")
	return r
}

// value converts a YAML node to a JSON value whose strings are templates.
// Scalars keep YAML's types except timestamps, which stay text (2021-07-28).
func (p *parser) value(n *yaml.Node) value {
	switch n.Kind {
	case yaml.AliasNode:
		return p.value(n.Alias)
	case yaml.SequenceNode:
		out := make([]value, len(n.Content))
		for i, el := range n.Content {
			out[i] = p.value(el)
		}
		return value{v: out}
	case yaml.MappingNode:
		out := make([]kv, 0, len(n.Content)/2)
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			if seen[k] {
				p.errorf(n.Content[i], "key %q is given twice", k)
			}
			seen[k] = true
			out = append(out, kv{key: k, val: p.value(n.Content[i+1])})
		}
		return value{v: out}
	}
	switch n.Tag {
	case "!!null":
		return value{}
	case "!!bool":
		return value{v: n.Value == "true"}
	case "!!int":
		i, err := strconv.ParseInt(n.Value, 0, 64)
		if err != nil {
			p.errorf(n, "%q is not a number", n.Value)
		}
		return value{v: i}
	case "!!float":
		f, err := strconv.ParseFloat(n.Value, 64)
		if err != nil {
			p.errorf(n, "%q is not a number", n.Value)
		}
		return value{v: f}
	}
	t, err := parseTemplate(n.Value)
	if err != nil {
		p.errorf(n, "%v", err)
		return value{v: &template{raw: n.Value, parts: []tmplPart{{lit: n.Value}}}}
	}
	return value{v: t}
}

func (p *parser) expect(n *yaml.Node) Expect {
	var e Expect
	p.mapping(n, "expect", map[string]func(*yaml.Node){
		"status": func(v *yaml.Node) {
			switch v.Kind {
			case yaml.SequenceNode:
				for _, el := range v.Content {
					e.Status = append(e.Status, p.status(el))
				}
			default:
				e.Status = append(e.Status, p.status(v))
			}
		},
		"headers": func(v *yaml.Node) {
			if !p.kind(v, yaml.MappingNode, "expect.headers must be a mapping of header names to matchers") {
				return
			}
			for i := 0; i+1 < len(v.Content); i += 2 {
				k := v.Content[i]
				e.Headers = append(e.Headers, Assertion{Header: k.Value, Matcher: p.matcher(v.Content[i+1]), Line: k.Line})
			}
		},
		"body": func(v *yaml.Node) {
			if !p.kind(v, yaml.MappingNode, "expect.body must be a mapping of JSON paths to matchers") {
				return
			}
			for i := 0; i+1 < len(v.Content); i += 2 {
				k := v.Content[i]
				path, err := ParsePath(k.Value)
				if err != nil {
					p.errorf(k, "%v", err)
					continue
				}
				e.Body = append(e.Body, Assertion{Path: path, Matcher: p.matcher(v.Content[i+1]), Line: k.Line})
			}
		},
	}, "status")
	return e
}

func (p *parser) status(n *yaml.Node) int {
	s := p.integer(n, "status", 100)
	if s > 599 {
		p.errorf(n, "status %d is not an HTTP status", s)
	}
	return s
}

// matcher reads a matcher: a mapping of checks, or a plain value to equal.
func (p *parser) matcher(n *yaml.Node) *Matcher {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind != yaml.MappingNode {
		return &Matcher{checks: []check{{op: "equals", arg: p.value(n)}}}
	}
	m := &Matcher{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		op := k.Value
		if !slices.Contains(matcherOps, op) {
			p.errorf(k, "unknown matcher %q (known: %s; to compare with an object write equals: {...})", op, strings.Join(matcherOps, ", "))
			continue
		}
		c := check{op: op}
		switch op {
		case "each":
			c.sub = p.matcher(v)
		case "present", "absent":
			c.arg = value{v: p.boolean(v, op)}
			if op == "absent" && c.arg.v != true {
				p.errorf(v, "absent: only true makes sense (use present: true)")
			}
		case "type":
			t := p.str(v, "type")
			if t != "" && !slices.Contains(jsonTypes, t) {
				p.errorf(v, "type %q is not one of %s", t, strings.Join(jsonTypes, ", "))
			}
			c.arg = value{v: &template{raw: t, parts: []tmplPart{{lit: t}}}}
		case "length", "gte", "lte", "gt", "lt":
			c.arg = p.value(v)
			if _, ok := c.arg.v.(*template); !ok {
				if _, isNum := toFloat(c.arg.v); !isNum {
					p.errorf(v, "%s needs a number", op)
				}
			}
		case "in", "notIn", "containsAll":
			c.arg = p.value(v)
			if _, isTmpl := c.arg.v.(*template); !isTmpl {
				if _, isList := c.arg.v.([]value); !isList {
					p.errorf(v, "%s needs a list (or a {{variable}} holding one)", op)
				}
			}
		case "after", "before":
			c.arg = p.value(v)
			if t, ok := c.arg.v.(*template); ok && !t.hasExpr() {
				if _, isTime := toTime(t.raw); !isTime {
					p.errorf(v, "%s needs a timestamp such as 2026-05-05T15:12:41.809Z, {{now}} or a captured one, not %q", op, t.raw)
				}
			} else if _, isNum := toFloat(c.arg.v); !ok && !isNum {
				p.errorf(v, "%s needs a timestamp (text or epoch milliseconds)", op)
			}
		case "lowerCaseOf":
			c.arg = p.value(v)
			t, ok := c.arg.v.(*template)
			switch {
			case !ok:
				p.errorf(v, "lowerCaseOf needs the input as text")
			case !t.hasExpr() && strings.ToLower(t.raw) == t.raw:
				p.errorf(v, "lowerCaseOf %q: the input is lower-case already, so the check proves nothing", t.raw)
			}
		case "matches":
			c.arg = p.value(v)
			if t, ok := c.arg.v.(*template); ok && !t.hasExpr() {
				re, err := regexp.Compile(t.raw)
				if err != nil {
					p.errorf(v, "matches: %v", err)
				}
				c.re = re
			}
		default:
			c.arg = p.value(v)
		}
		m.checks = append(m.checks, c)
	}
	if len(m.checks) == 0 {
		p.errorf(n, "an empty matcher checks nothing")
	}
	return m
}

func (p *parser) captures(n *yaml.Node) []Capture {
	var out []Capture
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !identRE.MatchString(k.Value) || isTargetVar(k.Value) || builtinVars[k.Value] {
			p.errorf(k, "capture: %q cannot be a variable name (letters, digits and _, not a target or built-in variable)", k.Value)
			continue
		}
		src := p.str(v, "capture "+k.Value)
		c := Capture{Var: k.Value, Line: k.Line}
		if h, ok := strings.CutPrefix(src, "header:"); ok {
			c.Header = strings.TrimSpace(h)
		} else {
			path, err := ParsePath(src)
			if err != nil {
				p.errorf(v, "capture %s: %v", k.Value, err)
				continue
			}
			c.Path = path
		}
		out = append(out, c)
	}
	return out
}

package contracttest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ghlmock/ghlmock/openapi"
)

// DefaultVersion is the Version header a step sends unless it says otherwise.
const DefaultVersion = "2021-07-28"

// Options configure a run.
type Options struct {
	// Tags select the scenarios that carry any of them; empty selects every
	// scenario except the ratelimit ones.
	Tags []string
	// IncludeRateLimit adds the ratelimit scenarios to the selection.
	IncludeRateLimit bool
	// Seed makes the generated values reproducible.
	Seed int64
	// RunID goes into every generated email, phone and tag; empty means
	// DeriveRunID(Seed).
	RunID string
	// Policy tunes throttling and retries.
	Policy Policy
	// Progress, when set, gets a line per scenario as it finishes.
	Progress io.Writer
	// Spec is the document to validate against; nil means the embedded one.
	Spec *openapi.Spec
	// CleanupTimeout bounds the cleanup after an interrupt (default 2 min).
	CleanupTimeout time.Duration
}

// Run runs the selected scenarios of suite against target, sequentially in
// file order, and reports. The error is for a run that could not start (bad
// tags, an unloadable document); failures of the target are in the report.
//
// When ctx is cancelled (SIGINT), the current scenario stops, its cleanup and
// the deletion of everything the run created still run with a fresh context
// bounded by CleanupTimeout, and the remaining scenarios are reported skipped.
func Run(ctx context.Context, suite *Suite, target *Target, opts Options) (*Report, error) {
	if target == nil {
		return nil, errNoTarget
	}
	if opts.RunID == "" {
		opts.RunID = DeriveRunID(opts.Seed)
	}
	if !ValidRunID(opts.RunID) {
		return nil, fmt.Errorf("run id %q must be 1 to 24 lower-case letters and digits", opts.RunID)
	}
	if opts.CleanupTimeout == 0 {
		opts.CleanupTimeout = 2 * time.Minute
	}
	if opts.Spec == nil {
		spec, err := openapi.Load(context.WithoutCancel(ctx))
		if err != nil {
			return nil, err
		}
		opts.Spec = spec
	}
	selected, notSelected, err := Select(suite, opts.Tags, opts.IncludeRateLimit)
	if err != nil {
		return nil, err
	}
	if target.Clock == nil {
		target.Clock = RealClock{}
	}
	if target.Client == nil {
		target.Client = http.DefaultClient
	}
	r := &runner{
		spec:   opts.Spec,
		target: target,
		client: NewClient(target, opts.Policy),
		gen:    newGenerators(opts.RunID, opts.Seed),
		reg:    &registry{},
		opts:   opts,
	}
	tags := opts.Tags
	if len(tags) == 0 {
		tags = defaultSelection(opts.IncludeRateLimit)
	}
	rep := &Report{Target: target.Name, RunID: opts.RunID, Seed: opts.Seed, Tags: tags,
		Started: time.Now().UTC(), NotSelected: notSelected, Scenarios: []ScenarioResult{}}
	start := time.Now()
	width := 0
	for _, sc := range selected {
		width = max(width, len(sc.Name))
	}
	for _, sc := range selected {
		var res ScenarioResult
		switch {
		case ctx.Err() != nil:
			rep.Interrupted = true
			res = skipped(sc, "the run was interrupted before this scenario")
		case r.abort != "":
			res = skipped(sc, "not run: "+r.abortShort)
		default:
			res = r.runScenario(ctx, sc)
		}
		if ctx.Err() != nil {
			rep.Interrupted = true
		}
		switch res.Status {
		case StatusPass:
			rep.Passed++
		case StatusFail:
			rep.Failed++
		case StatusSkip:
			rep.Skipped++
		}
		rep.Scenarios = append(rep.Scenarios, res)
		if opts.Progress != nil {
			progressLine(opts.Progress, res, width)
		}
	}
	// The final sweep: anything a scenario's own cleanup could not remove.
	cctx, cancel := r.cleanupContext(ctx)
	rep.Failures = append(rep.Failures, r.sweep(cctx, "", "the run")...)
	cancel()
	created, deleted, left := r.reg.counts()
	rep.Cleanup = CleanupSummary{Created: created, Deleted: deleted, LeftBehind: []string{}}
	for _, l := range left {
		rep.Cleanup.LeftBehind = append(rep.Cleanup.LeftBehind, l.String())
	}
	rep.Error = r.abort
	rep.Client = r.client.Stats()
	rep.Departures = rep.Drifts()
	rep.DurationMs = ms(time.Since(start))
	return rep, nil
}

// cleanupContext is the context cleanup runs in: ctx itself while it is
// alive, and a fresh one bounded by CleanupTimeout once it was cancelled.
func (r *runner) cleanupContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), r.opts.CleanupTimeout)
}

func skipped(sc *Scenario, reason string) ScenarioResult {
	return ScenarioResult{Name: sc.Name, File: sc.File, Line: sc.Line, Tags: sc.Tags, Status: StatusSkip, SkipReason: reason}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

type runner struct {
	spec   *openapi.Spec
	target *Target
	client *Client
	gen    *generators
	reg    *registry
	opts   Options
	// abort, once set, stops the run: the target is unreachable or its daily
	// quota is spent. abortShort says so in a few words, for the skips.
	abort, abortShort string
}

func (r *runner) runScenario(ctx context.Context, sc *Scenario) ScenarioResult {
	res := ScenarioResult{Name: sc.Name, File: sc.File, Line: sc.Line, Tags: sc.Tags, Status: StatusPass}
	if missing := r.target.missingVars(sc.Needs()); len(missing) > 0 {
		return skipped(sc, skipReason(missing))
	}
	start := time.Now()
	before := r.client.Stats().Requests
	s := &scope{scenario: sc.Name, target: r.target, gen: r.gen, clock: r.target.Clock, captured: map[string]any{}}
	stopped := ""
	for i, st := range sc.Steps {
		if stopped == "" && ctx.Err() != nil {
			stopped = "the run was interrupted"
			res.Failures = append(res.Failures, Failure{Scenario: sc.Name, File: sc.File, Line: st.Line, Phase: PhaseStep,
				StepIndex: i + 1, Step: st.Name, Where: "run", Expected: "the scenario to finish", Found: "interrupted (SIGINT)", Source: SourceRunner})
		}
		if stopped != "" {
			res.Steps = append(res.Steps, StepResult{Index: i + 1, Name: st.Name, Phase: PhaseStep, NotRun: stopped})
			continue
		}
		sr, fails, fatal := r.runStep(ctx, sc, i+1, st, PhaseStep, s)
		res.Steps = append(res.Steps, sr)
		res.Failures = append(res.Failures, fails...)
		if fatal {
			stopped = fmt.Sprintf("step %d failed", i+1)
		}
	}
	// Cleanup always runs, in a context that outlives an interrupt: first the
	// tasks and notes this scenario created (GHL keeps a deleted contact's
	// tasks), then the scenario's own cleanup steps, then its contacts.
	cctx, cancel := r.cleanupContext(ctx)
	defer cancel()
	res.Failures = append(res.Failures, r.sweepKinds(cctx, sc, "task", "note")...)
	for i, st := range sc.Cleanup {
		sr, fails, _ := r.runStep(cctx, sc, i+1, st, PhaseCleanup, s)
		res.Steps = append(res.Steps, sr)
		res.Failures = append(res.Failures, fails...)
	}
	res.Failures = append(res.Failures, r.sweepKinds(cctx, sc, "contact")...)
	if len(res.Failures) > 0 {
		res.Status = StatusFail
	}
	res.Requests = r.client.Stats().Requests - before
	res.DurationMs = ms(time.Since(start))
	return res
}

// sweepKinds deletes the resources of the given kinds a scenario created and
// did not delete itself.
func (r *runner) sweepKinds(ctx context.Context, sc *Scenario, kinds ...string) []Failure {
	var out []Failure
	for _, res := range r.reg.pending(sc.Name, kinds...) {
		out = append(out, r.remove(ctx, sc.Name, sc.File, res)...)
	}
	return out
}

// sweep deletes everything still registered (of one scenario, or all).
func (r *runner) sweep(ctx context.Context, scenario, who string) []Failure {
	var out []Failure
	for _, kinds := range [][]string{{"task", "note"}, {"contact"}} {
		for _, res := range r.reg.pending(scenario, kinds...) {
			out = append(out, r.remove(ctx, who, "", res)...)
		}
	}
	return out
}

// remove deletes one registered resource: 200 (deleted) and 400 (already
// gone: GHL's answer for an unknown id) both take it off the registry.
func (r *runner) remove(ctx context.Context, who, file string, res resource) []Failure {
	path := res.deletePath()
	fail := Failure{Scenario: who, File: file, Phase: PhaseRegistry, Step: res.String(), Method: http.MethodDelete, Path: path}
	op, params, err := r.spec.Match(http.MethodDelete, path)
	if err != nil {
		fail.Where, fail.Expected, fail.Found, fail.Source = "request", "an operation of the document", err.Error(), SourceRunner
		return []Failure{fail}
	}
	fail.OperationID = op.ID
	h := http.Header{}
	h.Set("Authorization", "Bearer "+r.target.Vars["token"])
	h.Set("Version", DefaultVersion)
	h.Set("Accept", "application/json")
	ex, err := r.client.Do(ctx, http.MethodDelete, path, h, nil, SendOptions{Throttle: true, Retry429: true})
	if err != nil {
		fail.Where, fail.Expected, fail.Found, fail.Source = "request", "an answer", err.Error(), SourceTransport
		return []Failure{fail}
	}
	fail.Status = ex.Status
	var out []Failure
	for _, f := range validateAgainstSpec(ctx, op, params, ex) {
		g := fail
		g.Where, g.Expected, g.Found, g.Source = f.where, f.expected, f.found, f.source
		out = append(out, g)
	}
	if ex.Status == http.StatusOK || ex.Status == http.StatusBadRequest {
		r.reg.gone(res, ex.Status)
		return out
	}
	g := fail
	g.Where, g.Expected, g.Found, g.Source = "status", "200 (deleted) or 400 (already gone)", statusWithMessage(ex), SourceRunner
	return append(out, g)
}

// prepared is a step's request with every variable filled in.
type prepared struct {
	method    string
	path      string // escaped
	pathQuery string
	header    http.Header
	body      []byte
}

func (r *runner) prepare(st *Step, s *scope) (*prepared, error) {
	p := &prepared{method: st.Request.Method, header: http.Header{}}
	path, err := expandPath(st.Request.Path, s)
	if err != nil {
		return nil, err
	}
	p.path = path
	var q []string
	for _, qp := range st.Request.Query {
		v, err := qp.val.expandString(s)
		if err != nil {
			return nil, err
		}
		q = append(q, url.QueryEscape(qp.name)+"="+url.QueryEscape(v))
	}
	p.pathQuery = path
	if len(q) > 0 {
		p.pathQuery += "?" + strings.Join(q, "&")
	}
	tok, err := s.resolve("token")
	if err != nil {
		return nil, err
	}
	p.header.Set("Authorization", "Bearer "+stringify(tok))
	p.header.Set("Version", DefaultVersion)
	p.header.Set("Accept", "application/json")
	if st.Request.Body != nil {
		v, err := expandValue(*st.Request.Body, s)
		if err != nil {
			return nil, err
		}
		if p.body, err = json.Marshal(v); err != nil {
			return nil, fmt.Errorf("body: %w", err)
		}
		p.header.Set("Content-Type", "application/json")
	}
	if st.Request.Form != nil {
		form := url.Values{}
		for _, f := range st.Request.Form {
			v, err := f.val.expandString(s)
			if err != nil {
				return nil, err
			}
			form.Add(f.name, v)
		}
		p.body = []byte(form.Encode())
		p.header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, h := range st.Request.Headers {
		if h.remove {
			p.header.Del(h.name)
			continue
		}
		v, err := h.val.expandString(s)
		if err != nil {
			return nil, err
		}
		p.header.Set(h.name, v)
	}
	return p, nil
}

// runStep sends one step and judges its answer. fatal means the scenario
// cannot go on: no answer, a status other than expected, or a capture missing.
//
// The result is named so that the deferred bookkeeping (duration, requests)
// lands in what is returned.
func (r *runner) runStep(ctx context.Context, sc *Scenario, idx int, st *Step, phase string, s *scope) (sr StepResult, _ []Failure, _ bool) {
	sr = StepResult{Index: idx, Name: st.Name, Phase: phase, Method: st.Request.Method}
	base := Failure{Scenario: sc.Name, File: sc.File, Line: st.Line, Phase: phase, StepIndex: idx, Step: st.Name, Method: st.Request.Method}
	failWith := func(fs []finding) []Failure {
		out := make([]Failure, len(fs))
		for i, f := range fs {
			out[i] = base
			out[i].Where, out[i].Expected, out[i].Found, out[i].Source = f.where, f.expected, f.found, f.source
		}
		return out
	}
	start := time.Now()
	defer func() { sr.DurationMs = ms(time.Since(start)) }()

	p, err := r.prepare(st, s)
	if err != nil {
		var nc *errNotCaptured
		if errors.As(err, &nc) {
			sr.NotRun = err.Error()
			return sr, nil, true
		}
		sr.Failed = true
		return sr, failWith([]finding{{where: "request", expected: "a request the step can build", found: err.Error(), source: SourceRunner}}), true
	}
	sr.Path, base.Path = p.path, p.path
	op, params, err := r.spec.Match(p.method, p.path)
	if err != nil {
		sr.Failed = true
		return sr, failWith([]finding{{where: "request", expected: "an operation of the document for " + p.method + " " + p.path,
			found: "none", source: SourceRunner}}), true
	}
	sr.OperationID, base.OperationID = op.ID, op.ID
	if f := routedTo(st, op, r.spec); f != nil {
		sr.Failed = true
		return sr, failWith([]finding{*f}), true
	}
	opt := SendOptions{Throttle: st.Throttle, Retry429: st.Retry429}
	if st.Wait > 0 {
		if err := r.target.Clock.Sleep(ctx, st.Wait); err != nil {
			sr.Failed = true
			return sr, failWith([]finding{{where: "request", expected: "an answer", found: "interrupted (SIGINT)", source: SourceTransport}}), true
		}
	}
	before := r.client.Stats().Requests
	defer func() { sr.Requests = r.client.Stats().Requests - before }()

	var ex *Exchange
	var fs []finding
	var body any
	switch {
	case st.Repeat != nil:
		ex, fs, body, err = r.repeat(ctx, sc, st, p, op, params, s, opt)
	case st.Walk != nil:
		ex, fs, body, err = r.walk(ctx, sc, st, p, op, params, s, opt)
	default:
		attempts, interval := 1, time.Duration(0)
		if st.Eventually != nil {
			attempts, interval = st.Eventually.Attempts, st.Eventually.Interval
		}
		for a := 1; a <= attempts; a++ {
			ex, err = r.client.Do(ctx, p.method, p.pathQuery, p.header, p.body, opt)
			if err != nil {
				break
			}
			body = r.observe(sc, op, params, ex)
			fs = r.judge(ctx, st, op, params, ex, body, s)
			if len(fs) == 0 || a == attempts {
				break
			}
			if err = r.target.Clock.Sleep(ctx, interval); err != nil {
				break
			}
		}
	}
	if err != nil {
		sr.Failed = true
		if errors.Is(err, ErrUnreachable) {
			r.abort = fmt.Sprintf("cannot reach %s: %v", r.target.BaseURL, err)
			r.abortShort = "cannot reach " + r.target.BaseURL
		}
		found := err.Error()
		if ctx.Err() != nil {
			found = "interrupted (SIGINT)"
		}
		return sr, failWith([]finding{{where: "request", expected: "an answer", found: found, source: SourceTransport}}), true
	}
	sr.Status, base.Status = ex.Status, ex.Status
	if ex.Daily429 {
		r.abort = "the daily rate limit is spent (429 with X-RateLimit-Daily-Remaining: 0); a daily 429 is not retried"
		r.abortShort = "the daily rate limit is spent"
	}
	fatal := !slices.Contains(st.Expect.Status, ex.Status)
	if !fatal {
		for _, c := range st.Capture {
			v, found := r.captureValue(c, ex, body)
			if !found {
				fs = append(fs, finding{where: c.where(), expected: "a value to capture into {{" + c.Var + "}}", found: "missing", source: SourceCapture})
				fatal = true
				continue
			}
			s.captured[c.Var] = v
		}
	}
	sr.Failed = len(fs) > 0
	return sr, failWith(fs), fatal
}

func (c Capture) where() string {
	if c.Header != "" {
		return "header " + c.Header
	}
	return c.Path.String()
}

func (r *runner) captureValue(c Capture, ex *Exchange, body any) (any, bool) {
	if c.Header != "" {
		v := ex.Header.Get(c.Header)
		return v, v != ""
	}
	return c.Path.Lookup(body)
}

// observe decodes an answer's body and tells the registry about it.
func (r *runner) observe(sc *Scenario, op *openapi.Operation, params map[string]string, ex *Exchange) any {
	body := decodeJSON(ex.Body)
	r.reg.observe(op.ID, params, ex.Status, body, sc.Name)
	return body
}

// decodeJSON decodes a body keeping numbers exact; nil if it is not JSON.
func decodeJSON(b []byte) any {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil
	}
	return v
}

// judge checks an answer against the document and the step's expectations.
func (r *runner) judge(ctx context.Context, st *Step, op *openapi.Operation, params map[string]string, ex *Exchange, body any, s *scope) []finding {
	var fs []finding
	for _, prev := range ex.Seen {
		for _, f := range validateAgainstSpec(ctx, op, params, prev) {
			f.found += " (in a 429 answer that was retried)"
			fs = append(fs, f)
		}
	}
	fs = append(fs, validateAgainstSpec(ctx, op, params, ex)...)
	return append(fs, r.expectations(st, ex, body, s)...)
}

func (r *runner) expectations(st *Step, ex *Exchange, body any, s *scope) []finding {
	var fs []finding
	if !slices.Contains(st.Expect.Status, ex.Status) {
		want := make([]string, len(st.Expect.Status))
		for i, c := range st.Expect.Status {
			want[i] = strconv.Itoa(c)
		}
		found := statusWithMessage(ex)
		if ex.Daily429 {
			found += " (daily quota spent: X-RateLimit-Daily-Remaining: 0; not retried)"
		}
		fs = append(fs, finding{where: "status", expected: strings.Join(want, " or "), found: found, source: SourceExpect})
	}
	for _, a := range st.Expect.Headers {
		vals := ex.Header.Values(a.Header)
		var v any
		if len(vals) > 0 {
			v = vals[0]
		}
		fs = append(fs, r.apply(a, "header "+a.Header, v, len(vals) > 0, s)...)
	}
	if len(st.Expect.Body) > 0 && body == nil && len(bytes.TrimSpace(ex.Body)) > 0 {
		return append(fs, finding{where: "$", expected: "a JSON body", found: show(string(ex.Body)), source: SourceExpect})
	}
	for _, a := range st.Expect.Body {
		v, found := a.Path.Lookup(body)
		fs = append(fs, r.apply(a, a.Path.String(), v, found, s)...)
	}
	return fs
}

func (r *runner) apply(a Assertion, where string, v any, found bool, s *scope) []finding {
	mms, err := a.Matcher.match(v, found, s)
	if err != nil {
		return []finding{{where: where, expected: "an expectation that can be evaluated", found: err.Error(), source: SourceRunner}}
	}
	out := make([]finding, len(mms))
	for i, m := range mms {
		out[i] = finding{where: where, expected: m.expected, found: m.found, source: SourceExpect}
	}
	return out
}

// statusWithMessage writes a status with the message of an error body.
func statusWithMessage(ex *Exchange) string {
	s := strconv.Itoa(ex.Status)
	if ex.Status >= 400 {
		if m, ok := decodeJSON(ex.Body).(map[string]any); ok && m["message"] != nil {
			s += " (message: " + show(m["message"]) + ")"
		}
	}
	return s
}

// repeat sends a step's request up to Count times, Concurrency at a time,
// until an answer has status Until; every answer is checked against the
// document and the step's expectations apply to the first with status Until.
func (r *runner) repeat(ctx context.Context, sc *Scenario, st *Step, p *prepared, op *openapi.Operation, params map[string]string,
	s *scope, opt SendOptions) (*Exchange, []finding, any, error) {
	rp := st.Repeat
	var (
		mu       sync.Mutex
		sent     int
		hit      *Exchange
		hitBody  any
		statuses = map[int]int{}
		fs       []finding
		seen     = map[finding]bool{}
		firstErr error
		last     *Exchange
	)
	var wg sync.WaitGroup
	for range rp.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				if hit != nil || sent >= rp.Count || firstErr != nil {
					mu.Unlock()
					return
				}
				sent++
				mu.Unlock()
				ex, err := r.client.Do(ctx, p.method, p.pathQuery, p.header, p.body, opt)
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					return
				}
				body := r.observe(sc, op, params, ex)
				spec := validateAgainstSpec(ctx, op, params, ex)
				mu.Lock()
				statuses[ex.Status]++
				last = ex
				for _, f := range spec {
					if !seen[f] {
						seen[f] = true
						fs = append(fs, f)
					}
				}
				if ex.Status == rp.Until && hit == nil {
					hit, hitBody = ex, body
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, nil, nil, firstErr
	}
	if hit == nil {
		return last, append(fs, finding{where: "status", source: SourceExpect,
			expected: fmt.Sprintf("a %d within %d requests", rp.Until, rp.Count), found: "answers " + countStatuses(statuses)}), nil, nil
	}
	return hit, append(fs, r.expectations(st, hit, hitBody, s)...), hitBody, nil
}

func countStatuses(m map[int]int) string {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d×%d", k, m[k])
	}
	return strings.Join(parts, ", ")
}

func pathEscape(s string) string { return url.PathEscape(s) }

// routedTo checks that a step which names its operationId routes there: a
// step whose request matches another operation is not sent, since what it
// would judge is not what it claims to exercise.
func routedTo(st *Step, op *openapi.Operation, spec *openapi.Spec) *finding {
	if st.OperationID == "" || st.OperationID == op.ID {
		return nil
	}
	want := "operationId " + st.OperationID
	if named, ok := spec.Operation(st.OperationID); ok {
		want += " (" + named.Method + " " + named.Path + ")"
	}
	return &finding{where: "request", expected: "a request routed to " + want,
		found: "it routes to " + op.ID + " (" + op.Method + " " + op.Path + ")", source: SourceRunner}
}

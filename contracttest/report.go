package contracttest

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// Status is the outcome of a scenario.
type Status string

// Outcomes of a scenario. A skipped scenario did not run and is never
// counted as passed.
const (
	StatusPass Status = "pass"
	StatusFail Status = "fail"
	StatusSkip Status = "skip"
)

// Phases of a failure.
const (
	PhaseStep     = "step"     // a step of the scenario
	PhaseCleanup  = "cleanup"  // one of its cleanup steps
	PhaseRegistry = "registry" // the runner deleting what the scenario created
)

// Failure is one departure from the contract, named precisely enough to act on.
type Failure struct {
	Scenario    string `json:"scenario"`
	File        string `json:"file,omitempty"`
	Line        int    `json:"line,omitempty"` // of the step in the scenario file
	Phase       string `json:"phase"`
	StepIndex   int    `json:"stepIndex,omitempty"` // from 1
	Step        string `json:"step,omitempty"`
	OperationID string `json:"operationId,omitempty"`
	Method      string `json:"method,omitempty"`
	Path        string `json:"path,omitempty"` // the request path
	Status      int    `json:"status,omitempty"`
	// Where is a JSON path of the body (contact.tags[0]), "status", or
	// "header X-RateLimit-Remaining".
	Where    string `json:"where"`
	Expected string `json:"expected"`
	Found    string `json:"found"`
	// Source says who expected it: the document (spec), the step (expect),
	// a walk across pages (walk), or the runner (runner, transport, capture).
	Source string `json:"source"`
}

// Message is the failure in one line:
//
//	tag-deltas: step 2 "add two tags" add-tags POST /contacts/X/tags → 201: tagsAdded: expected present (required by the document) [spec], found missing
func (f Failure) Message() string {
	var b strings.Builder
	b.WriteString(f.Scenario)
	b.WriteString(": ")
	switch f.Phase {
	case PhaseCleanup:
		fmt.Fprintf(&b, "cleanup step %d %q", f.StepIndex, f.Step)
	case PhaseRegistry:
		b.WriteString("cleanup of " + f.Step)
	default:
		if f.StepIndex > 0 {
			fmt.Fprintf(&b, "step %d %q", f.StepIndex, f.Step)
		} else {
			b.WriteString(f.Step)
		}
	}
	if f.OperationID != "" || f.Method != "" {
		b.WriteString(" ")
		if f.OperationID != "" {
			b.WriteString(f.OperationID + " ")
		}
		b.WriteString(f.Method + " " + f.Path)
		if f.Status != 0 {
			fmt.Fprintf(&b, " → %d", f.Status)
		}
	}
	fmt.Fprintf(&b, ": %s: expected %s [%s], found %s", f.Where, f.Expected, f.Source, f.Found)
	return b.String()
}

// StepResult is what happened to one step.
type StepResult struct {
	Index       int    `json:"index"`
	Name        string `json:"name"`
	Phase       string `json:"phase"`
	OperationID string `json:"operationId,omitempty"`
	Method      string `json:"method,omitempty"`
	Path        string `json:"path,omitempty"`
	Status      int    `json:"status,omitempty"`
	Requests    int    `json:"requests,omitempty"`
	// NotRun says why the step was not sent (an earlier step failed, the run
	// was interrupted); empty when it ran.
	NotRun     string  `json:"notRun,omitempty"`
	Failed     bool    `json:"failed,omitempty"`
	DurationMs float64 `json:"durationMs"`
}

// ScenarioResult is the outcome of one scenario.
type ScenarioResult struct {
	Name       string       `json:"name"`
	File       string       `json:"file"`
	Line       int          `json:"line"`
	Tags       []string     `json:"tags"`
	Status     Status       `json:"status"`
	SkipReason string       `json:"skipReason,omitempty"`
	Steps      []StepResult `json:"steps,omitempty"`
	Failures   []Failure    `json:"failures,omitempty"`
	Requests   int          `json:"requests"`
	DurationMs float64      `json:"durationMs"`
}

// CleanupSummary says what the run created and whether it removed it all.
type CleanupSummary struct {
	Created    int      `json:"created"`
	Deleted    int      `json:"deleted"`
	LeftBehind []string `json:"leftBehind"`
}

// Report is the outcome of a run.
type Report struct {
	Target      string           `json:"target"`
	RunID       string           `json:"runId"`
	Seed        int64            `json:"seed"`
	Tags        []string         `json:"tags"`
	Started     time.Time        `json:"started"`
	DurationMs  float64          `json:"durationMs"`
	Scenarios   []ScenarioResult `json:"scenarios"`
	Passed      int              `json:"passed"`
	Failed      int              `json:"failed"`
	Skipped     int              `json:"skipped"`
	NotSelected int              `json:"notSelected"`
	Interrupted bool             `json:"interrupted,omitempty"`
	// Error is a reason the run as a whole could not go on (target unreachable).
	Error   string         `json:"error,omitempty"`
	Cleanup CleanupSummary `json:"cleanup"`
	// Failures that belong to no scenario (the final cleanup sweep).
	Failures []Failure `json:"failures,omitempty"`
	// Departures groups the failures against the document (see Drifts).
	Departures []Drift     `json:"departures,omitempty"`
	Client     ClientStats `json:"client"`
}

// OK reports whether the run passed: no failure, nothing left behind, not
// interrupted. Skipped scenarios do not make a run fail, nor pass.
func (r *Report) OK() bool {
	return r.Failed == 0 && len(r.Failures) == 0 && !r.Interrupted && r.Error == "" && len(r.Cleanup.LeftBehind) == 0
}

// AllFailures lists every failure of the run.
func (r *Report) AllFailures() []Failure {
	var out []Failure
	for _, s := range r.Scenarios {
		out = append(out, s.Failures...)
	}
	return append(out, r.Failures...)
}

// Scenario returns the result of the named scenario.
func (r *Report) Scenario(name string) (ScenarioResult, bool) {
	for _, s := range r.Scenarios {
		if s.Name == name {
			return s, true
		}
	}
	return ScenarioResult{}, false
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// progressLine writes a scenario's line as the run reaches it: status, file,
// name, steps and time, then one indented line per failure.
func progressLine(w io.Writer, s ScenarioResult, nameWidth int) {
	label := map[Status]string{StatusPass: "PASS", StatusFail: "FAIL", StatusSkip: "SKIP"}[s.Status]
	if s.Status == StatusSkip {
		fmt.Fprintf(w, "%s  %-*s  %s\n", label, nameWidth, s.Name, s.SkipReason)
		return
	}
	ran, total := 0, 0
	for _, st := range s.Steps {
		if st.Phase != PhaseStep {
			continue
		}
		total++
		if st.NotRun == "" {
			ran++
		}
	}
	unit := "steps"
	if total == 1 {
		unit = "step"
	}
	steps := fmt.Sprintf("%d %s", total, unit)
	if ran != total {
		steps = fmt.Sprintf("%d/%d %s", ran, total, unit)
	}
	fmt.Fprintf(w, "%s  %-*s  %-11s %4d req  %s\n", label, nameWidth, s.Name, steps, s.Requests, formatMs(s.DurationMs))
	for i, f := range s.Failures {
		if i == maxProgressFailures {
			fmt.Fprintf(w, "      ... and %d more (all of them in --json and --junit)\n", len(s.Failures)-i)
			break
		}
		fmt.Fprintf(w, "      - %s\n", f.Message())
	}
}

// maxProgressFailures caps the failures listed under one scenario's line: a
// drift that touches every answer would otherwise bury the rest.
const maxProgressFailures = 8

// Drift is one departure from the OpenAPI document, as often as it was seen:
// the same operation, place and expectation across steps and scenarios.
type Drift struct {
	OperationID string   `json:"operationId"`
	Where       string   `json:"where"`
	Expected    string   `json:"expected"`
	Found       string   `json:"found"` // as first seen
	Count       int      `json:"count"`
	Scenarios   []string `json:"scenarios"`
}

// Drifts groups the run's failures against the document (source spec) by
// operation, place and expectation, in order of first appearance.
func (r *Report) Drifts() []Drift {
	var out []Drift
	index := map[[3]string]int{}
	for _, f := range r.AllFailures() {
		if f.Source != SourceSpec {
			continue
		}
		key := [3]string{f.OperationID, f.Where, f.Expected}
		i, ok := index[key]
		if !ok {
			i = len(out)
			index[key] = i
			out = append(out, Drift{OperationID: f.OperationID, Where: f.Where, Expected: f.Expected, Found: f.Found})
		}
		d := &out[i]
		d.Count++
		if !slices.Contains(d.Scenarios, f.Scenario) {
			d.Scenarios = append(d.Scenarios, f.Scenario)
		}
	}
	return out
}

func formatMs(ms float64) string {
	if ms >= 1000 {
		return fmt.Sprintf("%.2fs", ms/1000)
	}
	return fmt.Sprintf("%.0fms", ms)
}

// WriteSummary writes the closing lines of a run: the counts, what cleanup
// did, and how the client spared the rate limits.
func (r *Report) WriteSummary(w io.Writer) {
	for _, f := range r.Failures {
		fmt.Fprintf(w, "FAIL  %s\n", f.Message())
	}
	if drifts := r.Drifts(); len(drifts) > 0 {
		fmt.Fprintf(w, "\nDepartures from the OpenAPI document (%d):\n", len(drifts))
		for _, d := range drifts {
			fmt.Fprintf(w, "  %s %s: expected %s, found %s (%d×, in %s)\n",
				d.OperationID, d.Where, d.Expected, d.Found, d.Count, strings.Join(d.Scenarios, ", "))
		}
	}
	verdict := "PASS"
	if !r.OK() {
		verdict = "FAIL"
	}
	fmt.Fprintf(w, "\n%s: %d passed, %d failed, %d skipped", verdict, r.Passed, r.Failed, r.Skipped)
	if r.NotSelected > 0 {
		fmt.Fprintf(w, ", %d not selected", r.NotSelected)
	}
	fmt.Fprintf(w, " in %s against %s (run %s, seed %d)\n", formatMs(r.DurationMs), r.Target, r.RunID, r.Seed)
	fmt.Fprintf(w, "cleanup: created %d, deleted %d, left behind %d", r.Cleanup.Created, r.Cleanup.Deleted, len(r.Cleanup.LeftBehind))
	if len(r.Cleanup.LeftBehind) > 0 {
		fmt.Fprintf(w, " (%s)", strings.Join(r.Cleanup.LeftBehind, ", "))
	}
	fmt.Fprintln(w)
	c := r.Client
	fmt.Fprintf(w, "rate limits: %d requests, %d throttle waits (%s), %d retries after 429 (%s)\n",
		c.Requests, c.Throttled, c.ThrottleWait.Round(time.Millisecond), c.Retries429, c.BackoffWait.Round(time.Millisecond))
	if r.Interrupted {
		fmt.Fprintln(w, "interrupted: the remaining scenarios were not run; cleanup ran")
	}
	if r.Error != "" {
		fmt.Fprintln(w, "error:", r.Error)
	}
}

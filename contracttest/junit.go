package contracttest

import (
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// JUnit XML as CI systems read it (Jenkins, GitLab, GitHub reporters): one
// <testsuite> in a <testsuites>, a <testcase> per scenario, a <failure> with
// every failure message for a failed one and a <skipped> with the reason for
// a skipped one. Run-level failures (the final cleanup sweep, an unreachable
// target) get a testcase of their own, so that CI shows them too.

// JUnitTestSuites is the root element.
type JUnitTestSuites struct {
	XMLName  xml.Name         `xml:"testsuites"`
	Name     string           `xml:"name,attr"`
	Tests    int              `xml:"tests,attr"`
	Failures int              `xml:"failures,attr"`
	Errors   int              `xml:"errors,attr"`
	Skipped  int              `xml:"skipped,attr"`
	Time     string           `xml:"time,attr"`
	Suites   []JUnitTestSuite `xml:"testsuite"`
}

// JUnitTestSuite is the run.
type JUnitTestSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr"`
	Properties []JUnitProperty `xml:"properties>property"`
	Cases      []JUnitTestCase `xml:"testcase"`
}

// JUnitProperty is a name and value of the run (target, run id, seed).
type JUnitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

// JUnitTestCase is a scenario.
type JUnitTestCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Time      string        `xml:"time,attr"`
	Failure   *JUnitFailure `xml:"failure,omitempty"`
	Skipped   *JUnitSkipped `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

// JUnitFailure holds a failed scenario's messages: the first as the
// message attribute, all of them in the text.
type JUnitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// JUnitSkipped holds why a scenario did not run.
type JUnitSkipped struct {
	Message string `xml:"message,attr"`
}

func seconds(ms float64) string { return strconv.FormatFloat(ms/1000, 'f', 3, 64) }

// JUnit converts the report.
func (r *Report) JUnit() JUnitTestSuites {
	suite := JUnitTestSuite{
		Name:      "ghlmock contract (" + r.Target + ")",
		Time:      seconds(r.DurationMs),
		Timestamp: r.Started.Format("2006-01-02T15:04:05"),
		Properties: []JUnitProperty{
			{Name: "target", Value: r.Target},
			{Name: "runId", Value: r.RunID},
			{Name: "seed", Value: strconv.FormatInt(r.Seed, 10)},
			{Name: "tags", Value: strings.Join(r.Tags, ",")},
		},
	}
	for _, s := range r.Scenarios {
		tc := JUnitTestCase{
			Name:      s.Name,
			ClassName: "contract." + strings.TrimSuffix(s.File, path.Ext(s.File)),
			File:      "fixtures/scenarios/" + s.File,
			Line:      s.Line,
			Time:      seconds(s.DurationMs),
		}
		switch s.Status {
		case StatusSkip:
			tc.Skipped = &JUnitSkipped{Message: s.SkipReason}
			suite.Skipped++
		case StatusFail:
			tc.Failure = failureElement(s.Failures)
			suite.Failures++
		}
		var out strings.Builder
		for _, st := range s.Steps {
			fmt.Fprintf(&out, "%s %d %s: %s %s", st.Phase, st.Index, st.Name, st.OperationID, st.Method)
			if st.Path != "" {
				fmt.Fprintf(&out, " %s", st.Path)
			}
			switch {
			case st.NotRun != "":
				fmt.Fprintf(&out, " not run: %s", st.NotRun)
			case st.Status != 0:
				fmt.Fprintf(&out, " → %d", st.Status)
			}
			out.WriteByte('\n')
		}
		tc.SystemOut = out.String()
		suite.Cases = append(suite.Cases, tc)
	}
	if len(r.Failures) > 0 || r.Error != "" || len(r.Cleanup.LeftBehind) > 0 {
		fails := r.Failures
		if r.Error != "" {
			fails = append(fails, Failure{Scenario: "the run", Where: "run", Expected: "to reach the end", Found: r.Error, Source: SourceRunner})
		}
		for _, left := range r.Cleanup.LeftBehind {
			fails = append(fails, Failure{Scenario: "the run", Phase: PhaseRegistry, Step: left, Where: "cleanup",
				Expected: "deleted", Found: "left behind", Source: SourceRunner})
		}
		suite.Cases = append(suite.Cases, JUnitTestCase{Name: "cleanup and run", ClassName: "contract.run",
			Time: "0.000", Failure: failureElement(fails)})
		suite.Failures++
	}
	suite.Tests = len(suite.Cases)
	return JUnitTestSuites{Name: "ghlmock contract", Tests: suite.Tests, Failures: suite.Failures,
		Skipped: suite.Skipped, Time: suite.Time, Suites: []JUnitTestSuite{suite}}
}

func failureElement(fails []Failure) *JUnitFailure {
	if len(fails) == 0 {
		return &JUnitFailure{Message: "failed", Type: SourceRunner}
	}
	lines := make([]string, len(fails))
	for i, f := range fails {
		lines[i] = f.Message()
	}
	return &JUnitFailure{Message: lines[0], Type: fails[0].Source, Text: strings.Join(lines, "\n")}
}

// WriteJUnit writes the report as JUnit XML.
func (r *Report) WriteJUnit(w io.Writer) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(r.JUnit()); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

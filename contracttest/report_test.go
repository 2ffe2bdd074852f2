package contracttest_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/contracttest"
)

// driftedReport is a run with failures (create-contact answers 200) and skips
// (no user id), the material of the report tests.
func driftedReport(t *testing.T) *contracttest.Report {
	t.Helper()
	tg := mock(t, drift(t, func(_ *http.Request, a *answer) {
		if a.opID == "create-contact" && a.status == http.StatusCreated {
			a.status = http.StatusOK
		}
	}))
	delete(tg.Vars, "userId")
	var progress bytes.Buffer
	rep := run(t, suite(t), tg, contracttest.Options{Progress: &progress})
	require.Positive(t, rep.Failed)
	require.Positive(t, rep.Skipped)
	require.Positive(t, rep.Passed)
	lines := strings.Split(strings.TrimSpace(progress.String()), "\n")
	scenarioLines := 0
	for _, l := range lines {
		if strings.HasPrefix(l, "PASS  ") || strings.HasPrefix(l, "FAIL  ") || strings.HasPrefix(l, "SKIP  ") {
			scenarioLines++
		}
	}
	assert.Equal(t, len(rep.Scenarios), scenarioLines, "one progress line per scenario:\n%s", progress.String())
	assert.Contains(t, progress.String(), "SKIP  followers")
	assert.Contains(t, progress.String(), "--user-id")
	assert.Regexp(t, `FAIL  contact-lifecycle +1/\d+ steps +\d+ req`, progress.String())
	assert.Contains(t, progress.String(), `- contact-lifecycle: step 1 "create a contact" create-contact POST /contacts/ → 200: status: expected 201 [expect], found 200`)
	return rep
}

// TestJUnitLoadsAsCISystemsReadIt unmarshals the JUnit XML: one testsuite,
// a testcase per scenario, failures with their messages, skips with reasons.
func TestJUnitLoadsAsCISystemsReadIt(t *testing.T) {
	t.Parallel()
	rep := driftedReport(t)
	var buf bytes.Buffer
	require.NoError(t, rep.WriteJUnit(&buf))
	assert.True(t, strings.HasPrefix(buf.String(), `<?xml version="1.0" encoding="UTF-8"?>`))

	var doc struct {
		XMLName  xml.Name `xml:"testsuites"`
		Tests    int      `xml:"tests,attr"`
		Failures int      `xml:"failures,attr"`
		Skipped  int      `xml:"skipped,attr"`
		Suites   []struct {
			Name       string `xml:"name,attr"`
			Tests      int    `xml:"tests,attr"`
			Failures   int    `xml:"failures,attr"`
			Skipped    int    `xml:"skipped,attr"`
			Time       string `xml:"time,attr"`
			Properties []struct {
				Name  string `xml:"name,attr"`
				Value string `xml:"value,attr"`
			} `xml:"properties>property"`
			Cases []struct {
				Name      string `xml:"name,attr"`
				ClassName string `xml:"classname,attr"`
				Time      string `xml:"time,attr"`
				Failure   *struct {
					Message string `xml:"message,attr"`
					Type    string `xml:"type,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
				Skipped *struct {
					Message string `xml:"message,attr"`
				} `xml:"skipped"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(buf.Bytes(), &doc), buf.String())
	require.Len(t, doc.Suites, 1, "one testsuite")
	s := doc.Suites[0]
	assert.Len(t, s.Cases, len(rep.Scenarios))
	assert.Equal(t, len(rep.Scenarios), s.Tests)
	assert.Equal(t, rep.Failed, s.Failures)
	assert.Equal(t, rep.Skipped, s.Skipped)
	assert.Equal(t, s.Tests, doc.Tests)
	assert.NotEmpty(t, s.Time)
	assert.Contains(t, s.Properties, struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	}{"runId", rep.RunID})

	failed, skipped := 0, 0
	for i, c := range s.Cases {
		res := rep.Scenarios[i]
		assert.Equal(t, res.Name, c.Name)
		assert.Equal(t, "contract."+strings.TrimSuffix(res.File, ".yaml"), c.ClassName)
		switch res.Status {
		case contracttest.StatusFail:
			failed++
			require.NotNil(t, c.Failure, c.Name)
			assert.Nil(t, c.Skipped)
			assert.Equal(t, res.Failures[0].Message(), c.Failure.Message)
			for _, f := range res.Failures {
				assert.Contains(t, c.Failure.Text, f.Message())
			}
		case contracttest.StatusSkip:
			skipped++
			require.NotNil(t, c.Skipped, c.Name)
			assert.Nil(t, c.Failure)
			assert.Equal(t, res.SkipReason, c.Skipped.Message)
		default:
			assert.Nil(t, c.Failure, c.Name)
			assert.Nil(t, c.Skipped, c.Name)
		}
	}
	assert.Equal(t, rep.Failed, failed)
	assert.Equal(t, rep.Skipped, skipped)
}

func TestJSONReportRoundTrips(t *testing.T) {
	t.Parallel()
	rep := driftedReport(t)
	var buf bytes.Buffer
	require.NoError(t, rep.WriteJSON(&buf))
	var back contracttest.Report
	require.NoError(t, json.Unmarshal(buf.Bytes(), &back))
	assert.Equal(t, rep.RunID, back.RunID)
	assert.Equal(t, rep.Failed, back.Failed)
	assert.Equal(t, rep.AllFailures(), back.AllFailures())
	require.NotEmpty(t, back.Departures)
	assert.Equal(t, "create-contact", back.Departures[0].OperationID)
	assert.Equal(t, "status", back.Departures[0].Where)
	assert.Greater(t, back.Departures[0].Count, 1, "the same drift, seen in every scenario that creates a contact, is one departure")
}

func TestSummarySaysWhatHappened(t *testing.T) {
	t.Parallel()
	rep := driftedReport(t)
	var buf bytes.Buffer
	rep.WriteSummary(&buf)
	out := buf.String()
	assert.Contains(t, out, "Departures from the OpenAPI document (1):")
	assert.Contains(t, out, "create-contact status: expected a status the document declares for create-contact")
	assert.Regexp(t, `FAIL: \d+ passed, \d+ failed, \d+ skipped`, out)
	assert.Contains(t, out, "against in-process mock (run "+rep.RunID+", seed 1)")
	assert.Contains(t, out, "left behind 0")
	assert.Contains(t, out, "rate limits: ")
}

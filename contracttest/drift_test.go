package contracttest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ghlmock/ghlmock/contracttest"
)

// TestDriftIsReportedByName proves the suite can fail: the mock is wrapped so
// that its answers depart from the contract in one way each, and the report
// must name the scenario, the step, the operationId and the JSON path (or
// header, or status) of the departure. The unchanged mock passes
// (TestSuitePassesAgainstTheMock), so each failure is the drift's doing.
func TestDriftIsReportedByName(t *testing.T) {
	t.Parallel()
	// want is a failure the report must contain; empty fields match anything.
	type want struct {
		scenario, step, opID, where, source string
		found                               string // a substring of Found
	}
	cases := []struct {
		name    string
		rewrite func(r *http.Request, a *answer)
		want    []want
	}{
		{
			name: "drops a field",
			rewrite: func(_ *http.Request, a *answer) {
				if a.opID == "add-tags" {
					delete(a.body, "tagsAdded")
				}
			},
			want: []want{
				{scenario: "tag-deltas", step: "add a tag", opID: "add-tags", where: "tagsAdded", source: contracttest.SourceSpec, found: "missing"},
				{scenario: "tag-deltas", step: "add a tag", opID: "add-tags", where: "tagsAdded", source: contracttest.SourceExpect, found: "missing"},
			},
		},
		{
			name: "changes a type",
			rewrite: func(_ *http.Request, a *answer) {
				if meta, ok := a.body["meta"].(map[string]any); ok && a.opID == "get-contacts" {
					meta["total"] = "167"
				}
			},
			want: []want{
				{scenario: "readonly-browse", step: "list the newest contacts", opID: "get-contacts", where: "meta.total", source: contracttest.SourceSpec, found: `"167"`},
				{scenario: "list-paging", opID: "get-contacts", where: "meta.total", source: contracttest.SourceSpec},
			},
		},
		{
			name: "returns another status",
			rewrite: func(_ *http.Request, a *answer) {
				if a.opID == "create-contact" && a.status == http.StatusCreated {
					a.status = http.StatusOK
				}
			},
			want: []want{
				{scenario: "contact-lifecycle", step: "create a contact", opID: "create-contact", where: "status", source: contracttest.SourceSpec, found: "200"},
				{scenario: "contact-lifecycle", step: "create a contact", opID: "create-contact", where: "status", source: contracttest.SourceExpect, found: "200"},
			},
		},
		{
			name: "unwraps the contact key",
			rewrite: func(_ *http.Request, a *answer) {
				if c, ok := a.body["contact"].(map[string]any); ok && a.opID == "get-contact" {
					a.body = c
				}
			},
			want: []want{
				{scenario: "contact-lifecycle", step: "read it back", opID: "get-contact", where: "contact", source: contracttest.SourceSpec, found: "missing"},
				{scenario: "contact-lifecycle", step: "read it back", opID: "get-contact", where: "contact.id", source: contracttest.SourceExpect, found: "missing"},
				{scenario: "readonly-browse", step: "read the newest contact", opID: "get-contact", where: "contact"},
			},
		},
		{
			name: "omits a rate-limit header",
			rewrite: func(_ *http.Request, a *answer) {
				a.header.Del("X-RateLimit-Remaining")
			},
			want: []want{
				{scenario: "request-errors", step: "no Version header", opID: "get-contacts", where: "header X-RateLimit-Remaining", source: contracttest.SourceSpec, found: "missing"},
				{scenario: "task-lifecycle", step: "create a task", opID: "create-task", where: "header X-RateLimit-Remaining"},
			},
		},
		{
			name: "returns a different error shape",
			rewrite: func(_ *http.Request, a *answer) {
				if a.status >= 400 && a.body != nil {
					a.body = map[string]any{"error": map[string]any{"code": a.status, "detail": a.body["message"]}}
				}
			},
			want: []want{
				{scenario: "request-errors", step: "no Version header", opID: "get-contacts", where: "statusCode", source: contracttest.SourceSpec, found: "missing"},
				{scenario: "request-errors", step: "no Version header", opID: "get-contacts", where: "message", source: contracttest.SourceSpec, found: "missing"},
				{scenario: "duplicate-contact", step: "the same email again", opID: "create-contact", where: "meta.contactId", source: contracttest.SourceExpect},
			},
		},
		{
			name: "answers 404 instead of GHL's 400 for a missing contact",
			rewrite: func(_ *http.Request, a *answer) {
				if msg, _ := a.body["message"].(string); a.status == http.StatusBadRequest && strings.HasPrefix(msg, "Contact not found") {
					a.status = http.StatusNotFound
					a.body["statusCode"] = float64(http.StatusNotFound)
					a.body["error"] = "Not Found"
				}
			},
			want: []want{
				{scenario: "contact-lifecycle", step: "a deleted contact is a 400, not a 404", opID: "get-contact", where: "status", source: contracttest.SourceSpec, found: "404"},
				{scenario: "contact-lifecycle", step: "a deleted contact is a 400, not a 404", opID: "get-contact", where: "status", source: contracttest.SourceExpect, found: "404"},
			},
		},
		{
			name: "formats a date differently",
			rewrite: func(_ *http.Request, a *answer) {
				if c, ok := a.body["contact"].(map[string]any); ok && a.opID == "get-contact" {
					if d, ok := c["dateAdded"].(string); ok && len(d) >= 19 {
						c["dateAdded"] = strings.Replace(d[:19], "T", " ", 1) // 2026-06-01 12:00:00
					}
				}
			},
			want: []want{
				{scenario: "contact-lifecycle", step: "read it back", opID: "get-contact", where: "contact.dateAdded", source: contracttest.SourceSpec},
				{scenario: "contact-lifecycle", step: "read it back", opID: "get-contact", where: "contact.dateAdded", source: contracttest.SourceExpect},
			},
		},
	}
	s := suite(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rep := run(t, s, mock(t, drift(t, tc.rewrite)), contracttest.Options{})
			assert.False(t, rep.OK(), "a drifted server must fail the run")
			assert.Positive(t, rep.Failed)
			fails := rep.AllFailures()
			t.Logf("the drift report (go test -v shows it):\n%s", failuresText(rep))
			for _, w := range tc.want {
				found := false
				for _, f := range fails {
					if (w.scenario == "" || f.Scenario == w.scenario) && (w.step == "" || f.Step == w.step) &&
						(w.opID == "" || f.OperationID == w.opID) && f.Where == w.where &&
						(w.source == "" || f.Source == w.source) && strings.Contains(f.Found, w.found) {
						found = true
						// The one-line message names all of it too.
						msg := f.Message()
						for _, part := range []string{f.Scenario, f.Step, f.OperationID, f.Where} {
							assert.Contains(t, msg, part)
						}
						break
					}
				}
				assert.True(t, found, "no failure %+v in:\n%s", w, failuresText(rep))
			}
			assert.Empty(t, rep.Cleanup.LeftBehind, "even a drifted run cleans up")
		})
	}
}

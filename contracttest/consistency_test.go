package contracttest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ghlmock/ghlmock/contracttest"
)

// TestDriftInConsistentValuesIsCaught feeds the suite answers that keep the
// document's shape (every field there, of the right type) but lose a value a
// real API keeps consistent: counters that stand still, totals that disagree
// with the pages, a page that comes twice, a link that goes nowhere,
// timestamps that do not move (or move when they must not), an error body
// with one key wrong, a lower-cased field that is not. The suite must name
// each. The unchanged mock passes (TestSuitePassesAgainstTheMock), so every
// failure is the drift's doing.
func TestDriftInConsistentValuesIsCaught(t *testing.T) {
	t.Parallel()
	type want struct {
		scenario, step, where, source string
		found                         string // a substring of Found
	}
	cases := []struct {
		name    string
		request func(r *http.Request) // rewrites the request before the mock sees it
		answer  func(r *http.Request, a *answer)
		want    []want
	}{
		// Counters that move as requests are made.
		{
			name:   "the burst counter stands still",
			answer: func(_ *http.Request, a *answer) { a.header.Set("X-RateLimit-Remaining", "99") },
			want: []want{{scenario: "rate-limit-counters", step: "the next request has less left",
				where: "header X-RateLimit-Remaining", source: contracttest.SourceExpect, found: `"99"`}},
		},
		{
			name:   "the daily counter stands still",
			answer: func(_ *http.Request, a *answer) { a.header.Set("X-RateLimit-Daily-Remaining", "150000") },
			want: []want{{scenario: "rate-limit-counters", step: "the next request has less left",
				where: "header X-RateLimit-Daily-Remaining", source: contracttest.SourceExpect, found: `"150000"`}},
		},
		{
			name: "the burst limit changes from one answer to the next",
			answer: func(_ *http.Request, a *answer) {
				if n, err := strconv.Atoi(a.header.Get("X-RateLimit-Remaining")); err == nil && n%2 == 0 {
					a.header.Set("X-RateLimit-Max", "1000")
				}
			},
			want: []want{{scenario: "rate-limit-counters", step: "the next request has less left",
				where: "header X-RateLimit-Max", source: contracttest.SourceExpect}},
		},
		// Totals that agree with the pages.
		{
			name: "the total counts one contact more than the pages hold",
			answer: func(r *http.Request, a *answer) {
				if meta, ok := a.body["meta"].(map[string]any); ok && a.opID == "get-contacts" && r.URL.Query().Get("query") != "" {
					meta["total"] = meta["total"].(float64) + 1
				}
			},
			want: []want{
				{scenario: "list-walk", step: "walk the pages by meta.nextPageUrl", where: "meta.total", source: contracttest.SourceWalk, found: "4"},
				{scenario: "list-walk", step: "walk the pages by the startAfter and startAfterId cursors", where: "meta.total", source: contracttest.SourceWalk, found: "4"},
			},
		},
		{
			name: "the total changes from page to page",
			answer: func(r *http.Request, a *answer) {
				if meta, ok := a.body["meta"].(map[string]any); ok && a.opID == "get-contacts" && r.URL.Query().Get("startAfterId") != "" {
					meta["total"] = meta["total"].(float64) + 1
				}
			},
			want: []want{{scenario: "list-walk", step: "walk the pages by meta.nextPageUrl", where: "meta.total", source: contracttest.SourceWalk,
				found: "4 (page 2"}},
		},
		{
			name: "the list ignores its cursor, so every page is the first",
			request: func(r *http.Request) {
				q := r.URL.Query()
				if r.URL.Path == "/contacts/" && q.Get("startAfterId") != "" {
					q.Del("startAfter")
					q.Del("startAfterId")
					r.URL.RawQuery = q.Encode()
				}
			},
			want: []want{
				{scenario: "list-walk", step: "walk the pages by meta.nextPageUrl", where: "contacts", source: contracttest.SourceWalk, found: "again, first seen on page 1"},
				{scenario: "list-walk", step: "walk the pages by meta.nextPageUrl", where: "walk", source: contracttest.SourceWalk, found: "page 10 still has a next page"},
				{scenario: "list-walk", step: "walk the pages by the startAfter and startAfterId cursors", where: "contacts", source: contracttest.SourceWalk},
			},
		},
		{
			name: "search ignores searchAfter",
			request: func(r *http.Request) {
				if r.URL.Path != "/contacts/search" || r.Body == nil {
					return
				}
				raw, _ := io.ReadAll(r.Body)
				var m map[string]any
				if json.Unmarshal(raw, &m) == nil {
					delete(m, "searchAfter")
					raw, _ = json.Marshal(m)
				}
				r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(raw)), int64(len(raw))
			},
			want: []want{{scenario: "search-contacts", step: "walk every page of the tag by the searchAfter cursor", where: "contacts",
				source: contracttest.SourceWalk, found: "again, first seen on page 1"}},
		},
		// Links that can be followed.
		{
			name: "nextPageUrl points at another host",
			answer: func(_ *http.Request, a *answer) {
				if meta, ok := a.body["meta"].(map[string]any); ok {
					if u, ok := meta["nextPageUrl"].(string); ok {
						meta["nextPageUrl"] = strings.Replace(u, "http://ghlmock.internal", "http://localhost:5058", 1)
					}
				}
			},
			want: []want{{scenario: "list-walk", step: "walk the pages by meta.nextPageUrl", where: "meta.nextPageUrl", source: contracttest.SourceWalk,
				found: "points at http://localhost:5058, not at the target"}},
		},
		{
			name: "nextPageUrl leads to a route no operation has",
			answer: func(_ *http.Request, a *answer) {
				if meta, ok := a.body["meta"].(map[string]any); ok {
					if u, ok := meta["nextPageUrl"].(string); ok {
						meta["nextPageUrl"] = strings.Replace(u, "/contacts/?", "/v2/contacts/?", 1)
					}
				}
			},
			want: []want{{scenario: "list-walk", step: "walk the pages by meta.nextPageUrl", where: "meta.nextPageUrl", source: contracttest.SourceWalk,
				found: "routes to no operation"}},
		},
		{
			name: "nextPageUrl leads to another operation",
			answer: func(_ *http.Request, a *answer) {
				if meta, ok := a.body["meta"].(map[string]any); ok {
					if u, ok := meta["nextPageUrl"].(string); ok {
						meta["nextPageUrl"] = strings.Replace(u, "/contacts/?", "/contacts/list?", 1)
					}
				}
			},
			want: []want{{scenario: "list-walk", step: "walk the pages by meta.nextPageUrl", where: "meta.nextPageUrl", source: contracttest.SourceWalk,
				found: "routes to get-contact"}},
		},
		// Timestamps that move on update.
		{
			name: "an update does not move dateUpdated",
			answer: func(_ *http.Request, a *answer) {
				if c, ok := a.body["contact"].(map[string]any); ok && a.opID == "update-contact" {
					c["dateUpdated"] = c["dateAdded"]
				}
			},
			want: []want{{scenario: "contact-lifecycle", step: "update its city", where: "contact.dateUpdated", source: contracttest.SourceExpect}},
		},
		{
			name: "an update moves dateAdded",
			answer: func(_ *http.Request, a *answer) {
				if c, ok := a.body["contact"].(map[string]any); ok && a.opID == "update-contact" {
					c["dateAdded"] = c["dateUpdated"]
				}
			},
			want: []want{{scenario: "contact-lifecycle", step: "update its city", where: "contact.dateAdded", source: contracttest.SourceExpect}},
		},
		{
			name: "a read reports a dateUpdated other than the update's",
			answer: func(_ *http.Request, a *answer) {
				if c, ok := a.body["contact"].(map[string]any); ok && a.opID == "get-contact" {
					c["dateUpdated"] = "2030-01-01T00:00:00.000Z"
				}
			},
			want: []want{
				{scenario: "contact-lifecycle", step: "the update is stored", where: "contact.dateUpdated", source: contracttest.SourceExpect},
				{scenario: "contact-validation", step: "the refused updates changed nothing", where: "contact.dateUpdated", source: contracttest.SourceExpect},
			},
		},
		// Every key of an error body.
		{
			name: "a 422 says Bad Request",
			answer: func(_ *http.Request, a *answer) {
				if a.status == http.StatusUnprocessableEntity {
					a.body["error"] = "Bad Request"
				}
			},
			want: []want{{scenario: "contact-validation", step: "a malformed email is a 422", where: "error", source: contracttest.SourceExpect, found: `"Bad Request"`}},
		},
		{
			name: "a 400 has no error key",
			answer: func(_ *http.Request, a *answer) {
				if a.status == http.StatusBadRequest {
					delete(a.body, "error")
				}
			},
			want: []want{{scenario: "contact-lifecycle", step: "a deleted contact is a 400, not a 404", where: "error", source: contracttest.SourceExpect, found: "missing"}},
		},
		{
			name: "statusCode disagrees with the status",
			answer: func(_ *http.Request, a *answer) {
				if a.status == http.StatusForbidden {
					a.body["statusCode"] = float64(http.StatusUnauthorized)
				}
			},
			want: []want{{scenario: "foreign-location", step: "list another location's contacts", where: "statusCode", source: contracttest.SourceExpect, found: "401"}},
		},
		{
			name: "the scope answer gains an error key GHL leaves out",
			answer: func(_ *http.Request, a *answer) {
				if a.status == http.StatusUnauthorized && a.body["error"] == nil {
					a.body["error"] = "Unauthorized"
				}
			},
			want: []want{{scenario: "readonly-scope", step: "the read-only token cannot create a contact", where: "error", source: contracttest.SourceExpect, found: `"Unauthorized"`}},
		},
		// A lower-cased field derived from input in capitals.
		{
			name: "emailLowerCase echoes the email as sent",
			answer: func(_ *http.Request, a *answer) {
				if c, ok := a.body["contact"].(map[string]any); ok && c["email"] != nil {
					c["emailLowerCase"] = c["email"]
				}
			},
			want: []want{{scenario: "contact-derived-fields", step: "the derived fields are lower-cased", where: "contact.emailLowerCase", source: contracttest.SourceExpect, found: "GHLMOCK+"}},
		},
		{
			name: "firstNameLowerCase keeps the capitals",
			answer: func(_ *http.Request, a *answer) {
				if c, ok := a.body["contact"].(map[string]any); ok && c["firstName"] != nil {
					c["firstNameLowerCase"] = c["firstName"]
				}
			},
			want: []want{
				{scenario: "contact-derived-fields", step: "the derived fields are lower-cased", where: "contact.firstNameLowerCase", source: contracttest.SourceExpect},
				{scenario: "contact-lifecycle", step: "read it back", where: "contact.firstNameLowerCase", source: contracttest.SourceExpect},
			},
		},
	}
	s := suite(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rewrite := tc.answer
			if rewrite == nil {
				rewrite = func(*http.Request, *answer) {}
			}
			wrapAnswer := drift(t, rewrite)
			wrap := func(next http.Handler) http.Handler {
				inner := wrapAnswer(next)
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if tc.request != nil {
						tc.request(r)
					}
					inner.ServeHTTP(w, r)
				})
			}
			rep := run(t, s, mock(t, wrap), contracttest.Options{})
			assert.False(t, rep.OK(), "a drifted server must fail the run")
			fails := rep.AllFailures()
			for _, w := range tc.want {
				found := false
				for _, f := range fails {
					if f.Scenario == w.scenario && f.Step == w.step && f.Where == w.where && f.Source == w.source && strings.Contains(f.Found, w.found) {
						found = true
						break
					}
				}
				assert.True(t, found, "no failure %+v in:\n%s", w, failuresText(rep))
			}
			assert.Empty(t, rep.Cleanup.LeftBehind, "even a drifted run cleans up")
		})
	}
}

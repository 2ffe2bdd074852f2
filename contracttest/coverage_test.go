package contracttest_test

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/contracttest"
	"github.com/ghlmock/ghlmock/openapi"
)

// stepRef is a step of a scenario with the operation it calls.
type stepRef struct {
	sc   *contracttest.Scenario
	st   *contracttest.Step
	idx  int // in sc.Steps
	op   *openapi.Operation
	main bool // a step, not a cleanup step
}

// steps matches every step of the embedded scenarios to its operation.
func steps(t *testing.T) []stepRef {
	t.Helper()
	sp := spec(t)
	var out []stepRef
	for _, sc := range suite(t).Scenarios {
		for i, st := range sc.Steps {
			op, _, err := sp.Match(st.Method(), st.PathTemplate())
			require.NoError(t, err, "%s: step %q: %s %s is no operation of the document", sc.Name, st.Name, st.Method(), st.RawPath())
			out = append(out, stepRef{sc: sc, st: st, idx: i, op: op, main: true})
		}
		for i, st := range sc.Cleanup {
			op, _, err := sp.Match(st.Method(), st.PathTemplate())
			require.NoError(t, err, "%s: cleanup %q: %s %s is no operation of the document", sc.Name, st.Name, st.Method(), st.RawPath())
			out = append(out, stepRef{sc: sc, st: st, idx: i, op: op})
		}
	}
	return out
}

func expects(st *contracttest.Step, status int) bool {
	return slices.Equal(st.ExpectedStatuses(), []int{status})
}

// messageCheck returns the argument of the step's expectation on message:
// equality, or a contains check.
func messageCheck(st *contracttest.Step) string {
	m, ok := st.BodyAssertion("message")
	if !ok {
		return ""
	}
	for _, op := range []string{"equals", "contains"} {
		if v, ok := m.Arg(op); ok {
			s, _ := v.(string)
			return s
		}
	}
	return ""
}

func writes(op *openapi.Operation) bool { return slices.Contains(op.Scopes, "contacts.write") }

// TestEveryOperationHasAScenarioStep: together the scenarios call every
// operation of the document (in steps, not only in cleanup).
func TestEveryOperationHasAScenarioStep(t *testing.T) {
	t.Parallel()
	covered := map[string]bool{}
	for _, s := range steps(t) {
		if s.main {
			covered[s.op.ID] = true
		}
	}
	var missing []string
	for _, op := range spec(t).Operations() {
		if !covered[op.ID] {
			missing = append(missing, op.ID)
		}
	}
	sort.Strings(missing)
	assert.Empty(t, missing, "operations no scenario step calls")
	assert.Len(t, covered, len(spec(t).Operations()))
}

// TestScenariosCoverGHLErrorAnswers: the scenarios assert each of GHL's
// documented answers that the contract suite is meant to pin down.
func TestScenariosCoverGHLErrorAnswers(t *testing.T) {
	t.Parallel()
	all := steps(t)
	// createdThen reports whether an earlier step of the scenario did op with
	// the same path variable as this step's path.
	earlier := func(s stepRef, opID string, samePath bool) bool {
		for _, o := range all {
			if o.sc == s.sc && o.main && o.idx < s.idx && o.op.ID == opID && (!samePath || o.st.RawPath() == s.st.RawPath()) {
				return true
			}
		}
		return false
	}
	literalToken := regexp.MustCompile(`^Bearer [^{]+$`)
	cases := []struct {
		name string
		is   func(s stepRef) bool
	}{
		{"401 without a token", func(s stepRef) bool {
			return s.st.RemovesHeader("Authorization") && expects(s.st, 401)
		}},
		{"401 with an unknown token", func(s stepRef) bool {
			h, ok := s.st.HeaderTemplate("Authorization")
			return ok && literalToken.MatchString(h) && expects(s.st, 401)
		}},
		{"401 for a missing scope", func(s stepRef) bool {
			h, _ := s.st.HeaderTemplate("Authorization")
			return h == "Bearer {{readonlyToken}}" && writes(s.op) && expects(s.st, 401) &&
				messageCheck(s.st) == "The token is not authorized for this scope."
		}},
		{"401 without the Version header", func(s stepRef) bool {
			return s.st.RemovesHeader("Version") && expects(s.st, 401) && messageCheck(s.st) == "version header was not found."
		}},
		{"403 for another location", func(s stepRef) bool {
			return s.st.UsesVariable("foreignLocationId") && expects(s.st, 403) &&
				messageCheck(s.st) == "The token does not have access to this location."
		}},
		{"400 for a deleted contact", func(s stepRef) bool {
			return s.op.ID == "get-contact" && expects(s.st, 400) && earlier(s, "delete-contact", true)
		}},
		{"400 for another contact's task id", func(s stepRef) bool {
			if s.op.ID != "get-task" || !expects(s.st, 400) {
				return false
			}
			for _, o := range all {
				if o.sc == s.sc && o.op.ID == "create-task" && !strings.HasPrefix(s.st.RawPath(), o.st.RawPath()) {
					return true
				}
			}
			return false
		}},
		{"400 for a deleted task", func(s stepRef) bool {
			return s.op.ID == "get-task" && expects(s.st, 400) && earlier(s, "delete-task", true) &&
				messageCheck(s.st) == "The task id is invalid."
		}},
		{"422: email must be an email", func(s stepRef) bool {
			return expects(s.st, 422) && messageCheck(s.st) == "email must be an email"
		}},
		{"422: property X should not exist", func(s stepRef) bool {
			return expects(s.st, 422) && regexp.MustCompile(`^property \S+ should not exist$`).MatchString(messageCheck(s.st))
		}},
		{"400 for a duplicate contact, with meta", func(s stepRef) bool {
			_, id := s.st.BodyAssertion("meta.contactId")
			_, field := s.st.BodyAssertion("meta.matchingField")
			return s.op.ID == "create-contact" && expects(s.st, 400) && id && field &&
				messageCheck(s.st) == "This location does not allow duplicated contacts." &&
				slices.Contains(s.sc.Requires, "duplicatesDisallowed")
		}},
		{"tags added, with the delta", func(s stepRef) bool {
			_, ok := s.st.BodyAssertion("tagsAdded")
			return s.op.ID == "add-tags" && ok
		}},
		{"tags removed, with the delta", func(s stepRef) bool {
			_, ok := s.st.BodyAssertion("tagsRemoved")
			return s.op.ID == "remove-tags" && ok
		}},
		{"paging with startAfter and startAfterId", func(s stepRef) bool {
			_, a := s.st.QueryTemplate("startAfter")
			_, b := s.st.QueryTemplate("startAfterId")
			_, l := s.st.QueryTemplate("limit")
			return s.op.ID == "get-contacts" && a && b && l && expects(s.st, 200)
		}},
		{"upsert creating (new: true)", func(s stepRef) bool {
			m, ok := s.st.BodyAssertion("new")
			v, _ := m.Arg("equals")
			return s.op.ID == "upsert-contact" && ok && v == true
		}},
		{"upsert updating (new: false)", func(s stepRef) bool {
			m, ok := s.st.BodyAssertion("new")
			v, _ := m.Arg("equals")
			return s.op.ID == "upsert-contact" && ok && v == false
		}},
		{"search with a filter and the searchAfter cursor", func(s stepRef) bool {
			keys := s.st.BodyKeys()
			return s.op.ID == "search-contacts-advanced" && slices.Contains(keys, "filters") && slices.Contains(keys, "searchAfter") && expects(s.st, 200)
		}},
		{"429 past the burst limit", func(s stepRef) bool {
			return s.sc.HasTag(contracttest.TagRateLimit) && expects(s.st, 429) && s.st.Repeat != nil
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			found := false
			for _, s := range all {
				if s.main && tc.is(s) {
					found = true
					break
				}
			}
			assert.True(t, found, "no scenario step asserts %s", tc.name)
		})
	}
}

// TestTagsSayWhatAScenarioDoes: a readonly scenario never writes (a write it
// attempts must expect 401), a scenario whose writes succeed is tagged write,
// and no scenario is both.
func TestTagsSayWhatAScenarioDoes(t *testing.T) {
	t.Parallel()
	for _, s := range steps(t) {
		succeeds := slices.ContainsFunc(s.st.ExpectedStatuses(), func(c int) bool { return c < 300 })
		if s.sc.HasTag(contracttest.TagReadonly) {
			assert.False(t, s.sc.HasTag(contracttest.TagWrite), s.sc.Name)
			if writes(s.op) {
				assert.True(t, expects(s.st, http.StatusUnauthorized),
					"%s is readonly but step %q (%s) may write", s.sc.Name, s.st.Name, s.op.ID)
			}
		}
		if writes(s.op) && succeeds && !s.sc.HasTag(contracttest.TagRateLimit) {
			assert.True(t, s.sc.HasTag(contracttest.TagWrite), "%s writes (%s) but is not tagged write", s.sc.Name, s.op.ID)
		}
	}
}

// TestEveryCreatedContactHasACleanupStep: a contact a step creates and
// captures is deleted by a cleanup step of its scenario (the runner's
// registry deletes it too, but a scenario must not rely on that alone).
func TestEveryCreatedContactHasACleanupStep(t *testing.T) {
	t.Parallel()
	for _, sc := range suite(t).Scenarios {
		for _, st := range sc.Steps {
			op, _, err := spec(t).Match(st.Method(), st.PathTemplate())
			require.NoError(t, err)
			if op.ID != "create-contact" && op.ID != "upsert-contact" {
				continue
			}
			for _, c := range st.Capture {
				if c.Path.String() != "contact.id" {
					continue
				}
				deleted := slices.ContainsFunc(sc.Cleanup, func(cl *contracttest.Step) bool {
					return cl.Method() == http.MethodDelete && cl.RawPath() == "/contacts/{{"+c.Var+"}}"
				})
				assert.True(t, deleted, "%s: {{%s}} (created by %q) has no cleanup step DELETE /contacts/{{%s}}", sc.Name, c.Var, st.Name, c.Var)
			}
		}
	}
}

func TestSelectByTags(t *testing.T) {
	t.Parallel()
	s := suite(t)
	names := func(scs []*contracttest.Scenario) []string {
		var out []string
		for _, sc := range scs {
			out = append(out, sc.Name)
		}
		return out
	}
	withTag := func(tag string) []string {
		var out []string
		for _, sc := range s.Scenarios {
			if sc.HasTag(tag) {
				out = append(out, sc.Name)
			}
		}
		return out
	}
	rl := withTag(contracttest.TagRateLimit)
	require.NotEmpty(t, rl)

	all, notSelected, err := contracttest.Select(s, nil, false)
	require.NoError(t, err)
	assert.Equal(t, len(rl), notSelected)
	for _, n := range rl {
		assert.NotContains(t, names(all), n, "ratelimit scenarios run only when asked for")
	}
	withRL, _, err := contracttest.Select(s, nil, true)
	require.NoError(t, err)
	assert.Len(t, withRL, len(s.Scenarios))

	only, _, err := contracttest.Select(s, []string{contracttest.TagRateLimit}, false)
	require.NoError(t, err)
	assert.Equal(t, rl, names(only))

	ro, _, err := contracttest.Select(s, []string{contracttest.TagReadonly}, false)
	require.NoError(t, err)
	assert.Equal(t, withTag(contracttest.TagReadonly), names(ro))

	_, _, err = contracttest.Select(s, []string{"wrte"}, false)
	assert.ErrorContains(t, err, `unknown tag "wrte"`)
	assert.Equal(t, []string{"readonly", "errors"}, contracttest.ParseTags(" readonly, ,errors"))
}

// TestEveryErrorStepJudgesEveryKeyOfTheBody: a step that expects a GHL error
// judges each key of the error body: statusCode (the answer's own status),
// message, and error (its value, or absent where GHL leaves it out); an
// OAuth-shaped one (the token endpoint's) error and error_description.
func TestEveryErrorStepJudgesEveryKeyOfTheBody(t *testing.T) {
	t.Parallel()
	n := 0
	for _, s := range steps(t) {
		statuses := s.st.ExpectedStatuses()
		if !s.main || len(statuses) != 1 || statuses[0] < 400 {
			continue
		}
		n++
		where := fmt.Sprintf("%s: step %q (%s:%d)", s.sc.Name, s.st.Name, s.sc.File, s.st.Line)
		if _, oauthShaped := s.st.BodyAssertion("error_description"); oauthShaped {
			// The token endpoint speaks OAuth's {"error","error_description"}.
			_, ok := s.st.BodyAssertion("error")
			assert.True(t, ok, "%s does not judge error", where)
			continue
		}
		code, ok := s.st.BodyAssertion("statusCode")
		if assert.True(t, ok, "%s does not judge statusCode", where) {
			v, _ := code.Arg("equals")
			assert.EqualValues(t, statuses[0], v, "%s: statusCode must equal the status", where)
		}
		for _, key := range []string{"message", "error"} {
			_, ok := s.st.BodyAssertion(key)
			assert.True(t, ok, "%s does not judge %s", where, key)
		}
	}
	assert.GreaterOrEqual(t, n, 15, "the error steps were found")
}

package contracttest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/contracttest"
)

// TestSuitePassesAgainstTheMock runs every scenario, the ratelimit ones
// included, against the in-process mock: all pass, none is skipped (the mock
// provides every target variable), and what the run created is gone.
func TestSuitePassesAgainstTheMock(t *testing.T) {
	t.Parallel()
	s := suite(t)
	tg := mock(t, nil)
	rep := run(t, s, tg, contracttest.Options{IncludeRateLimit: true})
	require.True(t, rep.OK(), "failures:\n%s", failuresText(rep))
	assert.Equal(t, len(s.Scenarios), rep.Passed)
	assert.Zero(t, rep.Skipped, "the in-process mock provides every target variable")
	assert.Zero(t, rep.NotSelected)
	for _, sc := range rep.Scenarios {
		assert.Equal(t, contracttest.StatusPass, sc.Status, sc.Name)
		assert.Positive(t, sc.Requests, sc.Name)
		for _, st := range sc.Steps {
			assert.Positive(t, st.Requests, "%s: step %q sent nothing, or its requests were not counted", sc.Name, st.Name)
		}
	}

	// Cleanup: every contact created was deleted, as the API itself tells.
	assert.Positive(t, rep.Cleanup.Created)
	assert.Equal(t, rep.Cleanup.Created, rep.Cleanup.Deleted)
	assert.Empty(t, rep.Cleanup.LeftBehind)
	used := 0
	for n := 1; n <= 60; n++ {
		email := fmt.Sprintf("ghlmock+%s-%d@example.com", rep.RunID, n)
		status, body := get(t, tg, "/contacts/search/duplicate?locationId="+tg.Vars["locationId"]+"&email="+url.QueryEscape(email))
		require.Equal(t, http.StatusOK, status)
		assert.Nil(t, body["contact"], "%s was left behind", email)
		used++
	}
	assert.Equal(t, 60, used)

	// The burst scenario met its 429 and retried after the interval.
	assert.Positive(t, rep.Client.Retries429)
}

// TestReadonlySubsetRunsWithAReadonlyToken: the readonly scenarios pass with
// a token that has only contacts.readonly, and create nothing.
func TestReadonlySubsetRunsWithAReadonlyToken(t *testing.T) {
	t.Parallel()
	s := suite(t)
	tg := mock(t, nil)
	tg.Vars["token"] = tg.Vars["readonlyToken"]
	rep := run(t, s, tg, contracttest.Options{Tags: []string{contracttest.TagReadonly}})
	require.True(t, rep.OK(), "failures:\n%s", failuresText(rep))
	readonly := 0
	for _, sc := range s.Scenarios {
		if sc.HasTag(contracttest.TagReadonly) {
			readonly++
		}
	}
	assert.Equal(t, readonly, rep.Passed)
	assert.Zero(t, rep.Cleanup.Created)
}

// TestTheSameSeedSendsTheSameRequests: two runs with one seed send byte for
// byte the same requests (emails, phones, names, tags, even the mock's ids);
// another seed or run id changes the generated values.
func TestTheSameSeedSendsTheSameRequests(t *testing.T) {
	t.Parallel()
	s := suite(t)
	record := func(opts contracttest.Options) ([]string, *contracttest.Report) {
		rc := &recorder{}
		rep := run(t, s, mock(t, rc.wrap), opts)
		require.Zero(t, rep.Skipped)
		require.Empty(t, rep.Cleanup.LeftBehind)
		return rc.all(), rep
	}
	a, repA := record(contracttest.Options{Seed: 7})
	b, _ := record(contracttest.Options{Seed: 7})
	require.Equal(t, a, b)
	// More than the mock's 100 requests per 10 s went out without a single
	// 429: the client throttled itself (on the fake clock, so at no cost).
	assert.Greater(t, repA.Client.Requests, 100)
	assert.Positive(t, repA.Client.Throttled)
	assert.Zero(t, repA.Client.Retries429)
	assert.Equal(t, contracttest.DeriveRunID(7), repA.RunID)
	assert.Contains(t, strings.Join(a, "\n"), "ghlmock+"+repA.RunID+"-1@example.com")

	c, repC := record(contracttest.Options{Seed: 8})
	assert.NotEqual(t, repA.RunID, repC.RunID)
	assert.NotEqual(t, a, c)
	d, _ := record(contracttest.Options{Seed: 7, RunID: "ci4242"})
	assert.Contains(t, strings.Join(d, "\n"), "ghlmock+ci4242-1@example.com")
	assert.NotContains(t, strings.Join(d, "\n"), repA.RunID)
}

// TestMissingTargetVariablesSkipWithTheReason: a target without a user,
// campaign, workflow, business, foreign location, read-only token or the
// duplicates flag skips exactly the scenarios that need them, names the flag
// and never counts them as passed.
func TestMissingTargetVariablesSkipWithTheReason(t *testing.T) {
	t.Parallel()
	s := suite(t)
	tg := mock(t, nil)
	for _, v := range []string{"userId", "campaignId", "workflowId", "businessId", "foreignLocationId", "readonlyToken"} {
		delete(tg.Vars, v)
	}
	tg.Vars["duplicatesDisallowed"] = "false"
	rep := run(t, s, tg, contracttest.Options{})
	wantSkipped := map[string]string{
		"followers":         "--user-id",
		"campaigns":         "--campaign-id",
		"workflows":         "--workflow-id",
		"business-contacts": "--business-id",
		"readonly-business": "GHL_BUSINESS_ID",
		"foreign-location":  "--foreign-location-id",
		"readonly-scope":    "--readonly-token",
		"duplicate-contact": "--duplicates-disallowed",
	}
	assert.Equal(t, len(wantSkipped), rep.Skipped)
	assert.Equal(t, rep.Passed+rep.Failed+rep.Skipped, len(rep.Scenarios))
	for _, sc := range rep.Scenarios {
		flag, skip := wantSkipped[sc.Name]
		if !skip {
			assert.NotEqual(t, contracttest.StatusSkip, sc.Status, "%s needs none of the missing variables: %s", sc.Name, sc.SkipReason)
			assert.NotEmpty(t, sc.Steps, sc.Name)
			continue
		}
		assert.Equal(t, contracttest.StatusSkip, sc.Status, sc.Name)
		assert.Contains(t, sc.SkipReason, flag, sc.Name)
		assert.Empty(t, sc.Steps, "%s: a skipped scenario sends nothing", sc.Name)
	}
}

// TestInterruptStillCleansUp: the run is cancelled (as SIGINT does) in the
// middle of a scenario; that scenario fails as interrupted, the rest are
// skipped, and everything created so far is deleted all the same.
func TestInterruptStillCleansUp(t *testing.T) {
	t.Parallel()
	s := suite(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var creates atomic.Int32
	var created []string
	tg := mock(t, drift(t, func(r *http.Request, a *answer) {
		if a.opID == "create-contact" && a.status == http.StatusCreated {
			c := a.body["contact"].(map[string]any)
			created = append(created, c["id"].(string))
			// The fourth contact is created, then the user presses Ctrl-C.
			if creates.Add(1) == 4 {
				cancel()
			}
		}
	}))
	rep, err := contracttest.Run(ctx, s, tg, contracttest.Options{Seed: 1, Spec: spec(t)})
	require.NoError(t, err)
	assert.True(t, rep.Interrupted)
	assert.False(t, rep.OK())
	require.Len(t, created, 4)

	var interrupted, skipped int
	for _, sc := range rep.Scenarios {
		for _, f := range sc.Failures {
			if f.Found == "interrupted (SIGINT)" {
				interrupted++
				assert.Equal(t, "duplicate-contact", sc.Name, "the fourth contact is created there")
				break
			}
		}
		if sc.Status == contracttest.StatusSkip {
			skipped++
			assert.Contains(t, sc.SkipReason, "interrupted")
		}
	}
	assert.Equal(t, 1, interrupted, "the scenario running at the interrupt fails as interrupted")
	assert.Positive(t, skipped)
	assert.Empty(t, rep.Cleanup.LeftBehind)
	for _, id := range created {
		status, body := get(t, tg, "/contacts/"+id)
		assert.Equal(t, http.StatusBadRequest, status, "contact %s survived the interrupt: %v", id, body)
	}
}

// TestUnreachableTargetIsAClearError: nothing listens at the base URL; the
// run says so once and skips the rest instead of failing every step.
func TestUnreachableTargetIsAClearError(t *testing.T) {
	t.Parallel()
	tg, err := contracttest.NewRemoteTarget(contracttest.RemoteConfig{
		BaseURL: "http://127.0.0.1:1",
		Vars:    map[string]string{"token": "pit-x", "locationId": "loc"},
	})
	require.NoError(t, err)
	rep := run(t, suite(t), tg, contracttest.Options{})
	assert.False(t, rep.OK())
	assert.Contains(t, rep.Error, "cannot reach http://127.0.0.1:1")
	assert.Equal(t, 1, rep.Failed)
	assert.Equal(t, len(rep.Scenarios)-1, rep.Skipped)
}

func TestNewRemoteTargetChecksItsInput(t *testing.T) {
	t.Parallel()
	ok := map[string]string{"token": "pit-x", "locationId": "loc"}
	cases := []struct {
		name, baseURL string
		vars          map[string]string
		err           string
	}{
		{"not a URL", "services.leadconnectorhq.com", ok, "absolute http(s) URL"},
		{"another scheme", "ftp://example.com", ok, "absolute http(s) URL"},
		{"a query", "https://example.com/?a=b", ok, "query"},
		{"no token", "https://example.com", map[string]string{"locationId": "loc"}, "--token (or GHL_TOKEN)"},
		{"no location", "https://example.com", map[string]string{"token": "t"}, "--location-id (or GHL_LOCATION_ID)"},
		{"bad duplicates flag", "https://example.com", map[string]string{"token": "t", "locationId": "l", "duplicatesDisallowed": "yes"}, "true or false"},
		{"unknown variable", "https://example.com", map[string]string{"token": "t", "locationId": "l", "colour": "red"}, `"colour"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := contracttest.NewRemoteTarget(contracttest.RemoteConfig{BaseURL: tc.baseURL, Vars: tc.vars})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.err)
		})
	}
	tg, err := contracttest.NewRemoteTarget(contracttest.RemoteConfig{BaseURL: "https://services.leadconnectorhq.com/", Vars: ok})
	require.NoError(t, err)
	assert.Equal(t, "https://services.leadconnectorhq.com", tg.BaseURL)
}

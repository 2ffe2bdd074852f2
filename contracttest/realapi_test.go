package contracttest_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/contracttest"
)

// TestRealAPI runs the same scenarios against a real GoHighLevel API when
// GHL_BASE_URL and GHL_TOKEN are set (a sandbox location and its Private
// Integration Token; see the README's Contract suite section for every
// GHL_* variable). It is skipped otherwise: the mock run above never is.
func TestRealAPI(t *testing.T) {
	base, token := os.Getenv("GHL_BASE_URL"), os.Getenv("GHL_TOKEN")
	if base == "" || token == "" {
		t.Skip("the real-API run needs GHL_BASE_URL and GHL_TOKEN (and GHL_LOCATION_ID); the in-process mock run does not")
	}
	vars := map[string]string{}
	for _, v := range contracttest.TargetVars {
		if val := os.Getenv(v.Env); val != "" {
			vars[v.Name] = val
		}
	}
	tg, err := contracttest.NewRemoteTarget(contracttest.RemoteConfig{BaseURL: base, Vars: vars})
	require.NoError(t, err)
	// As for ghlmock contract: GHLMOCK_RUN_ID (give each run its own),
	// GHLMOCK_TAGS and GHLMOCK_INCLUDE_RATELIMIT.
	opts := contracttest.Options{
		Seed:             1,
		RunID:            os.Getenv("GHLMOCK_RUN_ID"),
		Tags:             contracttest.ParseTags(os.Getenv("GHLMOCK_TAGS")),
		IncludeRateLimit: os.Getenv("GHLMOCK_INCLUDE_RATELIMIT") == "true",
		Progress:         testWriter{t},
	}
	rep, err := contracttest.Run(t.Context(), suite(t), tg, opts)
	require.NoError(t, err)
	rep.WriteSummary(testWriter{t})
	for _, sc := range rep.Scenarios {
		if sc.Status == contracttest.StatusSkip {
			t.Logf("skipped %s: %s", sc.Name, sc.SkipReason)
		}
	}
	require.True(t, rep.OK(), "the real API departs from the contract:\n%s", failuresText(rep))
}

// testWriter sends report lines to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p))
	return len(p), nil
}

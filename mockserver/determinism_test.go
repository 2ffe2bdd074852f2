package mockserver_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver"
	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// TestSameSeedSameDaySameData: two mocks on the real clock with the same
// seed, started a second apart, serve the same seeded data, dates included:
// the dates are relative to the start of the UTC day, not to the instant
// each started.
func TestSameSeedSameDaySameData(t *testing.T) {
	export := func() (string, time.Time) {
		day := time.Now().UTC().Truncate(24 * time.Hour)
		srv, err := mockserver.New(mockserver.Config{Seed: 7, ContactsPerLocation: 5})
		require.NoError(t, err)
		ds, err := srv.Store().Export(t.Context())
		require.NoError(t, err)
		b, err := json.Marshal(ds)
		require.NoError(t, err)
		for _, l := range ds.Locations {
			for _, c := range l.Contacts {
				assert.LessOrEqual(t, c.DateAdded, crm.MillisOf(day), "dates end at the start of the day")
			}
		}
		return string(b), day
	}
	for range 2 { // once more if the two straddled midnight
		a, dayA := export()
		time.Sleep(1100 * time.Millisecond)
		b, dayB := export()
		if dayA.Equal(dayB) {
			assert.Equal(t, a, b, "same seed, same day: same data")
			return
		}
	}
	t.Fatal("the day changed twice in a few seconds")
}

// TestTheLogLineSaysWhyARequestWasRefused: the reason the journal keeps is
// in the request's log line too.
func TestTheLogLineSaysWhyARequestWasRefused(t *testing.T) {
	var logs bytes.Buffer
	h := setup(t, func(c *mockserver.Config) { c.Logger = slog.New(slog.NewTextHandler(&logs, nil)) })
	require.Equal(t, 401, h.do(call{path: "/contacts/" + h.namedID, token: str("pit-00000000-0000-4000-8000-000000000000")}).Status)
	require.Equal(t, 401, h.do(call{path: "/contacts/" + h.namedID, token: str(""), headers: map[string]string{"Authorization": "Token abc"}}).Status)
	assert.Contains(t, logs.String(), `reason="token not found"`)
	assert.Contains(t, logs.String(), `reason="no Bearer scheme`)
}

package faults_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/faults"
)

// TestTTLExpiresOnTheEnginesClock: a rule with a ttl applies until its
// time, on the clock the engine reads, and is gone after.
func TestTTLExpiresOnTheEnginesClock(t *testing.T) {
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	e := faults.New(1)
	e.SetClock(func() time.Time { return now })
	r, err := faults.FromJSON([]byte(`{"operationId":"get-contact","status":503,"ttl":"15m"}`))
	require.NoError(t, err)
	added, err := e.Add(r)
	require.NoError(t, err)
	require.NotNil(t, added.ExpiresAt)
	assert.Equal(t, now.Add(15*time.Minute), *added.ExpiresAt)
	q := faults.Request{OperationID: "get-contact", Method: "GET", Path: "/contacts/x"}

	now = now.Add(15*time.Minute - time.Millisecond)
	_, ok := e.Decide(q)
	assert.True(t, ok, "in force until it expires")
	require.Len(t, e.List(), 1)

	now = now.Add(time.Millisecond)
	_, ok = e.Decide(q)
	assert.False(t, ok, "expired")
	assert.Empty(t, e.List())
}

func TestTTLIsChecked(t *testing.T) {
	for _, ttl := range []string{`"0s"`, `"-1m"`, `"soon"`, `"200h"`} {
		_, err := faults.FromJSON([]byte(`{"status":503,"ttl":` + ttl + `}`))
		assert.ErrorContains(t, err, "ttl", ttl)
	}
	_, err := faults.FromJSON([]byte(`{"status":503,"expiresAt":"2026-01-01T00:00:00Z"}`))
	assert.ErrorContains(t, err, "set by the mock")
	_, err = faults.FromJSON([]byte(`{"target":"webhook","action":"drop","ttl":"1m"}`))
	assert.NoError(t, err, "webhook rules expire too")
}

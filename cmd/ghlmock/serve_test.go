package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ghlmock/ghlmock/mockserver/sqlite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// syncBuffer is a bytes.Buffer safe to read while the server writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var listening = regexp.MustCompile(`listening on (https?://127\.0\.0\.1:\d+)`)

// startServe runs "ghlmock serve" in the background on a free port and
// returns its base URL and a function that stops it and returns run's error.
func startServe(t *testing.T, env map[string]string, args ...string) (string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve"}, args...), &stdout, &stderr, func(k string) string { return env[k] })
	}()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if m := listening.FindStringSubmatch(stdout.String()); m != nil {
			stop := sync.OnceValue(func() error {
				cancel()
				select {
				case err := <-done:
					return err
				case <-time.After(20 * time.Second):
					return context.DeadlineExceeded
				}
			})
			t.Cleanup(func() { _ = stop() })
			return m[1], stop
		}
		select {
		case err := <-done:
			cancel()
			t.Fatalf("serve ended before listening: %v\n%s", err, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve never printed 'listening on': %q %q", stdout.String(), stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	return getAs(t, url, "pit-1a2b3c4d-0001-4000-8000-000000000001")
}

func getAs(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), "GET", url, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Version", "2021-07-28")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func send(t *testing.T, method, url, body string) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer pit-1a2b3c4d-0001-4000-8000-000000000001")
	req.Header.Set("Version", "2021-07-28")
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	return res.StatusCode
}

func TestServeStartsAnswersAndShutsDown(t *testing.T) {
	base, stop := startServe(t, nil, "--addr", "127.0.0.1:0", "--contacts", "10")
	status, body := get(t, base+"/_mock/health")
	assert.Equal(t, 200, status)
	assert.JSONEq(t, `{"status":"ok"}`, body)
	status, body = get(t, base+"/contacts/2NexTNy4UiJ1cLOoua11")
	assert.Equal(t, 200, status, body)
	assert.Contains(t, body, `"email":"ada.lovelace@example.com"`)
	assert.NoError(t, stop(), "graceful shutdown returns no error")
}

func TestServeReadsFlagsFromTheEnvironment(t *testing.T) {
	base, _ := startServe(t, map[string]string{"GHLMOCK_ADDR": "127.0.0.1:0", "GHLMOCK_BURST_LIMIT": "2", "GHLMOCK_CONTACTS": "5"})
	for range 2 {
		status, _ := get(t, base+"/contacts/2NexTNy4UiJ1cLOoua11")
		require.Equal(t, 200, status)
	}
	status, _ := get(t, base+"/contacts/2NexTNy4UiJ1cLOoua11")
	assert.Equal(t, 429, status, "GHLMOCK_BURST_LIMIT=2 applied")
}

// TestServeNowMakesAnswersRepeatable: two runs started with the same --now
// (one by flag, one by GHLMOCK_NOW) answer the same contact byte for byte
// but for the traceId, and their clocks start at that instant.
func TestServeNowMakesAnswersRepeatable(t *testing.T) {
	const now = "2026-11-22T09:00:00Z"
	traceID := regexp.MustCompile(`"traceId":"[^"]+"`)
	ada := func(base string) string {
		status, body := get(t, base+"/contacts/2NexTNy4UiJ1cLOoua11")
		require.Equal(t, 200, status, body)
		return traceID.ReplaceAllString(body, "")
	}
	a, stopA := startServe(t, nil, "--addr", "127.0.0.1:0", "--contacts", "5", "--now", now)
	time.Sleep(20 * time.Millisecond) // the second run starts at another real time
	b, stopB := startServe(t, map[string]string{"GHLMOCK_NOW": now}, "--addr", "127.0.0.1:0", "--contacts", "5")
	assert.Equal(t, ada(a), ada(b))
	assert.Contains(t, ada(a), `"dateAdded":"2025-`, "seeded dates are relative to --now")

	status, body := get(t, a+"/_mock/clock")
	require.Equal(t, 200, status)
	var clock struct{ Now string }
	require.NoError(t, json.Unmarshal([]byte(body), &clock))
	started, err := time.Parse(time.RFC3339Nano, clock.Now)
	require.NoError(t, err)
	assert.WithinDuration(t, time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC), started, time.Minute)
	require.NoError(t, stopA())
	require.NoError(t, stopB())
}

func TestServeRefusesBadSettings(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"seed 0", []string{"--seed", "0"}, "--seed must not be 0"},
		{"open admin on the network", []string{"--addr", "0.0.0.0:0"}, "--admin-token"},
		{"missing fixtures", []string{"--fixtures", "/nonexistent.yaml"}, "nonexistent.yaml"},
		{"bad log level", []string{"--log-level", "loud"}, "--log-level"},
		{"stray argument", []string{"extra"}, "unexpected argument"},
		{"bad --now", []string{"--now", "yesterday"}, "--now must be an RFC 3339 instant"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := runCmd(t, append([]string{"serve"}, c.args...)...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
	_, _, err := runCmd(t, "serve", "--burst-limit", "x")
	assert.Error(t, err)
}

func TestServeFaultsFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "faults.yaml")
	require.NoError(t, os.WriteFile(path, []byte("- operationId: get-contact\n  status: 503\n  times: 1\n"), 0o644))
	base, _ := startServe(t, nil, "--addr", "127.0.0.1:0", "--contacts", "5", "--faults", path)
	status, _ := get(t, base+"/contacts/2NexTNy4UiJ1cLOoua11")
	assert.Equal(t, 503, status)
	status, _ = get(t, base+"/contacts/2NexTNy4UiJ1cLOoua11")
	assert.Equal(t, 200, status)

	require.NoError(t, os.WriteFile(path, []byte("- operationId: get-contact\n  stauts: 503\n"), 0o644))
	_, _, err := runCmd(t, "serve", "--addr", "127.0.0.1:0", "--faults", path)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "faults.yaml:1")
}

// TestServeStatePersistsAcrossRestarts: after a restart from the state file
// the API serves what it served before the shutdown — every contact of both
// locations with its tasks, notes and appointments, the note the test wrote
// and the contact it deleted included. It compares API answers before and
// after, not the file with another export of itself: a state file that lost
// every note would pass that.
func TestServeStatePersistsAcrossRestarts(t *testing.T) {
	const (
		ada     = "2NexTNy4UiJ1cLOoua11"
		babbage = "RirZoUIYap0BJidC295M"
	)
	state := filepath.Join(t.TempDir(), "state.db")
	base, stop := startServe(t, nil, "--addr", "127.0.0.1:0", "--contacts", "5", "--state", state)
	require.Equal(t, 201, send(t, "POST", base+"/contacts/"+babbage+"/notes", `{"body":"Survives restarts."}`))
	require.Equal(t, 200, send(t, "DELETE", base+"/contacts/"+ada, ""))
	before := servedData(t, base)
	require.NoError(t, stop())
	require.FileExists(t, state)
	assert.Contains(t, before["O9hFAiOh29oB93c0F6UJ"]["/contacts/"+babbage+"/notes"], "Survives restarts.", "the note written is served")
	assert.NotContains(t, before["O9hFAiOh29oB93c0F6UJ"], "/contacts/"+ada, "the deleted contact is not listed")

	base, _ = startServe(t, nil, "--addr", "127.0.0.1:0", "--contacts", "5", "--state", state)
	after := servedData(t, base)
	for loc, reads := range before {
		require.NotEmpty(t, reads, loc)
		for path, body := range reads {
			assert.Equal(t, body, after[loc][path], "%s after the restart", path)
		}
		assert.Len(t, after[loc], len(reads), "%s: the same contacts after the restart", loc)
	}
	status, body := get(t, base+"/contacts/"+ada)
	assert.Equal(t, 400, status, "the delete survived the restart: %s", body)
}

// servedData reads, for each default location, every contact the list gives
// and its tasks, notes and appointments: path → answer without its traceId.
func servedData(t *testing.T, base string) map[string]map[string]string {
	t.Helper()
	traceID := regexp.MustCompile(`,?"traceId":"[^"]*"`)
	out := map[string]map[string]string{}
	for loc, token := range map[string]string{
		"O9hFAiOh29oB93c0F6UJ": "pit-1a2b3c4d-0001-4000-8000-000000000001",
		"5YtuALNUEJMUUqAsab3w": "pit-1a2b3c4d-0002-4000-8000-000000000001",
	} {
		read := func(path string) string {
			t.Helper()
			status, body := getAs(t, base+path, token)
			require.Equal(t, 200, status, "%s: %s", path, body)
			return traceID.ReplaceAllString(body, "")
		}
		var list struct {
			Contacts []struct{ ID string } `json:"contacts"`
			Meta     struct{ Total int }   `json:"meta"`
		}
		require.NoError(t, json.Unmarshal([]byte(read("/contacts/?locationId="+loc+"&limit=100")), &list))
		require.Len(t, list.Contacts, list.Meta.Total, "one page holds them all")
		reads := map[string]string{}
		for _, c := range list.Contacts {
			for _, p := range []string{"", "/tasks", "/notes", "/appointments"} {
				path := "/contacts/" + c.ID + p
				reads[path] = read(path)
			}
		}
		out[loc] = reads
	}
	return out
}

// TestServeCommitsEveryWriteBeforeAnswering: with --state, a write is in the
// database by the time its answer arrives, with no shutdown: a crash right
// after it loses nothing.
func TestServeCommitsEveryWriteBeforeAnswering(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state.db")
	base, stop := startServe(t, nil, "--addr", "127.0.0.1:0", "--contacts", "5", "--state", state)
	require.Equal(t, 200, send(t, "DELETE", base+"/contacts/2NexTNy4UiJ1cLOoua11", ""))
	db, err := sqlite.Open(t.Context(), state, sqlite.Options{ReadOnly: true})
	require.NoError(t, err)
	st, err := db.Load(t.Context())
	require.NoError(t, err)
	require.NoError(t, db.Close())
	var deleted []string
	for _, l := range st.Dataset.Locations {
		deleted = append(deleted, l.Deleted...)
	}
	assert.Contains(t, deleted, "2NexTNy4UiJ1cLOoua11", "the delete is in the database while the mock runs")
	require.NoError(t, stop())
}

func TestFixturesJSON(t *testing.T) {
	out, _, err := runCmd(t, "fixtures", "--json")
	require.NoError(t, err)
	var got struct {
		Seed      int64 `json:"seed"`
		Locations []struct {
			ID     string `json:"id"`
			Tokens []struct {
				Token  string   `json:"token"`
				Scopes []string `json:"scopes"`
			} `json:"tokens"`
		} `json:"locations"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	assert.EqualValues(t, 1, got.Seed)
	require.GreaterOrEqual(t, len(got.Locations), 2)
	assert.Equal(t, "O9hFAiOh29oB93c0F6UJ", got.Locations[0].ID)
	assert.Equal(t, "pit-1a2b3c4d-0001-4000-8000-000000000001", got.Locations[0].Tokens[0].Token)
	assert.Equal(t, []string{"contacts.readonly", "contacts.write"}, got.Locations[0].Tokens[0].Scopes)

	_, _, err = runCmd(t, "fixtures")
	assert.Equal(t, exitCode(2), err, "only --json exists")
}

func TestTuneGCRaisesGOGCForASmallHeapUnlessSet(t *testing.T) {
	p, ok := gcPercentFor(3 << 20)
	require.True(t, ok)
	assert.Equal(t, 233, p, "a 3 MiB live heap may grow to minHeapGoal (10 MiB)")
	_, ok = gcPercentFor(150 << 20)
	assert.False(t, ok, "a big location keeps Go's default")
	prev := debug.SetGCPercent(100)
	defer debug.SetGCPercent(prev)
	tuneGC(func(k string) string { return map[string]string{"GOGC": "50"}[k] })
	assert.Equal(t, 100, debug.SetGCPercent(100), "the user's GOGC is left alone")
}

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return string(b)
}

func TestParseWrkSummaryLine(t *testing.T) {
	// wrk 4.1.0 against barehttp, with common.lua's done() line.
	r, err := parseWrk(readTestdata(t, "wrk-bare.txt"))
	require.NoError(t, err)
	assert.Equal(t, int64(160382), r.Requests)
	assert.InDelta(t, 3.005219, r.Seconds, 1e-9)
	assert.InDelta(t, 160382/3.005219, r.ReqPerSec, 1e-6)
	assert.InDelta(t, 0.788, r.P50Ms, 1e-9)
	assert.InDelta(t, 3.314, r.P90Ms, 1e-9)
	assert.InDelta(t, 7.602, r.P99Ms, 1e-9)
	assert.InDelta(t, 16.339, r.MaxMs, 1e-9)
	assert.Zero(t, r.Errors())
}

func TestParseWrkPlainOutput(t *testing.T) {
	// The same run without the done() line: wrk's own --latency report.
	r, err := parseWrk(readTestdata(t, "wrk-plain.txt"))
	require.NoError(t, err)
	assert.Equal(t, int64(160382), r.Requests)
	assert.InDelta(t, 3.01, r.Seconds, 1e-9)
	assert.InDelta(t, 53367.82, r.ReqPerSec, 1e-9)
	assert.InDelta(t, 0.788, r.P50Ms, 1e-9)
	assert.InDelta(t, 3.31, r.P90Ms, 1e-9)
	assert.InDelta(t, 7.60, r.P99Ms, 1e-9)
	assert.InDelta(t, 16.34, r.MaxMs, 1e-9)
	assert.Zero(t, r.Errors())
}

func TestParseWrkCountsErrors(t *testing.T) {
	// Every answer a 401: counted from the done() line ...
	r, err := parseWrk(readTestdata(t, "wrk-401.txt"))
	require.NoError(t, err)
	assert.Equal(t, int64(43013), r.Non2xx)
	assert.Equal(t, int64(43013), r.Errors())

	// ... and from wrk's "Non-2xx or 3xx responses" line.
	plain := strings.Join(filter(strings.Split(readTestdata(t, "wrk-401.txt"), "\n"), "GHLBENCH"), "\n")
	r, err = parseWrk(plain)
	require.NoError(t, err)
	assert.Equal(t, int64(43013), r.Non2xx)
	assert.InDelta(t, 15.97, r.P99Ms, 1e-9)

	// Timeouts are socket errors.
	r, err = parseWrk(readTestdata(t, "wrk-timeouts.txt"))
	require.NoError(t, err)
	assert.Equal(t, int64(4), r.SocketErrors)
	assert.Equal(t, int64(4), r.Requests)
	assert.InDelta(t, 2.0, r.ReqPerSec, 1e-9)
}

func filter(lines []string, drop string) []string {
	var out []string
	for _, l := range lines {
		if !strings.HasPrefix(l, drop) {
			out = append(out, l)
		}
	}
	return out
}

func TestParseWrkRejectsIncompleteOutput(t *testing.T) {
	_, err := parseWrk(readTestdata(t, "wrk-refused.txt"))
	assert.Error(t, err, "a run that never connected")
	_, err = parseWrk("Requests/sec: 12.0\n")
	assert.ErrorContains(t, err, "--latency")
	_, err = parseWrk("GHLBENCH {\"requests\":1}\n")
	assert.ErrorContains(t, err, "no duration")
	_, err = parseWrk("GHLBENCH {broken\n")
	assert.Error(t, err)
}

func TestParseWrkDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"788.00us": 788 * time.Microsecond,
		"1.78ms":   1780 * time.Microsecond,
		"3.01s":    3010 * time.Millisecond,
		"1.50m":    90 * time.Second,
		"2.00h":    2 * time.Hour,
		"0.00us":   0,
	} {
		got, err := parseWrkDuration(in)
		require.NoError(t, err, in)
		assert.InDelta(t, float64(want), float64(got), float64(time.Microsecond)/100, in)
	}
	for _, in := range []string{"12", "ms", "1.2xs", "-nan%"} {
		_, err := parseWrkDuration(in)
		assert.Error(t, err, in)
	}
}

func TestWrkArgs(t *testing.T) {
	w := wrkRun{URL: "http://127.0.0.1:1/x", Script: "/tmp/s.lua", Threads: 2, Connections: 50, Duration: 10 * time.Second, Timeout: 1500 * time.Millisecond}
	assert.Equal(t, []string{"-t", "2", "-c", "50", "-d", "10s", "--timeout", "2s", "--latency", "-s", "/tmp/s.lua", "http://127.0.0.1:1/x"}, w.args())
	assert.Equal(t, "1s", wrkSeconds(0))
}

func TestLuaString(t *testing.T) {
	assert.Equal(t, `"plain@example.com"`, luaString("plain@example.com"))
	assert.Equal(t, `"{\"a\":\"b\\\\c\"}"`, luaString(`{"a":"b\\c"}`))
	assert.Equal(t, `"zo\195\171 \010"`, luaString("zoë \n"))
}

func TestLuaData(t *testing.T) {
	d := luaData{
		Token: "pit-1", Version: "2021-07-28", Nonce: "n1", Location: "LOC",
		Requests: []luaRequest{{Method: "GET", Path: "/contacts/A"}, {Method: "POST", Path: "/contacts/search", Body: `{"x":1}`}},
		A:        ada, B: babbage, Pool: []string{"p1", "p2"},
	}
	lua := d.lua()
	for _, want := range []string{
		`ghlbench = {`, `token = "pit-1",`, `nonce = "n1",`, `location = "LOC",`,
		`{"GET", "/contacts/A", nil},`, `{"POST", "/contacts/search", "{\"x\":1}"},`,
		`a = {id = "2NexTNy4UiJ1cLOoua11", task = "I3XmCP0t3AdsO9zpT1rY", note = "LYOqJAKX7JDv17ly68JI"},`,
		`pool = {"p1", "p2"},`,
	} {
		assert.Contains(t, lua, want)
	}
}

func TestWriteScript(t *testing.T) {
	dir := t.TempDir()
	for _, sc := range []string{"cycle", "mixed"} {
		path, err := writeScript(dir, sc, luaData{Token: "pit-1", Requests: []luaRequest{{Method: "GET", Path: "/"}}})
		require.NoError(t, err)
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		s := string(b)
		// the data first, then common.lua (done prints the line parseWrk reads), then the scenario
		data, common, own := strings.Index(s, "ghlbench = {"), strings.Index(s, "function done("), strings.Index(s, "ghlbench "+sc+":")
		assert.True(t, data == 0 && data < common && common < own, "%s: order %d %d %d", sc, data, common, own)
		assert.Contains(t, s, `'GHLBENCH {"requests":%d,"duration_us":%d`)
	}
	_, err := writeScript(dir, "nope", luaData{})
	assert.Error(t, err)
}

func TestMixedScriptIs70PercentReads(t *testing.T) {
	b, err := scriptsFS.ReadFile("scripts/mixed.lua")
	require.NoError(t, err)
	s := string(b)
	start := strings.Index(s, "\n  slots = {")
	end := strings.Index(s[start:], "\n  }") + start
	reads, writes := 0, 0
	for _, line := range strings.Split(s[start:end], "\n")[2:] {
		switch line = strings.TrimSpace(line); {
		case strings.HasPrefix(line, "get("):
			reads++
		case strings.HasPrefix(line, "put("), strings.HasPrefix(line, "create"):
			writes++
		case line != "":
			t.Errorf("unexpected slot %q", line)
		}
	}
	assert.Equal(t, 14, reads)
	assert.Equal(t, 6, writes)
}

package main

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func run1(scenario, server string, conns int, rps, p50, p99 float64) *LoadRun {
	l := &LoadRun{Scenario: scenario, Server: server, Connections: conns,
		Rounds: []WrkResult{{Requests: 1000, ReqPerSec: rps, P50Ms: p50, P99Ms: p99}}}
	l.summarize()
	return l
}

func sampleReport() *Report {
	r := &Report{
		Machine:  Machine{CPU: "AMD EPYC", Cores: 2, Go: "go1.26.8", Wrk: "wrk 4.1.0", Date: "2026-11-22T00:00:00Z", Git: "abc"},
		Settings: Settings{Threads: 2, Connections: 50, LatencyConns: 1, DurationS: 10, Rounds: 1, Contacts: 100000},
		LoadRuns: []*LoadRun{
			run1(scenarioGet, serverBare, 50, 50000, 0.8, 6),
			run1(scenarioGet, serverMock, 50, 35000, 1.2, 13),
			run1(scenarioMixed, serverBare, 50, 50000, 0.8, 6),
			run1(scenarioMixed, serverMock, 50, 15000, 3, 20),
			run1(scenarioList, server100k, 1, 1000, 0.9, 1.4),
			run1(scenarioSearch, server100k, 1, 80, 11, 14),
			run1(scenarioDupEmail, serverDefault, 1, 10000, 0.08, 2.8),
			run1(scenarioDupEmail, server100k, 1, 10000, 0.09, 0.4),
			run1(scenarioDupPhone, serverDefault, 1, 10000, 0.08, 0.3),
			run1(scenarioDupPhone, server100k, 1, 1000, 0.9, 1.1),
		},
		Memory: &Memory{
			Default:      ServerMem{Contacts: 410, RSS: 28e6},
			OneLocation:  ServerMem{Contacts: 205, RSS: 25e6},
			Big:          ServerMem{Contacts: 100205, RSS: 225e6},
			BigStartupsS: []float64{2.5, 1.5, 1.8},
		},
		Contract: &Contract{Available: true, Seconds: 0.4, Passed: 20},
	}
	r.Memory.RSSPerContact = float64(r.Memory.Big.RSS-r.Memory.OneLocation.RSS) / 100000
	r.figures()
	return r
}

func statuses(r *Report) map[string]string {
	out := map[string]string{}
	for _, f := range r.Figures {
		out[f.Name] = f.Status
	}
	return out
}

func TestFigures(t *testing.T) {
	r := sampleReport()
	assert.Equal(t, map[string]string{
		"GET contact: mock/bare req/s":                                  pass, // 0.70
		"GET contact: p99 mock/bare, median of the rounds":              miss, // 13/6
		"Mixed 70% read / 30% write: mock/bare req/s":                   miss, // 0.30
		"List with query, 100k contacts: p99 at 1 connection":           pass,
		"Search contains + sort, 100k contacts: p99 at 1 connection":    miss,
		"Duplicate lookup by email, 100k contacts: p50 at 1 connection": pass, // p50 0.09 vs 0.08
		"Duplicate lookup by phone, 100k contacts: p50 at 1 connection": miss, // p50 0.9 vs 0.08: a scan
		"Start-up, 100,205 contacts in one location":                    pass, // median 1.8 s
		"RSS of a default server":                                       pass,
		"RSS per seeded contact, 100k contacts":                         pass, // 2,000 B
		"Contract suite, in-process mock":                               pass,
	}, statuses(r))
	get := r.Figures[0]
	require.NotNil(t, get.Value)
	assert.InDelta(t, 0.70, *get.Value, 1e-9)
	assert.Equal(t, "0.70 (35,000 vs 50,000 req/s)", get.Measured)
	assert.Equal(t, "≥ 0.70", get.Target, "issue 11: GET contact stays at least 0.70 × bare")
	p99 := r.Figures[1]
	require.NotNil(t, p99.Value)
	assert.InDelta(t, 13.0/6, *p99.Value, 1e-9, "one round: its own ratio")
	assert.Equal(t, "2.17 (13.0 ms vs 6.00 ms)", p99.Measured)

	byName := figuresByName(r)
	email := byName["Duplicate lookup by email, 100k contacts: p50 at 1 connection"]
	require.NotNil(t, email.Value)
	assert.InDelta(t, 0.09, *email.Value, 1e-9, "the figure is the p50 its name says, not the p99 (0.4 ms)")
	assert.Equal(t, "ms", email.Unit)
	assert.Equal(t, "0.090 ms, 1.12× the 0.080 ms at default size (p99 0.400 ms, and 2.80 ms at default size)", email.Measured)
	list := byName["List with query, 100k contacts: p99 at 1 connection"]
	require.NotNil(t, list.Value)
	assert.InDelta(t, 1.4, *list.Value, 1e-9)

	// The connection count in the names is the one the runs were measured
	// at, not a constant.
	r.Settings.LatencyConns = 4
	for _, l := range r.LoadRuns {
		if l.Connections == 1 {
			l.Connections = 4
		}
	}
	r.figures()
	st := statuses(r)
	assert.Equal(t, pass, st["List with query, 100k contacts: p99 at 4 connections"])
	assert.Equal(t, pass, st["Duplicate lookup by email, 100k contacts: p50 at 4 connections"])
}

func figuresByName(r *Report) map[string]Figure {
	out := map[string]Figure{}
	for _, f := range r.Figures {
		out[f.Name] = f
	}
	return out
}

func TestFiguresWithoutMeasurements(t *testing.T) {
	r := &Report{Settings: Settings{Connections: 50, LatencyConns: 1}}
	r.figures()
	for _, f := range r.Figures {
		assert.Equal(t, na, f.Status, f.Name)
		assert.Nil(t, f.Value, f.Name)
	}
	var buf bytes.Buffer
	require.NoError(t, r.JSON(&buf), "no NaN reaches the JSON")

	// A run whose answers were errors is an error, not a fast server.
	r = sampleReport()
	r.LoadRuns[1].Rounds[0].Non2xx = 500
	r.LoadRuns[1].summarize()
	r.Contract = &Contract{Error: "unknown command \"contract\""}
	r.figures()
	st := statuses(r)
	assert.Equal(t, errSt, st["GET contact: mock/bare req/s"])
	assert.Equal(t, na, st["Contract suite, in-process mock"])
	assert.Contains(t, r.Figures[0].Measured, "500 of 1,000 requests failed")
	assert.Contains(t, r.Figures[len(r.Figures)-1].Measured, "contract: not available")
}

func TestJudge(t *testing.T) {
	assert.Equal(t, pass, judge(0.6, 0.6, true))
	assert.Equal(t, miss, judge(0.59, 0.6, true))
	assert.Equal(t, pass, judge(10, 10, false))
	assert.Equal(t, miss, judge(10.01, 10, false))
	assert.Equal(t, errSt, judge(math.NaN(), 10, false))
}

func TestRender(t *testing.T) {
	r := sampleReport()
	r.GoBench = []GoBench{{Package: "github.com/ghlmock/ghlmock/mockserver", Name: "BenchmarkGetContact-2", Iterations: 10,
		Metrics: []Metric{{57018, "ns/op"}, {12508, "B/op"}, {68, "allocs/op"}, {4.099, "p50-ms"}}}}
	var text, md, js bytes.Buffer
	r.Text(&text)
	r.Markdown(&md)
	require.NoError(t, r.JSON(&js))

	for _, want := range []string{"machine: AMD EPYC, 2 cores", "git: abc", "Targets", "GET contact: mock/bare req/s", "PASS", "MISS",
		"Load runs", "mixed-70r/30w", "35,000", "Memory and start-up", "28.0 MB", "Go benchmarks", "mockserver.GetContact-2", "57,018", "4.099 p50-ms"} {
		assert.Contains(t, text.String(), want)
	}
	assert.Contains(t, md.String(), "| figure | measured | target | result |\n| --- | --- | --- | --- |\n")
	assert.Contains(t, md.String(), "| GET contact: mock/bare req/s | 0.70 (35,000 vs 50,000 req/s) | ≥ 0.70 | PASS |")
	assert.Contains(t, md.String(), "make bench")
	for _, line := range strings.Split(md.String(), "\n") {
		if strings.HasPrefix(line, "| ") {
			assert.True(t, strings.HasSuffix(line, " |"), line)
		}
	}

	var back Report
	require.NoError(t, json.Unmarshal(js.Bytes(), &back))
	assert.Len(t, back.Figures, len(r.Figures))
	assert.Equal(t, r.Machine, back.Machine)
}

func TestFormat(t *testing.T) {
	assert.Equal(t, "0", formatCount(0))
	assert.Equal(t, "999", formatCount(999))
	assert.Equal(t, "1,000", formatCount(999.6))
	assert.Equal(t, "52,345", formatCount(52345.2))
	assert.Equal(t, "1,234,567", formatCount(1234567))
	assert.Equal(t, "-1,234", formatCount(-1234))
	assert.Equal(t, "—", formatCount(math.NaN()))
	assert.Equal(t, "0.788 ms", formatMs(0.788))
	assert.Equal(t, "7.60 ms", formatMs(7.6))
	assert.Equal(t, "26.1 ms", formatMs(26.08))
	assert.Equal(t, "227 ms", formatMs(227.2))
	assert.Equal(t, "27.9 MB", formatBytes(27_869_184))
	assert.Equal(t, "512.0 kB", formatBytes(512_000))
	assert.Equal(t, "—", formatBytes(0))
	assert.Equal(t, "2,048 B (2.00 KiB)", formatBytesPer(2048))
	assert.Equal(t, "| a \\| b |", func() string {
		var b bytes.Buffer
		table{header: []string{"x"}, rows: [][]string{{"a | b"}}}.markdown(&b)
		lines := strings.Split(strings.TrimSpace(b.String()), "\n")
		return lines[len(lines)-1]
	}())
}

// TestRoundRatios: with several rounds, the ratio figures also show each
// round's own ratio (bare and mock of the same round paired), and the load
// table each round's p99, so the spread behind a median is visible.
func TestRoundRatios(t *testing.T) {
	rounds := func(server string, rps, p99 []float64) *LoadRun {
		l := &LoadRun{Scenario: scenarioGet, Server: server, Connections: 50}
		for i := range rps {
			l.Rounds = append(l.Rounds, WrkResult{Requests: 1000, ReqPerSec: rps[i], P50Ms: 1, P99Ms: p99[i]})
		}
		l.summarize()
		return l
	}
	r := &Report{
		Settings: Settings{Threads: 2, Connections: 50, LatencyConns: 1, DurationS: 10, Rounds: 3},
		LoadRuns: []*LoadRun{
			rounds(serverBare, []float64{100, 80, 90}, []float64{10, 8, 9}),
			rounds(serverMock, []float64{70, 60, 45}, []float64{12, 20, 9}),
		},
	}
	r.figures()
	byName := figuresByName(r)
	// So is the req/s headline (0.70, 0.75, 0.50 → 0.70), with the ratio
	// of the medians (60 / 90 = 0.67) beside it.
	get := byName["GET contact: mock/bare req/s"]
	require.NotNil(t, get.Value)
	assert.InDelta(t, 0.70, *get.Value, 1e-9)
	assert.Equal(t, pass, get.Status)
	assert.Equal(t, "0.70, the median of the rounds' ratios (req/s medians 60 vs 90: 0.67); rounds 0.70 0.75 0.50", get.Measured)
	// The p99 headline is the median of the rounds' ratios (1.20, 2.50,
	// 1.00 → 1.20), not the ratio of the medians (12 / 9 = 1.33), which
	// pairs a mock round with a bare round it did not run beside.
	p99 := byName["GET contact: p99 mock/bare, median of the rounds"]
	require.NotNil(t, p99.Value)
	assert.InDelta(t, 1.20, *p99.Value, 1e-9)
	assert.Equal(t, pass, p99.Status)
	assert.Equal(t, "1.20, the median of the rounds' ratios (p99 medians 12.0 ms vs 9.00 ms); rounds 1.20 2.50 1.00", p99.Measured)

	var out bytes.Buffer
	r.Text(&out)
	assert.Contains(t, out.String(), "p99 per round")
	assert.Contains(t, out.String(), "12.0 ms 20.0 ms 9.00 ms")
}

func TestStateFigures(t *testing.T) {
	r := &Report{Settings: Settings{Connections: 50, Rounds: 1}, LoadRuns: []*LoadRun{
		run1(scenarioMixed, serverMemory, 50, 40000, 1, 5),
		run1(scenarioMixed, serverState, 50, 18000, 2, 9),
		run1(scenarioCreate, serverMemory, 50, 30000, 1, 4),
		run1(scenarioCreate, serverState, 50, 9000, 4, 12),
	}, State: &StateMem{Contacts: 100000, FirstStartS: 9, StartupsS: []float64{2.4, 1.6, 1.9}, DBBytes: 150e6, BytesPerContact: 1500}}
	r.figures()
	got := map[string]Figure{}
	for _, f := range r.Figures {
		got[f.Name] = f
	}
	mixed := got["Mixed 70% read / 30% write with --state: req/s vs in memory"]
	require.NotNil(t, mixed.Value)
	assert.InDelta(t, 0.45, *mixed.Value, 1e-9)
	assert.Equal(t, miss, mixed.Status, "0.45 < 0.5")
	create := got["Create contact with --state: p99 at 50 connections"]
	assert.Equal(t, info, create.Status)
	assert.Contains(t, create.Measured, "12.0 ms")
	start := got["Start-up from a database of 100,000 contacts"]
	assert.Equal(t, pass, start.Status, "median 1.9 s")
	assert.Contains(t, start.Measured, "first start, which seeds and writes it, 9.00 s")
	assert.Equal(t, info, got["Database size per contact (with its tasks and notes)"].Status)

	r.State.StartupsS = nil
	r.State.Error = "boom"
	r.figures()
	for _, f := range r.Figures {
		if f.Name == "Start-up from a database of 100,000 contacts" {
			assert.Equal(t, errSt, f.Status)
			assert.Equal(t, "boom", f.Measured)
		}
	}
}

func TestFeatureFigures(t *testing.T) {
	r := &Report{Settings: Settings{Connections: 50, Rounds: 1}, LoadRuns: []*LoadRun{
		run1(scenarioCreate, serverNoSubscription, 50, 20000, 1, 5),
		run1(scenarioCreate, serverSubscribed, 50, 17000, 2, 9),
		run1(scenarioGet, serverNoDashboard, 50, 40000, 1, 4),
		run1(scenarioGet, serverDashboards, 50, 39000, 1, 4),
	}}
	r.figures()
	got := figuresByName(r)
	sub := got["Create contact with one webhook subscription: req/s vs none"]
	require.NotNil(t, sub.Value)
	assert.InDelta(t, 0.85, *sub.Value, 1e-9)
	assert.Equal(t, miss, sub.Status, "0.85 < 0.90")
	assert.Equal(t, "≥ 0.90", sub.Target)
	dash := got["GET contact with five dashboards on the live stream: req/s vs none"]
	require.NotNil(t, dash.Value)
	assert.InDelta(t, 0.975, *dash.Value, 1e-9)
	assert.Equal(t, pass, dash.Status)
	assert.Equal(t, "0.97 (39,000 vs 40,000 req/s)", dash.Measured)

	// Over several rounds, each round's pair is judged on its own: a slow
	// first round of the base (the machine still busy with what ran before)
	// does not pair with the variant's fastest round.
	rounds := func(server string, rps ...float64) *LoadRun {
		l := &LoadRun{Scenario: scenarioCreate, Server: server, Connections: 50}
		for _, v := range rps {
			l.Rounds = append(l.Rounds, WrkResult{Requests: 1000, ReqPerSec: v, P50Ms: 1, P99Ms: 5})
		}
		l.summarize()
		return l
	}
	multi := &Report{Settings: Settings{Connections: 50, Rounds: 3}, LoadRuns: []*LoadRun{
		rounds(serverNoSubscription, 17000, 24000, 22000),
		rounds(serverSubscribed, 16000, 20000, 21000),
	}}
	multi.figures()
	m := figuresByName(multi)["Create contact with one webhook subscription: req/s vs none"]
	require.NotNil(t, m.Value)
	assert.InDelta(t, 16000.0/17000, *m.Value, 1e-9, "rounds 0.94 0.83 0.95: the median")
	assert.Equal(t, pass, m.Status)
	assert.Equal(t, "0.94, the median of the rounds' ratios (req/s medians 20,000 vs 22,000: 0.91); rounds 0.94 0.83 0.95", m.Measured)

	// A ratio just under its target is not shown as the target.
	assert.Equal(t, "0.90", formatRatio(0.9012, 0.9))
	assert.Equal(t, "0.898", formatRatio(0.8977, 0.9))
	assert.Equal(t, "0.8999", formatRatio(0.89991, 0.9))
	assert.Equal(t, "0.70", formatRatio(0.7, 0.7))
	assert.Equal(t, "0.69", formatRatio(0.6940, 0.7))
	near := &Report{Settings: Settings{Connections: 50, Rounds: 3}, LoadRuns: []*LoadRun{
		rounds(serverNoSubscription, 20000, 20000, 20000),
		rounds(serverSubscribed, 17954, 17600, 20400),
	}}
	near.figures()
	c := figuresByName(near)["Create contact with one webhook subscription: req/s vs none"]
	assert.Equal(t, miss, c.Status)
	assert.True(t, strings.HasPrefix(c.Measured, "0.898, the median"), c.Measured)

	// A variant run that failed its own check is an error, not a figure.
	r.LoadRuns[3] = &LoadRun{Scenario: scenarioGet, Server: serverDashboards, Connections: 50, Error: "dashboard stream 1 carried only 0 bytes"}
	r.figures()
	for _, f := range r.Figures {
		if f.Name == dash.Name {
			assert.NotEqual(t, pass, f.Status)
			assert.Contains(t, f.Measured, "carried only 0 bytes")
		}
	}
	assert.Empty(t, (&Report{}).featureFigures(), "no features phase, no figures")
}

// Command ghlbench is the load-run half of `make bench`: it measures the real
// ghlmock binary on loopback against a bare net/http server (cmd/barehttp)
// with wrk, and the mock's memory, start-up time and contract-suite time, and
// prints every figure next to its target (issue 7).
//
// Usage (from the repository root, after building bin/ghlmock and
// bin/barehttp):
//
//	ghlbench [--mock bin/ghlmock] [--bare bin/barehttp] [--wrk wrk]
//	         [--duration 10s] [--warmup 1s] [--rounds 3] [--threads 2] [--connections 50]
//	         [--latency-connections 1] [--duplicate-duration 5s] [--contacts 100000]
//	         [--phases default,load,100k,state,features,contract] [--gobench FILE]
//	         [--json FILE] [--markdown FILE] [--fail-on-miss]
//
// Phases:
//
//   - default: a default mock (the embedded fixtures): its RSS after start-up
//     and a health check, its Go heap, and duplicate lookups by email and by
//     phone at default size (the O(1) reference); then the first location
//     alone at its default size (the base of the per-contact figure).
//   - load: GET /contacts/{id} and a mixed 70% read / 30% write workload, each
//     against the bare server and the mock in turn, --rounds times, the order
//     flipping every round (bare, mock; mock, bare; …) so that drift on a
//     shared machine hits both alike. Every run is on a fresh process, after
//     a warm-up. Reported: req/s, p50, p99 (medians of the rounds), and the
//     ratios mock/bare of req/s and of p99, each the median of the rounds'
//     own ratios (the machine's speed drifts between rounds more than
//     between the two runs of one; the ratio of the req/s medians is shown
//     too).
//   - 100k: the first location with --contacts contacts, started --rounds
//     times (start-up time: process start to its "listening on" line; RSS);
//     then list with query, search with a contains filter and a sort, both at
//     --latency-connections (the p99 target; the figures name the count) and
//     at --connections, and duplicate lookups by email and by phone (judged
//     on their p50 against the default size's).
//   - state: what --state costs: the mixed and a create-only workload on a
//     mock with a state database against one in memory, alternating; a
//     database of --contacts contacts: its size per contact and the start-up
//     of a mock that loads it (state.go).
//   - features: what a webhook subscription and five dashboards cost the
//     API, each against the same mock without it, on one process
//     alternating in short runs (features.go).
//   - contract: the wall time of `ghlmock contract --include-ratelimit`, the
//     whole suite against its in-process mock.
//
// Every process it starts runs in its own process group on loopback and is
// killed at the end, on error and on SIGINT/SIGTERM; every wrk run is bounded
// by its duration.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ghlmock/ghlmock/mockserver/fixture"
)

// Scenarios and servers, as the report names them.
const (
	scenarioGet      = "get-contact"
	scenarioMixed    = "mixed-70r/30w"
	scenarioList     = "list-query"
	scenarioSearch   = "search-contains-sort"
	scenarioDupEmail = "duplicate-by-email"
	scenarioDupPhone = "duplicate-by-phone"

	serverBare    = "bare"
	serverMock    = "mock"
	serverDefault = "mock-default"
	server100k    = "mock-100k"
)

// The queries, substrings and sorts of the 100k scenarios (as in the in-process
// benchmarks of mockserver/inmem).
var (
	listQueries  = []string{"smith", "gmail", "1415", "acme", "rodriguez", "an", "pied piper", "zoë"}
	searchSubs   = []string{"an", "son", "ri", "mar", "e", "ez"}
	searchSorts  = [][]map[string]string{{{"field": "lastNameLowerCase", "direction": "asc"}}, {{"field": "dateAdded", "direction": "desc"}}, {{"field": "email", "direction": "desc"}, {"field": "dateUpdated", "direction": "asc"}}}
	allPhases    = []string{"default", "load", "100k", "state", "features", "contract"}
	dupSampleMax = 200
)

type config struct {
	mock, bare, wrk      string
	duration, warmup     time.Duration
	dupDuration, timeout time.Duration
	rounds               int
	threads, conns       int
	latencyConns         int
	contacts             int
	phases               map[string]bool
	gobench              string
	jsonPath, mdPath     string
	failOnMiss           bool
}

func parseConfig(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("ghlbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.mock, "mock", "bin/ghlmock", "the ghlmock binary")
	fs.StringVar(&c.bare, "bare", "bin/barehttp", "the bare baseline server binary (cmd/barehttp)")
	fs.StringVar(&c.wrk, "wrk", "wrk", "the wrk load generator")
	fs.DurationVar(&c.duration, "duration", 10*time.Second, "length of each measured load run (whole seconds)")
	fs.DurationVar(&c.warmup, "warmup", time.Second, "unmeasured warm-up before each load run (0: none)")
	fs.DurationVar(&c.dupDuration, "duplicate-duration", 5*time.Second, "length of each duplicate-lookup run")
	fs.DurationVar(&c.timeout, "timeout", 5*time.Second, "wrk counts a request slower than this as a timeout")
	fs.IntVar(&c.rounds, "rounds", 3, "rounds of the bare/mock comparison, and start-ups of the 100k mock")
	fs.IntVar(&c.threads, "threads", 2, "wrk threads")
	fs.IntVar(&c.conns, "connections", 50, "wrk connections")
	fs.IntVar(&c.latencyConns, "latency-connections", 1, "connections of the 100k latency and duplicate runs (the p99 targets)")
	fs.IntVar(&c.contacts, "contacts", 100_000, "contacts of the large location")
	phases := fs.String("phases", strings.Join(allPhases, ","), "phases to run: "+strings.Join(allPhases, ", "))
	fs.StringVar(&c.gobench, "gobench", "", "output of `go test -bench` to include in the report")
	fs.StringVar(&c.jsonPath, "json", "", "also write the report as JSON to this file")
	fs.StringVar(&c.mdPath, "markdown", "", "also write the report as Markdown to this file")
	fs.BoolVar(&c.failOnMiss, "fail-on-miss", false, "exit 1 when a figure misses its target or could not be measured")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	c.phases = map[string]bool{}
	for _, p := range strings.Split(*phases, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if !slices.Contains(allPhases, p) {
			return c, fmt.Errorf("--phases: unknown phase %q (have %s)", p, strings.Join(allPhases, ", "))
		}
		c.phases[p] = true
	}
	switch {
	case c.duration < time.Second || c.dupDuration < time.Second:
		return c, errors.New("--duration and --duplicate-duration must be at least 1s (wrk counts whole seconds)")
	case c.warmup != 0 && c.warmup < time.Second:
		return c, errors.New("--warmup must be 0 or at least 1s")
	case c.rounds < 1 || c.threads < 1 || c.conns < 1 || c.latencyConns < 1:
		return c, errors.New("--rounds, --threads, --connections and --latency-connections must be positive")
	case c.contacts < 1:
		return c, errors.New("--contacts must be positive")
	}
	return c, nil
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// bench is one run of this program.
type bench struct {
	cfg   config
	procs *procs
	log   io.Writer
	tmp   string
	rep   *Report

	def      *fixture.Fixture
	readToks map[string]string // location → a token that reads it (default fixtures)
	rw       target            // the first location and its read-write token
	oneFile  string            // the one-location fixture file
	pool     []string          // contacts the mixed workload creates tasks on
	nonces   int
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseConfig(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "ghlbench:", err)
		return 2
	}
	b := &bench{cfg: cfg, procs: newProcs(), log: stderr}
	defer b.procs.stopAll()
	if err := b.prepare(ctx); err != nil {
		fmt.Fprintln(stderr, "ghlbench:", err)
		return 1
	}
	defer os.RemoveAll(b.tmp)

	if cfg.phases["default"] {
		b.defaultPhase(ctx)
	}
	if cfg.phases["load"] && ctx.Err() == nil {
		b.loadPhase(ctx)
	}
	if cfg.phases["100k"] && ctx.Err() == nil {
		b.bigPhase(ctx)
	}
	if cfg.phases["state"] && ctx.Err() == nil {
		b.statePhase(ctx)
	}
	if cfg.phases["features"] && ctx.Err() == nil {
		b.featuresPhase(ctx)
	}
	if cfg.phases["contract"] && ctx.Err() == nil {
		b.contractPhase(ctx)
	}
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "ghlbench: interrupted; every process it started has been stopped")
		return 130
	}
	b.rep.figures()
	b.rep.Text(stdout)
	code := 0
	if cfg.jsonPath != "" {
		if err := writeFile(cfg.jsonPath, b.rep.JSON); err != nil {
			fmt.Fprintln(stderr, "ghlbench:", err)
			code = 1
		}
	}
	if cfg.mdPath != "" {
		if err := writeFile(cfg.mdPath, func(w io.Writer) error { b.rep.Markdown(w); return nil }); err != nil {
			fmt.Fprintln(stderr, "ghlbench:", err)
			code = 1
		}
	}
	if cfg.failOnMiss {
		for _, f := range b.rep.Figures {
			if f.Status == miss || f.Status == errSt {
				code = 1
			}
		}
	}
	return code
}

func writeFile(path string, write func(io.Writer) error) error {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// prepare checks the tools, reads the fixtures and writes the one-location
// fixture file.
func (b *bench) prepare(ctx context.Context) error {
	c := b.cfg
	wrk, err := exec.LookPath(c.wrk)
	if err != nil && (c.phases["default"] || c.phases["load"] || c.phases["100k"] || c.phases["state"] || c.phases["features"]) {
		return fmt.Errorf("wrk not found (%v): install it (apt-get install wrk) or give --wrk PATH; `make bench` installs it", err)
	}
	b.cfg.wrk = wrk
	for _, bin := range []*string{&b.cfg.mock, &b.cfg.bare} {
		if _, err := os.Stat(*bin); err != nil {
			return fmt.Errorf("%v: build it first (make bench does: go build -o bin/ghlmock ./cmd/ghlmock; go build -o bin/barehttp ./cmd/barehttp)", err)
		}
		if *bin, err = filepath.Abs(*bin); err != nil {
			return err
		}
	}
	if b.def, err = fixture.Default(); err != nil {
		return err
	}
	if b.readToks, b.rw, err = locationTokens(b.def, time.Now()); err != nil {
		return err
	}
	if b.tmp, err = os.MkdirTemp("", "ghlbench-"); err != nil {
		return err
	}
	one, err := oneLocationFixture()
	if err != nil {
		return err
	}
	b.oneFile = filepath.Join(b.tmp, "one-location.yaml")
	if err := os.WriteFile(b.oneFile, one, 0o644); err != nil {
		return err
	}
	b.rep = &Report{
		Machine: machine(ctx, b.cfg.wrk),
		Settings: Settings{
			Threads: c.threads, Connections: c.conns, LatencyConns: c.latencyConns,
			DurationS: c.duration.Seconds(), DuplicateS: c.dupDuration.Seconds(), WarmupS: c.warmup.Seconds(),
			Rounds: c.rounds, Contacts: c.contacts, MockBinary: c.mock, BareBinary: c.bare,
			MockServeFlags:   strings.Join(b.mockArgs(), " "),
			ContractCommand:  c.mock + " contract --include-ratelimit",
			MeasuredFixtures: "the embedded default fixtures' first location (" + b.rw.Location + ") alone",
		},
		LoadRuns: []*LoadRun{},
		Notes: []string{
			"mixed-70r/30w runs the same wrk Lua script against both servers (the bare one answers everything with its fixed body), so the ratio is not skewed by the load generator's Lua cost.",
			"list-query and search-contains-sort are judged at the latency connection count (service latency, nothing queued); the runs at the full connection count show throughput and queueing, with no target.",
			"RSS is read right after start-up and a health check, as a user would see it: it includes what seeding allocated and the Go runtime has not returned yet; Go heap is the live heap after a forced GC (--pprof).",
		},
	}
	if c.gobench != "" {
		f, err := os.Open(c.gobench)
		if err != nil {
			return err
		}
		b.rep.GoBench, err = parseGoBench(f)
		f.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

func (b *bench) logf(format string, a ...any) {
	fmt.Fprintf(b.log, "ghlbench %s: %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, a...))
}

// mockArgs are serve's arguments: loopback, an ephemeral port, quiet logs
// and limits set high, as in a load test.
func (b *bench) mockArgs(extra ...string) []string {
	return append([]string{"serve", "--addr", "127.0.0.1:0", "--log-level", "warn",
		"--burst-limit", "1000000000", "--daily-limit", "1000000000"}, extra...)
}

func (b *bench) startMock(ctx context.Context, name string, extra ...string) (*server, error) {
	return b.procs.start(ctx, name, 3*time.Minute, b.cfg.mock, b.mockArgs(extra...)...)
}

func (b *bench) startBare(ctx context.Context) (*server, error) {
	return b.procs.start(ctx, "barehttp", 30*time.Second, b.cfg.bare, "--addr", "127.0.0.1:0")
}

func (b *bench) nonce() string {
	b.nonces++
	return strconv.FormatInt(time.Now().UnixNano()%1e9, 36) + strconv.Itoa(b.nonces)
}

// measure runs a warm-up (unmeasured) and then the measured wrk run of a
// script against url.
func (b *bench) measure(ctx context.Context, url, script string, data luaData, conns int, d time.Duration) (WrkResult, error) {
	run := wrkRun{URL: url, Threads: min(b.cfg.threads, conns), Connections: conns, Timeout: b.cfg.timeout}
	if b.cfg.warmup > 0 {
		data.Nonce = b.nonce()
		path, err := writeScript(b.tmp, script, data)
		if err != nil {
			return WrkResult{}, err
		}
		run.Script, run.Duration = path, b.cfg.warmup
		if _, _, err := runWrk(ctx, b.cfg.wrk, run); err != nil {
			return WrkResult{}, fmt.Errorf("warm-up: %w", err)
		}
	}
	data.Nonce = b.nonce()
	path, err := writeScript(b.tmp, script, data)
	if err != nil {
		return WrkResult{}, err
	}
	run.Script, run.Duration = path, d
	r, _, err := runWrk(ctx, b.cfg.wrk, run)
	return r, err
}

func (b *bench) addRun(scenario, server string, conns int, d time.Duration) *LoadRun {
	l := &LoadRun{Scenario: scenario, Server: server, Threads: min(b.cfg.threads, conns), Connections: conns, Seconds: float64(int(d.Seconds()))}
	b.rep.LoadRuns = append(b.rep.LoadRuns, l)
	return l
}

// record adds one measured round to l, or its error.
func (b *bench) record(l *LoadRun, label string, r WrkResult, err error) {
	if err != nil {
		if l.Error == "" {
			l.Error = err.Error()
		}
		b.logf("%s %s: %v", l.Scenario, label, err)
		return
	}
	l.Rounds = append(l.Rounds, r)
	b.logf("%-22s %-13s %s req/s, p50 %s, p99 %s, errors %d/%d", l.Scenario, label,
		formatCount(r.ReqPerSec), formatMs(r.P50Ms), formatMs(r.P99Ms), r.Errors(), r.Requests)
}

// memServer starts a mock with --pprof and extra flags and measures it after
// start-up and a health check: RSS first, then the Go heap after a forced
// GC, and the contacts it holds. The caller stops the server.
func (b *bench) memServer(ctx context.Context, label string, tokens map[string]string, extra ...string) (ServerMem, *server) {
	m := ServerMem{Fixture: label}
	s, err := b.startMock(ctx, "ghlmock ("+label+")", append([]string{"--pprof"}, extra...)...)
	if err != nil {
		m.Error = err.Error()
		return m, nil
	}
	m.StartupS = s.startup.Seconds()
	a := newAPI(s.url, "")
	if err := a.health(ctx); err != nil {
		m.Error = "health: " + err.Error()
		return m, s
	}
	if m.RSS, err = rss(s.cmd.Process.Pid); err != nil {
		m.Error = "RSS: " + err.Error()
		return m, s
	}
	if m.HeapAlloc, err = a.heapAfterGC(ctx); err != nil {
		b.logf("%s: Go heap not read: %v", label, err)
	}
	if m.Contacts, err = countContacts(ctx, s.url, tokens); err != nil {
		m.Error = "counting contacts: " + err.Error()
	}
	b.logf("%s: start-up %.2f s, RSS %s, Go heap %s, %s contacts", label, m.StartupS, formatBytes(m.RSS), formatBytes(m.HeapAlloc), formatCount(float64(m.Contacts)))
	return m, s
}

func (b *bench) memory() *Memory {
	if b.rep.Memory == nil {
		b.rep.Memory = &Memory{}
	}
	return b.rep.Memory
}

// duplicateRuns measures duplicate lookups by email and by phone on s, named
// server in the report.
func (b *bench) duplicateRuns(ctx context.Context, s *server, server string) {
	a := newAPI(s.url, b.rw.Token)
	sample, err := a.sample(ctx, b.rw.Location, 500)
	for _, by := range []struct{ scenario, param string }{{scenarioDupEmail, "email"}, {scenarioDupPhone, "number"}} {
		l := b.addRun(by.scenario, server, b.cfg.latencyConns, b.cfg.dupDuration)
		if err != nil {
			b.record(l, server, WrkResult{}, fmt.Errorf("sampling contacts: %w", err))
			continue
		}
		paths := duplicatePaths(b.rw.Location, by.param, sample, dupSampleMax)
		if len(paths) == 0 {
			b.record(l, server, WrkResult{}, errors.New("no contact with an "+by.param))
			continue
		}
		if err := a.checkDuplicateHit(ctx, paths[0]); err != nil {
			b.record(l, server, WrkResult{}, err)
			continue
		}
		r, err := b.measure(ctx, s.url, "cycle", b.requests("GET", paths, nil), b.cfg.latencyConns, b.cfg.dupDuration)
		b.record(l, server, r, err)
		l.summarize()
	}
}

// requests is the luaData of a cycle of requests of one method.
func (b *bench) requests(method string, paths []string, bodies []string) luaData {
	d := luaData{Token: b.rw.Token, Version: apiVersion, Location: b.rw.Location}
	for _, p := range paths {
		d.Requests = append(d.Requests, luaRequest{Method: method, Path: p})
	}
	for _, body := range bodies {
		d.Requests = append(d.Requests, luaRequest{Method: method, Path: "/contacts/search", Body: body})
	}
	return d
}

// defaultPhase measures the default server (RSS, heap, duplicate lookups at
// default size) and the first location alone at its default size.
func (b *bench) defaultPhase(ctx context.Context) {
	m := b.memory()
	var s *server
	m.Default, s = b.memServer(ctx, "default fixtures", b.readToks)
	if s != nil {
		if pool, err := newAPI(s.url, b.rw.Token).taskPool(ctx, b.rw.Location, 50, ada.ID, babbage.ID); err == nil {
			b.pool = pool
		}
		if m.Default.Error == "" && ctx.Err() == nil {
			b.duplicateRuns(ctx, s, serverDefault)
		}
		b.procs.stop(s)
	}
	if ctx.Err() != nil {
		return
	}
	m.OneLocation, s = b.memServer(ctx, "first location only", b.oneLocationTokens(), "--fixtures", b.oneFile)
	b.procs.stop(s)
}

func (b *bench) oneLocationTokens() map[string]string {
	return map[string]string{b.rw.Location: b.readToks[b.rw.Location]}
}

// loadPhase compares the mock with the bare server, alternating.
func (b *bench) loadPhase(ctx context.Context) {
	c := b.cfg
	runs := map[string]*LoadRun{}
	for _, sc := range []string{scenarioGet, scenarioMixed} {
		for _, srv := range []string{serverBare, serverMock} {
			runs[sc+srv] = b.addRun(sc, srv, c.conns, c.duration)
		}
	}
	for round := range c.rounds {
		order := inTurn(round, serverBare, serverMock)
		for _, sc := range []string{scenarioGet, scenarioMixed} {
			for _, srv := range order {
				r, err := b.loadOnce(ctx, sc, srv)
				if ctx.Err() != nil {
					return
				}
				b.record(runs[sc+srv], fmt.Sprintf("%s %d/%d", srv, round+1, c.rounds), r, err)
			}
		}
	}
	for _, l := range runs {
		l.summarize()
	}
}

// loadOnce is one measured run of a scenario on a fresh server process.
func (b *bench) loadOnce(ctx context.Context, scenario, srv string) (WrkResult, error) {
	var s *server
	var err error
	if srv == serverBare {
		s, err = b.startBare(ctx)
	} else {
		s, err = b.startMock(ctx, "ghlmock")
	}
	if err != nil {
		return WrkResult{}, err
	}
	defer b.procs.stop(s)
	if scenario == scenarioGet {
		return b.measure(ctx, s.url, "cycle", b.requests("GET", []string{"/contacts/" + ada.ID}, nil), b.cfg.conns, b.cfg.duration)
	}
	data := luaData{Token: b.rw.Token, Version: apiVersion, Location: b.rw.Location, A: ada, B: babbage, Pool: b.pool}
	if srv == serverMock {
		pool, err := newAPI(s.url, b.rw.Token).taskPool(ctx, b.rw.Location, 50, ada.ID, babbage.ID)
		if err != nil {
			return WrkResult{}, fmt.Errorf("contacts to create tasks on: %w", err)
		}
		b.pool, data.Pool = pool, pool
	}
	if len(data.Pool) == 0 {
		data.Pool = []string{"bareBaselineContact1"} // the bare server answers anything alike
	}
	return b.measure(ctx, s.url, "mixed", data, b.cfg.conns, b.cfg.duration)
}

// bigPhase measures the large location: start-ups, memory, and the list,
// search and duplicate runs.
func (b *bench) bigPhase(ctx context.Context) {
	c := b.cfg
	m := b.memory()
	contacts := strconv.Itoa(c.contacts)
	label := "first location, --contacts " + contacts
	if m.OneLocation.RSS == 0 && m.OneLocation.Error == "" {
		// the base of the per-contact figure, when the default phase did not run
		var s *server
		m.OneLocation, s = b.memServer(ctx, "first location only", b.oneLocationTokens(), "--fixtures", b.oneFile)
		b.procs.stop(s)
	}
	var rsses []float64
	var s *server
	for i := range c.rounds {
		b.procs.stop(s)
		var sm ServerMem
		sm, s = b.memServer(ctx, label, b.oneLocationTokens(), "--fixtures", b.oneFile, "--contacts", contacts)
		if sm.Error != "" {
			m.Big = sm
			b.procs.stop(s)
			b.logf("%s: %s", label, sm.Error)
			return
		}
		m.BigStartupsS = append(m.BigStartupsS, sm.StartupS)
		rsses = append(rsses, float64(sm.RSS))
		if i == c.rounds-1 {
			sm.RSS = int64(median(rsses))
			sm.StartupS = median(m.BigStartupsS)
			m.Big = sm
		}
		if ctx.Err() != nil {
			b.procs.stop(s)
			return
		}
	}
	defer b.procs.stop(s)
	if n := m.Big.Contacts - m.OneLocation.Contacts; n > 0 && m.OneLocation.RSS > 0 {
		m.RSSPerContact = float64(m.Big.RSS-m.OneLocation.RSS) / float64(n)
		if m.Big.HeapAlloc > 0 && m.OneLocation.HeapAlloc > 0 {
			m.HeapPerContact = float64(m.Big.HeapAlloc-m.OneLocation.HeapAlloc) / float64(n)
		}
	}

	bodies, err := searchBodies(b.rw.Location, searchSubs, searchSorts)
	if err != nil {
		b.logf("search bodies: %v", err)
		return
	}
	for _, conns := range uniq(c.latencyConns, c.conns) {
		for _, sc := range []struct {
			name string
			data luaData
		}{
			{scenarioList, b.requests("GET", listPaths(b.rw.Location, listQueries), nil)},
			{scenarioSearch, b.requests("POST", nil, bodies)},
		} {
			l := b.addRun(sc.name, server100k, conns, c.duration)
			r, err := b.measure(ctx, s.url, "cycle", sc.data, conns, c.duration)
			if ctx.Err() != nil {
				return
			}
			b.record(l, server100k, r, err)
			l.summarize()
		}
		if conns == c.latencyConns {
			b.duplicateRuns(ctx, s, server100k)
		}
	}
}

func uniq(xs ...int) []int {
	var out []int
	for _, x := range xs {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/ghlmock/ghlmock/mockserver"
	"github.com/ghlmock/ghlmock/mockserver/faults"
	"github.com/ghlmock/ghlmock/mockserver/fixture"
	"github.com/ghlmock/ghlmock/mockserver/ratelimit"
)

func init() {
	commands = append(commands,
		command{name: "serve", run: runServe},
		command{name: "fixtures", run: runFixtures},
	)
}

// serveFlags are the flags of ghlmock serve.
type serveFlags struct {
	addr        string
	seed        int64
	fixtures    string
	contacts    int
	logLevel    string
	logFormat   string
	burstLimit  int
	burstWindow time.Duration
	dailyLimit  int
	retryAfter  optBool
	faults      string
	admin       adminFlags
	journalSize int
	journalBody int
	state       string
	stateEvery  time.Duration
	stateSync   bool
	grace       time.Duration
	pprof       bool
	now         string
	bounds      boundFlags
	webhooks    webhookFlags // webhooks.go
	tls         bool
	tlsDir      string
	corsOrigins string
	metrics     bool
}

// optBool is a boolean flag that remembers whether it was given.
type optBool struct{ set, value bool }

func (o *optBool) String() string {
	if !o.set {
		return ""
	}
	return strconv.FormatBool(o.value)
}

func (o *optBool) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return err
	}
	o.set, o.value = true, v
	return nil
}

func (o *optBool) IsBoolFlag() bool { return true }

func (f *serveFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.addr, "addr", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one)")
	fs.Int64Var(&f.seed, "seed", 1, "seed of the generated data; the same seed and fixtures give the same data (not 0)")
	fs.StringVar(&f.fixtures, "fixtures", "", "fixture file (default: the embedded fixtures/default.yaml)")
	fs.IntVar(&f.contacts, "contacts", 0, "generated contacts per location, overriding the fixtures (0: as the fixtures say)")
	fs.StringVar(&f.logLevel, "log-level", "info", "log level: debug, info (one line per request), warn, error")
	fs.StringVar(&f.logFormat, "log-format", "text", "log format: text or json")
	fs.IntVar(&f.burstLimit, "burst-limit", 0, "requests per burst window per app and location (0: the fixtures', GHL's 100)")
	fs.DurationVar(&f.burstWindow, "burst-window", 0, "length of the burst window (0: the fixtures', GHL's 10s)")
	fs.IntVar(&f.dailyLimit, "daily-limit", 0, "requests per day per app and location (0: the fixtures', GHL's 200000)")
	fs.Var(&f.retryAfter, "retry-after", "send Retry-After on 429s (default: the fixtures' retryAfter setting, off)")
	fs.StringVar(&f.faults, "faults", "", "YAML or JSON file of fault rules in force from the start")
	f.admin.register(fs)
	fs.IntVar(&f.journalSize, "journal-size", 1000, "requests the journal keeps (a ring)")
	fs.IntVar(&f.journalBody, "journal-bodies", 4096, "bytes of each request's and answer's body (and header value) the journal keeps; 0 keeps none")
	fs.StringVar(&f.state, "state", "", "SQLite database the state lives in: loaded at start (created with the seeded data if missing), every write committed to it before it is answered")
	fs.DurationVar(&f.stateEvery, "state-every", 30*time.Second, "kept for scripts of earlier versions and ignored: with --state every write is committed before it is answered")
	fs.BoolVar(&f.stateSync, "state-sync", false, "with --state, make every commit wait for the disk, so that an operating-system crash or power cut loses nothing either (default: a killed process loses nothing)")
	fs.DurationVar(&f.grace, "shutdown-grace", 10*time.Second, "on SIGINT/SIGTERM, how long requests in flight may take to finish before their connections are closed")
	fs.BoolVar(&f.pprof, "pprof", false, "serve net/http/pprof under /_mock/debug/pprof/ (admin-protected)")
	f.bounds.register(fs)
	fs.BoolVar(&f.tls, "tls", false, "serve HTTPS with a certificate for services.leadconnectorhq.com and the loopback names, signed by the mock's own CA (see ghlmock tls ca)")
	fs.StringVar(&f.tlsDir, "tls-dir", "", "directory the --tls CA is kept in (default: in the --state database, else ghlmock/tls in the user's configuration directory)")
	fs.StringVar(&f.corsOrigins, "cors-origins", "", "comma-separated origins whose web pages may call the GHL API routes (CORS), e.g. http://localhost:3000, or * for any (default: none; never the admin API)")
	fs.BoolVar(&f.metrics, "metrics", true, "serve Prometheus metrics at /_mock/metrics (admin-protected like the rest of /_mock/)")
	fs.StringVar(&f.now, "now", "", "start the mock's clock at this RFC 3339 instant (e.g. 2026-11-22T09:00:00Z) so the seeded dates are the same in every run and after every reset (default: the real time)")
	f.webhooks.register(fs)
}

// isLoopback reports whether addr only listens on a loopback interface.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// loadFixtures reads the fixture file, or the embedded default.
func loadFixtures(path string) (*fixture.Fixture, error) {
	if path == "" {
		return fixture.Default()
	}
	return fixture.LoadFile(path)
}

func newLogger(w io.Writer, level, format string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format must be text or json, not %q", format)
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := newFlagSet("serve", stderr)
	var f serveFlags
	f.register(fs)
	if err := parseFlags(fs, args, getenv); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if err := f.check(); err != nil {
		return err
	}
	if f.seed == 0 {
		return errors.New("--seed must not be 0 (gofakeit treats 0 as random, and the mock's data must be reproducible)")
	}
	logger, err := newLogger(stderr, f.logLevel, f.logFormat)
	if err != nil {
		return err
	}
	if err := f.bounds.check(); err != nil {
		return err
	}
	adminToken, allowedHosts, err := f.admin.resolve(f.addr)
	if err != nil {
		return err
	}
	if f.tls {
		allowedHosts = append(allowedHosts, tlsHosts()...) // tls.go
	}
	if !isLoopback(f.addr) && adminToken == "" {
		return fmt.Errorf("--addr %s is not a loopback address: set an admin token (GHLMOCK_ADMIN_TOKEN or --admin-token-file) so the admin API is not open to the network", f.addr)
	}
	fx, err := loadFixtures(f.fixtures)
	if err != nil {
		return err
	}
	cfg := mockserver.Config{
		Fixtures:            fx,
		Seed:                f.seed,
		ContactsPerLocation: f.contacts,
		Logger:              logger,
		RateLimits:          ratelimit.Limits{Burst: f.burstLimit, Window: f.burstWindow, Daily: f.dailyLimit},
		AdminToken:          adminToken,
		AllowedHosts:        allowedHosts,
		BodyTimeout:         f.bounds.bodyTimeout,
		JournalSize:         f.journalSize,
		JournalBodyBytes:    journalBodyBytes(f.journalBody),
		Pprof:               f.pprof,
		StatePath:           f.state,
		StateSync:           f.stateSync,
		CORSOrigins:         splitList(f.corsOrigins),
		Metrics:             f.metrics,
	}
	if f.retryAfter.set {
		cfg.RetryAfter = &f.retryAfter.value
	}
	if cfg.Webhooks, err = f.webhooks.config(); err != nil {
		return err
	}
	if f.now != "" {
		if cfg.Epoch, err = time.Parse(time.RFC3339Nano, f.now); err != nil {
			return fmt.Errorf("--now must be an RFC 3339 instant such as 2026-11-22T09:00:00Z, not %q", f.now)
		}
	}
	if f.faults != "" {
		if cfg.Faults, err = faults.ParseFile(f.faults); err != nil {
			return err
		}
	}
	// Building the state (seeding it, or loading a database of 100,000
	// contacts) makes a heap that only grows: collecting it on the way is
	// wasted work. tuneGC sets the collector for serving once it is built.
	gc := debug.SetGCPercent(400)
	srv, err := mockserver.New(cfg)
	debug.SetGCPercent(gc)
	if err != nil {
		return err
	}
	defer func() { _ = srv.CloseState() }() // a start that fails below still leaves the database closed cleanly
	// Seeding builds the data once and throws the scaffolding away; give
	// those pages back now rather than whenever the runtime gets to it, so a
	// long-running mock's resident memory is what its data needs.
	debug.FreeOSMemory()
	tuneGC(getenv)
	tcp, err := net.Listen("tcp", f.addr)
	if err != nil {
		return err
	}
	ln, err := f.bounds.limit(tcp, logger)
	if err != nil {
		_ = tcp.Close()
		return err
	}
	httpSrv := f.bounds.server(srv, ln, logger)
	httpSrv.RegisterOnShutdown(srv.Close) // release requests a "timeout" fault holds
	scheme := "http"
	if f.tls {
		if httpSrv.TLSConfig, err = serveTLSConfig(ctx, &f, srv, logger); err != nil {
			ln.Close()
			return err
		}
		scheme = "https"
	}
	errc := make(chan error, 1)
	go func() {
		if f.tls {
			errc <- httpSrv.ServeTLS(ln, "", "")
			return
		}
		errc <- httpSrv.Serve(ln)
	}()
	fmt.Fprintf(stdout, "ghlmock listening on %s://%s\n", scheme, ln.Addr())

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down", "grace", f.grace.String())
	// Stop accepting, let the requests in flight finish within the grace
	// period, then close whatever is still open (a stalled upload, a held
	// connection): every write answered was committed already, so closing
	// them loses nothing.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), f.grace)
	defer cancel()
	if err := httpSrv.Shutdown(shutdownCtx); err != nil {
		logger.Warn("requests still open at the end of the grace period: closing them", "error", err.Error())
		_ = httpSrv.Close()
	}
	if err := srv.CloseState(); err != nil {
		return fmt.Errorf("--state %s: %w", f.state, err)
	}
	if f.state != "" {
		logger.Info("state closed", "file", f.state)
	}
	return nil
}

// minHeapGoal is the least heap the garbage collector lets grow before it
// runs. A default mock holds ~3 MiB of live data, so GOGC=100 would collect
// every few hundred requests, and collection was the largest cost a profile
// of a load run showed after the handlers' own. 10 MiB gave ~5% more
// requests per second and keeps a default mock under 40 MB resident while
// wrk hammers it (24 MiB gave ~9% more but 57 MB); a big location (100,000
// contacts, ~150 MiB live) is left at GOGC=100.
const minHeapGoal = 10 << 20

// tuneGC raises GOGC so that the heap may grow to minHeapGoal between
// collections, unless the user set GOGC.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") != "" {
		return
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if p, ok := gcPercentFor(ms.HeapAlloc); ok {
		debug.SetGCPercent(p)
	}
}

// gcPercentFor is the GOGC that lets a live heap of live bytes grow to
// minHeapGoal, or false when the heap is large enough for Go's default.
func gcPercentFor(live uint64) (int, bool) {
	live = max(live, 1<<20)
	if live >= minHeapGoal/2 {
		return 0, false
	}
	return int((minHeapGoal - live) * 100 / live), true
}

func runFixtures(_ context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := newFlagSet("fixtures", stderr)
	asJSON := fs.Bool("json", false, "print the resolved fixtures as JSON")
	path := fs.String("fixtures", "", "fixture file (default: the embedded fixtures/default.yaml)")
	seed := fs.Int64("seed", 1, "seed of the generated data (reported with the fixtures)")
	if err := parseFlags(fs, args, getenv); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if !*asJSON {
		fmt.Fprintln(stderr, "ghlmock fixtures: only --json output exists; run ghlmock fixtures --json")
		return exitCode(2)
	}
	fx, err := loadFixtures(*path)
	if err != nil {
		return err
	}
	out := struct {
		Seed int64 `json:"seed"`
		fixture.Summary
	}{Seed: *seed, Summary: fx.Resolved()}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// journalBodyBytes maps the flag, where 0 means none, to Config's bound,
// where 0 means the default.
func journalBodyBytes(n int) int {
	if n <= 0 {
		return -1
	}
	return n
}

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
	"net/http"
	"time"

	"github.com/ghlmock/ghlmock/mockserver"
	"github.com/ghlmock/ghlmock/mockserver/fixture"
)

func init() {
	commands = append(commands,
		command{name: "serve", run: runServe},
		command{name: "fixtures", run: runFixtures},
	)
}

// serveFlags are the flags of ghlmock serve.
type serveFlags struct {
	addr      string
	seed      int64
	fixtures  string
	contacts  int
	logLevel  string
	logFormat string
}

func (f *serveFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.addr, "addr", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one)")
	fs.Int64Var(&f.seed, "seed", 1, "seed of the generated data; the same seed and fixtures give the same data (not 0)")
	fs.StringVar(&f.fixtures, "fixtures", "", "fixture file (default: the embedded fixtures/default.yaml)")
	fs.IntVar(&f.contacts, "contacts", 0, "generated contacts per location, overriding the fixtures (0: as the fixtures say)")
	fs.StringVar(&f.logLevel, "log-level", "info", "log level: debug, info (one line per request), warn, error")
	fs.StringVar(&f.logFormat, "log-format", "text", "log format: text or json")
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
	if f.seed == 0 {
		return errors.New("--seed must not be 0 (gofakeit treats 0 as random, and the mock's data must be reproducible)")
	}
	logger, err := newLogger(stderr, f.logLevel, f.logFormat)
	if err != nil {
		return err
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
	}
	srv, err := mockserver.New(cfg)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return err
	}
	httpSrv := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- httpSrv.Serve(ln) }()
	fmt.Fprintf(stdout, "ghlmock listening on http://%s\n", ln.Addr())

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := httpSrv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
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

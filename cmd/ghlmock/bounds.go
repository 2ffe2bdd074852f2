package main

import (
	"errors"
	"flag"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/ghlmock/ghlmock/mockserver/connlimit"
)

// boundFlags bound what one connection may hold of the server: time to
// send its headers and its body, time kept open idle, header bytes, and how
// many connections are open at once.
type boundFlags struct {
	readHeaderTimeout time.Duration
	bodyTimeout       time.Duration
	idleTimeout       time.Duration
	maxHeaderBytes    int
	maxConns          int
}

func (b *boundFlags) register(fs *flag.FlagSet) {
	fs.DurationVar(&b.readHeaderTimeout, "read-header-timeout", 10*time.Second, "time a client has to send a request's headers before its connection is closed")
	fs.DurationVar(&b.bodyTimeout, "body-timeout", 30*time.Second, "time a client has, after the headers, to send the whole request body (a state import too) before its connection is closed, with a token or without")
	fs.DurationVar(&b.idleTimeout, "idle-timeout", 60*time.Second, "how long an idle keep-alive connection stays open")
	fs.IntVar(&b.maxHeaderBytes, "max-header-bytes", 64<<10, "bytes of request line and headers a request may have (beyond: 431)")
	fs.IntVar(&b.maxConns, "max-conns", 0, "connections open at once; at the cap an idle connection is closed to make room, else the new one is answered 503 with Retry-After: 1 (0: from the file-descriptor limit, 896 for 1024, at most 4096)")
}

func (b *boundFlags) check() error {
	switch {
	case b.readHeaderTimeout <= 0, b.bodyTimeout <= 0, b.idleTimeout <= 0:
		return errors.New("--read-header-timeout, --body-timeout and --idle-timeout must be positive durations")
	case b.maxHeaderBytes < 4096:
		return errors.New("--max-header-bytes must be at least 4096")
	case b.maxConns < 0:
		return errors.New("--max-conns must not be negative (0 derives it from the file-descriptor limit)")
	}
	return nil
}

// limit wraps the listener in the connection cap.
func (b *boundFlags) limit(ln net.Listener, logger *slog.Logger) (*connlimit.Listener, error) {
	max := b.maxConns
	if max == 0 {
		max = connlimit.DefaultMax()
	}
	return connlimit.New(ln, connlimit.Options{Max: max, Logger: logger})
}

// server returns the http.Server for h with the bounds applied; ln's
// ConnState tracks its connections for the cap.
func (b *boundFlags) server(h http.Handler, ln *connlimit.Listener, logger *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h, // the body's time is mockserver.Config.BodyTimeout
		ReadHeaderTimeout: b.readHeaderTimeout,
		IdleTimeout:       b.idleTimeout,
		MaxHeaderBytes:    b.maxHeaderBytes,
		ConnState:         ln.ConnState,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}

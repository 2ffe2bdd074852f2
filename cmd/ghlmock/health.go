package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// ghlmock health asks a running mock for GET /_mock/health and exits 0 when
// it answers {"status":"ok"}, 1 otherwise. It exists for places with no curl:
// the container image (a static binary and nothing else) uses it as its
// HEALTHCHECK, and a CI job uses --wait to wait for a mock it started in the
// background.

func init() {
	commands = append(commands, command{name: "health", run: runHealth})
}

func runHealth(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := newFlagSet("health", stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "the address the mock listens on, as given to serve --addr (reads GHLMOCK_ADDR, as serve does); a host of 0.0.0.0, :: or none is asked on loopback")
	base := fs.String("url", "", "the mock's base URL, e.g. http://ghlmock:8080, instead of --addr")
	wait := fs.Duration("wait", 0, "keep asking, twice a second, for up to this long until the mock is healthy (0: ask once)")
	timeout := fs.Duration("timeout", 2*time.Second, "how long each request may take")
	useTLS := fs.Bool("tls", false, "the mock serves HTTPS (serve --tls; reads GHLMOCK_TLS, as serve does): ask over https, trusting whatever certificate it shows, as only its health is asked")
	if err := parseFlags(fs, args, getenv); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if *wait < 0 || *timeout <= 0 {
		return errors.New("--wait must not be negative and --timeout must be positive")
	}
	u := strings.TrimSuffix(*base, "/")
	if u == "" {
		var err error
		if u, err = probeURL(*addr); err != nil {
			return err
		}
		if *useTLS {
			u = "https" + strings.TrimPrefix(u, "http")
		}
	}
	u += "/_mock/health"
	// The mock's certificate is signed by its own CA, which this process
	// need not trust to learn whether the mock is up.
	client := &http.Client{Timeout: *timeout, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true},
	}}
	deadline := time.Now().Add(*wait)
	for {
		err := probe(ctx, client, u)
		if err == nil {
			fmt.Fprintln(stdout, "ghlmock health: ok", u)
			return nil
		}
		if !time.Now().Before(deadline) || ctx.Err() != nil {
			fmt.Fprintf(stderr, "ghlmock health: %s: %v\n", u, err)
			return exitCode(1)
		}
		select {
		case <-ctx.Done():
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// probeURL is the base URL that reaches a mock listening on addr.
func probeURL(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" || port == "0" {
		return "", fmt.Errorf("--addr %q: give the HOST:PORT the mock listens on (or --url)", addr)
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return "http://" + net.JoinHostPort(host, port), nil
}

// probe asks once; nil means healthy.
func probe(ctx context.Context, client *http.Client, u string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	var body struct {
		Status string `json:"status"`
		Reason string `json:"reason"`
	}
	raw, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if json.Unmarshal(raw, &body) != nil {
		return fmt.Errorf("answered %d %q, not the mock's health", res.StatusCode, truncate(string(raw), 200))
	}
	if res.StatusCode != http.StatusOK || body.Status != "ok" {
		if body.Reason != "" {
			return fmt.Errorf("answered %d %s: %s", res.StatusCode, body.Status, body.Reason)
		}
		return fmt.Errorf("answered %d %q", res.StatusCode, body.Status)
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

package main

import (
	"context"
	"flag"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDashDashVersion(t *testing.T) {
	for _, arg := range []string{"--version", "-version", "version"} {
		out, _, err := runCmd(t, arg)
		require.NoError(t, err, arg)
		assert.Regexp(t, `^ghlmock \S+`, out, arg)
	}
}

func TestServeRefusesAnAddrWithoutAPortAndNegativeCounts(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no port", []string{"--addr", "127.0.0.1"}, `--addr "127.0.0.1" is not HOST:PORT: give a port too, e.g. 127.0.0.1:8080`},
		{"a hostname and no port", []string{"--addr", "localhost"}, `--addr "localhost" is not HOST:PORT`},
		{"a port out of range", []string{"--addr", "127.0.0.1:70000"}, "the port must be a number from 0 to 65535"},
		{"a named port", []string{"--addr", "127.0.0.1:http"}, "the port must be a number"},
		{"negative contacts", []string{"--contacts", "-1"}, "--contacts must not be negative, not -1"},
		{"negative burst limit", []string{"--burst-limit", "-5"}, "--burst-limit must not be negative"},
		{"negative daily limit", []string{"--daily-limit", "-5"}, "--daily-limit must not be negative"},
		{"no journal", []string{"--journal-size", "0"}, "--journal-size must be at least 1, not 0"},
		{"negative journal bodies", []string{"--journal-bodies", "-1"}, "--journal-bodies must not be negative"},
		{"negative window", []string{"--burst-window", "-10s"}, "--burst-window must not be negative"},
		{"negative grace", []string{"--shutdown-grace", "-1s"}, "--shutdown-grace must not be negative"},
	}
	// A context already cancelled: a value that is not refused starts a
	// server that stops at once, and the test fails rather than hangs.
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := run(ctx, append([]string{"serve"}, c.args...), &strings.Builder{}, &strings.Builder{}, func(string) string { return "" })
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
	t.Run("from the environment too", func(t *testing.T) {
		err := run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}, &strings.Builder{}, &strings.Builder{},
			func(k string) string { return map[string]string{"GHLMOCK_CONTACTS": "-2"}[k] })
		require.Error(t, err)
		assert.Contains(t, err.Error(), "--contacts must not be negative, not -2")
	})
}

// TestHelpSpellsFlagsAsTheREADMEDoes: every command's -h lists its flags as
// --name (the README's spelling), each with its GHLMOCK_ variable.
func TestHelpSpellsFlagsAsTheREADMEDoes(t *testing.T) {
	for _, cmd := range []string{"serve", "fixtures", "contract", "health"} {
		t.Run(cmd, func(t *testing.T) {
			_, stderr, err := runCmd(t, cmd, "-h")
			require.NoError(t, err)
			assert.Contains(t, stderr, "Usage: ghlmock "+cmd+" [flags]")
			assert.NotRegexp(t, regexp.MustCompile(`(?m)^\s+-[a-z]`), stderr, "no flag spelled with one dash")
			fs := newFlagSet(cmd, &strings.Builder{})
			switch cmd {
			case "serve":
				new(serveFlags).register(fs)
				assert.Contains(t, stderr, "  --addr string\n")
				assert.Contains(t, stderr, "[GHLMOCK_ADDR]")
				assert.Contains(t, stderr, "(default 127.0.0.1:8080)")
			case "contract":
				new(contractFlags).register(fs)
			}
			fs.VisitAll(func(f *flag.Flag) { assert.Contains(t, stderr, "  --"+f.Name, "-h lists --%s", f.Name) })
		})
	}
}

func TestFlagErrorsSpellFlagsWithTwoDashes(t *testing.T) {
	cases := map[string][]string{
		"flag provided but not defined: --colour (ghlmock serve -h lists the flags)":               {"serve", "--colour"},
		`invalid value "x" for flag --burst-limit: parse error (ghlmock serve -h lists the flags)`: {"serve", "--burst-limit", "x"},
		"flag needs an argument: --addr (ghlmock health -h lists the flags)":                       {"health", "--addr"},
		`invalid value "soon" for flag --wait: parse error (ghlmock health -h lists the flags)`:    {"health", "--wait", "soon"},
	}
	for want, args := range cases {
		_, stderr, err := runCmd(t, args...)
		require.Error(t, err)
		assert.Equal(t, want, err.Error())
		assert.Empty(t, stderr, "said once, by main, not also with the whole usage")
	}
}

func TestHealth(t *testing.T) {
	healthy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/_mock/health" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte(`{"status":"ok"}`))
	}))
	defer healthy.Close()
	degraded := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(503)
		_, _ = w.Write([]byte(`{"status":"degraded","reason":"the state database cannot commit"}`))
	}))
	defer degraded.Close()
	notMock := httptest.NewServer(http.NotFoundHandler())
	defer notMock.Close()

	out, _, err := runCmd(t, "health", "--url", healthy.URL)
	require.NoError(t, err)
	assert.Equal(t, "ghlmock health: ok "+healthy.URL+"/_mock/health\n", out)

	_, stderr, err := runCmd(t, "health", "--url", degraded.URL)
	assert.Equal(t, exitCode(1), err)
	assert.Contains(t, stderr, "answered 503 degraded: the state database cannot commit")

	_, stderr, err = runCmd(t, "health", "--url", notMock.URL)
	assert.Equal(t, exitCode(1), err)
	assert.Contains(t, stderr, "not the mock's health")

	// --addr (and GHLMOCK_ADDR, as serve reads it) with an any-interface host is asked on loopback.
	port := healthy.URL[strings.LastIndex(healthy.URL, ":")+1:]
	var so, se strings.Builder
	err = run(t.Context(), []string{"health"}, &so, &se, func(k string) string {
		return map[string]string{"GHLMOCK_ADDR": "0.0.0.0:" + port}[k]
	})
	require.NoError(t, err, se.String())
	assert.Contains(t, so.String(), "http://127.0.0.1:"+port+"/_mock/health")

	// A mock serving HTTPS (serve --tls) is asked over https.
	secure := httptest.NewTLSServer(healthy.Config.Handler)
	defer secure.Close()
	err = run(t.Context(), []string{"health"}, &so, &se, func(k string) string {
		return map[string]string{"GHLMOCK_ADDR": strings.TrimPrefix(secure.URL, "https://"), "GHLMOCK_TLS": "true"}[k]
	})
	require.NoError(t, err, se.String())
	_, _, err = runCmd(t, "health", "--addr", strings.TrimPrefix(secure.URL, "https://"))
	assert.Equal(t, exitCode(1), err, "plain http to an https server is not healthy")

	_, _, err = runCmd(t, "health", "--addr", "127.0.0.1")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "give the HOST:PORT")
}

// TestHealthAgainstServe: health --wait finds a real serve healthy.
func TestHealthAgainstServe(t *testing.T) {
	base, _ := startServe(t, nil, "--addr", "127.0.0.1:0", "--contacts", "1")
	out, stderr, err := runCmd(t, "health", "--addr", strings.TrimPrefix(base, "http://"), "--wait", "10s")
	require.NoError(t, err, stderr)
	assert.Contains(t, out, "ok")
}

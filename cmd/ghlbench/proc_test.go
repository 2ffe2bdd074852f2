package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The test binary doubles as the servers procs starts: GHLBENCH_HELPER says
// how it behaves.
func TestMain(m *testing.M) {
	switch os.Getenv("GHLBENCH_HELPER") {
	case "listen":
		fmt.Fprintln(os.Stderr, "starting")
		fmt.Println("helper listening on http://127.0.0.1:12345")
		time.Sleep(time.Minute)
		os.Exit(0)
	case "ignore-term": // must be killed
		signal.Ignore(syscall.SIGTERM)
		fmt.Println("listening on http://127.0.0.1:12346")
		time.Sleep(time.Minute)
		os.Exit(0)
	case "fail":
		fmt.Fprintln(os.Stderr, "no such fixture file")
		os.Exit(3)
	case "silent":
		time.Sleep(time.Minute)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func helper(t *testing.T, mode string) {
	t.Helper()
	t.Setenv("GHLBENCH_HELPER", mode)
}

func alive(pid int) bool { return syscall.Kill(pid, 0) == nil }

func TestProcsStartAndStop(t *testing.T) {
	helper(t, "listen")
	p := newProcs()
	s, err := p.start(context.Background(), "helper", 10*time.Second, os.Args[0])
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:12345", s.url)
	assert.Positive(t, s.startup)
	pid := s.cmd.Process.Pid
	assert.True(t, alive(pid))
	r, err := rss(pid)
	require.NoError(t, err)
	assert.Positive(t, r)

	p.stopAll()
	<-s.done
	assert.Contains(t, s.stderr.String(), "starting")
	assert.Empty(t, p.live)
	p.stop(s) // a second stop is harmless
}

func TestProcsStopKillsWhatIgnoresSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("waits 3 s for the SIGKILL")
	}
	helper(t, "ignore-term")
	p := newProcs()
	s, err := p.start(context.Background(), "helper", 10*time.Second, os.Args[0])
	require.NoError(t, err)
	start := time.Now()
	p.stop(s)
	<-s.done
	assert.GreaterOrEqual(t, time.Since(start), 3*time.Second)
}

func TestProcsStartFailures(t *testing.T) {
	p := newProcs()
	helper(t, "fail")
	_, err := p.start(context.Background(), "helper", 10*time.Second, os.Args[0])
	assert.ErrorContains(t, err, "exited before listening")
	assert.ErrorContains(t, err, "no such fixture file")

	helper(t, "silent")
	_, err = p.start(context.Background(), "helper", 200*time.Millisecond, os.Args[0])
	assert.ErrorContains(t, err, "did not print its listening line")

	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(100 * time.Millisecond); cancel() }()
	_, err = p.start(ctx, "helper", 10*time.Second, os.Args[0])
	assert.ErrorIs(t, err, context.Canceled)
	assert.Empty(t, p.live, "every process that failed to start was stopped")

	_, err = p.start(context.Background(), "nothing", time.Second, "/nonexistent/binary")
	assert.Error(t, err)
}

func TestListeningURL(t *testing.T) {
	assert.Equal(t, "http://127.0.0.1:41234", listeningURL("ghlmock listening on http://127.0.0.1:41234"))
	assert.Equal(t, "http://[::1]:80", listeningURL("listening on http://[::1]:80"))
	assert.Empty(t, listeningURL("starting"))
}

func TestStatusBytes(t *testing.T) {
	status := []byte("Name:\tghlmock\nVmPeak:\t  1312640 kB\nVmHWM:\t   29000 kB\nVmRSS:\t   27216 kB\nThreads:\t5\n")
	n, err := statusBytes(status, "VmRSS")
	require.NoError(t, err)
	assert.Equal(t, int64(27216*1024), n)
	n, err = statusBytes(status, "Threads")
	require.NoError(t, err)
	assert.Equal(t, int64(5), n, "a count without a unit")
	_, err = statusBytes(status, "VmSwap")
	assert.ErrorContains(t, err, "not found")
	_, err = statusBytes([]byte("VmRSS:\t12 GB\n"), "VmRSS")
	assert.ErrorContains(t, err, "unit")
	_, err = statusBytes([]byte("VmRSS:\tlots kB\n"), "VmRSS")
	assert.Error(t, err)

	// /proc/meminfo has the same form.
	n, err = statusBytes([]byte("MemTotal:       24683236 kB\nMemFree: 1 kB\n"), "MemTotal")
	require.NoError(t, err)
	assert.Equal(t, int64(24683236*1024), n)

	own, err := rss(os.Getpid())
	require.NoError(t, err)
	assert.Positive(t, own)
}

func TestTailBuffer(t *testing.T) {
	b := &tailBuffer{max: 8}
	_, _ = b.Write([]byte("0123456"))
	_, _ = b.Write([]byte("789abc"))
	assert.Equal(t, "56789abc", b.String())
}

func TestCleanEnv(t *testing.T) {
	env := []string{"PATH=/bin", "GHL_BASE_URL=https://services.leadconnectorhq.com", "GHLMOCK_ADDR=0.0.0.0:80", "HOME=/root"}
	assert.Equal(t, []string{"PATH=/bin", "HOME=/root"}, cleanEnv(env))
	assert.Len(t, env, 4, "the input is left as it was")
	assert.False(t, strings.Contains(strings.Join(cleanEnv(env), " "), "GHL"))
}

package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// server is a server process this program started: the bare baseline or the
// mock.
type server struct {
	name    string
	cmd     *exec.Cmd
	url     string        // http://HOST:PORT from its "listening on" line
	startup time.Duration // process start → "listening on" line read
	stderr  *tailBuffer
	done    chan struct{} // closed when the process has exited
	waitErr error
}

var listeningRE = regexp.MustCompile(`listening on (http://\S+)`)

// listeningURL returns the address in a "… listening on http://HOST:PORT"
// line, or "".
func listeningURL(line string) string {
	if m := listeningRE.FindStringSubmatch(line); m != nil {
		return m[1]
	}
	return ""
}

// procs tracks every process started, so that all are killed at the end,
// whatever way the run ends.
type procs struct {
	mu   sync.Mutex
	live map[*server]bool
}

func newProcs() *procs { return &procs{live: map[*server]bool{}} }

// start runs bin with args in its own process group and waits for its
// "listening on" line (at most wait). The environment is this process's
// without GHLMOCK_* and GHL_* variables, so that nothing in the caller's
// shell changes what is measured.
func (p *procs) start(ctx context.Context, name string, wait time.Duration, bin string, args ...string) (*server, error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = cleanEnv(os.Environ())
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	s := &server{name: name, cmd: cmd, stderr: &tailBuffer{max: 16 << 10}, done: make(chan struct{})}
	cmd.Stderr = s.stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	urls := make(chan string, 1)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	p.mu.Lock()
	p.live[s] = true
	p.mu.Unlock()
	go func() {
		sc := bufio.NewScanner(out)
		sent := false
		for sc.Scan() {
			if u := listeningURL(sc.Text()); u != "" && !sent {
				urls <- u
				sent = true
			}
		}
		_, _ = io.Copy(io.Discard, out)
	}()
	go func() {
		s.waitErr = cmd.Wait()
		close(s.done)
	}()
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case u := <-urls:
		s.startup = time.Since(start)
		s.url = u
		return s, nil
	case <-s.done:
		p.stop(s)
		return nil, fmt.Errorf("%s exited before listening (%v): %s", name, s.waitErr, strings.TrimSpace(s.stderr.String()))
	case <-timer.C:
		p.stop(s)
		return nil, fmt.Errorf("%s did not print its listening line within %s: %s", name, wait, strings.TrimSpace(s.stderr.String()))
	case <-ctx.Done():
		p.stop(s)
		return nil, ctx.Err()
	}
}

// stop ends s's process group: SIGTERM, then SIGKILL if it has not exited
// within 3 seconds.
func (p *procs) stop(s *server) { p.stopWithin(s, 3*time.Second) }

// stopWithin stops s with SIGTERM, and SIGKILL if it has not exited within
// grace (a mock closing a large state database takes longer than 3 s).
func (p *procs) stopWithin(s *server, grace time.Duration) {
	if s == nil {
		return
	}
	p.mu.Lock()
	delete(p.live, s)
	p.mu.Unlock()
	pid := s.cmd.Process.Pid
	select {
	case <-s.done:
		return
	default:
	}
	_ = syscall.Kill(-pid, syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(grace):
		_ = syscall.Kill(-pid, syscall.SIGKILL)
		<-s.done
	}
}

// stopAll stops every process still running.
func (p *procs) stopAll() {
	p.mu.Lock()
	var all []*server
	for s := range p.live {
		all = append(all, s)
	}
	p.mu.Unlock()
	for _, s := range all {
		p.stop(s)
	}
}

// cleanEnv drops GHLMOCK_* (serve's flags read them) and GHL_* (the
// contract command would test a real API given GHL_BASE_URL).
func cleanEnv(env []string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if strings.HasPrefix(kv, "GHLMOCK_") || strings.HasPrefix(kv, "GHL_") {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// rss returns the resident set size of process pid (VmRSS in
// /proc/PID/status), in bytes.
func rss(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	return statusBytes(b, "VmRSS")
}

// statusBytes reads a "Key:   123 kB" line of /proc/PID/status.
func statusBytes(status []byte, key string) (int64, error) {
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || k != key {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 0 {
			break
		}
		n, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", key, err)
		}
		if len(f) > 1 {
			switch strings.ToLower(f[1]) {
			case "kb":
				n <<= 10
			case "mb":
				n <<= 20
			default:
				return 0, fmt.Errorf("%s: unknown unit %q", key, f[1])
			}
		}
		return n, nil
	}
	return 0, errors.New(key + " not found")
}

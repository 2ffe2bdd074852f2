package main

import (
	"bufio"
	"debug/elf"
	"io"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Helpers of the tests that hold the repository's packaging — the Makefile,
// the Dockerfile, compose.yaml and the CI workflow example — to what they
// say: they run the same commands on this machine (no Docker engine runs
// here) and check the flags and variables against the binary's.

// repoRoot is the repository's top folder.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	return root
}

// requireTool skips the test when a command is missing, except under CI=true,
// where a missing tool is a failure.
func requireTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed, and CI=true: .ci/run installs it", name)
		}
		t.Skipf("%s is not installed", name)
	}
	return p
}

// cleanEnv is the environment with the variables that would change what a
// nested make or a ghlmock under test does removed (a make test running this
// test sets MAKEFLAGS; a user may have GHLMOCK_* set), plus extra.
func cleanEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case k == "MAKEFLAGS", k == "MAKELEVEL", k == "MFLAGS", k == "CI",
			strings.HasPrefix(k, "GHLMOCK_"), strings.HasPrefix(k, "GHL_"), k == childEnv:
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

// freeAddr is a loopback address with a port that was free a moment ago,
// for commands that must be told their port in advance (health probes it).
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// requireStatic fails unless path is an ELF executable with no dynamic
// loader and no shared libraries: it runs in a scratch image.
func requireStatic(t *testing.T, path string) {
	t.Helper()
	f, err := elf.Open(path)
	require.NoError(t, err)
	defer f.Close()
	for _, p := range f.Progs {
		require.NotEqual(t, elf.PT_INTERP, p.Type, "%s asks for a dynamic loader: it would not run in a scratch image", path)
	}
	libs, _ := f.ImportedLibraries()
	require.Empty(t, libs, "%s links shared libraries", path)
}

// ignoreRules are .dockerignore's patterns (or any list in its format).
type ignoreRules []string

func readIgnore(t *testing.T, path string) ignoreRules {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var rules ignoreRules
	for line := range strings.SplitSeq(string(raw), "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			rules = append(rules, line)
		}
	}
	return rules
}

// ignored reports whether a slash-separated path relative to the build
// context is excluded: a pattern matches the path or a folder above it, and
// "**/x" matches x at any depth (the subset of Docker's rules the file uses).
func (r ignoreRules) ignored(rel string) bool {
	segs := strings.Split(rel, "/")
	for _, p := range r {
		if rest, ok := strings.CutPrefix(p, "**/"); ok {
			for _, s := range segs {
				if m, _ := filepath.Match(rest, s); m {
					return true
				}
			}
			continue
		}
		for i := range segs {
			if m, _ := filepath.Match(p, strings.Join(segs[:i+1], "/")); m {
				return true
			}
		}
	}
	return false
}

// copyTree copies the files of src that rules do not exclude into dst, as
// COPY . . (or a checkout) would.
func copyTree(t *testing.T, src, dst string, rules ignoreRules) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		rel = filepath.ToSlash(rel)
		if rel == "." {
			return nil
		}
		if rules.ignored(rel) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		target := filepath.Join(dst, filepath.FromSlash(rel))
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		return copyFile(path, target)
	})
	require.NoError(t, err)
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	info, err := in.Stat()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, info.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// process is a command running in a process group of its own, stopped (the
// whole group) when the test ends.
type process struct {
	cmd    *exec.Cmd
	stdout *syncBuffer
	stderr *syncBuffer
	done   chan error
}

func startProcess(t *testing.T, dir string, env []string, name string, args ...string) *process {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	p := &process{cmd: cmd, stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = p.stdout, p.stderr
	require.NoError(t, cmd.Start())
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
		}
	})
	return p
}

// signal sends sig to the process's whole group.
func (p *process) signal(sig syscall.Signal) error { return syscall.Kill(-p.cmd.Process.Pid, sig) }

// wait waits for the process to end, at most d.
func (p *process) wait(t *testing.T, d time.Duration) error {
	t.Helper()
	select {
	case err := <-p.done:
		p.done <- err
		return err
	case <-time.After(d):
		t.Fatalf("%s still running after %s\nstdout: %s\nstderr: %s", p.cmd, d, p.stdout, p.stderr)
		return nil
	}
}

// waitForLine waits until the process's stdout has a line that match
// accepts and returns it; the process ending first fails the test.
func (p *process) waitForLine(t *testing.T, d time.Duration, match func(string) bool) string {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		sc := bufio.NewScanner(strings.NewReader(p.stdout.String()))
		for sc.Scan() {
			if match(sc.Text()) {
				return sc.Text()
			}
		}
		select {
		case err := <-p.done:
			p.done <- err
			t.Fatalf("%s ended (%v) before printing the line\nstdout: %s\nstderr: %s", p.cmd, err, p.stdout, p.stderr)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s printed no such line in %s\nstdout: %s\nstderr: %s", p.cmd, d, p.stdout, p.stderr)
		}
	}
}

// runIn runs a command to its end and returns its combined output and
// exit status (0, or -1 when it could not start).
func runIn(t *testing.T, dir string, env []string, name string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return string(out), ee.ExitCode()
		}
		t.Fatalf("%s: %v", cmd, err)
	}
	return string(out), 0
}

// portOf is the port of a HOST:PORT address.
func portOf(t *testing.T, addr string) int {
	t.Helper()
	_, port, err := net.SplitHostPort(addr)
	require.NoError(t, err, addr)
	n, err := strconv.Atoi(port)
	require.NoError(t, err, addr)
	return n
}

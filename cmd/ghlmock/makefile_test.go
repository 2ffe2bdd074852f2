package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMakeBuildAndInstall: make build makes a static bin/ghlmock that
// reports the version it was given, and make install puts it where
// INSTALL_DIR says, saying when that is not on PATH.
func TestMakeBuildAndInstall(t *testing.T) {
	mk := requireTool(t, "make")
	root, tmp := repoRoot(t), t.TempDir()
	bin := filepath.Join(tmp, "bin", "ghlmock")
	out, code := runIn(t, root, cleanEnv(), mk, "--no-print-directory", "build", "BIN="+bin, "VERSION=v1.2.3-test")
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "CGO_ENABLED=0", "make build says what it runs")
	requireStatic(t, bin)
	out, code = runIn(t, root, cleanEnv(), bin, "--version")
	require.Equal(t, 0, code, out)
	assert.Equal(t, "ghlmock v1.2.3-test\n", out)

	inst := filepath.Join(tmp, "installed")
	out, code = runIn(t, root, cleanEnv(), mk, "--no-print-directory", "install", "BIN="+bin, "VERSION=v1.2.3-test", "INSTALL_DIR="+inst)
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "make install: installed "+filepath.Join(inst, "ghlmock"))
	assert.Contains(t, out, inst+" is not on your PATH")
	out, code = runIn(t, root, cleanEnv(), filepath.Join(inst, "ghlmock"), "version")
	require.Equal(t, 0, code, out)
	assert.Equal(t, "ghlmock v1.2.3-test\n", out)
}

// noCompilerPath is a folder for PATH with go, make and sh and no C
// compiler: go then turns cgo off, as on a machine that has only Go.
func noCompilerPath(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, tool := range []string{"go", "make", "sh"} {
		p := requireTool(t, tool)
		require.NoError(t, os.Symlink(p, filepath.Join(dir, tool)))
	}
	return dir
}

// TestMakeTestWithoutACCompiler: make test on a machine with Go and no C
// compiler runs the tests without -race and says so in one line; under
// CI=true it fails instead, since CI keeps -race; with a compiler it uses
// -race.
func TestMakeTestWithoutACCompiler(t *testing.T) {
	mk := requireTool(t, "make")
	root := repoRoot(t)
	args := []string{"--no-print-directory", "test", "PKG=./mockserver/jsonappend/", "TESTFLAGS=-run=TestAppendString"}
	path := noCompilerPath(t)
	env := func(extra ...string) []string {
		var out []string
		for _, kv := range cleanEnv(extra...) {
			if k, _, _ := strings.Cut(kv, "="); k == "PATH" || k == "CC" || k == "CGO_ENABLED" {
				continue
			}
			out = append(out, kv)
		}
		return append(out, "PATH="+path)
	}
	out, code := runIn(t, root, env(), filepath.Join(path, "make"), args...)
	require.Equal(t, 0, code, out)
	notice := regexp.MustCompile(`(?m)^make test: no C compiler found .*without the race detector.*CI runs them with it$`)
	assert.Len(t, notice.FindAllString(out, -1), 1, "one line says so:\n%s", out)
	assert.Regexp(t, `(?m)^go test -run=TestAppendString ./mockserver/jsonappend/$`, out)
	assert.NotContains(t, out, "go test -race", "no -race")
	assert.Regexp(t, `(?m)^ok\s+github.com/ghlmock/ghlmock/mockserver/jsonappend`, out)

	out, code = runIn(t, root, env("CI=true"), filepath.Join(path, "make"), args...)
	assert.NotEqual(t, 0, code, "CI=true and no C compiler: a failure\n%s", out)
	assert.Contains(t, out, "CI=true runs the tests with -race, which needs one: install gcc")

	if _, err := exec.LookPath("gcc"); err == nil {
		out, code = runIn(t, root, cleanEnv(), mk, args...)
		require.Equal(t, 0, code, out)
		assert.Regexp(t, `(?m)^go test -race -run=TestAppendString ./mockserver/jsonappend/$`, out)
		assert.NotContains(t, out, "no C compiler")
	}
}

// TestMakeRunSaysItCompilesAndTakesGHLMOCKVariables: make run says it is
// compiling before the build's silence, then serves with the flags the
// GHLMOCK_* variables give, and stops on Ctrl-C.
func TestMakeRunSaysItCompilesAndTakesGHLMOCKVariables(t *testing.T) {
	mk := requireTool(t, "make")
	root := repoRoot(t)
	bin := filepath.Join(t.TempDir(), "ghlmock")
	p := startProcess(t, root, cleanEnv("GHLMOCK_ADDR=127.0.0.1:0", "GHLMOCK_CONTACTS=3", "GHLMOCK_NOW=2026-11-22T09:00:00Z"),
		mk, "--no-print-directory", "run", "BIN="+bin)
	first := p.waitForLine(t, 5*time.Minute, func(string) bool { return true })
	assert.Equal(t, "make run: compiling "+bin+" (a minute or two the first time, while Go fetches and builds the dependencies; seconds after that)", first)
	line := p.waitForLine(t, 5*time.Minute, func(s string) bool { return listening.MatchString(s) })
	base := listening.FindStringSubmatch(line)[1]

	status, body := get(t, base+"/contacts/?locationId=O9hFAiOh29oB93c0F6UJ&limit=1")
	require.Equal(t, 200, status, body)
	assert.Contains(t, body, `"total":8`, "GHLMOCK_CONTACTS=3 applied: the 5 named contacts and 3 generated")
	_, body = get(t, base+"/_mock/clock")
	assert.Contains(t, body, "2026-11-22T09:00", "GHLMOCK_NOW applied")

	require.NoError(t, p.signal(syscall.SIGINT))
	_ = p.wait(t, 30*time.Second)
	assert.Contains(t, p.stderr.String(), "shutting down", "Ctrl-C shut the mock down gracefully")
}

// TestMakeContract: make contract builds the binary and runs the suite
// with CONTRACT_FLAGS, against an in-process mock when no base URL is set.
func TestMakeContract(t *testing.T) {
	mk := requireTool(t, "make")
	bin := filepath.Join(t.TempDir(), "ghlmock")
	junit := filepath.Join(t.TempDir(), "junit.xml")
	out, code := runIn(t, repoRoot(t), cleanEnv(), mk, "--no-print-directory", "contract", "BIN="+bin,
		"CONTRACT_FLAGS=--tags readonly --junit "+junit)
	require.Equal(t, 0, code, out)
	assert.Regexp(t, `(?m)^PASS: \d+ passed, 0 failed`, out)
	_, err := os.Stat(junit)
	assert.NoError(t, err, "CONTRACT_FLAGS reached ghlmock contract")
}

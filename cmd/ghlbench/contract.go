package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// contractPhase times the whole contract suite (ratelimit scenarios
// included) against the mock binary's in-process mock. A binary without the
// contract command, or one that fails to run it, is reported as not
// available rather than stopping the benchmark.
func (b *bench) contractPhase(ctx context.Context) {
	jsonPath := filepath.Join(b.tmp, "contract.json")
	args := []string{"contract", "--include-ratelimit", "--json", jsonPath}
	c := &Contract{Command: b.rep.Settings.ContractCommand}
	b.rep.Contract = c

	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, b.cfg.mock, args...)
	cmd.Dir = b.tmp
	cmd.Env = cleanEnv(os.Environ()) // no GHL_BASE_URL: the in-process mock
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	c.Seconds = time.Since(start).Seconds()

	report, jerr := os.ReadFile(jsonPath)
	if jerr == nil {
		jerr = c.parse(report)
	}
	switch {
	case jerr == nil:
		c.Available = true
		if err != nil && c.Failed == 0 {
			c.Failed = 1 // it failed without saying which scenario did
		}
		b.logf("contract: %.2f s wall, %d passed, %d failed, %d skipped", c.Seconds, c.Passed, c.Failed, c.Skipped)
	case err != nil:
		c.Error = lastLine(out.String(), err)
		b.logf("contract: not available: %s", c.Error)
	default:
		c.Error = "no readable report: " + jerr.Error()
		b.logf("contract: not available: %s", c.Error)
	}
}

// parse reads the counts of a `ghlmock contract --json` report.
func (c *Contract) parse(report []byte) error {
	var r struct {
		DurationMs *float64 `json:"durationMs"`
		Passed     *int     `json:"passed"`
		Failed     *int     `json:"failed"`
		Skipped    *int     `json:"skipped"`
	}
	if err := json.Unmarshal(report, &r); err != nil {
		return err
	}
	if r.Passed == nil || r.Failed == nil {
		return errors.New("no passed/failed counts")
	}
	c.Passed, c.Failed = *r.Passed, *r.Failed
	if r.Skipped != nil {
		c.Skipped = *r.Skipped
	}
	if r.DurationMs != nil {
		c.SuiteMs = *r.DurationMs
	}
	return nil
}

// lastLine is the last non-empty line of a command's output, or its error.
func lastLine(out string, err error) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if l := strings.TrimSpace(lines[len(lines)-1]); l != "" {
		return truncate(l, 200)
	}
	return err.Error()
}

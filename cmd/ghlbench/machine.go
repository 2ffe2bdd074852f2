package main

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// Machine is where the figures were taken.
type Machine struct {
	CPU      string `json:"cpu"`
	Cores    int    `json:"cores"`
	MemTotal int64  `json:"memTotalBytes"`
	Kernel   string `json:"kernel"`
	Go       string `json:"go"`
	Wrk      string `json:"wrk"`
	Date     string `json:"date"`
	Git      string `json:"git"`
}

func machine(ctx context.Context, wrkBin string) Machine {
	m := Machine{Cores: runtime.NumCPU(), Go: runtime.Version(), Date: time.Now().UTC().Format(time.RFC3339)}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		m.CPU, _ = cpuInfo(b)
	}
	if m.CPU == "" {
		m.CPU = runtime.GOARCH
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		m.MemTotal, _ = statusBytes(b, "MemTotal")
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = "Linux " + strings.TrimSpace(string(b))
	}
	m.Wrk = wrkVersion(ctx, wrkBin)
	m.Git = gitHead(ctx)
	return m
}

// cpuInfo returns the model name and the number of processors listed in
// /proc/cpuinfo.
func cpuInfo(b []byte) (model string, processors int) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		switch strings.TrimSpace(k) {
		case "processor":
			processors++
		case "model name":
			if model == "" {
				model = strings.TrimSpace(v)
			}
		}
	}
	return model, processors
}

// wrkVersion is the first line of `wrk -v` ("wrk 4.1.0 [epoll] …"), trimmed
// of its copyright.
func wrkVersion(ctx context.Context, bin string) string {
	out, _ := exec.CommandContext(ctx, bin, "-v").CombinedOutput() // wrk -v exits 1
	line, _, _ := strings.Cut(string(out), "\n")
	line, _, _ = strings.Cut(line, " Copyright")
	return strings.TrimSpace(line)
}

// gitHead is the commit measured, and whether the work tree had changes
// (read-only git commands).
func gitHead(ctx context.Context) string {
	out, err := exec.CommandContext(ctx, "git", "rev-parse", "--short=12", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	head := strings.TrimSpace(string(out))
	st, err := exec.CommandContext(ctx, "git", "status", "--porcelain", "--untracked-files=no").Output()
	if err == nil && len(bytes.TrimSpace(st)) > 0 {
		head += " + uncommitted changes"
	}
	return head
}

package main

import (
	"bufio"
	"io"
	"strconv"
	"strings"
)

// GoBench is one line of `go test -bench` output.
type GoBench struct {
	Package    string   `json:"package"`
	Name       string   `json:"name"`
	Iterations int64    `json:"iterations"`
	Metrics    []Metric `json:"metrics"`
}

// Metric is a value and its unit: ns/op, B/op, allocs/op, p99-ms, ….
type Metric struct {
	Value float64 `json:"value"`
	Unit  string  `json:"unit"`
}

// parseGoBench reads the benchmark lines of `go test -bench` output, each
// with the package named by the "pkg:" line before it. Other lines are
// skipped.
func parseGoBench(r io.Reader) ([]GoBench, error) {
	var out []GoBench
	pkg := ""
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = strings.TrimSpace(p)
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") || len(f)%2 != 0 {
			continue
		}
		n, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil {
			continue
		}
		g := GoBench{Package: pkg, Name: f[0], Iterations: n}
		ok := true
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				ok = false
				break
			}
			g.Metrics = append(g.Metrics, Metric{Value: v, Unit: f[i+1]})
		}
		if ok {
			out = append(out, g)
		}
	}
	return out, sc.Err()
}

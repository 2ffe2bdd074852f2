package main

import (
	"bufio"
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

//go:embed scripts/*.lua
var scriptsFS embed.FS

// WrkResult is what one wrk run measured.
type WrkResult struct {
	Requests  int64   `json:"requests"`
	Seconds   float64 `json:"seconds"`
	ReqPerSec float64 `json:"reqPerSec"`
	P50Ms     float64 `json:"p50Ms"`
	P90Ms     float64 `json:"p90Ms"`
	P99Ms     float64 `json:"p99Ms"`
	MaxMs     float64 `json:"maxMs"`
	// Non2xx counts answers with a status of 400 or more (wrk's "Non-2xx or
	// 3xx responses").
	Non2xx int64 `json:"non2xx"`
	// SocketErrors counts connect, read and write errors and timeouts.
	SocketErrors int64 `json:"socketErrors"`
}

// Errors is every request that did not get a good answer.
func (r WrkResult) Errors() int64 { return r.Non2xx + r.SocketErrors }

// wrkRun is one invocation of wrk.
type wrkRun struct {
	URL         string
	Script      string // path of the Lua script
	Threads     int
	Connections int
	Duration    time.Duration // whole seconds (wrk has no smaller unit)
	Timeout     time.Duration // a request slower than this counts as a timeout
}

func (w wrkRun) args() []string {
	return []string{
		"-t", strconv.Itoa(w.Threads), "-c", strconv.Itoa(w.Connections),
		"-d", wrkSeconds(w.Duration), "--timeout", wrkSeconds(w.Timeout),
		"--latency", "-s", w.Script, w.URL,
	}
}

// wrkSeconds writes d as wrk wants it: whole seconds, at least 1.
func wrkSeconds(d time.Duration) string {
	return strconv.Itoa(max(1, int(math.Ceil(d.Seconds())))) + "s"
}

// runWrk runs wrk and parses its output. wrk runs in its own process group
// and is killed if ctx ends or it overruns its duration by a minute.
func runWrk(ctx context.Context, bin string, w wrkRun) (WrkResult, string, error) {
	ctx, cancel := context.WithTimeout(ctx, w.Duration+time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, w.args()...)
	cmd.Env = cleanEnv(os.Environ())
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return WrkResult{}, stdout.String(), fmt.Errorf("wrk: %w", ctx.Err())
		}
		return WrkResult{}, stdout.String(), fmt.Errorf("wrk: %v: %s", err, strings.TrimSpace(stderr.String()+stdout.String()))
	}
	r, err := parseWrk(stdout.String())
	return r, stdout.String(), err
}

// parseWrk reads wrk's output: the GHLBENCH line of our done() hook where
// there is one (exact microseconds), else wrk's own report with --latency.
// The non-2xx and socket-error counts come from either.
func parseWrk(out string) (WrkResult, error) {
	var r WrkResult
	haveSummary := false
	haveRate, haveLatency := false, false
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		f := strings.Fields(line)
		switch {
		case strings.HasPrefix(line, "GHLBENCH "):
			var s struct {
				Requests   int64   `json:"requests"`
				DurationUs int64   `json:"duration_us"`
				Connect    int64   `json:"connect"`
				Read       int64   `json:"read"`
				Write      int64   `json:"write"`
				Status     int64   `json:"status"`
				Timeout    int64   `json:"timeout"`
				P50Us      float64 `json:"p50_us"`
				P90Us      float64 `json:"p90_us"`
				P99Us      float64 `json:"p99_us"`
				MaxUs      float64 `json:"max_us"`
			}
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "GHLBENCH ")), &s); err != nil {
				return r, fmt.Errorf("wrk summary line: %w", err)
			}
			if s.DurationUs <= 0 {
				return r, errors.New("wrk summary line: no duration")
			}
			r = WrkResult{
				Requests: s.Requests, Seconds: float64(s.DurationUs) / 1e6,
				ReqPerSec: float64(s.Requests) / (float64(s.DurationUs) / 1e6),
				P50Ms:     s.P50Us / 1e3, P90Ms: s.P90Us / 1e3, P99Ms: s.P99Us / 1e3, MaxMs: s.MaxUs / 1e3,
				Non2xx: s.Status, SocketErrors: s.Connect + s.Read + s.Write + s.Timeout,
			}
			haveSummary = true
		case haveSummary:
			// the summary line is exact; ignore the rest
		case strings.HasPrefix(line, "Requests/sec:"):
			v, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimPrefix(line, "Requests/sec:")), 64)
			if err != nil {
				return r, fmt.Errorf("wrk Requests/sec: %w", err)
			}
			r.ReqPerSec, haveRate = v, true
		case strings.Contains(line, " requests in "):
			// 160382 requests in 3.01s, 211.84MB read
			if len(f) >= 4 {
				n, err := strconv.ParseInt(f[0], 10, 64)
				if err != nil {
					return r, fmt.Errorf("wrk request count: %w", err)
				}
				d, err := parseWrkDuration(strings.TrimSuffix(f[3], ","))
				if err != nil {
					return r, err
				}
				r.Requests, r.Seconds = n, d.Seconds()
			}
		case len(f) == 5 && f[0] == "Latency":
			// thread stats "Latency  1.31ms  1.62ms  16.34ms  87.57%": the max
			d, err := parseWrkDuration(f[3])
			if err != nil {
				return r, err
			}
			r.MaxMs = ms(d)
		case len(f) == 2 && strings.HasSuffix(f[0], "%"):
			// latency distribution: "50%  788.00us"
			d, err := parseWrkDuration(f[1])
			if err != nil {
				return r, err
			}
			switch f[0] {
			case "50%":
				r.P50Ms, haveLatency = ms(d), true
			case "90%":
				r.P90Ms = ms(d)
			case "99%":
				r.P99Ms = ms(d)
			}
		case strings.HasPrefix(line, "Non-2xx or 3xx responses:"):
			n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimPrefix(line, "Non-2xx or 3xx responses:")), 10, 64)
			if err != nil {
				return r, fmt.Errorf("wrk non-2xx count: %w", err)
			}
			r.Non2xx = n
		case strings.HasPrefix(line, "Socket errors:"):
			// Socket errors: connect 0, read 2, write 0, timeout 5
			var total int64
			for _, part := range strings.Split(strings.TrimPrefix(line, "Socket errors:"), ",") {
				kv := strings.Fields(part)
				if len(kv) != 2 {
					return r, fmt.Errorf("wrk socket errors: %q", line)
				}
				n, err := strconv.ParseInt(kv[1], 10, 64)
				if err != nil {
					return r, fmt.Errorf("wrk socket errors: %w", err)
				}
				total += n
			}
			r.SocketErrors = total
		}
	}
	if haveSummary {
		return r, nil
	}
	if !haveRate || !haveLatency {
		return r, fmt.Errorf("wrk output has no Requests/sec or latency distribution (was --latency given?):\n%s", out)
	}
	return r, nil
}

// parseWrkDuration reads wrk's durations: 788.00us, 1.78ms, 3.01s, 1.50m, 2.00h.
func parseWrkDuration(s string) (time.Duration, error) {
	units := []struct {
		suffix string
		unit   time.Duration
	}{{"us", time.Microsecond}, {"ms", time.Millisecond}, {"s", time.Second}, {"m", time.Minute}, {"h", time.Hour}}
	for _, u := range units {
		if num, ok := strings.CutSuffix(s, u.suffix); ok {
			v, err := strconv.ParseFloat(num, 64)
			if err != nil {
				return 0, fmt.Errorf("wrk duration %q: %w", s, err)
			}
			return time.Duration(v * float64(u.unit)), nil
		}
	}
	return 0, fmt.Errorf("wrk duration %q: no unit", s)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// luaData is the table the driver prepends to a script as `ghlbench`.
type luaData struct {
	Token    string
	Version  string
	Nonce    string
	Location string
	Requests []luaRequest // cycle.lua
	A, B     namedIDs     // mixed.lua: the contacts read
	Pool     []string     // mixed.lua: contacts tasks are created on
}

type luaRequest struct{ Method, Path, Body string }

type namedIDs struct{ ID, Task, Note string }

// lua writes d as a Lua chunk defining the global table ghlbench.
func (d luaData) lua() string {
	var b strings.Builder
	b.WriteString("ghlbench = {\n")
	fmt.Fprintf(&b, "  token = %s,\n  version = %s,\n  nonce = %s,\n  location = %s,\n",
		luaString(d.Token), luaString(d.Version), luaString(d.Nonce), luaString(d.Location))
	b.WriteString("  requests = {\n")
	for _, r := range d.Requests {
		body := "nil"
		if r.Body != "" {
			body = luaString(r.Body)
		}
		fmt.Fprintf(&b, "    {%s, %s, %s},\n", luaString(r.Method), luaString(r.Path), body)
	}
	b.WriteString("  },\n")
	for _, n := range []struct {
		name string
		ids  namedIDs
	}{{"a", d.A}, {"b", d.B}} {
		fmt.Fprintf(&b, "  %s = {id = %s, task = %s, note = %s},\n", n.name, luaString(n.ids.ID), luaString(n.ids.Task), luaString(n.ids.Note))
	}
	b.WriteString("  pool = {")
	for i, id := range d.Pool {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(luaString(id))
	}
	b.WriteString("},\n}\n")
	return b.String()
}

// luaString quotes s as a Lua string literal. Bytes outside printable ASCII
// are written as decimal escapes, which every Lua (and LuaJIT) reads.
func luaString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, "\\%03d", c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// writeScript writes data, common.lua and the named scenario script as one
// file in dir and returns its path.
func writeScript(dir, scenario string, data luaData) (string, error) {
	common, err := scriptsFS.ReadFile("scripts/common.lua")
	if err != nil {
		return "", err
	}
	own, err := scriptsFS.ReadFile("scripts/" + scenario + ".lua")
	if err != nil {
		return "", err
	}
	f, err := os.CreateTemp(dir, scenario+"-*.lua")
	if err != nil {
		return "", err
	}
	_, err = f.WriteString(data.lua() + "\n" + string(common) + "\n" + string(own))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", err
	}
	return filepath.Clean(f.Name()), nil
}

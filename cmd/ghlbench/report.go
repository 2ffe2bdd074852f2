package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"
)

// Report is everything one run measured.
type Report struct {
	Machine  Machine    `json:"machine"`
	Settings Settings   `json:"settings"`
	Figures  []Figure   `json:"figures"`
	LoadRuns []*LoadRun `json:"loadRuns"`
	Memory   *Memory    `json:"memory,omitempty"`
	Contract *Contract  `json:"contract,omitempty"`
	State    *StateMem  `json:"state,omitempty"`
	GoBench  []GoBench  `json:"goBenchmarks,omitempty"`
	Notes    []string   `json:"notes,omitempty"`
}

// Settings are the load-run parameters.
type Settings struct {
	Threads          int     `json:"threads"`
	Connections      int     `json:"connections"`
	LatencyConns     int     `json:"latencyConnections"`
	DurationS        float64 `json:"durationSeconds"`
	DuplicateS       float64 `json:"duplicateDurationSeconds"`
	WarmupS          float64 `json:"warmupSeconds"`
	Rounds           int     `json:"rounds"`
	Contacts         int     `json:"contacts"`
	MockBinary       string  `json:"mock"`
	BareBinary       string  `json:"bare"`
	MockServeFlags   string  `json:"mockServeFlags"`
	ContractCommand  string  `json:"contractCommand"`
	MeasuredFixtures string  `json:"fixtures100k"`
}

// Figure is one measured figure against its target.
type Figure struct {
	Name     string   `json:"name"`
	Value    *float64 `json:"value"` // null when not measured
	Unit     string   `json:"unit"`
	Measured string   `json:"measured"` // the value, readable, with what it came from
	Target   string   `json:"target"`
	Status   string   `json:"status"` // PASS, MISS, ERROR or n/a
}

// Statuses of a figure.
const (
	pass  = "PASS"
	miss  = "MISS"
	errSt = "ERROR"
	na    = "n/a"
	info  = "info" // measured and reported, with no target to meet
)

// Memory is what the memory and start-up measurements found.
type Memory struct {
	Default        ServerMem `json:"defaultServer"`
	OneLocation    ServerMem `json:"oneLocationDefault"`
	Big            ServerMem `json:"oneLocation100k"`
	BigStartupsS   []float64 `json:"startupSeconds100k"`
	RSSPerContact  float64   `json:"rssBytesPerContact"`
	HeapPerContact float64   `json:"heapBytesPerContact"`
}

// ServerMem is one mock process after start-up and a health check.
type ServerMem struct {
	Fixture   string  `json:"fixture"`
	Contacts  int     `json:"contacts"`
	StartupS  float64 `json:"startupSeconds"`
	RSS       int64   `json:"rssBytes"`
	HeapAlloc int64   `json:"heapAllocBytesAfterGC"`
	Error     string  `json:"error,omitempty"`
}

// Contract is the contract suite's run.
type Contract struct {
	Available bool    `json:"available"`
	Seconds   float64 `json:"seconds"` // wall time of the command
	SuiteMs   float64 `json:"suiteMs"` // its own figure, where it reports one
	Passed    int     `json:"passed"`
	Failed    int     `json:"failed"`
	Skipped   int     `json:"skipped"`
	Command   string  `json:"command"`
	Error     string  `json:"error,omitempty"`
}

func (r *Report) run(scenario, server string, conns int) *LoadRun {
	for _, l := range r.LoadRuns {
		if l.Scenario == scenario && l.Server == server && (conns == 0 || l.Connections == conns) {
			return l
		}
	}
	return nil
}

func ptr(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// judge is PASS when v is within limit (v ≤ limit, or v ≥ limit when atLeast).
func judge(v, limit float64, atLeast bool) string {
	switch {
	case math.IsNaN(v):
		return errSt
	case atLeast && v >= limit, !atLeast && v <= limit:
		return pass
	default:
		return miss
	}
}

// perRound is the ratio mock/bare of each round: the two ran one after the
// other in that round, so each ratio compares like with like.
func perRound(bare, mock *LoadRun, of func(WrkResult) float64) []float64 {
	n := min(len(bare.Rounds), len(mock.Rounds))
	out := make([]float64, n)
	for i := range n {
		out[i] = ratio(of(mock.Rounds[i]), of(bare.Rounds[i]))
	}
	return out
}

// roundRatios words the ratio of each round, so that a reader sees how much
// the median hides: "; rounds 1.33 1.64 1.54". Empty with fewer than two
// rounds.
func roundRatios(bare, mock *LoadRun, of func(WrkResult) float64) string {
	rs := perRound(bare, mock, of)
	if len(rs) < 2 {
		return ""
	}
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = fmt.Sprintf("%.2f", r)
	}
	return "; rounds " + strings.Join(parts, " ")
}

// connections words a connection count: "1 connection", "50 connections".
func connections(n int) string {
	if n == 1 {
		return "1 connection"
	}
	return strconv.Itoa(n) + " connections"
}

// figures computes the headline figures from the measurements.

func (r *Report) figures() {
	s := r.Settings
	var fs []Figure
	vs := func(scenario, label string, minRatio float64, p99 bool) {
		bare, mock := r.run(scenario, "bare", s.Connections), r.run(scenario, "mock", s.Connections)
		f := Figure{Name: label + ": mock/bare req/s", Unit: "ratio", Target: fmt.Sprintf("≥ %.2f", minRatio)}
		if p99 {
			f = Figure{Name: label + ": p99 mock/bare, median of the rounds", Unit: "ratio", Target: "≤ 2.00"}
		}
		switch {
		case !bare.valid():
			f.Status, f.Measured = bad(bare), "bare: "+bare.invalidReason()
		case !mock.valid():
			f.Status, f.Measured = bad(mock), "mock: "+mock.invalidReason()
		case p99:
			// A p99 moves more from round to round than the pairing of bare
			// and mock within a round does, so the headline is the median of
			// the rounds' own ratios, not the ratio of two medians that may
			// come from different rounds.
			p99 := func(w WrkResult) float64 { return w.P99Ms }
			rs := perRound(bare, mock, p99)
			v := median(rs)
			f.Value, f.Status = ptr(v), judge(v, 2, false)
			f.Measured = fmt.Sprintf("%.2f (%s vs %s)%s", v, formatMs(mock.P99Ms), formatMs(bare.P99Ms), roundRatios(bare, mock, p99))
			if len(rs) > 1 {
				f.Measured = fmt.Sprintf("%.2f, the median of the rounds' ratios (p99 medians %s vs %s)%s", v, formatMs(mock.P99Ms), formatMs(bare.P99Ms), roundRatios(bare, mock, p99))
			}
		default:
			v, measured := rpsRatio(bare, mock, minRatio)
			f.Value, f.Status, f.Measured = ptr(v), judge(v, minRatio, true), measured
		}
		fs = append(fs, f)
	}
	vs(scenarioGet, "GET contact", 0.70, false)
	vs(scenarioGet, "GET contact", 0, true)
	vs(scenarioMixed, "Mixed 70% read / 30% write", 0.40, false)

	lat := func(scenario, label string) {
		l := r.run(scenario, server100k, s.LatencyConns)
		f := Figure{Name: fmt.Sprintf("%s, 100k contacts: p99 at %s", label, connections(s.LatencyConns)), Unit: "ms", Target: "≤ 10 ms"}
		if !l.valid() {
			f.Status, f.Measured = bad(l), l.invalidReason()
		} else {
			f.Value, f.Status = ptr(l.P99Ms), judge(l.P99Ms, 10, false)
			f.Measured = fmt.Sprintf("%s (p50 %s)", formatMs(l.P99Ms), formatMs(l.P50Ms))
		}
		fs = append(fs, f)
	}
	lat(scenarioList, "List with query")
	lat(scenarioSearch, "Search contains + sort")

	dup := func(scenario, label string) {
		big, small := r.run(scenario, server100k, s.LatencyConns), r.run(scenario, serverDefault, s.LatencyConns)
		// O(1) is judged on the medians, which a scan of 100,000 contacts
		// would multiply many times over; p99 at one connection is mostly
		// scheduling noise, so it is shown but not judged. The figure is
		// the p50 it judges, and named so.
		f := Figure{Name: fmt.Sprintf("%s, 100k contacts: p50 at %s", label, connections(s.LatencyConns)), Unit: "ms", Target: "O(1): p50 ≤ 2× p50 at default size"}
		switch {
		case !big.valid():
			f.Status, f.Measured = bad(big), big.invalidReason()
		case !small.valid():
			f.Value, f.Status = ptr(big.P50Ms), bad(small)
			f.Measured = formatMs(big.P50Ms) + "; default-size run: " + small.invalidReason()
		default:
			v := ratio(big.P50Ms, small.P50Ms)
			f.Value, f.Status = ptr(big.P50Ms), judge(v, 2, false)
			f.Measured = fmt.Sprintf("%s, %.2f× the %s at default size (p99 %s, and %s at default size)",
				formatMs(big.P50Ms), v, formatMs(small.P50Ms), formatMs(big.P99Ms), formatMs(small.P99Ms))
		}
		fs = append(fs, f)
	}
	dup(scenarioDupEmail, "Duplicate lookup by email")
	dup(scenarioDupPhone, "Duplicate lookup by phone")

	m := r.Memory
	mem := func(f Figure, v float64, limit float64, ok bool, measured, why string) Figure {
		if !ok {
			f.Status, f.Measured = errSt, why
			if why == "" {
				f.Status, f.Measured = na, "not run"
			}
			return f
		}
		f.Value, f.Status, f.Measured = ptr(v), judge(v, limit, false), measured
		return f
	}
	if m == nil {
		m = &Memory{}
	}
	{
		st := median(m.BigStartupsS)
		n := m.Big.Contacts
		if n == 0 {
			n = s.Contacts
		}
		fs = append(fs, mem(Figure{Name: fmt.Sprintf("Start-up, %s contacts in one location", formatCount(float64(n))), Unit: "s", Target: "≤ 2 s"},
			st, 2, len(m.BigStartupsS) > 0, fmt.Sprintf("%.2f s (median of %d)", st, len(m.BigStartupsS)), m.Big.Error))
		fs = append(fs, mem(Figure{Name: "RSS of a default server", Unit: "bytes", Target: "≤ 40 MB"},
			float64(m.Default.RSS), 40e6, m.Default.RSS > 0, fmt.Sprintf("%s (%s contacts)", formatBytes(m.Default.RSS), formatCount(float64(m.Default.Contacts))), m.Default.Error))
		per := m.RSSPerContact
		fs = append(fs, mem(Figure{Name: "RSS per seeded contact, 100k contacts", Unit: "bytes", Target: "≤ 2 KiB"},
			per, 2048, per > 0, fmt.Sprintf("%s (RSS %s; Go heap %s/contact)", formatBytesPer(per), formatBytes(m.Big.RSS), formatBytesPer(m.HeapPerContact)), firstNonEmpty(m.Big.Error, m.OneLocation.Error)))
	}
	{
		c := r.Contract
		f := Figure{Name: "Contract suite, in-process mock", Unit: "s", Target: "≤ 5 s"}
		switch {
		case c == nil:
			f.Status, f.Measured = na, "not run"
		case !c.Available:
			f.Status, f.Measured = na, "contract: not available ("+c.Error+")"
		case c.Failed > 0:
			f.Value, f.Status = ptr(c.Seconds), miss
			f.Measured = fmt.Sprintf("%.2f s, but %d scenarios failed", c.Seconds, c.Failed)
		default:
			f.Value, f.Status = ptr(c.Seconds), judge(c.Seconds, 5, false)
			f.Measured = fmt.Sprintf("%.2f s (%d scenarios passed)", c.Seconds, c.Passed)
		}
		fs = append(fs, f)
	}
	fs = append(fs, r.stateFigures()...)
	fs = append(fs, r.featureFigures()...)
	r.Figures = fs
}

// pairFigure compares a variant of the mock with the mock itself, run
// alternately in the same session (see rpsRatio).
func (r *Report) pairFigure(scenario, base, variant, label string, minRatio float64) Figure {
	a, b := r.run(scenario, base, r.Settings.Connections), r.run(scenario, variant, r.Settings.Connections)
	f := Figure{Name: label, Unit: "ratio", Target: fmt.Sprintf("≥ %.2f", minRatio)}
	switch {
	case !a.valid():
		f.Status, f.Measured = bad(a), base+": "+a.invalidReason()
	case !b.valid():
		f.Status, f.Measured = bad(b), variant+": "+b.invalidReason()
	default:
		v, measured := rpsRatio(a, b, minRatio)
		f.Value, f.Status, f.Measured = ptr(v), judge(v, minRatio, true), measured
	}
	return f
}

// rpsRatio is the req/s of mock against base, run alternately: with several
// rounds the median of the rounds' own ratios, as for p99 — each round ran
// the two one after the other, while the medians of the two may come from
// rounds minutes apart on a machine whose speed drifts — with the ratio of
// the medians and each round's ratio shown beside it.
func rpsRatio(base, mock *LoadRun, limit float64) (float64, string) {
	rps := func(w WrkResult) float64 { return w.ReqPerSec }
	rs := perRound(base, mock, rps)
	if len(rs) < 2 {
		v := ratio(mock.ReqPerSec, base.ReqPerSec)
		return v, fmt.Sprintf("%s (%s vs %s req/s)", formatRatio(v, limit), formatCount(mock.ReqPerSec), formatCount(base.ReqPerSec))
	}
	v := median(rs)
	return v, fmt.Sprintf("%s, the median of the rounds' ratios (req/s medians %s vs %s: %.2f)%s", formatRatio(v, limit),
		formatCount(mock.ReqPerSec), formatCount(base.ReqPerSec), ratio(mock.ReqPerSec, base.ReqPerSec), roundRatios(base, mock, rps))
}

// formatRatio words a ratio judged against limit with two decimals, or with
// as many more as it takes not to show a value below the limit as the limit
// itself (0.8977 against 0.90 is "0.898", not "0.90" beside a MISS).
func formatRatio(v, limit float64) string {
	for digits := 2; digits < 6; digits++ {
		text := strconv.FormatFloat(v, 'f', digits, 64)
		shown, _ := strconv.ParseFloat(text, 64)
		if (shown >= limit) == (v >= limit) {
			return text
		}
	}
	return strconv.FormatFloat(v, 'f', 6, 64)
}

// stateFigures are the figures of the state phase.
func (r *Report) stateFigures() []Figure {
	if r.run(scenarioMixed, serverState, 0) == nil && r.State == nil {
		return nil
	}
	fs := []Figure{r.pairFigure(scenarioMixed, serverMemory, serverState, "Mixed 70% read / 30% write with --state: req/s vs in memory", 0.5)}
	create := Figure{Name: fmt.Sprintf("Create contact with --state: p99 at %s", connections(r.Settings.Connections)), Unit: "ms", Target: "reported"}
	if l, mem := r.run(scenarioCreate, serverState, r.Settings.Connections), r.run(scenarioCreate, serverMemory, r.Settings.Connections); !l.valid() {
		create.Status, create.Measured = bad(l), l.invalidReason()
	} else {
		create.Value, create.Status = ptr(l.P99Ms), info
		create.Measured = fmt.Sprintf("%s (p50 %s, %s req/s)", formatMs(l.P99Ms), formatMs(l.P50Ms), formatCount(l.ReqPerSec))
		if mem.valid() {
			create.Measured += fmt.Sprintf("; in memory p99 %s, %s req/s", formatMs(mem.P99Ms), formatCount(mem.ReqPerSec))
		}
	}
	fs = append(fs, create)
	st := r.State
	if st == nil {
		return fs
	}
	start := Figure{Name: fmt.Sprintf("Start-up from a database of %s contacts", formatCount(float64(st.Contacts))), Unit: "s", Target: "≤ 2 s"}
	size := Figure{Name: "Database size per contact (with its tasks and notes)", Unit: "bytes", Target: "reported"}
	if len(st.StartupsS) == 0 {
		start.Status, start.Measured = errSt, firstNonEmpty(st.Error, "not measured")
		size.Status, size.Measured = errSt, start.Measured
		return append(fs, start, size)
	}
	v := median(st.StartupsS)
	start.Value, start.Status = ptr(v), judge(v, 2, false)
	start.Measured = fmt.Sprintf("%.2f s (median of %d; the first start, which seeds and writes it, %.2f s)", v, len(st.StartupsS), st.FirstStartS)
	size.Value, size.Status = ptr(st.BytesPerContact), info
	size.Measured = fmt.Sprintf("%s (%s in all)", formatBytesPer(st.BytesPerContact), formatBytes(st.DBBytes))
	return append(fs, start, size)
}

// bad is the status of a figure whose run is not valid: n/a when it was not
// run at all, else ERROR.
func bad(l *LoadRun) string {
	if l == nil {
		return na
	}
	return errSt
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// table is rendered as aligned text or as Markdown.
type table struct {
	title  string
	header []string
	rows   [][]string
}

func (t table) text(w io.Writer) {
	fmt.Fprintf(w, "\n%s\n", t.title)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  "+strings.Join(t.header, "\t"))
	for _, r := range t.rows {
		fmt.Fprintln(tw, "  "+strings.Join(r, "\t"))
	}
	_ = tw.Flush()
}

func (t table) markdown(w io.Writer) {
	fmt.Fprintf(w, "\n**%s**\n\n", t.title)
	fmt.Fprintf(w, "| %s |\n", strings.Join(t.header, " | "))
	fmt.Fprintf(w, "|%s\n", strings.Repeat(" --- |", len(t.header)))
	for _, r := range t.rows {
		cells := make([]string, len(r))
		for i, c := range r {
			cells[i] = strings.ReplaceAll(c, "|", `\|`)
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
	}
}

func (r *Report) tables() []table {
	ts := []table{{title: "Targets", header: []string{"figure", "measured", "target", "result"}}}
	for _, f := range r.Figures {
		ts[0].rows = append(ts[0].rows, []string{f.Name, f.Measured, f.Target, f.Status})
	}
	lt := table{title: "Load runs (wrk; req/s, p50 and p99 are medians over the rounds)",
		header: []string{"scenario", "server", "conns", "req/s", "req/s per round", "p50", "p99", "p99 per round", "errors"}}
	for _, l := range r.LoadRuns {
		var per, per99 []string
		for _, x := range l.Rounds {
			per = append(per, formatCount(x.ReqPerSec))
			per99 = append(per99, formatMs(x.P99Ms))
		}
		row := []string{l.Scenario, l.Server, strconv.Itoa(l.Connections), formatCount(l.ReqPerSec), strings.Join(per, " "),
			formatMs(l.P50Ms), formatMs(l.P99Ms), strings.Join(per99, " "), fmt.Sprintf("%s of %s", formatCount(float64(l.Errors)), formatCount(float64(l.Requests)))}
		if l.Error != "" {
			row[len(row)-1] = "run failed: " + truncate(l.Error, 120)
		}
		lt.rows = append(lt.rows, row)
	}
	ts = append(ts, lt)
	if m := r.Memory; m != nil {
		mt := table{title: "Memory and start-up (RSS after start-up and GET /_mock/health; Go heap after a forced GC)",
			header: []string{"server", "contacts", "start-up", "RSS", "Go heap"}}
		add := func(label string, s ServerMem) {
			if s.Error != "" {
				mt.rows = append(mt.rows, []string{label, "", "", "", "failed: " + truncate(s.Error, 120)})
				return
			}
			mt.rows = append(mt.rows, []string{label, formatCount(float64(s.Contacts)), fmt.Sprintf("%.2f s", s.StartupS), formatBytes(s.RSS), formatBytes(s.HeapAlloc)})
		}
		add("default fixtures", m.Default)
		add("first location only", m.OneLocation)
		add(fmt.Sprintf("first location, --contacts %d", r.Settings.Contacts), m.Big)
		ts = append(ts, mt)
	}
	if len(r.GoBench) > 0 {
		gt := table{title: "Go benchmarks (go test -bench, in process)", header: []string{"benchmark", "ns/op", "B/op", "allocs/op", "other"}}
		for _, g := range r.GoBench {
			row := []string{shortPkg(g.Package) + "." + strings.TrimPrefix(g.Name, "Benchmark"), "", "", "", ""}
			var other []string
			for _, m := range g.Metrics {
				switch m.Unit {
				case "ns/op":
					row[1] = formatCount(m.Value)
				case "B/op":
					row[2] = formatCount(m.Value)
				case "allocs/op":
					row[3] = formatCount(m.Value)
				default:
					other = append(other, strconv.FormatFloat(m.Value, 'g', 4, 64)+" "+m.Unit)
				}
			}
			row[4] = strings.Join(other, ", ")
			gt.rows = append(gt.rows, row)
		}
		ts = append(ts, gt)
	}
	return ts
}

func shortPkg(p string) string {
	return strings.TrimPrefix(p, "github.com/ghlmock/ghlmock/")
}

func (r *Report) describe() []string {
	m, s := r.Machine, r.Settings
	return []string{
		fmt.Sprintf("machine: %s, %d cores, %s RAM, %s; %s; %s", m.CPU, m.Cores, formatBytes(m.MemTotal), m.Kernel, m.Go, m.Wrk),
		fmt.Sprintf("date: %s; git: %s", m.Date, m.Git),
		fmt.Sprintf("load: wrk -t%d -c%d, %.0f s per run after a %.0f s warm-up, rounds: %d, alternating bare and mock (each run on a fresh process); "+
			"100k latency and duplicate runs: %d connection(s), duplicate runs %.0f s",
			s.Threads, s.Connections, s.DurationS, s.WarmupS, s.Rounds, s.LatencyConns, s.DuplicateS),
	}
}

// Text writes the report for a terminal.
func (r *Report) Text(w io.Writer) {
	fmt.Fprintln(w, "\nghlmock benchmark")
	for _, l := range r.describe() {
		fmt.Fprintln(w, l)
	}
	for _, t := range r.tables() {
		t.text(w)
	}
	for _, n := range r.Notes {
		fmt.Fprintln(w, "note:", n)
	}
}

// Markdown writes the report for the README's performance section.
func (r *Report) Markdown(w io.Writer) {
	for _, l := range r.describe() {
		fmt.Fprintf(w, "- %s\n", l)
	}
	for _, t := range r.tables() {
		t.markdown(w)
	}
	if len(r.Notes) > 0 {
		fmt.Fprintln(w)
		for _, n := range r.Notes {
			fmt.Fprintf(w, "- %s\n", n)
		}
	}
	fmt.Fprintln(w, "\nReproduce with `make bench` (Go benchmarks, then `bin/ghlbench`).")
}

// JSON writes the report as JSON.
func (r *Report) JSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// formatCount writes n rounded, with thousands separators: 52,345.
func formatCount(n float64) string {
	if math.IsNaN(n) {
		return "—"
	}
	neg := n < 0
	s := strconv.FormatInt(int64(math.Round(math.Abs(n))), 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// formatMs writes a latency in milliseconds with three significant digits.
func formatMs(v float64) string {
	switch {
	case math.IsNaN(v):
		return "—"
	case v >= 100:
		return fmt.Sprintf("%.0f ms", v)
	case v >= 10:
		return fmt.Sprintf("%.1f ms", v)
	case v >= 1:
		return fmt.Sprintf("%.2f ms", v)
	default:
		return fmt.Sprintf("%.3f ms", v)
	}
}

// formatBytes writes b in MB (10^6 bytes), or kB below one MB.
func formatBytes(b int64) string {
	switch {
	case b <= 0:
		return "—"
	case b >= 1e6:
		return fmt.Sprintf("%.1f MB", float64(b)/1e6)
	default:
		return fmt.Sprintf("%.1f kB", float64(b)/1e3)
	}
}

// formatBytesPer writes a per-contact size in bytes and KiB.
func formatBytesPer(b float64) string {
	if math.IsNaN(b) || b <= 0 {
		return "—"
	}
	return fmt.Sprintf("%s B (%.2f KiB)", formatCount(b), b/1024)
}

// featureFigures are the figures of the features phase.
func (r *Report) featureFigures() []Figure {
	if r.run(scenarioCreate, serverSubscribed, 0) == nil && r.run(scenarioGet, serverDashboards, 0) == nil {
		return nil
	}
	return []Figure{
		r.pairFigure(scenarioCreate, serverNoSubscription, serverSubscribed, "Create contact with one webhook subscription: req/s vs none", 0.9),
		r.pairFigure(scenarioGet, serverNoDashboard, serverDashboards, "GET contact with five dashboards on the live stream: req/s vs none", 0.95),
	}
}

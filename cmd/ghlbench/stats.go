package main

import (
	"math"
	"slices"
)

// median is the middle value of vs (the mean of the two middle ones for an
// even count); NaN for none.
func median(vs []float64) float64 {
	if len(vs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(vs)
	slices.Sort(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

// ratio is a/b, NaN when either is unknown or b is not positive.
func ratio(a, b float64) float64 {
	if math.IsNaN(a) || math.IsNaN(b) || b <= 0 {
		return math.NaN()
	}
	return a / b
}

// LoadRun is one scenario against one server, over its rounds.
type LoadRun struct {
	Scenario    string      `json:"scenario"`
	Server      string      `json:"server"`
	Threads     int         `json:"threads"`
	Connections int         `json:"connections"`
	Seconds     float64     `json:"secondsEach"`
	Rounds      []WrkResult `json:"rounds"`
	Error       string      `json:"error,omitempty"`

	// Medians over the rounds.
	ReqPerSec float64 `json:"reqPerSec"`
	P50Ms     float64 `json:"p50Ms"`
	P99Ms     float64 `json:"p99Ms"`
	// Sums over the rounds.
	Requests int64 `json:"requests"`
	Errors   int64 `json:"errors"`
}

// summarize fills in the medians and sums from the rounds.
func (l *LoadRun) summarize() {
	var rps, p50, p99 []float64
	l.Requests, l.Errors = 0, 0
	for _, r := range l.Rounds {
		rps = append(rps, r.ReqPerSec)
		p50 = append(p50, r.P50Ms)
		p99 = append(p99, r.P99Ms)
		l.Requests += r.Requests
		l.Errors += r.Errors()
	}
	if len(l.Rounds) == 0 {
		l.ReqPerSec, l.P50Ms, l.P99Ms = 0, 0, 0 // JSON has no NaN
		return
	}
	l.ReqPerSec, l.P50Ms, l.P99Ms = median(rps), median(p50), median(p99)
}

// valid reports whether the run measured something and almost every request
// got a good answer (errors at most 0.1%): a server answering errors fast
// must not pass for a fast server.
func (l *LoadRun) valid() bool {
	return l != nil && l.Error == "" && len(l.Rounds) > 0 && l.Requests > 0 && float64(l.Errors) <= 0.001*float64(l.Requests)
}

// invalidReason says why valid is false.
func (l *LoadRun) invalidReason() string {
	switch {
	case l == nil || (l.Error == "" && len(l.Rounds) == 0):
		return "not run"
	case l.Error != "":
		return l.Error
	case l.Requests == 0:
		return "no requests completed"
	default:
		return formatCount(float64(l.Errors)) + " of " + formatCount(float64(l.Requests)) + " requests failed"
	}
}

package faults_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/faults"
)

func TestValidate(t *testing.T) {
	cases := []struct {
		name string
		rule faults.Rule
		want string
	}{
		{"nothing to do", faults.Rule{OperationID: "get-contact"}, "a rule needs status, action, delayMs or latency"},
		{"bad status", faults.Rule{Status: 42}, "status must be between 100 and 599"},
		{"bad action", faults.Rule{Action: "explode"}, "action must be one of reset, timeout, truncate"},
		{"status and action", faults.Rule{Status: 503, Action: "reset"}, "either status or action"},
		{"bad probability", faults.Rule{Status: 503, Probability: 1.5}, "probability must be between 0 and 1"},
		{"negative times", faults.Rule{Status: 503, Times: -1}, "times must not be negative"},
		{"bad body", faults.Rule{Status: 503, Body: json.RawMessage(`{nope`)}, "body must be JSON"},
		{"bad latency", faults.Rule{Latency: &faults.Latency{Distribution: "zipf"}}, "uniform or normal"},
		{"inverted uniform", faults.Rule{Latency: &faults.Latency{Distribution: "uniform", MinMs: 10, MaxMs: 5}}, "minMs ≤ maxMs"},
		{"relative path", faults.Rule{Status: 503, Path: "contacts/*"}, "path must start with /"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.rule.Validate()
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
	r := faults.Rule{Method: "get", Status: 503}
	require.NoError(t, r.Validate())
	assert.Equal(t, "GET", r.Method, "methods are upper-cased")
}

func TestMatching(t *testing.T) {
	req := faults.Request{OperationID: "get-contact", Method: "GET", Path: "/contacts/abc", LocationID: "loc1", Token: "pit-1"}
	cases := []struct {
		name string
		rule faults.Rule
		want bool
	}{
		{"everything", faults.Rule{Status: 503}, true},
		{"operation", faults.Rule{OperationID: "get-contact", Status: 503}, true},
		{"other operation", faults.Rule{OperationID: "create-contact", Status: 503}, false},
		{"method", faults.Rule{Method: "GET", Status: 503}, true},
		{"other method", faults.Rule{Method: "POST", Status: 503}, false},
		{"glob segment", faults.Rule{Path: "/contacts/*", Status: 503}, true},
		{"glob too short", faults.Rule{Path: "/contacts/*/tasks", Status: 503}, false},
		{"double star", faults.Rule{Path: "/contacts/**", Status: 503}, true},
		{"double star middle", faults.Rule{Path: "/**/abc", Status: 503}, true},
		{"location", faults.Rule{LocationID: "loc1", Status: 503}, true},
		{"other location", faults.Rule{LocationID: "loc2", Status: 503}, false},
		{"token", faults.Rule{Token: "pit-1", Status: 503}, true},
		{"other token", faults.Rule{Token: "pit-2", Status: 503}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := faults.New(1)
			_, err := e.Add(c.rule)
			require.NoError(t, err)
			_, ok := e.Decide(req)
			assert.Equal(t, c.want, ok)
		})
	}
}

func TestTimesFailsNThenSucceeds(t *testing.T) {
	e := faults.New(1)
	r, err := e.Add(faults.Rule{OperationID: "get-contact", Status: 503, Times: 2})
	require.NoError(t, err)
	assert.Equal(t, "fault-1", r.ID)
	req := faults.Request{OperationID: "get-contact"}
	for i := range 2 {
		d, ok := e.Decide(req)
		require.True(t, ok, "call %d fails", i+1)
		assert.Equal(t, 503, d.Status)
		assert.Equal(t, "fault-1", d.RuleID)
	}
	_, ok := e.Decide(req)
	assert.False(t, ok, "then it succeeds")
	list := e.List()
	require.Len(t, list, 1)
	assert.Equal(t, 2, list[0].Applied)
	assert.Equal(t, 0, *list[0].Remaining)
}

func TestProbabilityIsReproducible(t *testing.T) {
	run := func(seed uint64) []bool {
		e := faults.New(seed)
		_, err := e.Add(faults.Rule{Status: 500, Probability: 0.3})
		require.NoError(t, err)
		var out []bool
		for range 1000 {
			_, ok := e.Decide(faults.Request{})
			out = append(out, ok)
		}
		return out
	}
	a, b, c := run(7), run(7), run(8)
	assert.Equal(t, a, b, "same seed, same choices")
	assert.NotEqual(t, a, c)
	hits := 0
	for _, ok := range a {
		if ok {
			hits++
		}
	}
	assert.InDelta(t, 300, hits, 60, "about 30%% applied")
}

// TestProbabilityMissKeepsTimes: a rule with both times and probability
// applies to exactly N requests: a request the draw lets through does not
// use up one of the N, however many come between the hits.
func TestProbabilityMissKeepsTimes(t *testing.T) {
	e := faults.New(7)
	_, err := e.Add(faults.Rule{Status: 503, Times: 3, Probability: 0.2})
	require.NoError(t, err)
	hits, missesBeforeLastHit, misses := 0, 0, 0
	for i := range 200 {
		_, ok := e.Decide(faults.Request{OperationID: "get-contact"})
		if ok {
			hits++
			missesBeforeLastHit = misses
		} else {
			misses++
		}
		r := e.List()[0]
		require.Equal(t, hits, r.Applied, "request %d", i+1)
		require.Equal(t, 3-hits, *r.Remaining, "request %d: only hits use up times", i+1)
	}
	assert.Equal(t, 3, hits, "all three times were applied, and no more")
	assert.Greater(t, missesBeforeLastHit, 3, "misses came between the hits (else this proves nothing)")
}

func TestLatencyDistributions(t *testing.T) {
	e := faults.New(3)
	_, err := e.Add(faults.Rule{OperationID: "u", Latency: &faults.Latency{Distribution: "uniform", MinMs: 100, MaxMs: 200}})
	require.NoError(t, err)
	_, err = e.Add(faults.Rule{OperationID: "n", DelayMs: 5, Latency: &faults.Latency{Distribution: "normal", MeanMs: 50, StddevMs: 10}})
	require.NoError(t, err)
	var sum time.Duration
	for range 500 {
		d, ok := e.Decide(faults.Request{OperationID: "u"})
		require.True(t, ok)
		assert.GreaterOrEqual(t, d.Delay, 100*time.Millisecond)
		assert.LessOrEqual(t, d.Delay, 200*time.Millisecond)
		d, _ = e.Decide(faults.Request{OperationID: "n"})
		assert.GreaterOrEqual(t, d.Delay, 5*time.Millisecond)
		sum += d.Delay
	}
	assert.InDelta(t, 55, float64(sum/500)/float64(time.Millisecond), 3, "mean of normal + fixed delay")
}

func TestOrderRemoveClear(t *testing.T) {
	e := faults.New(1)
	a, _ := e.Add(faults.Rule{Status: 500})
	b, _ := e.Add(faults.Rule{Status: 502})
	d, _ := e.Decide(faults.Request{})
	assert.Equal(t, a.ID, d.RuleID, "first added is tried first")
	assert.True(t, e.Remove(a.ID))
	assert.False(t, e.Remove(a.ID))
	d, _ = e.Decide(faults.Request{})
	assert.Equal(t, b.ID, d.RuleID)
	e.Clear()
	assert.Zero(t, e.Len())
	_, ok := e.Decide(faults.Request{})
	assert.False(t, ok)
}

package main

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMedian(t *testing.T) {
	assert.True(t, math.IsNaN(median(nil)))
	assert.Equal(t, 3.0, median([]float64{3}))
	assert.Equal(t, 2.0, median([]float64{3, 1, 2}))
	assert.Equal(t, 2.5, median([]float64{4, 1, 3, 2}))
	in := []float64{3, 1, 2}
	median(in)
	assert.Equal(t, []float64{3, 1, 2}, in, "the input is left as it was")
}

func TestRatio(t *testing.T) {
	assert.Equal(t, 0.5, ratio(1, 2))
	assert.True(t, math.IsNaN(ratio(1, 0)))
	assert.True(t, math.IsNaN(ratio(math.NaN(), 2)))
	assert.True(t, math.IsNaN(ratio(1, math.NaN())))
}

func TestSummarize(t *testing.T) {
	l := &LoadRun{Rounds: []WrkResult{
		{Requests: 100, ReqPerSec: 30, P50Ms: 1, P99Ms: 9},
		{Requests: 100, ReqPerSec: 10, P50Ms: 3, P99Ms: 5, Non2xx: 1},
		{Requests: 100, ReqPerSec: 20, P50Ms: 2, P99Ms: 7},
	}}
	l.summarize()
	assert.Equal(t, 20.0, l.ReqPerSec)
	assert.Equal(t, 2.0, l.P50Ms)
	assert.Equal(t, 7.0, l.P99Ms)
	assert.Equal(t, int64(300), l.Requests)
	assert.Equal(t, int64(1), l.Errors)
	assert.False(t, l.valid(), "1 error in 300 is more than 0.1%")
	assert.Equal(t, "1 of 300 requests failed", l.invalidReason())

	l.Rounds[1].Non2xx = 0
	l.summarize()
	assert.True(t, l.valid())

	empty := &LoadRun{}
	empty.summarize()
	_, err := json.Marshal(empty)
	require.NoError(t, err, "no NaN in JSON")
	assert.False(t, empty.valid())
	assert.Equal(t, "not run", empty.invalidReason())
	var none *LoadRun
	assert.False(t, none.valid())
	assert.Equal(t, "not run", none.invalidReason())
	failed := &LoadRun{Error: "wrk: boom"}
	assert.Equal(t, "wrk: boom", failed.invalidReason())
}

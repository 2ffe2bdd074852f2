package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const goBenchOutput = `goos: linux
goarch: amd64
pkg: github.com/ghlmock/ghlmock/mockserver/ratelimit
cpu: AMD EPYC
BenchmarkTakeParallelKeys-2     	 8075245	       192.9 ns/op	       0 B/op	       0 allocs/op
PASS
ok  	github.com/ghlmock/ghlmock/mockserver/ratelimit	4.841s
pkg: github.com/ghlmock/ghlmock/mockserver
BenchmarkListQuery100k-2            	     332	   3674781 ns/op	         4.099 p50-ms	         9.057 p99-ms	   92285 B/op	     275 allocs/op
BenchmarkBroken-2 	 abc	 1 ns/op
BenchmarkOdd-2 	 12	 1 ns/op	 2
--- FAIL: BenchmarkX
ok  	github.com/ghlmock/ghlmock/mockserver	6.798s
`

func TestParseGoBench(t *testing.T) {
	bs, err := parseGoBench(strings.NewReader(goBenchOutput))
	require.NoError(t, err)
	require.Len(t, bs, 2)
	assert.Equal(t, GoBench{Package: "github.com/ghlmock/ghlmock/mockserver/ratelimit", Name: "BenchmarkTakeParallelKeys-2", Iterations: 8075245,
		Metrics: []Metric{{192.9, "ns/op"}, {0, "B/op"}, {0, "allocs/op"}}}, bs[0])
	assert.Equal(t, "github.com/ghlmock/ghlmock/mockserver", bs[1].Package)
	assert.Contains(t, bs[1].Metrics, Metric{9.057, "p99-ms"})
	for _, m := range bs[1].Metrics {
		assert.NotEqual(t, "B/contact", m.Unit)
	}
}

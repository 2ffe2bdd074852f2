package mockserver_test

import (
	"testing"
	"time"

	"github.com/ghlmock/ghlmock/mockserver"
	"github.com/ghlmock/ghlmock/mockserver/ratelimit"
)

// BenchmarkGetContactMetrics is BenchmarkGetContact with Prometheus metrics
// off and on: what counting every request by operation and status and
// timing it costs the hot path (the target: on ≥ 0.95 × off in requests
// per second).
func BenchmarkGetContactMetrics(b *testing.B) {
	for _, c := range []struct {
		name    string
		metrics bool
	}{{"off", false}, {"on", true}} {
		b.Run(c.name, func(b *testing.B) {
			srv, err := mockserver.New(mockserver.Config{
				RateLimits: ratelimit.Limits{Burst: 1 << 40, Window: 10 * time.Second, Daily: 1 << 40},
				Metrics:    c.metrics,
			})
			if err != nil {
				b.Fatal(err)
			}
			benchRequest(b, srv, "GET", "/contacts/"+ada, nil, 200)
		})
	}
}

package mockserver_test

import (
	"net/http/httptest"
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

// BenchmarkGetContactMetricsInterleaved sends GET contact to a mock with
// metrics off and one with metrics on in turn, timing each, so that the
// load of a shared machine falls on both alike; it reports the throughput
// of on relative to off ("on/off", the target ≥ 0.95).
func BenchmarkGetContactMetricsInterleaved(b *testing.B) {
	var srvs [2]*mockserver.Server
	for i, on := range []bool{false, true} {
		srv, err := mockserver.New(mockserver.Config{
			RateLimits: ratelimit.Limits{Burst: 1 << 40, Window: 10 * time.Second, Daily: 1 << 40},
			Metrics:    on,
		})
		if err != nil {
			b.Fatal(err)
		}
		srvs[i] = srv
	}
	var spent [2]time.Duration
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		k := i & 1
		req := httptest.NewRequest("GET", "/contacts/"+ada, nil)
		req.Header.Set("Authorization", "Bearer pit-1a2b3c4d-0001-4000-8000-000000000001")
		req.Header.Set("Version", "2021-07-28")
		rec := httptest.NewRecorder()
		start := time.Now()
		srvs[k].ServeHTTP(rec, req)
		spent[k] += time.Since(start)
		if rec.Code != 200 {
			b.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
	if spent[1] > 0 {
		b.ReportMetric(float64(spent[0])/float64(spent[1]), "on/off")
	}
}

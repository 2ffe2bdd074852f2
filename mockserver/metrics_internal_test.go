package mockserver

import (
	"net/http/httptest"
	"testing"
	"time"
)

// BenchmarkMetricsObserve is what metrics add to one request: the counter
// of its operation and status, and its latency histogram. Compare with
// BenchmarkGetContact's time per request.
func BenchmarkMetricsObserve(b *testing.B) {
	s, err := New(Config{Metrics: true})
	if err != nil {
		b.Fatal(err)
	}
	rq := &request{r: httptest.NewRequest("GET", "/contacts/x", nil), op: s.ops["get-contact"]}
	b.ReportAllocs()
	for b.Loop() {
		s.metrics.observe(rq, 200, 20*time.Microsecond)
	}
}

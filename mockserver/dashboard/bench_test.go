package dashboard_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/ghlmock/ghlmock/mockserver"
	"github.com/ghlmock/ghlmock/mockserver/ratelimit"
)

// BenchmarkGetContactWithDashboards is GET contact through the whole
// pipeline, in parallel, with no dashboard open and with five dashboards on
// the live request stream (real HTTP streams, read to the end): the stream
// must cost the API next to nothing (target: five ≥ 0.95 × none).
func BenchmarkGetContactWithDashboards(b *testing.B) {
	for _, c := range []struct {
		name    string
		streams int
	}{{"none", 0}, {"five", 5}} {
		b.Run(c.name, func(b *testing.B) {
			srv, err := mockserver.New(mockserver.Config{
				RateLimits: ratelimit.Limits{Burst: 1 << 40, Window: 10 * time.Second, Daily: 1 << 40},
			})
			if err != nil {
				b.Fatal(err)
			}
			ts := httptest.NewServer(srv)
			defer ts.Close()
			defer srv.Close()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			for range c.streams {
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+"/_mock/ui/events?after=0", nil)
				res, err := http.DefaultClient.Do(req)
				if err != nil || res.StatusCode != http.StatusOK {
					b.Fatalf("open a stream: %v", err)
				}
				go func() {
					_, _ = io.Copy(io.Discard, res.Body)
					_ = res.Body.Close()
				}()
			}
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req := httptest.NewRequest(http.MethodGet, "/contacts/"+ada, nil)
					req.Header.Set("Authorization", "Bearer "+acmeToken)
					req.Header.Set("Version", "2021-07-28")
					rec := httptest.NewRecorder()
					srv.ServeHTTP(rec, req)
					if rec.Code != http.StatusOK {
						b.Fatalf("GET contact: %d", rec.Code)
					}
				}
			})
		})
	}
}

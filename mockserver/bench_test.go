package mockserver_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/ghlmock/ghlmock/mockserver"
	"github.com/ghlmock/ghlmock/mockserver/ratelimit"
)

// newBenchServer is a default mock with limits set high, as in a load test.
func newBenchServer(b *testing.B) *mockserver.Server {
	b.Helper()
	srv, err := mockserver.New(mockserver.Config{
		RateLimits: ratelimit.Limits{Burst: 1 << 40, Window: 10 * time.Second, Daily: 1 << 40},
	})
	if err != nil {
		b.Fatal(err)
	}
	return srv
}

func benchRequest(b *testing.B, srv http.Handler, method, path string, body []byte, want int) {
	b.Helper()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		var rd *bytes.Reader
		if body != nil {
			rd = bytes.NewReader(body)
		}
		var req *http.Request
		if rd != nil {
			req = httptest.NewRequest(method, path, rd)
			req.Header.Set("Content-Type", "application/json")
		} else {
			req = httptest.NewRequest(method, path, nil)
		}
		req.Header.Set("Authorization", "Bearer pit-1a2b3c4d-0001-4000-8000-000000000001")
		req.Header.Set("Version", "2021-07-28")
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != want {
			b.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body)
		}
	}
}

// BenchmarkGetContact is GET /contacts/{id} through the whole pipeline:
// routing, auth, rate-limit accounting, validation, store and encoding.
func BenchmarkGetContact(b *testing.B) {
	benchRequest(b, newBenchServer(b), "GET", "/contacts/"+ada, nil, 200)
}

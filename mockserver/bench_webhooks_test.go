package mockserver_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/ghlmock/ghlmock/mockserver"
	"github.com/ghlmock/ghlmock/mockserver/ratelimit"
)

// BenchmarkCreateContactSubscribed is BenchmarkCreateContact with one
// subscription receiving every event (a receiver in this process answering
// 204): what a subscription costs the API, whose answer never waits for a
// delivery. The target is at least 0.9 × the requests per second of
// BenchmarkCreateContact. The deliveries (built, signed and sent by the
// engine's workers) share the machine with the loop, as they would in a
// real mock.
func BenchmarkCreateContactSubscribed(b *testing.B) {
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	b.Cleanup(rcv.Close)
	srv, err := mockserver.New(mockserver.Config{
		RateLimits: ratelimit.Limits{Burst: 1 << 40, Window: 10 * time.Second, Daily: 1 << 40},
		Webhooks:   mockserver.WebhookConfig{URLs: []string{rcv.URL}},
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = srv.CloseState() })
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		body := fmt.Appendf(nil, `{"locationId":%q,"firstName":"Bench","lastName":"Mark","email":"bench%d@example.com","tags":["bench","vip"],"source":"benchmark"}`, locationID, n)
		n++
		if code, out := serveBench(srv, "POST", "/contacts/", body); code != http.StatusCreated {
			b.Fatalf("create: %d %s", code, out)
		}
	}
}

// BenchmarkCreateContactSubscribedAPIShare is BenchmarkCreateContactSubscribed
// with the engine stopped: the change feed still builds each change and its
// events are still mapped and handed to the engine (which drops them), so
// it measures what a subscription adds to the API's own path, without the
// deliveries' work competing for the CPU.
func BenchmarkCreateContactSubscribedAPIShare(b *testing.B) {
	srv, err := mockserver.New(mockserver.Config{
		RateLimits: ratelimit.Limits{Burst: 1 << 40, Window: 10 * time.Second, Daily: 1 << 40},
		Webhooks:   mockserver.WebhookConfig{URLs: []string{"http://127.0.0.1:1/unused"}},
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := srv.Webhooks().Close(b.Context()); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		body := fmt.Appendf(nil, `{"locationId":%q,"firstName":"Bench","lastName":"Mark","email":"bench%d@example.com","tags":["bench","vip"],"source":"benchmark"}`, locationID, n)
		n++
		if code, out := serveBench(srv, "POST", "/contacts/", body); code != http.StatusCreated {
			b.Fatalf("create: %d %s", code, out)
		}
	}
}

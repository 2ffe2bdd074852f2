package mockserver_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ghlmock/ghlmock/mockserver"
	"github.com/ghlmock/ghlmock/mockserver/fixture"
	"github.com/ghlmock/ghlmock/mockserver/ratelimit"
)

// Benchmarks of the request pipeline (routing, auth, rate-limit accounting,
// validation, store, encoding, journal) in process, besides GET contact in
// bench_test.go. The 100k ones run against one location of 100,000 generated
// contacts and report, besides ns/op, the per-request p50 and p99 measured
// inside the loop (the project's target: p99 ≤ 10 ms on a 2-core machine).

const benchToken = "pit-1a2b3c4d-0001-4000-8000-000000000001"

// BenchmarkCreateContact is POST /contacts/ with a new email each time, so the
// duplicate check never refuses.
func BenchmarkCreateContact(b *testing.B) {
	srv := newBenchServer(b)
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

// BenchmarkListQuery100k is GET /contacts/?query=… (limit 20) on a location
// of 100,000 contacts.
func BenchmarkListQuery100k(b *testing.B) {
	srv := bench100kServer(b)
	queries := []string{"smith", "gmail", "1415", "acme", "rodriguez", "an", "pied piper", "zoë"}
	paths := make([]string, len(queries))
	for i, q := range queries {
		paths[i] = "/contacts/?" + url.Values{"locationId": {locationID}, "query": {q}, "limit": {"20"}}.Encode()
	}
	var lat benchLatencies
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		p := paths[n%len(paths)]
		n++
		start := time.Now()
		code, out := serveBench(srv, "GET", p, nil)
		lat = append(lat, time.Since(start))
		if code != http.StatusOK {
			b.Fatalf("list %s: %d %s", p, code, out)
		}
	}
	lat.report(b)
}

// BenchmarkSearchContainsSort100k is POST /contacts/search with a contains
// filter and a sort (pageLimit 20) on a location of 100,000 contacts.
func BenchmarkSearchContainsSort100k(b *testing.B) {
	srv := bench100kServer(b)
	bodies := benchSearchBodies(b)
	var lat benchLatencies
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		body := bodies[n%len(bodies)]
		n++
		start := time.Now()
		code, out := serveBench(srv, "POST", "/contacts/search", body)
		lat = append(lat, time.Since(start))
		if code != http.StatusOK {
			b.Fatalf("search %s: %d %s", body, code, out)
		}
	}
	lat.report(b)
}

func benchSearchBodies(b *testing.B) [][]byte {
	b.Helper()
	subs := []string{"an", "son", "ri", "mar", "e", "ez"}
	sorts := [][]map[string]string{
		{{"field": "lastNameLowerCase", "direction": "asc"}},
		{{"field": "dateAdded", "direction": "desc"}},
		{{"field": "email", "direction": "desc"}, {"field": "dateUpdated", "direction": "asc"}},
	}
	var out [][]byte
	for i := range len(subs) * len(sorts) {
		body, err := json.Marshal(map[string]any{
			"locationId": locationID,
			"pageLimit":  20,
			"filters":    []map[string]string{{"field": "firstNameLowerCase", "operator": "contains", "value": subs[i%len(subs)]}},
			"sort":       sorts[i%len(sorts)],
		})
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, body)
	}
	return out
}

var bench100k struct {
	once sync.Once
	srv  *mockserver.Server
	err  error
}

// bench100kServer is the default fixtures' first location (Acme, which
// refuses duplicates) with 100,000 generated contacts, limits set high. It is
// built once, before the first benchmark's timer starts, and shared: the
// benchmarks using it only read.
func bench100kServer(b *testing.B) *mockserver.Server {
	b.Helper()
	bench100k.once.Do(func() {
		f, err := fixture.Default()
		if err != nil {
			bench100k.err = err
			return
		}
		f.Locations = f.Locations[:1]
		bench100k.srv, bench100k.err = mockserver.New(mockserver.Config{
			Fixtures:            f,
			ContactsPerLocation: 100_000,
			RateLimits:          ratelimit.Limits{Burst: 1 << 40, Window: 10 * time.Second, Daily: 1 << 40},
		})
	})
	if bench100k.err != nil {
		b.Fatal(bench100k.err)
	}
	return bench100k.srv
}

// serveBench sends one request with the read-write token through srv.
func serveBench(srv http.Handler, method, path string, body []byte) (int, *bytes.Buffer) {
	var req *http.Request
	if body != nil {
		req = httptest.NewRequest(method, path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
	} else {
		req = httptest.NewRequest(method, path, nil)
	}
	req.Header.Set("Authorization", "Bearer "+benchToken)
	req.Header.Set("Version", "2021-07-28")
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	return rec.Code, rec.Body
}

// benchLatencies are per-request durations; report adds their p50 and p99.
type benchLatencies []time.Duration

func (l benchLatencies) report(b *testing.B) {
	if len(l) == 0 {
		return
	}
	slices.Sort(l)
	ms := func(q float64) float64 { return float64(l[int(q*float64(len(l)-1))]) / 1e6 }
	b.ReportMetric(ms(0.50), "p50-ms")
	b.ReportMetric(ms(0.99), "p99-ms")
}

// BenchmarkCreateContactWithState is BenchmarkCreateContact with a state
// database: each create is committed before it is answered. Run in parallel
// (-cpu) to see group commit at work.
func BenchmarkCreateContactWithState(b *testing.B) {
	fx, err := fixture.Default()
	if err != nil {
		b.Fatal(err)
	}
	srv, err := mockserver.New(mockserver.Config{Fixtures: fx, ContactsPerLocation: 5, StatePath: b.TempDir() + "/state.db",
		RateLimits: ratelimit.Limits{Burst: 1 << 30, Window: time.Second, Daily: 1 << 30}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = srv.CloseState() })
	b.ReportAllocs()
	var n atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			body := fmt.Appendf(nil, `{"locationId":%q,"firstName":"Bench","email":"bench%d@example.com"}`, locationID, n.Add(1))
			if code, out := serveBench(srv, "POST", "/contacts/", body); code != http.StatusCreated {
				b.Fatalf("create: %d %s", code, out)
			}
		}
	})
}

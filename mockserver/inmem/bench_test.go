package inmem_test

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/inmem"
)

// The project's targets at 100,000 contacts in one location (with 0–3 tasks
// and 0–3 notes each), on a 2-core machine: a list query and a search with a
// contains filter and a sort within 10 ms at p99; duplicate lookups O(1);
// at most 2 KiB of heap per contact; New well under a second. The p50-ms and
// p99-ms metrics are per-call latencies measured inside the loop.

const benchContacts = 100_000

// benchDataset generates the 100k dataset (the same one every time).
func benchDataset() crm.Dataset {
	return crm.Dataset{Locations: []crm.LocationData{newGen(1).location(fixtureLocation(locA), benchContacts, true)}}
}

var bench struct {
	once   sync.Once
	store  *inmem.Store
	sample []crm.Contact // 1,000 of its contacts
}

// benchStore returns the shared 100k store, which benchmarks only read, and
// a sample of its contacts. The dataset it was built from is dropped, as a
// server would, so that the garbage collector works on the store alone.
func benchStore(b *testing.B) (*inmem.Store, []crm.Contact) {
	b.Helper()
	bench.once.Do(func() {
		d := benchDataset()
		clk := newClock()
		s, err := inmem.New(d, inmem.Options{Now: clk.Now, IDs: crm.NewIDGen(9), NormalizePhones: true})
		if err != nil {
			panic(err)
		}
		bench.store = s
		cs := d.Locations[0].Contacts
		for i := 0; i < len(cs); i += len(cs) / 1000 {
			bench.sample = append(bench.sample, cs[i].Clone())
		}
		runtime.GC()
	})
	return bench.store, bench.sample
}

// latencies records per-call durations and reports percentiles.
type latencies []time.Duration

func (l *latencies) time(fn func()) {
	start := time.Now()
	fn()
	*l = append(*l, time.Since(start))
}

func (l latencies) report(b *testing.B) {
	if len(l) == 0 {
		return
	}
	slices.Sort(l)
	ms := func(q float64) float64 { return float64(l[int(q*float64(len(l)-1))]) / 1e6 }
	b.ReportMetric(ms(0.50), "p50-ms")
	b.ReportMetric(ms(0.99), "p99-ms")
}

func BenchmarkListQuery100k(b *testing.B) {
	s, _ := benchStore(b)
	ctx := context.Background()
	queries := []string{"smith", "gmail", "+1415", "acme", "zoë", "rodriguez", "an", "pied piper"}
	var lat latencies
	n := 0
	for b.Loop() {
		q := crm.ListQuery{Query: queries[n%len(queries)], Limit: 100}
		n++
		lat.time(func() {
			if _, err := s.ListContacts(ctx, locA, q); err != nil {
				b.Fatal(err)
			}
		})
	}
	lat.report(b)
}

func BenchmarkSearchContainsSort100k(b *testing.B) {
	s, _ := benchStore(b)
	ctx := context.Background()
	subs := []string{"an", "son", "ri", "mar", "e", "ez"}
	sorts := [][]crm.Sort{
		{{Field: "lastNameLowerCase", Direction: "asc"}},
		{{Field: "dateAdded", Direction: "desc"}},
		{{Field: "email", Direction: "desc"}, {Field: "dateUpdated", Direction: "asc"}},
	}
	var lat latencies
	n := 0
	for b.Loop() {
		q := crm.SearchQuery{
			PageLimit: 100,
			Filters:   []crm.Filter{{Field: "firstNameLowerCase", Operator: "contains", Value: subs[n%len(subs)]}},
			Sort:      sorts[n%len(sorts)],
		}
		n++
		lat.time(func() {
			if _, err := s.SearchContacts(ctx, locA, q); err != nil {
				b.Fatal(err)
			}
		})
	}
	lat.report(b)
}

func BenchmarkSearchDeepPage100k(b *testing.B) {
	s, _ := benchStore(b)
	ctx := context.Background()
	var lat latencies
	for b.Loop() {
		q := crm.SearchQuery{PageLimit: 500, Page: 20, Sort: []crm.Sort{{Field: "firstNameLowerCase", Direction: "asc"}}}
		lat.time(func() {
			if _, err := s.SearchContacts(ctx, locA, q); err != nil {
				b.Fatal(err)
			}
		})
	}
	lat.report(b)
}

func BenchmarkDuplicateLookup100k(b *testing.B) {
	s, sample := benchStore(b)
	ctx := context.Background()
	var emails []string
	for _, c := range sample {
		if c.Email != "" {
			emails = append(emails, c.Email)
		}
	}
	n := 0
	for b.Loop() {
		if _, ok, err := s.DuplicateContact(ctx, locA, emails[n%len(emails)], ""); err != nil || !ok {
			b.Fatal(err, ok)
		}
		n++
	}
}

func BenchmarkGetContact(b *testing.B) {
	s, sample := benchStore(b)
	ctx := context.Background()
	n := 0
	for b.Loop() {
		if _, err := s.Contact(ctx, locA, sample[(n*7919)%len(sample)].ID); err != nil {
			b.Fatal(err)
		}
		n++
	}
}

func BenchmarkCreateContact(b *testing.B) {
	s, clk := newStore(b)
	ctx := context.Background()
	n := 0
	for b.Loop() {
		clk.Advance(time.Millisecond)
		in := person("Bench", "Mark", fmt.Sprintf("bench%d@example.com", n), fmt.Sprintf("+1555%07d", n))
		in.Tags = tags("vip", "bench")
		if _, err := s.CreateContact(ctx, locA, in); err != nil {
			b.Fatal(err)
		}
		n++
	}
}

func BenchmarkNew100k(b *testing.B) {
	d := benchDataset()
	clk := newClock()
	for b.Loop() {
		if _, err := inmem.New(d, inmem.Options{Now: clk.Now, IDs: crm.NewIDGen(9), NormalizePhones: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMemory100k reports the heap the store holds per contact, its
// tasks and notes included, once the dataset it was built from is gone.
func BenchmarkMemory100k(b *testing.B) {
	var perContact, tasksNotes float64
	for b.Loop() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		s := func() *inmem.Store {
			clk := newClock()
			s, err := inmem.New(benchDataset(), inmem.Options{Now: clk.Now, IDs: crm.NewIDGen(9), NormalizePhones: true})
			if err != nil {
				b.Fatal(err)
			}
			return s
		}()
		runtime.GC()
		runtime.ReadMemStats(&after)
		st := s.Stats()[0]
		perContact = float64(after.HeapAlloc-before.HeapAlloc) / float64(st.Contacts)
		tasksNotes = float64(st.Tasks+st.Notes) / float64(st.Contacts)
		runtime.KeepAlive(s)
	}
	b.ReportMetric(perContact, "B/contact")
	b.ReportMetric(tasksNotes, "tasks+notes/contact")
}

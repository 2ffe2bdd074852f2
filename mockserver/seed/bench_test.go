package seed_test

import (
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/fixture"
	"github.com/ghlmock/ghlmock/mockserver/seed"
)

// BenchmarkGenerate100k generates 100,000 contacts in one location (the
// --contacts 100000 case without the help of a second location generated in
// parallel) and reports, besides time and allocations, the heap the dataset
// keeps per contact, tasks, notes and appointments included.
func BenchmarkGenerate100k(b *testing.B) {
	f, err := fixture.Default()
	require.NoError(b, err)
	f.Locations = f.Locations[:1]
	opts := seed.Options{Seed: 1, Now: time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC), ContactsPerLocation: 100_000}

	b.ReportAllocs()
	for b.Loop() {
		_, err := seed.Generate(f, opts)
		require.NoError(b, err)
	}
	b.StopTimer()

	ds, perContact := retained(b, func() crm.Dataset {
		ds, err := seed.Generate(f, opts)
		require.NoError(b, err)
		return ds
	})
	b.ReportMetric(perContact, "B/contact")
	l := ds.Locations[0]
	n := float64(len(l.Contacts))
	b.ReportMetric(float64(len(l.Tasks))/n, "tasks/contact")
	b.ReportMetric(float64(len(l.Notes))/n, "notes/contact")
	b.ReportMetric(float64(len(l.Appointments))/n, "appts/contact")
}

// retained measures the live heap a generated dataset holds, after GC, per
// contact.
func retained(b *testing.B, gen func() crm.Dataset) (crm.Dataset, float64) {
	b.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	ds := gen()
	runtime.GC()
	runtime.ReadMemStats(&after)
	contacts := 0
	for _, l := range ds.Locations {
		contacts += len(l.Contacts)
	}
	perContact := float64(after.HeapAlloc-before.HeapAlloc) / float64(contacts)
	runtime.KeepAlive(ds)
	return ds, perContact
}

// BenchmarkGenerateDefaultFixtures is `ghlmock serve --contacts 100000` with
// the default fixtures: 100,000 generated contacts in each of its locations,
// generated in parallel.
func BenchmarkGenerateDefaultFixtures(b *testing.B) {
	f, err := fixture.Default()
	require.NoError(b, err)
	opts := seed.Options{Seed: 1, Now: time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC), ContactsPerLocation: 100_000}
	b.ReportAllocs()
	for b.Loop() {
		_, err := seed.Generate(f, opts)
		require.NoError(b, err)
	}
	b.StopTimer()
	_, perContact := retained(b, func() crm.Dataset {
		ds, err := seed.Generate(f, opts)
		require.NoError(b, err)
		return ds
	})
	b.ReportMetric(perContact, "B/contact")
}

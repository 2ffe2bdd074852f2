// Package journal keeps the mock's request journal: the last N requests it
// answered, in a ring, so that a CI test can assert on what its integration
// sent and a long-running staging mock never grows without limit.
package journal

import (
	"strconv"
	"sync"
	"time"
)

// Entry is one answered request.
type Entry struct {
	ID          string    `json:"id"`
	Time        time.Time `json:"time"`
	Method      string    `json:"method"`
	Path        string    `json:"path"`
	Query       string    `json:"query,omitempty"`
	OperationID string    `json:"operationId"`
	Status      int       `json:"status"`
	DurationMs  float64   `json:"durationMs"`
	LocationID  string    `json:"locationId,omitempty"`
	TraceID     string    `json:"traceId,omitempty"`
	Fault       string    `json:"fault,omitempty"` // the id of the fault rule that applied, if any
}

// Filter selects entries; zero fields match everything.
type Filter struct {
	OperationID string
	Method      string
	Status      int
	Since       time.Time // entries at or after
	LocationID  string
	Limit       int // the newest Limit entries; 0 means all
}

func (f Filter) match(e *Entry) bool {
	return (f.OperationID == "" || e.OperationID == f.OperationID) &&
		(f.Method == "" || e.Method == f.Method) &&
		(f.Status == 0 || e.Status == f.Status) &&
		(f.Since.IsZero() || !e.Time.Before(f.Since)) &&
		(f.LocationID == "" || e.LocationID == f.LocationID)
}

// Journal is a bounded, concurrency-safe ring of entries.
type Journal struct {
	mu      sync.Mutex
	ring    []Entry
	next    int    // where the next entry goes
	full    bool   // the ring has wrapped
	seq     uint64 // entries ever recorded, for ids
	dropped uint64 // entries overwritten
}

// New returns a journal that keeps the last size entries (size ≥ 1).
func New(size int) *Journal {
	return &Journal{ring: make([]Entry, max(size, 1))}
}

// Add records an entry, giving it the next id, and returns the id.
func (j *Journal) Add(e Entry) string {
	j.mu.Lock()
	j.seq++
	e.ID = strconv.FormatUint(j.seq, 10)
	if j.full {
		j.dropped++
	}
	j.ring[j.next] = e
	j.next++
	if j.next == len(j.ring) {
		j.next, j.full = 0, true
	}
	j.mu.Unlock()
	return e.ID
}

// List returns the entries that match, oldest first.
func (j *Journal) List(f Filter) []Entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := []Entry{}
	visit := func(e *Entry) {
		if f.match(e) {
			out = append(out, *e)
		}
	}
	if j.full {
		for i := j.next; i < len(j.ring); i++ {
			visit(&j.ring[i])
		}
	}
	for i := 0; i < j.next; i++ {
		visit(&j.ring[i])
	}
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[len(out)-f.Limit:]
	}
	return out
}

// Stats reports the ring's size, how many entries it holds, and how many it
// has dropped to stay bounded.
func (j *Journal) Stats() (size, held int, dropped uint64) {
	j.mu.Lock()
	defer j.mu.Unlock()
	held = j.next
	if j.full {
		held = len(j.ring)
	}
	return len(j.ring), held, j.dropped
}

// Clear forgets every entry (ids keep counting up).
func (j *Journal) Clear() {
	j.mu.Lock()
	clear(j.ring)
	j.next, j.full, j.dropped = 0, false, 0
	j.mu.Unlock()
}

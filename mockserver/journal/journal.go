// Package journal keeps the mock's request journal: the last N requests it
// answered, in a ring, so that a CI test can assert on what its integration
// sent and a long-running staging mock never grows without limit.
package journal

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
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
	// Reason says in plain words why a refused request was refused ("token
	// not found", "scope contacts.write missing", the validation errors…);
	// the answer itself is GHL's.
	Reason string `json:"reason,omitempty"`

	RequestHeaders  Headers `json:"requestHeaders,omitempty"`
	RequestBody     string  `json:"requestBody,omitempty"`
	ResponseHeaders Headers `json:"responseHeaders,omitempty"`
	ResponseBody    string  `json:"responseBody,omitempty"`

	raw     rawHeaders // headers not packed yet: see KeepHeaders
	rawBody rawBody    // the answer's body not made a string yet: see KeepResponseBody
}

// rawBody is the start of an answer's body kept by reference until the
// entry is first read: shared then rest, of a body of total bytes.
type rawBody struct {
	shared, rest []byte
	total        int
}

// KeepResponseBody records the start of the answer's body as shared
// followed by rest, of a body total bytes long, without copying either:
// the journal makes ResponseBody of them (with Truncated's mark when total
// is more) the first time the entry is read. shared is meant for bytes many
// answers send alike (an answer kept for every read of a contact), rest for
// what this one added; neither may change after the call.
func (e *Entry) KeepResponseBody(shared, rest []byte, total int) {
	e.rawBody = rawBody{shared: shared, rest: rest, total: total}
}

// Truncated is how the journal shows a body it kept only the start of: the
// bytes kept, then how many it left out (when it left out any).
func Truncated(kept string, left int) string {
	if left <= 0 {
		return kept
	}
	return kept + "…[truncated " + strconv.Itoa(left) + " bytes]"
}

// rawHeaders are an entry's headers as the request and the answer carried
// them, kept by reference until the entry is first read.
type rawHeaders struct {
	req, resp http.Header
	max       int
	redact    func(name, value string) string
}

// KeepHeaders records the request's and the answer's headers without
// packing them: the journal packs them (sorted, redacted, cut as
// PackHeaders does) the first time the entry is read, under its lock, and
// then lets the maps go. A request costs a reference instead of two packed
// copies, and most entries are never read. The maps must not change after
// the call: net/http neither reuses a request's header map nor changes a
// handler's once the handler has returned.
//
// Headers larger than the journal keeps of them are packed at once, so that
// the ring never holds more than HeaderBudget bytes of an entry's headers.
func (e *Entry) KeepHeaders(req, resp http.Header, maxValue int, redact func(name, value string) string) {
	e.raw = rawHeaders{req: req, resp: resp, max: maxValue, redact: redact}
	budget := HeaderBudget(maxValue)
	if headerBytes(req, budget) > budget || headerBytes(resp, budget) > budget {
		e.settleHeaders()
	}
}

// headerBytes is about how many bytes h holds, counted up to just past limit.
func headerBytes(h http.Header, limit int) int {
	n := 0
	for k, vs := range h {
		n += len(k) + 2
		for _, v := range vs {
			n += len(v) + 2
		}
		if n > limit {
			break
		}
	}
	return n
}

// settle makes the body KeepResponseBody kept a string and packs the
// headers KeepHeaders kept.
func (e *Entry) settle() {
	e.settleBody()
	e.settleHeaders()
}

func (e *Entry) settleBody() {
	if b := e.rawBody; b.shared != nil || b.rest != nil {
		e.ResponseBody = Truncated(string(b.shared)+string(b.rest), b.total-len(b.shared)-len(b.rest))
		e.rawBody = rawBody{}
	}
}

func (e *Entry) settleHeaders() {
	if e.raw.req == nil && e.raw.resp == nil {
		return
	}
	if e.raw.req != nil {
		e.RequestHeaders = packHeaderMap(e.raw.req, e.raw.max, e.raw.redact)
	}
	if e.raw.resp != nil {
		e.ResponseHeaders = packHeaderMap(e.raw.resp, e.raw.max, e.raw.redact)
	}
	e.raw = rawHeaders{}
}

// packHeaderMap packs h as PackHeaders does, sorted by name.
func packHeaderMap(h http.Header, maxValue int, redact func(name, value string) string) Headers {
	var buf [24]string
	names := buf[:0]
	for k := range h {
		names = append(names, k)
	}
	slices.Sort(names)
	return PackHeaders(names, func(k string) []string { return h[k] }, maxValue, redact)
}

// Headers are the headers of a request or an answer, packed into one
// string (name, NUL, value, NUL, …) so that journalling them costs one
// allocation; they are written as a JSON object.
type Headers string

// PackHeaders packs h, in the order of names, the values of each name
// joined by ", " and cut to maxValue bytes; redact, when set, rewrites a
// value (the Authorization header). All the headers together are cut at
// HeaderBudget(maxValue) bytes, the rest replaced by one entry "…" saying
// how many were left out: a request may carry 64 KiB of headers, and a
// journal of a thousand of them would hold 64 MB.
func PackHeaders(names []string, values func(string) []string, maxValue int, redact func(name, value string) string) Headers {
	n := 0
	for _, k := range names {
		n += len(k) + 2
		for _, v := range values(k) {
			n += len(v) + 2
		}
	}
	var b strings.Builder
	b.Grow(min(n, len(names)*(maxValue+64)))
	budget := HeaderBudget(maxValue)
	for i, k := range names {
		if b.Len() >= budget {
			b.WriteString("…\x00" + strconv.Itoa(len(names)-i) + " more headers left out: the journal keeps " + strconv.Itoa(budget) + " bytes of them\x00")
			break
		}
		v := strings.Join(values(k), ", ")
		if redact != nil {
			v = redact(k, v)
		}
		b.WriteString(k)
		b.WriteByte(0)
		b.WriteString(Truncate(v, maxValue))
		b.WriteByte(0)
	}
	return Headers(b.String())
}

// HeaderBudget is how many bytes of a request's or an answer's headers an
// entry keeps, for headers of at most maxValue bytes each.
func HeaderBudget(maxValue int) int { return 2 * max(maxValue, 1024) }

// Get returns a header's value.
func (h Headers) Get(name string) string {
	rest := string(h)
	for rest != "" {
		k, r, _ := strings.Cut(rest, "\x00")
		v, r2, _ := strings.Cut(r, "\x00")
		if strings.EqualFold(k, name) {
			return v
		}
		rest = r2
	}
	return ""
}

// MarshalJSON writes the headers as an object.
func (h Headers) MarshalJSON() ([]byte, error) {
	m := map[string]string{}
	rest := string(h)
	for rest != "" {
		k, r, _ := strings.Cut(rest, "\x00")
		v, r2, _ := strings.Cut(r, "\x00")
		m[k] = v
		rest = r2
	}
	return json.Marshal(m)
}

// Truncate cuts s to max bytes (at a rune boundary), saying how much it cut:
// a journal entry or a log line of a request with a 1 MB URL stays small.
func Truncate(s string, max int) string {
	if max <= 0 || len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !isRuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…[truncated " + strconv.Itoa(len(s)-cut) + " bytes]"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// Filter selects entries; zero fields match everything.
type Filter struct {
	OperationID string
	Method      string
	Status      int
	Since       time.Time // entries at or after
	LocationID  string
	Limit       int // the newest Limit entries; 0 means all
	// Match, when set, must also accept the entry (a path glob, a body
	// field: what the caller knows how to match).
	Match func(*Entry) bool
}

func (f Filter) match(e *Entry) bool {
	return (f.OperationID == "" || e.OperationID == f.OperationID) &&
		(f.Method == "" || e.Method == f.Method) &&
		(f.Status == 0 || e.Status == f.Status) &&
		(f.Since.IsZero() || !e.Time.Before(f.Since)) &&
		(f.LocationID == "" || e.LocationID == f.LocationID) &&
		(f.Match == nil || f.Match(e))
}

// Count returns how many entries match (Limit is ignored): the verify query
// a test asserts on.
func (j *Journal) Count(f Filter) int {
	j.mu.Lock()
	defer j.mu.Unlock()
	n := 0
	for i := range j.ring {
		if !j.full && i >= j.next {
			break // the ring has not wrapped: nothing is held past next
		}
		j.ring[i].settle()
		if f.match(&j.ring[i]) {
			n++
		}
	}
	return n
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
		e.settle()
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

package webhooks_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/webhooks"
)

// testClock is the mock's clock in a test: it stands still until advanced,
// so nothing depends on how fast the machine is.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *testClock { return &testClock{t: time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// hit is one request a test receiver got.
type hit struct {
	Header http.Header
	Body   []byte
}

func (h hit) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(h.Body, &m))
	return m
}

// testReceiver answers the given statuses in turn, then 200, and records
// every request.
type testReceiver struct {
	*httptest.Server
	mu       sync.Mutex
	hits     []hit
	statuses []int
	hold     chan struct{} // when set, each request waits until it is closed
	sleep    time.Duration
}

func newReceiver(t *testing.T, statuses ...int) *testReceiver {
	t.Helper()
	r := &testReceiver{statuses: statuses}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.hits = append(r.hits, hit{req.Header.Clone(), body})
		status := http.StatusOK
		if len(r.statuses) > 0 {
			status, r.statuses = r.statuses[0], r.statuses[1:]
		}
		hold, sleep := r.hold, r.sleep
		r.mu.Unlock()
		if hold != nil {
			<-hold
		}
		if sleep > 0 {
			select {
			case <-time.After(sleep):
			case <-req.Context().Done():
				return
			}
		}
		w.Header().Set("X-Receiver", "test")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, `{"answer":"`+http.StatusText(status)+`"}`)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *testReceiver) got() []hit {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]hit(nil), r.hits...)
}

// newEngine starts an engine on clock with the test keys, closed when the
// test ends.
func newEngine(t *testing.T, clock *testClock, cfg webhooks.Config) *webhooks.Engine {
	t.Helper()
	if cfg.Keys == nil {
		cfg.Keys = testKeys(t)
	}
	if cfg.Now == nil && clock != nil {
		cfg.Now = clock.Now
	}
	e, err := webhooks.New(cfg)
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = e.Close(ctx)
	})
	return e
}

func subscribe(t *testing.T, e *webhooks.Engine, s webhooks.Subscription) webhooks.Subscription {
	t.Helper()
	out, err := e.Subscribe(s)
	require.NoError(t, err)
	return out
}

func flush(t *testing.T, e *webhooks.Engine) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	require.NoError(t, e.Flush(ctx))
}

// advance moves the clock and lets the engine fire what came due, as
// POST /_mock/clock will.
func advance(t *testing.T, e *webhooks.Engine, c *testClock, d time.Duration) {
	t.Helper()
	c.Advance(d)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	require.NoError(t, e.Advanced(ctx))
}

// contactCreated is the event of a new contact named name.
func contactCreated(name string) webhooks.Event {
	ev := webhooks.ContactEvent(webhooks.ContactCreate, &crm.Contact{ID: contactID, LocationID: locID, FirstName: name,
		DateAdded: ms("2026-12-02T09:59:00Z")})
	ev.TraceID, ev.OperationID = "trace-1", "create-contact"
	return ev
}

func only(t *testing.T, e *webhooks.Engine) webhooks.Delivery {
	t.Helper()
	ds := e.Deliveries(webhooks.Filter{})
	require.Len(t, ds, 1)
	return ds[0]
}

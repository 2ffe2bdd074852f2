package webhooks_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/webhooks"
)

func TestEngineDeliversASignedCanonicalBody(t *testing.T) {
	clock := newClock()
	stamp := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	e := newEngine(t, clock, webhooks.Config{Stamp: func() time.Time { return stamp }, NewWebhookID: func() string { return "wh-1" }})
	rcv := newReceiver(t)
	sub := subscribe(t, e, webhooks.Subscription{App: "app1", URL: rcv.URL, IncludeAppID: true, Headers: map[string]string{"x-extra": "1"}})

	e.Enqueue(contactCreated("Smith & Sons <b>"))
	flush(t, e)

	hits := rcv.got()
	require.Len(t, hits, 1)
	h := hits[0]
	assert.Equal(t, `{"timestamp":"2026-12-02T09:00:00.000Z","webhookId":"wh-1","type":"ContactCreate","locationId":"ve9EPM428h8vShlRW1KT",`+
		`"id":"nmFmQEsNgz6AVpgLVUJ0","dateAdded":"2026-12-02T09:59:00.000Z","dnd":false,"name":"Smith & Sons <b>",`+
		`"firstName":"Smith & Sons <b>","tags":[],"attachments":[],"customFields":[],"appId":"app1"}`, string(h.Body))
	assert.Equal(t, "application/json", h.Header.Get("Content-Type"))
	assert.Equal(t, "ghlmock-webhooks", h.Header.Get("User-Agent"))
	assert.Equal(t, "1", h.Header.Get("X-Extra"))
	assert.True(t, webhooks.Verify(testKeys(t).PublicEd25519(), h.Body, h.Header.Get("x-ghl-signature")))
	assert.Empty(t, h.Header.Get("x-wh-signature"), "the legacy signature is opt-in")

	d := only(t, e)
	assert.Equal(t, webhooks.StatusSucceeded, d.Status)
	assert.Equal(t, string(h.Body), d.Body)
	assert.Equal(t, h.Header.Get("x-ghl-signature"), d.Headers[webhooks.HeaderSignature])
	assert.Equal(t, sub.ID, d.Subscription)
	assert.Equal(t, "app1", d.App)
	assert.Equal(t, "ContactCreate", d.Event)
	assert.Equal(t, "wh-1", d.WebhookID)
	assert.Equal(t, locID, d.LocationID)
	assert.Equal(t, contactID, d.ContactID)
	assert.Equal(t, "trace-1", d.TraceID)
	assert.Equal(t, "create-contact", d.OperationID)
	assert.Equal(t, clock.Now(), d.CreatedAt)
	assert.True(t, d.NextAttemptAt.IsZero())
	assert.Equal(t, "ghl-non2xx", d.Retry)
	assert.Equal(t, int64(10000), d.TimeoutMs)
	require.Len(t, d.Attempts, 1)
	a := d.Attempts[0]
	assert.Equal(t, 1, a.N)
	assert.Equal(t, 200, a.Status)
	assert.Equal(t, clock.Now(), a.At)
	assert.Equal(t, `{"answer":"OK"}`, a.ResponseBody)
	assert.Equal(t, "test", a.ResponseHeaders["X-Receiver"])
	assert.Empty(t, a.Error)
}

func TestEnqueueNeverWaitsForTheReceiver(t *testing.T) {
	e := newEngine(t, newClock(), webhooks.Config{})
	rcv := newReceiver(t)
	rcv.hold = make(chan struct{})
	subscribe(t, e, webhooks.Subscription{URL: rcv.URL})
	// If Enqueue waited for the receiver, this would never return: the
	// receiver answers only once the test has gone past it.
	for range 50 {
		e.Enqueue(contactCreated("a"))
	}
	require.Eventually(t, func() bool { return len(rcv.got()) > 0 }, 5*time.Second, time.Millisecond)
	close(rcv.hold)
	flush(t, e)
	assert.Len(t, rcv.got(), 50)
}

func TestWorkersBoundTheAttemptsInFlight(t *testing.T) {
	var inFlight, most atomic.Int32
	release := make(chan struct{})
	srv := newReceiver(t)
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		<-release
		inFlight.Add(-1)
	})
	e := newEngine(t, newClock(), webhooks.Config{Workers: 2})
	subscribe(t, e, webhooks.Subscription{URL: srv.URL})
	for range 6 {
		e.Enqueue(contactCreated("a"))
	}
	require.Eventually(t, func() bool { return inFlight.Load() == 2 }, 5*time.Second, time.Millisecond)
	time.Sleep(50 * time.Millisecond) // real time, for a third attempt that must not start
	assert.Equal(t, int32(2), most.Load())
	close(release)
	flush(t, e)
	assert.Equal(t, int32(2), most.Load())
	assert.Len(t, e.Deliveries(webhooks.Filter{Status: webhooks.StatusSucceeded}), 6)
}

func TestAttemptTimeout(t *testing.T) {
	e := newEngine(t, newClock(), webhooks.Config{})
	rcv := newReceiver(t)
	rcv.sleep = 5 * time.Second
	subscribe(t, e, webhooks.Subscription{URL: rcv.URL, Timeout: 50 * time.Millisecond, Retry: "none"})
	e.Enqueue(contactCreated("a"))
	flush(t, e)
	d := only(t, e)
	assert.Equal(t, webhooks.StatusFailed, d.Status)
	require.Len(t, d.Attempts, 1)
	assert.Contains(t, d.Attempts[0].Error, "timeout: no answer within 50ms")
	assert.Zero(t, d.Attempts[0].Status)
	assert.Less(t, d.Attempts[0].DurationMs, int64(5000))
	assert.Equal(t, int64(50), d.TimeoutMs)
}

func TestResponseBodyKeptUpTo4KiB(t *testing.T) {
	srv := newReceiver(t)
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(500)
		_, _ = w.Write([]byte(strings.Repeat("x", 10000)))
	})
	e := newEngine(t, newClock(), webhooks.Config{})
	subscribe(t, e, webhooks.Subscription{URL: srv.URL, Retry: "none"})
	e.Enqueue(contactCreated("a"))
	flush(t, e)
	a := only(t, e).Attempts[0]
	assert.Equal(t, 500, a.Status)
	assert.Len(t, a.ResponseBody, 4096)
}

func TestRedirectIsNotFollowed(t *testing.T) {
	target := newReceiver(t)
	srv := newReceiver(t)
	srv.Config.Handler = http.RedirectHandler(target.URL, http.StatusFound)
	e := newEngine(t, newClock(), webhooks.Config{})
	subscribe(t, e, webhooks.Subscription{URL: srv.URL, Retry: "none"})
	e.Enqueue(contactCreated("a"))
	flush(t, e)
	d := only(t, e)
	assert.Equal(t, webhooks.StatusFailed, d.Status, "a 302 is not a 2xx")
	assert.Equal(t, 302, d.Attempts[0].Status)
	assert.Empty(t, target.got())
}

func TestInjectedClient(t *testing.T) {
	var used atomic.Bool
	client := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		used.Store(true)
		return http.DefaultTransport.RoundTrip(r)
	})}
	rcv := newReceiver(t)
	e := newEngine(t, newClock(), webhooks.Config{Client: client})
	subscribe(t, e, webhooks.Subscription{URL: rcv.URL})
	e.Enqueue(contactCreated("a"))
	flush(t, e)
	assert.True(t, used.Load())
	assert.Len(t, rcv.got(), 1)
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestSubscriptionMatching(t *testing.T) {
	e := newEngine(t, newClock(), webhooks.Config{})
	rcv := newReceiver(t)
	all := subscribe(t, e, webhooks.Subscription{App: "a", URL: rcv.URL + "/all"})
	notes := subscribe(t, e, webhooks.Subscription{App: "b", URL: rcv.URL + "/notes", Events: []string{"NoteCreate"}})
	none := subscribe(t, e, webhooks.Subscription{App: "c", URL: rcv.URL + "/none", Events: []string{}})
	other := subscribe(t, e, webhooks.Subscription{App: "d", URL: rcv.URL + "/other", Locations: []string{"another"}})
	wf := subscribe(t, e, webhooks.Subscription{URL: rcv.URL + "/wf", Workflow: "wf1"})

	note := webhooks.NoteEvent(webhooks.NoteCreate, &crm.Note{ID: "n", LocationID: locID, ContactID: contactID})
	install := webhooks.InstallEvent(webhooks.InstallInfo{AppID: "b", CompanyID: "co", LocationID: locID})
	companyInstall := webhooks.InstallEvent(webhooks.InstallInfo{AppID: "d", CompanyID: "co"})
	flow := webhooks.WorkflowEvent("wf1", &crm.Contact{ID: contactID, LocationID: locID})
	otherFlow := webhooks.WorkflowEvent("wf2", &crm.Contact{ID: contactID, LocationID: locID})
	ds, err := e.Send(contactCreated("x"), note, install, companyInstall, flow, otherFlow)
	require.NoError(t, err)

	got := map[string][]string{}
	for _, d := range ds {
		got[d.Subscription] = append(got[d.Subscription], d.Event)
	}
	assert.Equal(t, []string{"ContactCreate", "NoteCreate"}, got[all.ID], "every event but another app's install and workflows")
	assert.Equal(t, []string{"NoteCreate"}, got[notes.ID], "its events only: not even its own INSTALL")
	assert.Empty(t, got[none.ID], "an empty event list is none")
	assert.Equal(t, []string{"INSTALL"}, got[other.ID], "another location's events no, its company-level install yes")
	assert.Equal(t, []string{"WorkflowWebhook"}, got[wf.ID])
	flush(t, e)
}

func TestWorkflowCustomWebhook(t *testing.T) {
	e := newEngine(t, newClock(), webhooks.Config{})
	rcv := newReceiver(t, 500)
	subscribe(t, e, webhooks.Subscription{URL: rcv.URL, Workflow: "wf1", Headers: map[string]string{"x-bridge-secret": "s3cr3t"}})
	e.Enqueue(webhooks.WorkflowEvent("wf1", &crm.Contact{ID: contactID, LocationID: locID, FirstName: "Tom", Email: "t@x.io", Phone: "+1555"}))
	flush(t, e)
	hits := rcv.got()
	require.Len(t, hits, 1, "no retries")
	assert.Equal(t, `{"id":"nmFmQEsNgz6AVpgLVUJ0","name":"Tom","email":"t@x.io","phone":"+1555"}`, string(hits[0].Body))
	assert.Equal(t, "s3cr3t", hits[0].Header.Get("X-Bridge-Secret"))
	assert.Empty(t, hits[0].Header.Get("X-Ghl-Signature"), "unsigned")
	d := only(t, e)
	assert.Equal(t, webhooks.StatusFailed, d.Status)
	assert.Empty(t, d.WebhookID)
	assert.Equal(t, webhooks.SignNone, d.Signature)
	assert.Equal(t, "none", d.Retry)
}

func TestLegacyRSASignature(t *testing.T) {
	e := newEngine(t, newClock(), webhooks.Config{})
	rcv := newReceiver(t)
	subscribe(t, e, webhooks.Subscription{URL: rcv.URL, Signature: webhooks.SignEd25519RSA})
	e.Enqueue(contactCreated("Tom & Jerry"))
	flush(t, e)
	h := rcv.got()[0]
	k := testKeys(t)
	assert.True(t, webhooks.Verify(k.PublicEd25519(), h.Body, h.Header.Get("X-Ghl-Signature")))
	assert.True(t, webhooks.VerifyRSA(&k.RSA.PublicKey, h.Body, h.Header.Get("X-Wh-Signature")))
}

func TestSubscribeValidation(t *testing.T) {
	edOnly := &webhooks.Keys{Ed25519: testKeys(t).Ed25519}
	e := newEngine(t, newClock(), webhooks.Config{Keys: edOnly})
	cases := map[string]webhooks.Subscription{
		"no url":              {},
		"relative url":        {URL: "/hook"},
		"ftp":                 {URL: "ftp://x/y"},
		"bad signature":       {URL: "http://x", Signature: "hmac"},
		"rsa without key":     {URL: "http://x", Signature: webhooks.SignEd25519RSA},
		"unknown event":       {URL: "http://x", Events: []string{"ContactMerge"}},
		"bad retry":           {URL: "http://x", Retry: "sometimes"},
		"negative retry":      {URL: "http://x", Retry: "-1s"},
		"bad timeout":         {URL: "http://x", Timeout: time.Hour},
		"bad header":          {URL: "http://x", Headers: map[string]string{"bad header": "v"}},
		"header injection":    {URL: "http://x", Headers: map[string]string{"x": "a\r\nb: c"}},
		"signed workflow":     {URL: "http://x", Workflow: "w", Signature: webhooks.SignEd25519},
		"retried workflow":    {URL: "http://x", Workflow: "w", Retry: "ghl-429"},
		"workflow events":     {URL: "http://x", Workflow: "w", Events: []string{"ContactCreate"}},
		"taken id":            {ID: "fixed", URL: "http://x"},
		"too many retries":    {URL: "http://x", Retry: strings.Repeat("1s,", 100) + "1s"},
		"huge retry":          {URL: "http://x", Retry: "721h"},
		"empty retry in list": {URL: "http://x", Retry: "1s,,2s"},
	}
	subscribe(t, e, webhooks.Subscription{ID: "fixed", URL: "http://x"})
	for name, s := range cases {
		_, err := e.Subscribe(s)
		assert.Error(t, err, name)
	}
	noKeys, err := webhooks.New(webhooks.Config{})
	require.NoError(t, err)
	defer noKeys.Close(context.Background())
	_, err = noKeys.Subscribe(webhooks.Subscription{URL: "http://x"})
	assert.ErrorContains(t, err, "needs the engine's keys")
	_, err = noKeys.Subscribe(webhooks.Subscription{URL: "http://x", Signature: webhooks.SignNone})
	assert.NoError(t, err, "an unsigned subscription needs no keys")
}

func TestSubscriptionsListAndRemove(t *testing.T) {
	e := newEngine(t, newClock(), webhooks.Config{})
	rcv := newReceiver(t)
	a := subscribe(t, e, webhooks.Subscription{URL: rcv.URL, Events: []string{"NoteCreate"}, Headers: map[string]string{"a": "1"}})
	b := subscribe(t, e, webhooks.Subscription{URL: rcv.URL, Retry: "30s, 5m"})
	assert.Equal(t, "30s,5m0s", b.Retry, "the profile as stored")
	assert.Equal(t, webhooks.SignEd25519, b.Signature)
	list := e.Subscriptions()
	require.Len(t, list, 2)
	assert.Equal(t, a.ID, list[0].ID)
	list[0].Headers["a"] = "changed"
	assert.Equal(t, "1", e.Subscriptions()[0].Headers["a"], "a copy")
	assert.True(t, e.Unsubscribe(a.ID))
	assert.False(t, e.Unsubscribe(a.ID))
	assert.Len(t, e.Subscriptions(), 1)
}

func TestDeliveryLogFilters(t *testing.T) {
	clock := newClock()
	e := newEngine(t, clock, webhooks.Config{})
	rcv := newReceiver(t, 500)
	subscribe(t, e, webhooks.Subscription{App: "a", URL: rcv.URL, Retry: "none"})
	subscribe(t, e, webhooks.Subscription{App: "b", URL: rcv.URL, Retry: "none", Events: []string{"NoteCreate"}})
	first := contactCreated("x")
	e.Enqueue(first)
	flush(t, e)
	clock.Advance(time.Minute)
	note := webhooks.NoteEvent(webhooks.NoteCreate, &crm.Note{ID: "n", LocationID: locID, ContactID: "other"})
	note.TraceID = "trace-2"
	e.Enqueue(note)
	flush(t, e)

	count := func(f webhooks.Filter) int { return len(e.Deliveries(f)) }
	assert.Equal(t, 3, count(webhooks.Filter{}))
	assert.Equal(t, 2, count(webhooks.Filter{Event: "NoteCreate"}))
	assert.Equal(t, 1, count(webhooks.Filter{Status: webhooks.StatusFailed}))
	assert.Equal(t, 1, count(webhooks.Filter{Status: webhooks.StatusFailed, Event: "ContactCreate"}))
	assert.Equal(t, 1, count(webhooks.Filter{App: "b"}))
	assert.Equal(t, 2, count(webhooks.Filter{App: "a"}))
	assert.Equal(t, 1, count(webhooks.Filter{ContactID: contactID}))
	assert.Equal(t, 2, count(webhooks.Filter{TraceID: "trace-2"}))
	assert.Equal(t, 3, count(webhooks.Filter{LocationID: locID}))
	assert.Equal(t, 2, count(webhooks.Filter{Since: clock.Now()}))
	newest := e.Deliveries(webhooks.Filter{Limit: 1})
	require.Len(t, newest, 1)
	assert.Equal(t, "NoteCreate", newest[0].Event, "newest first")

	d, ok := e.Delivery(newest[0].ID)
	assert.True(t, ok)
	assert.Equal(t, newest[0].ID, d.ID)
	_, ok = e.Delivery("whd_999")
	assert.False(t, ok)
	d.Headers["X-Ghl-Signature"] = "changed"
	again, _ := e.Delivery(d.ID)
	assert.NotEqual(t, "changed", again.Headers["X-Ghl-Signature"], "the log hands out copies")
}

func TestDeliveryLogIsBounded(t *testing.T) {
	var mu sync.Mutex
	evicted := 0
	e := newEngine(t, newClock(), webhooks.Config{LogSize: 10, OnChange: func(c crm.Change) {
		if c.After == nil {
			mu.Lock()
			evicted++
			mu.Unlock()
		}
	}})
	ok := newReceiver(t)
	paused := newReceiver(t)
	subscribe(t, e, webhooks.Subscription{App: "ok", URL: ok.URL})
	subscribe(t, e, webhooks.Subscription{App: "paused", URL: paused.URL})
	e.Pause("paused")
	for range 30 {
		e.Enqueue(contactCreated("a"))
		flush(t, e)
	}
	all := e.Deliveries(webhooks.Filter{})
	assert.LessOrEqual(t, len(all), 30+11)
	assert.Len(t, e.Deliveries(webhooks.Filter{Status: webhooks.StatusPending}), 30, "pending deliveries are never dropped")
	assert.LessOrEqual(t, len(e.Deliveries(webhooks.Filter{Status: webhooks.StatusSucceeded})), 11)
	mu.Lock()
	assert.Equal(t, 60-len(all), evicted, "every eviction is reported")
	mu.Unlock()
}

func TestSendAndClose(t *testing.T) {
	rcv := newReceiver(t)
	e, err := webhooks.New(webhooks.Config{Keys: testKeys(t)})
	require.NoError(t, err)
	subscribe(t, e, webhooks.Subscription{URL: rcv.URL})
	ds, err := e.Send(contactCreated("a"))
	require.NoError(t, err)
	require.Len(t, ds, 1)
	assert.Equal(t, "whd_1", ds[0].ID)
	assert.Equal(t, webhooks.StatusPending, ds[0].Status)
	flush(t, e)
	require.NoError(t, e.Close(t.Context()))
	require.NoError(t, e.Close(t.Context()), "twice is fine")

	e.Enqueue(contactCreated("dropped"))
	_, err = e.Send(contactCreated("b"))
	assert.ErrorIs(t, err, webhooks.ErrClosed)
	assert.ErrorIs(t, e.Flush(t.Context()), webhooks.ErrClosed)
	_, err = e.Redeliver(ds[0].ID, false)
	assert.ErrorIs(t, err, webhooks.ErrClosed)
	assert.Len(t, rcv.got(), 1)
}

func TestFlushHonoursItsContext(t *testing.T) {
	e := newEngine(t, newClock(), webhooks.Config{})
	rcv := newReceiver(t)
	rcv.hold = make(chan struct{})
	defer close(rcv.hold)
	subscribe(t, e, webhooks.Subscription{URL: rcv.URL})
	e.Enqueue(contactCreated("a"))
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	assert.ErrorIs(t, e.Flush(ctx), context.DeadlineExceeded)
}

// A backlog of pending deliveries larger than the log's bound (receivers
// behind, an app paused) does not make every insert scan the log: evict
// scans it at most once per LogSize/10 new deliveries.
func TestABacklogDoesNotMakeEveryInsertScanTheLog(t *testing.T) {
	e := newEngine(t, newClock(), webhooks.Config{LogSize: 100})
	paused := newReceiver(t)
	subscribe(t, e, webhooks.Subscription{App: "paused", URL: paused.URL})
	e.Pause("paused")
	const n = 2000
	for range n {
		e.Enqueue(contactCreated("a"))
		flush(t, e)
	}
	require.Len(t, e.Deliveries(webhooks.Filter{Status: webhooks.StatusPending}), n, "pending deliveries are never dropped")
	assert.LessOrEqual(t, e.EvictScansForTest(), n/10+1, "one scan per LogSize/10 inserts at most")
	assert.Positive(t, e.EvictScansForTest(), "the log did grow past its bound")
}

// While the API is busy the engine yields to it: its work takes about
// BusyShare of the time, and every delivery still goes out. Once the API is
// idle, what is left goes at full speed.
func TestTheEngineYieldsToABusyAPI(t *testing.T) {
	var busy atomic.Bool
	busy.Store(true)
	const share = 0.25
	e := newEngine(t, newClock(), webhooks.Config{Busy: busy.Load, BusyShare: share})
	rcv := newReceiver(t)
	subscribe(t, e, webhooks.Subscription{App: "bot", URL: rcv.URL})
	const n = 300
	start := time.Now()
	for range n {
		e.Enqueue(contactCreated("a"))
	}
	flush(t, e)
	busyTook := time.Since(start)
	require.Len(t, rcv.got(), n, "every delivery went out while the API was busy")
	yielded := e.YieldedForTest()
	assert.Positive(t, yielded, "the engine waited for the API")
	assert.Less(t, yielded, busyTook, "the waits are part of the time the deliveries took")

	busy.Store(false)
	before := e.YieldedForTest()
	for range n {
		e.Enqueue(contactCreated("b"))
	}
	flush(t, e)
	require.Len(t, rcv.got(), 2*n)
	assert.Equal(t, before, e.YieldedForTest(), "an idle API: no waiting")
}

// A backlog is built a piece at a time even when the API is idle: the
// first deliveries go out while the rest are still being built, rather than
// after all of them (a backlog a load test left took seconds to build in
// one go, and the API's next burst shared the CPU with all of it).
func TestABacklogIsBuiltAPieceAtATime(t *testing.T) {
	e := newEngine(t, newClock(), webhooks.Config{})
	const n = 800 // a few pieces
	first := firstArrival(t, e, n)
	assert.Less(t, first, n, "the first delivery went out before the whole backlog was built")
	assert.Positive(t, first)
}

// A busy API does not make the engine yield once the backlog is past
// MaxBacklog: it builds full pieces until the backlog is within bounds
// again, so a load that never lets up cannot grow it without end.
func TestABacklogPastItsBoundIsBuiltThoughTheAPIIsBusy(t *testing.T) {
	const n, bound = 400, 50
	e := newEngine(t, newClock(), webhooks.Config{Busy: func() bool { return true }, BusyShare: 0.0001, MaxBacklog: bound})
	assert.Greater(t, firstArrival(t, e, n), 32, "the first piece was a full one, not the 32 of a busy API")
}

// firstArrival queues a backlog of n events at once for a receiver
// subscribed to e, waits until all were delivered, and returns how many
// deliveries existed when the first one arrived: how large the first piece
// the engine built was (or more, if it built the next one meanwhile).
func firstArrival(t *testing.T, e *webhooks.Engine, n int) int {
	t.Helper()
	var first atomic.Int64
	first.Store(-1)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		first.CompareAndSwap(-1, int64(len(e.Deliveries(webhooks.Filter{}))))
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(rcv.Close)
	subscribe(t, e, webhooks.Subscription{App: "bot", URL: rcv.URL})
	events := make([]webhooks.Event, n)
	for i := range events {
		events[i] = contactCreated(fmt.Sprint("c", i))
	}
	e.Enqueue(events...) // one backlog of n, queued at once
	flush(t, e)
	require.Len(t, e.Deliveries(webhooks.Filter{Status: webhooks.StatusSucceeded}), n)
	return int(first.Load())
}

// EnqueueFunc queues a function that makes the events on the engine's
// side: it returns before the function runs, and its events are delivered
// like any others.
func TestEnqueueFuncMakesTheEventsOnTheEnginesSide(t *testing.T) {
	e := newEngine(t, newClock(), webhooks.Config{})
	rcv := newReceiver(t)
	subscribe(t, e, webhooks.Subscription{App: "bot", URL: rcv.URL})
	release := make(chan struct{})
	returned := make(chan struct{})
	go func() {
		e.EnqueueFunc(func() []webhooks.Event {
			<-release
			return []webhooks.Event{contactCreated("lazy"), contactCreated("later")}
		})
		close(returned)
	}()
	select {
	case <-returned:
	case <-time.After(5 * time.Second):
		t.Fatal("EnqueueFunc waited for its function")
	}
	close(release)
	flush(t, e)
	require.Len(t, rcv.got(), 2, "both events the function made were delivered")
}

// A caller that queues its events some time after they happened (the
// server freezes each change off the writer's lock) marks them when they
// happen and tells the engine they are on their way: Flush waits for them,
// a clock moved in between does not move their timestamp, and a Clear in
// between drops them.
func TestStagedEventsAreWaitedForKeepTheirStampAndGoWithAClear(t *testing.T) {
	clock := newClock()
	var staged atomic.Bool
	e := newEngine(t, clock, webhooks.Config{Stamp: clock.Now, Staged: staged.Load})
	rcv := newReceiver(t)
	subscribe(t, e, webhooks.Subscription{App: "bot", URL: rcv.URL})

	m := e.Mark()
	staged.Store(true)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	assert.ErrorIs(t, e.Flush(ctx), context.DeadlineExceeded, "an event on its way is not flushed yet")

	clock.Advance(10 * time.Minute)
	e.EnqueueFuncAt(m, func() []webhooks.Event { return []webhooks.Event{contactCreated("staged")} })
	staged.Store(false)
	e.Unstaged()
	flush(t, e)
	got := rcv.got()
	require.Len(t, got, 1)
	assert.Equal(t, "2026-12-02T10:00:00.000Z", got[0].json(t)["timestamp"], "stamped when it happened, not when it was queued")

	before := e.Mark()
	e.Clear()
	e.EnqueueFuncAt(before, func() []webhooks.Event { return []webhooks.Event{contactCreated("before the reset")} })
	e.EnqueueFuncAt(e.Mark(), func() []webhooks.Event { return []webhooks.Event{contactCreated("after it")} })
	flush(t, e)
	got = rcv.got()
	require.Len(t, got, 2, "the event of before the Clear was dropped")
	assert.Contains(t, string(got[1].Body), "after it")
}

// A Clear while the engine builds a piece of its inbox drops what that
// piece makes: the reset came between the writes and their deliveries.
func TestAClearDropsWhatIsBeingBuilt(t *testing.T) {
	e := newEngine(t, newClock(), webhooks.Config{})
	rcv := newReceiver(t)
	subscribe(t, e, webhooks.Subscription{App: "bot", URL: rcv.URL})
	building, release := make(chan struct{}), make(chan struct{})
	e.EnqueueFunc(func() []webhooks.Event {
		close(building)
		<-release
		return []webhooks.Event{contactCreated("built across a reset")}
	})
	<-building
	e.Clear()
	close(release)
	flush(t, e)
	assert.Empty(t, e.Deliveries(webhooks.Filter{}))
	assert.Empty(t, rcv.got())

	e.Enqueue(contactCreated("after"))
	flush(t, e)
	assert.Len(t, rcv.got(), 1, "what comes after the Clear is delivered")
}

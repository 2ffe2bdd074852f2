package webhooks

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// Errors of the Engine.
var (
	ErrNotFound = errors.New("webhooks: no such delivery")
	ErrClosed   = errors.New("webhooks: engine closed")
)

// Config configures an Engine. Only Keys is needed for signed deliveries;
// everything else has a default.
type Config struct {
	Keys *Keys
	// Now is the mock's clock: delivery times and retries run on it. Default
	// time.Now.
	Now func() time.Time
	// Stamp is the clock of the bodies' timestamp. Default time.Now, the wall
	// clock: a receiver checks the timestamp against its own clock (and
	// stripe-java#1680 shows receivers cannot follow a fake one). Give the
	// mock's clock to stamp with it instead.
	Stamp func() time.Time
	// Client sends the requests. Default: a client that does not follow
	// redirects (a 3xx is an answer, and not a 2xx).
	Client *http.Client
	// Workers bounds the attempts in flight. Default 8.
	Workers int
	// Timeout is the default per-attempt timeout. Default 10 s; GHL's is not
	// published.
	Timeout time.Duration
	// LogSize bounds the finished deliveries kept; pending ones are always
	// kept. Default 10000.
	LogSize int
	// Seed makes the retry jitter reproducible.
	Seed uint64
	// NewWebhookID makes webhookIds. Default NewUUID.
	NewWebhookID func() string
	// UserAgent of the requests. Default "ghlmock-webhooks"; GHL's is not
	// recorded anywhere.
	UserAgent string
	// OnChange is told every change of a delivery (created, attempted,
	// redelivered, evicted from the log) as a change-feed record whose After
	// (or, for an eviction, Before) is a *Delivery. It is called with the
	// engine's lock held, in the order of the changes, so it must be quick
	// and must not call the Engine.
	OnChange func(crm.Change)
	// OnBuilt is told the Keys of enqueued events (those that have one) once
	// their deliveries were made and reported to OnChange — or once they were
	// dropped by Clear or found no subscription —, with the engine's lock
	// held, so that what it reports follows those deliveries in order. It
	// must be quick and must not call the Engine.
	OnBuilt func(keys []string)
	// Faults decides the faults of each attempt; see SetFaults.
	Faults FaultFunc
	// Restore starts the engine from saved deliveries (what OnChange
	// reported): pending ones are sent when due, the others are the log.
	Restore []Delivery
	// Paused apps start paused.
	Paused []string
	// Logger logs failed attempts at debug level. Default: none.
	Logger *slog.Logger
	// Busy, when set, reports whether the API is serving a request now.
	// While it is, the engine yields to it: after building deliveries (the
	// body and its Ed25519 signature, most of a delivery's cost) it waits
	// until that work is at most BusyShare of the time gone by. Under full
	// load a subscription then takes about that share of the machine from
	// the API instead of about half of it; deliveries fall behind and catch
	// up at full speed as soon as no request is being served.
	Busy func() bool
	// BusyShare is the share of the time the engine's work may take while
	// Busy: 0 means DefaultBusyShare; 1 or more never yields. What it counts
	// is the building and signing; sending and the receiver's own work come
	// on top (about as much again, measured on loopback).
	BusyShare float64
	// DropOnClose makes Close leave what is still enqueued unbuilt instead
	// of turning it into deliveries, for a caller that keeps the events
	// itself until OnBuilt says their deliveries were made (the server's
	// outbox, which queues them again on the next start), or that keeps
	// nothing across a restart anyway (no state database). Building what a
	// load test left waiting — the body and its signature, some 50 µs an
	// event — kept Close busy for seconds, past the grace of a shutdown.
	DropOnClose bool
	// Staged, when set, reports whether events are on their way to
	// EnqueueFuncAt from a caller that queues them later than they happen
	// (the server freezes each change off the writer's lock): Flush, and so
	// Advanced, wait for those too. The caller calls Unstaged when it turns
	// false.
	Staged func() bool
	// MaxBacklog bounds what yielding may leave waiting: once more events
	// than this wait to be built, the engine stops yielding to a busy API
	// until they are fewer again, so that a load that never lets up slows
	// down instead of growing the backlog (and the mock's memory) without
	// end. 0 means DefaultMaxBacklog.
	MaxBacklog int
}

// DefaultBusyShare is Config.BusyShare's default: 2 % of the time for
// building and signing while the API is busy, about 4 % with the sends. At
// 5 % a subscribed create contact under wrk cost some 16 µs of the mock's
// CPU against none (of about 75), at 2 % some 9, as at 0.01 % (from /proc,
// noisy); profiles put the engine's own part at 2 % at about 1 µs a
// create, and 1 % moved it by less than its noise.
// Under a saturating load deliveries fall behind either way (some 70 a
// second at 2 % on the 2-core host, 200 at 5 %), and go at full speed as
// soon as the API is quiet.
const DefaultBusyShare = 0.02

// DefaultMaxBacklog is Config.MaxBacklog's default: some 700 MB of contacts
// the API created.
const DefaultMaxBacklog = 1_000_000

// Engine delivers webhooks: it turns events into deliveries (one per
// matching subscription), signs them, sends them asynchronously from a
// bounded pool of workers, retries them on the mock's clock, and keeps a
// log. An API answer never waits for it: Enqueue only queues.
type Engine struct {
	cfg    Config
	faults atomic.Pointer[FaultFunc]

	stop     chan struct{} // closed when Close gives up on attempts in flight
	stopOnce sync.Once

	mu       sync.Mutex
	subs     []subscription
	subSeq   int
	recs     map[string]*record
	log      []*record // creation order
	due      dueHeap
	parked   map[string][]*record // paused app → its pending deliveries
	held     map[string][]*record // subscription → deliveries held back by a reorder fault
	paused   map[string]bool
	inbox    []queued
	building int
	// cleared counts the Clears (written under mu, read by Mark without
	// it): events marked before one and enqueued after it, and a piece of
	// the inbox built while one happened, are dropped rather than logged
	// after it — the reset came between the writes that made them and
	// their deliveries.
	cleared  atomic.Uint64
	flushing atomic.Int32 // Flushes under way (see Unstaged)
	inflight int
	seq      uint64
	scanned  uint64 // seq at evict's last scan of the log
	scans    int    // evict's scans of the log, for the tests
	// yieldUntil is when the engine's work, while the API was busy, has
	// been paid for (see Config.Busy); yielded is the time it has waited.
	yieldUntil time.Time
	yielded    time.Duration
	changed    chan struct{} // closed and replaced on every change that waiters care about
	closed     bool

	wake     chan struct{}
	quit     chan struct{} // closed by Close: wakes the loop out of a wait for the API
	loopDone chan struct{}
	attempts sync.WaitGroup

	wrongKeyOnce sync.Once
	wrongKey     *Keys
}

// subscription is a Subscription with its parsed retry profile.
type subscription struct {
	Subscription
	policy RetryPolicy
}

// queued is an enqueued event waiting to become deliveries.
// It is small (the event by reference): under load the inbox holds many of
// them, and its array is copied as it grows and scanned by every GC.
type queued struct {
	ev    *Event
	lazy  func() []Event // when set, the events, made when they are built (see EnqueueFunc)
	stamp time.Time
}

// record is the engine's state of one delivery.
type record struct {
	d         Delivery
	seq       uint64 // the number in d.ID: creation order
	policy    RetryPolicy
	idx       int    // position in the due heap; -1 when not in it
	skipFault bool   // the fault hook already decided the next attempt (it was delayed or reordered)
	heldKey   string // the key of held it waits in, "" when not held
	gone      bool   // Clear removed it while an attempt was in flight: the attempt's outcome is not kept
}

// New starts an engine.
func New(cfg Config) (*Engine, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Stamp == nil {
		cfg.Stamp = time.Now
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 8
	}
	if cfg.Client == nil {
		// Keep a connection per worker to each receiver: the default two
		// idle connections per host would make most attempts dial anew.
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = cfg.Workers
		cfg.Client = &http.Client{Transport: t, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.LogSize <= 0 {
		cfg.LogSize = 10000
	}
	if cfg.NewWebhookID == nil {
		cfg.NewWebhookID = NewUUID
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "ghlmock-webhooks"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.BusyShare <= 0 {
		cfg.BusyShare = DefaultBusyShare
	}
	if cfg.MaxBacklog <= 0 {
		cfg.MaxBacklog = DefaultMaxBacklog
	}
	e := &Engine{
		cfg:      cfg,
		recs:     map[string]*record{},
		parked:   map[string][]*record{},
		held:     map[string][]*record{},
		paused:   map[string]bool{},
		changed:  make(chan struct{}),
		wake:     make(chan struct{}, 1),
		quit:     make(chan struct{}),
		loopDone: make(chan struct{}),
	}
	e.stop = make(chan struct{})
	if cfg.Faults != nil {
		e.SetFaults(cfg.Faults)
	}
	for _, app := range cfg.Paused {
		e.paused[app] = true
	}
	if err := e.restore(cfg.Restore); err != nil {
		return nil, err // nothing was started yet
	}
	go e.loop()
	return e, nil
}

// SetFaults sets (nil: removes) the hook that decides each attempt's fault;
// the fault engine drives it.
func (e *Engine) SetFaults(f FaultFunc) {
	if f == nil {
		e.faults.Store(nil)
		return
	}
	e.faults.Store(&f)
}

// Keys returns the engine's signing keys.
func (e *Engine) Keys() *Keys { return e.cfg.Keys }

// Enqueue queues events for delivery to every subscription that matches
// them. It takes the timestamp and returns at once: building, signing and
// sending happen in the background, so a write of the API is never slowed
// by its subscribers. Events enqueued after Close are dropped.
func (e *Engine) Enqueue(events ...Event) {
	if len(events) == 0 {
		return
	}
	stamp := e.cfg.Stamp()
	e.mu.Lock()
	if !e.closed {
		for _, ev := range events {
			e.inbox = append(e.inbox, queued{ev: &ev, stamp: stamp}) // a copy: the caller keeps its slice
		}
	}
	e.mu.Unlock()
	e.poke()
}

// EnqueueFunc is Enqueue for events that events will make, later, on the
// engine's side: an API write then pays for queueing a function, and the
// events' payloads are made with the rest of the deliveries' work (see
// Config.Busy). Their stamp is the time of the call. The events must have
// no Key (OnBuilt is not told of them).
func (e *Engine) EnqueueFunc(events func() []Event) { e.EnqueueFuncAt(e.Mark(), events) }

// A Mark is when events happened, for a caller that enqueues them some
// time later (EnqueueFuncAt): their stamp, so that a clock moved in
// between does not move their timestamp, and the Clears before them, so
// that a Clear in between drops them as it drops the inbox.
type Mark struct {
	stamp   time.Time
	cleared uint64
}

// Mark is the Mark of events happening now.
func (e *Engine) Mark() Mark { return Mark{stamp: e.cfg.Stamp(), cleared: e.cleared.Load()} }

// Unstaged tells the engine that Config.Staged may have turned false: a
// Flush waiting for staged events looks again. With no Flush under way it
// costs an atomic load: a Flush counts itself before it asks Staged, and
// the caller turned Staged false before calling this.
func (e *Engine) Unstaged() {
	if e.flushing.Load() == 0 {
		return
	}
	e.mu.Lock()
	e.broadcast()
	e.mu.Unlock()
}

// EnqueueFuncAt is EnqueueFunc for events that happened at m.
func (e *Engine) EnqueueFuncAt(m Mark, events func() []Event) {
	e.mu.Lock()
	if !e.closed && m.cleared == e.cleared.Load() {
		e.inbox = append(e.inbox, queued{lazy: events, stamp: m.stamp})
	}
	e.mu.Unlock()
	e.poke()
}

// Send builds the deliveries of events at once and returns them, pending;
// for "send a test event" and for callers who want the deliveries' ids.
// They are sent in the background like any other.
func (e *Engine) Send(events ...Event) ([]Delivery, error) {
	stamp := e.cfg.Stamp()
	items := make([]queued, len(events))
	for i, ev := range events {
		items[i] = queued{ev: &ev, stamp: stamp}
	}
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil, ErrClosed
	}
	subs := slices.Clone(e.subs)
	e.building++
	e.mu.Unlock()
	recs := e.build(items, subs)
	e.mu.Lock()
	e.building--
	out := make([]Delivery, len(recs))
	for i, r := range recs {
		e.insert(r)
		out[i] = r.d.Clone()
	}
	e.evict()
	e.broadcast()
	e.mu.Unlock()
	e.poke()
	return out, nil
}

// Close stops the engine. It turns what is still enqueued into deliveries
// (reported to OnChange, so they survive a restart), unless DropOnClose,
// waits for the attempts in flight until ctx is done, and then cancels them
// (a cancelled attempt is not recorded: the delivery stays pending). Pending
// deliveries stay pending.
func (e *Engine) Close(ctx context.Context) error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil
	}
	e.closed = true
	close(e.quit)
	e.broadcast()
	e.mu.Unlock()
	e.poke()
	<-e.loopDone

	e.mu.Lock()
	items, subs := e.inbox, slices.Clone(e.subs)
	e.inbox = nil
	e.mu.Unlock()
	if len(items) > 0 && !e.cfg.DropOnClose {
		recs := e.build(items, subs)
		e.mu.Lock()
		for _, r := range recs {
			e.insert(r)
		}
		e.built(items)
		e.mu.Unlock()
	}

	done := make(chan struct{})
	go func() { e.attempts.Wait(); close(done) }()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = ctx.Err()
		e.halt()
		<-done
	}
	e.halt()
	return err
}

// poke wakes the scheduler.
func (e *Engine) poke() {
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

// broadcast tells the waiters of Flush that something changed. e.mu is held.
func (e *Engine) broadcast() {
	close(e.changed)
	e.changed = make(chan struct{})
}

// halt cancels the attempts in flight.
func (e *Engine) halt() { e.stopOnce.Do(func() { close(e.stop) }) }

// halted reports whether halt was called.
func (e *Engine) halted() bool {
	select {
	case <-e.stop:
		return true
	default:
		return false
	}
}

// built reports the keys of items to OnBuilt. e.mu is held.
func (e *Engine) built(items []queued) {
	if e.cfg.OnBuilt == nil {
		return
	}
	var keys []string
	for i := range items {
		if items[i].ev == nil {
			continue // made by a function: no Key
		}
		if k := items[i].ev.Key; k != "" {
			keys = append(keys, k)
		}
	}
	if len(keys) > 0 {
		e.cfg.OnBuilt(keys)
	}
}

// Package changefeed is the one mechanism everything that reacts to writes
// goes through: the store (and the server, for its own records such as
// tokens) publishes one crm.Change per successful write, in commit order,
// and the feed hands it on — to a durable log first when there is one (the
// API answer waits until the log has committed it), then to every
// subscriber (webhook events, live views).
//
//	store write ─→ Feed.Publish ─┬→ Log.Append … commit … Feed.Committed ─→ subscribers
//	                             └→ (no log) ─────────────────────────────→ subscribers
//
// A request that writes carries a Pending in its context (Begin): it names
// the cause of the request's changes (operationId, traceId, app) and lets
// the request wait for their commit (Pending.Wait) before it answers.
package changefeed

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// Log is a durable log of changes. Append is called from inside the lock
// that orders the change, so it must only queue it; the log commits it
// later (in a batch with others), then calls done with the outcome and
// hands what it committed to Feed.Committed.
type Log interface {
	Append(c crm.Change, done func(error))
}

// Feed numbers changes and hands them on. The zero value is not usable;
// call New.
type Feed struct {
	seq atomic.Uint64
	log atomic.Pointer[logBox]

	mu     sync.RWMutex
	subs   map[uint64]func(crm.Change)
	nextID uint64
	active atomic.Bool // a log or at least one subscriber
}

type logBox struct{ l Log }

// New returns a feed with no log and no subscriber.
func New() *Feed { return &Feed{subs: map[uint64]func(crm.Change){}} }

var _ crm.Publisher = (*Feed)(nil)

// SetLog makes l the feed's durable log (nil: none). Set it before the
// first write; changes published before it went straight to subscribers.
func (f *Feed) SetLog(l Log) {
	if l == nil {
		f.log.Store(nil)
	} else {
		f.log.Store(&logBox{l})
	}
	f.refreshActive()
}

// Subscribe calls fn with every change once it is committed (at once when
// the feed has no log), in Seq order for any one object. fn is called from
// inside a writer's lock (no log) or from the log's committer: it must be
// quick and must not block. The returned function unsubscribes.
func (f *Feed) Subscribe(fn func(crm.Change)) (unsubscribe func()) {
	f.mu.Lock()
	f.nextID++
	id := f.nextID
	f.subs[id] = fn
	f.mu.Unlock()
	f.refreshActive()
	var once sync.Once
	return func() {
		once.Do(func() {
			f.mu.Lock()
			delete(f.subs, id)
			f.mu.Unlock()
			f.refreshActive()
		})
	}
}

func (f *Feed) refreshActive() {
	f.mu.RLock()
	n := len(f.subs)
	f.mu.RUnlock()
	f.active.Store(n > 0 || f.log.Load() != nil)
}

// Active implements crm.Publisher: whether a log or a subscriber listens.
func (f *Feed) Active() bool { return f.active.Load() }

// Publish implements crm.Publisher. It gives the change its Seq, its cause
// (from the context's Pending, unless the change names one), and hands it
// to the log, or to the subscribers when there is none.
func (f *Feed) Publish(ctx context.Context, c crm.Change) {
	c.Seq = f.seq.Add(1)
	p := pendingFrom(ctx)
	if c.Cause == (crm.Cause{}) && p != nil {
		c.Cause = p.cause
	}
	if b := f.log.Load(); b != nil {
		done := func(error) {}
		if p != nil {
			p.wg.Add(1)
			done = p.done
		}
		b.l.Append(c, done)
		return
	}
	f.deliver(c)
}

// Committed hands changes the log has committed to the subscribers, in the
// order given.
func (f *Feed) Committed(cs ...crm.Change) {
	for _, c := range cs {
		f.deliver(c)
	}
}

func (f *Feed) deliver(c crm.Change) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	for _, fn := range f.subs {
		fn(c)
	}
}

// Seq is the Seq of the latest change published.
func (f *Feed) Seq() uint64 { return f.seq.Load() }

// Pending is what a request's writes share: their cause and their commit.
type Pending struct {
	cause crm.Cause
	wg    sync.WaitGroup
	mu    sync.Mutex
	err   error
}

type pendingKey struct{}

// Begin returns a context whose changes carry cause, and the Pending to
// wait on before the request answers.
func Begin(ctx context.Context, cause crm.Cause) (context.Context, *Pending) {
	p := &Pending{cause: cause}
	return context.WithValue(ctx, pendingKey{}, p), p
}

// WithCause returns a context whose changes carry cause, for writes that
// nobody waits for (a reset at start-up, a test).
func WithCause(ctx context.Context, cause crm.Cause) context.Context {
	ctx, _ = Begin(ctx, cause)
	return ctx
}

// InWrite reports whether ctx is a write's (Begin): changes published with
// it are waited for by that write.
func InWrite(ctx context.Context) bool { return pendingFrom(ctx) != nil }

func pendingFrom(ctx context.Context) *Pending {
	p, _ := ctx.Value(pendingKey{}).(*Pending)
	return p
}

func (p *Pending) done(err error) {
	if err != nil {
		p.mu.Lock()
		if p.err == nil {
			p.err = err
		}
		p.mu.Unlock()
	}
	p.wg.Done()
}

// Wait blocks until every change published with the Pending's context is
// committed, and returns the first commit error. With no log it returns at
// once.
func (p *Pending) Wait() error {
	p.wg.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

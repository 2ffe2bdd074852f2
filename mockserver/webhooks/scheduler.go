package webhooks

import (
	"container/heap"
	"context"
	"slices"
	"time"
)

// maxSleep bounds how long the scheduler sleeps with deliveries waiting: the
// mock's clock may be moved forward without Advanced being called, and a
// retry that came due then is sent within this long.
const maxSleep = time.Second

// loop is the scheduler: it turns the inbox into deliveries and starts the
// attempts that are due, at most Workers at a time, sleeping until the next
// one comes due on the mock's clock or something changes.
func (e *Engine) loop() {
	defer close(e.loopDone)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		e.mu.Lock()
		if e.closed {
			e.mu.Unlock()
			return
		}
		if wait := e.yieldWait(); wait > 0 {
			e.mu.Unlock()
			start := time.Now()
			timer.Reset(wait)
			// Not woken by new events: each write enqueues one, and a
			// wake-up per write is what the wait saves the API from.
			select {
			case <-e.quit:
			case <-timer.C:
			}
			e.mu.Lock()
			e.yielded += time.Since(start)
			e.mu.Unlock()
			continue
		}
		if len(e.inbox) > 0 {
			// Built a piece at a time, even when the API is idle: the
			// deliveries built go out before the next piece, and a backlog
			// left by a burst of writes is not built in one go that the
			// API's next burst would have to share the CPU with.
			n := e.batchSize()
			items, subs := e.inbox, slices.Clone(e.subs)
			e.inbox = nil
			if len(items) > n {
				// A piece: a short one while the API is busy, so that
				// the wait that pays for it is short too.
				items, e.inbox = items[:n:n], items[n:]
			}
			e.building++
			cleared := e.cleared.Load()
			e.mu.Unlock()
			start := time.Now()
			recs := e.build(items, subs)
			took := time.Since(start)
			e.mu.Lock()
			e.charge(took)
			e.building--
			if cleared != e.cleared.Load() {
				recs = nil // cleared while they were built: gone with the rest
			}
			for _, r := range recs {
				e.insert(r)
			}
			e.built(items)
			clear(items) // the events are the deliveries' now; a split inbox keeps this array
			e.evict()
			e.broadcast()
		}
		now := e.cfg.Now()
		for e.inflight < e.cfg.Workers && e.due.Len() > 0 && !e.due[0].d.NextAttemptAt.After(now) {
			r := heap.Pop(&e.due).(*record)
			e.inflight++
			e.attempts.Add(1)
			go e.run(r)
		}
		if len(e.inbox) > 0 {
			e.mu.Unlock()
			continue // more events came, or a busy API left some for later
		}
		if e.inflight == 0 && len(e.held) > 0 && !e.dueAt(now) {
			// Nothing else will overtake the held deliveries: send them now
			// rather than hold them forever.
			e.releaseAll()
			e.mu.Unlock()
			continue
		}
		sleep := time.Hour
		if e.due.Len() > 0 {
			sleep = maxSleep
			if e.inflight < e.cfg.Workers {
				sleep = min(sleep, e.due[0].d.NextAttemptAt.Sub(now))
			}
		}
		e.mu.Unlock()
		timer.Reset(max(sleep, time.Millisecond))
		select {
		case <-e.wake:
		case <-timer.C:
		}
	}
}

// maxYield bounds one wait of the engine for the API (see Config.Busy);
// busyBatch is how many events it builds at a time while the API is busy,
// idleBatch while it is not (a few milliseconds of signing each).
const (
	maxYield  = time.Second
	busyBatch = 32
	idleBatch = 256
)

// batchSize is how many events the engine builds before it looks again at
// the API and at what is due. e.mu is held.
func (e *Engine) batchSize() int {
	if e.yielding() {
		return busyBatch
	}
	return idleBatch
}

// yielding reports whether the engine gives way to the API now: it was told
// how to know the API is busy, is told to yield, the backlog is within its
// bound (Config.MaxBacklog), and the API is busy. e.mu is held.
func (e *Engine) yielding() bool {
	return e.cfg.Busy != nil && e.cfg.BusyShare < 1 && len(e.inbox) <= e.cfg.MaxBacklog && e.cfg.Busy()
}

// charge makes the engine owe the API time for work that took took, while
// the API is busy: the work may be BusyShare of the time. e.mu is held.
func (e *Engine) charge(took time.Duration) {
	if !e.yielding() {
		return
	}
	share := e.cfg.BusyShare
	now := time.Now()
	from := now
	if e.yieldUntil.After(now) {
		from = e.yieldUntil
	}
	until := from.Add(time.Duration(float64(took) * (1/share - 1)))
	if limit := now.Add(maxYield); until.After(limit) {
		until = limit
	}
	e.yieldUntil = until
}

// yieldWait is how long the engine still waits for the API: nothing when
// its work is paid for or the API is no longer busy (the debt is then
// forgiven: idle time is the engine's). e.mu is held.
func (e *Engine) yieldWait() time.Duration {
	if e.yieldUntil.IsZero() {
		return 0
	}
	wait := time.Until(e.yieldUntil)
	if wait <= 0 || !e.yielding() {
		e.yieldUntil = time.Time{}
		return 0
	}
	return wait
}

// dueAt reports whether a delivery in the heap is due at now. e.mu is held.
func (e *Engine) dueAt(now time.Time) bool {
	return e.due.Len() > 0 && !e.due[0].d.NextAttemptAt.After(now)
}

// idle reports whether nothing is due or under way: no event waiting to be
// built or on its way to the engine (Config.Staged), no attempt in flight,
// no delivery due on the mock's clock, none held back. Paused apps'
// deliveries and later retries do not count. e.mu is held.
func (e *Engine) idle() bool {
	return len(e.inbox) == 0 && e.building == 0 && e.inflight == 0 && len(e.held) == 0 && !e.dueAt(e.cfg.Now()) &&
		(e.cfg.Staged == nil || !e.cfg.Staged())
}

// Flush waits until nothing is due: every event enqueued so far has been
// delivered or has a retry planned in the future (or waits for its paused
// app). It returns ctx's error if ctx ends first, ErrClosed if the engine
// is closed.
func (e *Engine) Flush(ctx context.Context) error {
	e.flushing.Add(1) // before looking at Staged: see Unstaged
	defer e.flushing.Add(-1)
	e.poke()
	for {
		e.mu.Lock()
		if e.closed {
			e.mu.Unlock()
			return ErrClosed
		}
		if e.idle() {
			e.mu.Unlock()
			return nil
		}
		ch := e.changed
		e.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Advanced is to be called right after the mock's clock was moved forward:
// it fires every attempt that came due and waits for those attempts, and
// any they make due in turn, to finish. So POST /_mock/clock {"advance":
// "10m"} answers after the retries of those 10 minutes were made, and a test
// of "retried after 10 minutes" takes milliseconds.
func (e *Engine) Advanced(ctx context.Context) error { return e.Flush(ctx) }

// releaseAll puts every held delivery back in the queue. e.mu is held.
func (e *Engine) releaseAll() {
	for key := range e.held {
		e.release(key)
	}
}

// release puts the deliveries held for key back in the queue, due now.
// e.mu is held.
func (e *Engine) release(key string) {
	for _, r := range e.held[key] {
		r.heldKey = ""
		e.queue(r)
	}
	delete(e.held, key)
	e.broadcast()
}

// dueHeap orders pending deliveries by their next attempt, then by age.
type dueHeap []*record

func (h dueHeap) Len() int { return len(h) }
func (h dueHeap) Less(i, j int) bool {
	a, b := h[i].d.NextAttemptAt, h[j].d.NextAttemptAt
	if a.Equal(b) {
		return h[i].seq < h[j].seq
	}
	return a.Before(b)
}
func (h dueHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].idx, h[j].idx = i, j
}

// Push implements heap.Interface; use push.
func (h *dueHeap) Push(x any) {
	r := x.(*record)
	r.idx = len(*h)
	*h = append(*h, r)
}

// Pop implements heap.Interface.
func (h *dueHeap) Pop() any {
	old := *h
	r := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	r.idx = -1
	return r
}

func (h *dueHeap) push(r *record) { heap.Push(h, r) }

func (h *dueHeap) remove(r *record) {
	if r.idx >= 0 {
		heap.Remove(h, r.idx)
	}
}

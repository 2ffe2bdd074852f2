package webhooks

import (
	"maps"
	"slices"
	"time"
)

// Pause stops sending to app's subscriptions: its deliveries accumulate,
// pending, until Resume. Attempts already in flight finish.
func (e *Engine) Pause(app string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.paused[app] {
		return
	}
	e.paused[app] = true
	var keep []*record
	for _, r := range e.due {
		if r.d.App == app {
			keep = append(keep, r)
		}
	}
	for _, r := range keep {
		e.due.remove(r)
		e.parked[app] = append(e.parked[app], r)
	}
}

// Resume sends app's accumulated deliveries (those due at once) and
// whatever comes after.
func (e *Engine) Resume(app string) {
	e.mu.Lock()
	delete(e.paused, app)
	for _, r := range e.parked[app] {
		e.due.push(r)
	}
	delete(e.parked, app)
	e.broadcast()
	e.mu.Unlock()
	e.poke()
}

// Paused lists the paused apps, sorted.
func (e *Engine) Paused() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Sorted(maps.Keys(e.paused))
}

// Redeliver sends delivery id again, as a new delivery (RedeliveryOf id)
// with the same URL, headers and retry profile. By default it is the same
// request: the same bytes, signature and webhookId, which is how a
// receiver's idempotency is tested. With newWebhookID the body gets a new
// webhookId and timestamp and is signed again.
func (e *Engine) Redeliver(id string, newWebhookID bool) (Delivery, error) {
	e.mu.Lock()
	r, ok := e.recs[id]
	if !ok {
		e.mu.Unlock()
		return Delivery{}, ErrNotFound
	}
	if e.closed {
		e.mu.Unlock()
		return Delivery{}, ErrClosed
	}
	old := r.d.Clone()
	policy := r.policy
	e.mu.Unlock()

	nd := Delivery{
		Subscription: old.Subscription, App: old.App, URL: old.URL, Event: old.Event, WebhookID: old.WebhookID,
		Body: old.Body, Headers: old.Headers, Status: StatusPending,
		LocationID: old.LocationID, ContactID: old.ContactID, ObjectID: old.ObjectID, TraceID: old.TraceID, OperationID: old.OperationID,
		RedeliveryOf: old.ID, Retry: old.Retry, TimeoutMs: old.TimeoutMs, Signature: old.Signature, Restamp: old.Restamp,
	}
	if newWebhookID && old.WebhookID != "" {
		nd.WebhookID = e.cfg.NewWebhookID()
		body, err := rewriteEnvelope([]byte(old.Body), e.cfg.Stamp(), nd.WebhookID)
		if err != nil {
			return Delivery{}, err
		}
		nd.Body = string(body)
		nd.Headers = e.resign(old.Headers, old.Signature, body)
	}
	now := e.cfg.Now()
	nd.CreatedAt, nd.NextAttemptAt = now, now

	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return Delivery{}, ErrClosed
	}
	nr := &record{d: nd, policy: policy, idx: -1}
	e.insert(nr)
	e.evict()
	e.broadcast()
	out := nr.d.Clone()
	e.mu.Unlock()
	e.poke()
	return out, nil
}

// Recover redelivers (with their webhookIds) every delivery that failed or
// was exhausted and was created in [since, until) (a zero until: up to now),
// for app or for every app when app is "": Svix's "recover", for a receiver
// that was down. It returns the new deliveries.
func (e *Engine) Recover(app string, since, until time.Time) ([]Delivery, error) {
	e.mu.Lock()
	var ids []string
	for _, r := range e.log {
		d := &r.d
		if (d.Status == StatusFailed || d.Status == StatusExhausted) && (app == "" || d.App == app) &&
			!d.CreatedAt.Before(since) && (until.IsZero() || d.CreatedAt.Before(until)) {
			ids = append(ids, d.ID)
		}
	}
	e.mu.Unlock()
	out := make([]Delivery, 0, len(ids))
	for _, id := range ids {
		d, err := e.Redeliver(id, false)
		if err == ErrNotFound {
			continue // left the log meanwhile
		}
		if err != nil {
			return out, err
		}
		out = append(out, d)
	}
	return out, nil
}

// Delivery returns one delivery of the log.
func (e *Engine) Delivery(id string) (Delivery, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r, ok := e.recs[id]
	if !ok {
		return Delivery{}, false
	}
	return r.d.Clone(), true
}

// Deliveries returns the deliveries of the log that f selects, newest
// first.
func (e *Engine) Deliveries(f Filter) []Delivery {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []Delivery
	for i := len(e.log) - 1; i >= 0; i-- {
		if f.Limit > 0 && len(out) >= f.Limit {
			break
		}
		if d := &e.log[i].d; f.match(d) {
			out = append(out, d.Clone())
		}
	}
	return out
}

// Clear empties the delivery log, pending deliveries included (each is
// reported to OnChange as leaving the log, so the durable state forgets it
// too), and resumes every paused app: a reset of the mock. What is being
// built from the inbox when it is called, and events marked before it and
// enqueued after it (Mark), are dropped too. Subscriptions
// stay; attempts in flight finish, but their outcome is not kept.
func (e *Engine) Clear() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, r := range e.log {
		r.gone = true
		delete(e.recs, r.d.ID)
		e.report("clear", e.snapshot(r), nil)
	}
	clear(e.log)
	e.log = e.log[:0]
	e.due = e.due[:0]
	clear(e.parked)
	clear(e.held)
	clear(e.paused)
	e.built(e.inbox)
	e.inbox = nil
	e.cleared.Add(1)
	e.broadcast()
}

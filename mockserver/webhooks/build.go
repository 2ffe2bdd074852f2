package webhooks

import (
	"maps"
	"net/http"
	"strconv"
	"time"
)

// build turns enqueued events into deliveries, one per matching
// subscription: the body written, the headers signed. It runs without the
// lock (signing with RSA takes milliseconds); the records get their ids when
// inserted.
func (e *Engine) build(items []queued, subs []subscription) []*record {
	var out []*record
	now := e.cfg.Now()
	for i := range items {
		if f := items[i].lazy; f != nil {
			for _, ev := range f() {
				out = e.buildEvent(out, &ev, subs, items[i].stamp, now)
			}
			continue
		}
		out = e.buildEvent(out, items[i].ev, subs, items[i].stamp, now)
	}
	return out
}

// buildEvent appends the deliveries of ev, one per subscription it matches.
func (e *Engine) buildEvent(out []*record, ev *Event, subs []subscription, stamp, now time.Time) []*record {
	for j := range subs {
		s := &subs[j]
		if !s.matches(ev) {
			continue
		}
		r, err := e.buildOne(ev, s, stamp)
		if err != nil {
			e.cfg.Logger.Error("webhooks: cannot build a delivery", "event", ev.Type, "subscription", s.ID, "err", err)
			continue
		}
		r.d.CreatedAt, r.d.NextAttemptAt = now, now
		out = append(out, r)
	}
	return out
}

func (e *Engine) buildOne(ev *Event, s *subscription, stamp time.Time) (*record, error) {
	webhookID := ""
	if ev.Type != WorkflowWebhook {
		webhookID = e.cfg.NewWebhookID()
	}
	appID := ""
	if s.IncludeAppID {
		appID = s.App
	}
	body, err := MarshalJS(Envelope(*ev, webhookID, stamp, appID))
	if err != nil {
		return nil, err
	}
	headers, err := e.headers(s.Signature, s.Headers, body)
	if err != nil {
		return nil, err
	}
	timeout := s.Timeout
	if timeout == 0 {
		timeout = e.cfg.Timeout
	}
	return &record{
		d: Delivery{
			Subscription: s.ID, App: s.App, URL: s.URL, Event: ev.Type, WebhookID: webhookID,
			Body: string(body), Headers: headers, Status: StatusPending,
			LocationID: ev.LocationID, ContactID: ev.ContactID, ObjectID: ev.ObjectID,
			TraceID: ev.TraceID, OperationID: ev.OperationID,
			Retry: s.policy.String(), TimeoutMs: timeout.Milliseconds(), Signature: s.Signature, Restamp: s.Restamp,
		},
		policy: s.policy,
		idx:    -1,
	}, nil
}

// headers returns the request headers of body: the content type, the user
// agent, the subscription's own headers, then the signatures (last, so that
// no custom header can replace them).
func (e *Engine) headers(mode Signature, custom map[string]string, body []byte) (map[string]string, error) {
	h := map[string]string{"Content-Type": "application/json", "User-Agent": e.cfg.UserAgent}
	for k, v := range custom {
		h[http.CanonicalHeaderKey(k)] = v
	}
	if mode == SignNone {
		return h, nil
	}
	sigs, err := e.cfg.Keys.signatureHeaders(mode, body)
	if err != nil {
		return nil, err
	}
	maps.Copy(h, sigs)
	return h, nil
}

// insert gives r its id and puts it in the log and the queue. e.mu is held.
func (e *Engine) insert(r *record) {
	e.seq++
	r.seq = e.seq
	r.d.ID = idPrefix + strconv.FormatUint(e.seq, 10)
	e.recs[r.d.ID] = r
	e.log = append(e.log, r)
	e.reportChange("create", nil, r)
	e.queue(r)
}

// queue puts a pending r where it waits: the due heap, or its app's parked
// list while the app is paused. e.mu is held.
func (e *Engine) queue(r *record) {
	if e.paused[r.d.App] {
		e.parked[r.d.App] = append(e.parked[r.d.App], r)
		return
	}
	e.due.push(r)
}

// evict drops the oldest finished deliveries once the log has grown a tenth
// beyond LogSize, down to LogSize. Pending deliveries are never dropped.
// The scan of the log is paid at most once per LogSize/10 new deliveries:
// while receivers fall behind, the log holds more pending deliveries than
// LogSize, and a scan after every insert that could drop nothing made each
// insert cost the whole backlog (a fifth of the mock's CPU under load).
// e.mu is held.
func (e *Engine) evict() {
	limit := e.cfg.LogSize
	if len(e.log) <= limit+limit/10 || e.seq-e.scanned < uint64(max(limit/10, 1)) {
		return
	}
	e.scanned = e.seq
	e.scans++
	excess := len(e.log) - limit
	kept := e.log[:0]
	for _, r := range e.log {
		if excess > 0 && r.d.Status != StatusPending {
			excess--
			delete(e.recs, r.d.ID)
			e.report("evict", e.snapshot(r), nil)
			continue
		}
		kept = append(kept, r)
	}
	clear(e.log[len(kept):])
	e.log = kept
}

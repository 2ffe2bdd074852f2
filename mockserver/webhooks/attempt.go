package webhooks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"strings"
	"time"
)

// responseKept is how much of a receiver's answer the log keeps.
const responseKept = 4 << 10

// run makes one attempt at r, which the scheduler took from the queue.
func (e *Engine) run(r *record) {
	defer e.attempts.Done()
	defer e.poke()

	e.mu.Lock()
	d := r.d // a shallow copy: its maps are never changed in place
	skip := r.skipFault
	r.skipFault = false
	n := d.tries() + 1
	e.mu.Unlock()

	var fault Fault
	if f := e.faults.Load(); f != nil && !skip {
		fault = (*f)(AttemptInfo{DeliveryID: d.ID, Subscription: d.Subscription, App: d.App, URL: d.URL, Event: d.Event,
			WebhookID: d.WebhookID, LocationID: d.LocationID, ContactID: d.ContactID, TraceID: d.TraceID, Attempt: n})
		if !fault.Action.valid() {
			e.cfg.Logger.Warn("webhooks: unknown fault action ignored", "action", fault.Action)
			fault = Fault{}
		}
	}
	at := e.cfg.Now()
	switch fault.Action {
	case FaultDrop:
		e.finish(r, []Attempt{{N: len(d.Attempts) + 1, At: at, Error: "dropped by a fault rule: never sent", Fault: string(FaultDrop)}}, true)
		return
	case FaultDelay:
		e.mu.Lock()
		if r.gone {
			e.inflight--
			e.broadcast()
			e.mu.Unlock()
			return
		}
		before := e.snapshot(r)
		r.d.NextAttemptAt = at.Add(fault.Delay)
		r.skipFault = true
		e.inflight--
		e.queue(r)
		e.reportChange("delay", before, r)
		e.broadcast()
		e.mu.Unlock()
		return
	case FaultReorder:
		e.mu.Lock()
		if r.gone {
			e.inflight--
			e.broadcast()
			e.mu.Unlock()
			return
		}
		r.skipFault = true
		r.heldKey = holdKey(&r.d)
		e.held[r.heldKey] = append(e.held[r.heldKey], r)
		e.inflight--
		e.broadcast()
		e.mu.Unlock()
		return
	}

	body, headers := []byte(d.Body), d.Headers
	if d.Restamp && n > 1 {
		body, headers = e.rewrite(body, headers, d.Signature, e.cfg.Stamp())
	}
	body, headers = e.tamper(fault, body, headers, d.Signature)
	timeout := time.Duration(d.TimeoutMs) * time.Millisecond
	a := e.send(d.URL, body, headers, timeout)
	a.N, a.At, a.Fault = len(d.Attempts)+1, at, string(fault.Action)
	if string(body) != d.Body {
		a.Body = string(body)
	}
	if !maps.Equal(headers, d.Headers) {
		a.Headers = maps.Clone(headers)
	}
	attempts := []Attempt{a}
	if fault.Action == FaultDuplicate {
		a.Fault = ""
		attempts[0] = a
		dup := e.send(d.URL, body, headers, timeout)
		dup.N, dup.At, dup.Fault = a.N+1, e.cfg.Now(), string(FaultDuplicate)
		attempts = append(attempts, dup)
	}
	if e.halted() {
		// Close gave up waiting: the attempt did not happen as far as the
		// outbox is concerned, and the delivery is still pending.
		e.mu.Lock()
		e.inflight--
		e.broadcast()
		e.mu.Unlock()
		return
	}
	if a.Error != "" {
		e.cfg.Logger.Debug("webhooks: attempt failed", "delivery", d.ID, "url", d.URL, "err", a.Error)
	}
	e.finish(r, attempts, false)
}

// holdKey is what a reordered delivery waits on: the next delivery to the
// same subscription (or URL, for one restored without its subscription).
func holdKey(d *Delivery) string {
	if d.Subscription != "" {
		return "sub:" + d.Subscription
	}
	return "url:" + d.URL
}

// finish records attempts and decides what comes next: the first attempt's
// answer decides (a duplicate's is only logged). e.mu is not held.
func (e *Engine) finish(r *record, attempts []Attempt, dropped bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if r.gone {
		e.inflight--
		e.broadcast()
		return
	}
	before := e.snapshot(r)
	r.d.Attempts = append(r.d.Attempts, attempts...)
	r.d.NextAttemptAt = time.Time{}
	first := attempts[0]
	switch {
	case dropped:
		r.d.Status = StatusFailed
	case first.Status >= 200 && first.Status < 300:
		r.d.Status = StatusSucceeded
	case !r.policy.Retryable(first.Status) || len(r.policy.Delays) == 0:
		r.d.Status = StatusFailed
	default:
		if wait, ok := r.policy.Delay(r.d.tries(), e.cfg.Seed, r.d.ID); ok {
			r.d.Status = StatusPending
			r.d.NextAttemptAt = first.At.Add(wait)
		} else {
			r.d.Status = StatusExhausted
		}
	}
	e.inflight--
	if r.d.Status == StatusPending {
		e.queue(r)
	}
	e.reportChange("attempt", before, r)
	if key := holdKey(&r.d); len(e.held[key]) > 0 {
		e.release(key) // the next delivery to this subscription went: the held ones follow it
	}
	e.broadcast()
}

// rewrite returns body with a new timestamp, and headers with its
// signatures redone under mode. On an error (which would mean body is not a
// body this engine wrote) it returns them unchanged.
func (e *Engine) rewrite(body []byte, headers map[string]string, mode Signature, ts time.Time) ([]byte, map[string]string) {
	nb, err := rewriteEnvelope(body, ts, "")
	if err != nil {
		e.cfg.Logger.Error("webhooks: cannot restamp a body", "err", err)
		return body, headers
	}
	return nb, e.resign(headers, mode, nb)
}

// resign returns a copy of headers with the signatures of body under mode.
func (e *Engine) resign(headers map[string]string, mode Signature, body []byte) map[string]string {
	h := maps.Clone(headers)
	if mode == SignNone || e.cfg.Keys == nil {
		return h
	}
	if sigs, err := e.cfg.Keys.signatureHeaders(mode, body); err == nil {
		maps.Copy(h, sigs)
	}
	return h
}

// tamper applies a signature or timestamp fault to what is sent.
func (e *Engine) tamper(f Fault, body []byte, headers map[string]string, mode Signature) ([]byte, map[string]string) {
	switch f.Action {
	case FaultStaleTimestamp:
		by := f.StaleBy
		if by <= 0 {
			by = DefaultStaleBy
		}
		return e.rewrite(body, headers, mode, e.cfg.Stamp().Add(-by))
	case FaultBadSignature:
		h := maps.Clone(headers)
		other := append(bytes.Clone(body), ' ')
		if _, ok := h[HeaderSignature]; ok && e.cfg.Keys != nil {
			h[HeaderSignature] = e.cfg.Keys.Sign(other)
		}
		if _, ok := h[HeaderLegacySignature]; ok && e.cfg.Keys != nil {
			if sig, err := e.cfg.Keys.SignRSA(other); err == nil {
				h[HeaderLegacySignature] = sig
			}
		}
		return body, h
	case FaultMissingSignature:
		h := maps.Clone(headers)
		delete(h, HeaderSignature)
		delete(h, HeaderLegacySignature)
		return body, h
	case FaultWrongKey:
		h := maps.Clone(headers)
		delete(h, HeaderLegacySignature)
		h[HeaderSignature] = e.throwawayKey().Sign(body)
		return body, h
	case FaultLegacyOnly:
		h := maps.Clone(headers)
		delete(h, HeaderSignature)
		delete(h, HeaderLegacySignature)
		if e.cfg.Keys != nil && e.cfg.Keys.RSA != nil {
			if sig, err := e.cfg.Keys.SignRSA(body); err == nil {
				h[HeaderLegacySignature] = sig
			}
		}
		return body, h
	}
	return body, headers
}

// throwawayKey is a key no receiver knows, for the wrong-key fault.
func (e *Engine) throwawayKey() *Keys {
	e.wrongKeyOnce.Do(func() {
		k, err := GenerateKeys(0)
		if err != nil {
			k, _ = DeriveKeys(NewUUID(), 0)
		}
		e.wrongKey = k
	})
	return e.wrongKey
}

// send makes one HTTP request and reports what came back.
func (e *Engine) send(url string, body []byte, headers map[string]string, timeout time.Duration) Attempt {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	go func() { // Close halts what is in flight
		select {
		case <-e.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	start := time.Now()
	var a Attempt
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		a.Error = err.Error()
		return a
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := e.cfg.Client.Do(req)
	if err != nil {
		a.DurationMs = time.Since(start).Milliseconds()
		if errors.Is(err, context.DeadlineExceeded) {
			a.Error = fmt.Sprintf("timeout: no answer within %s", timeout)
		} else {
			a.Error = err.Error()
		}
		return a
	}
	defer resp.Body.Close()
	kept, _ := io.ReadAll(io.LimitReader(resp.Body, responseKept))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // so the connection can be reused
	a.DurationMs = time.Since(start).Milliseconds()
	a.Status = resp.StatusCode
	a.ResponseBody = strings.ToValidUTF8(string(kept), "\uFFFD")
	if len(resp.Header) > 0 {
		a.ResponseHeaders = make(map[string]string, len(resp.Header))
		for k, v := range resp.Header {
			a.ResponseHeaders[k] = strings.Join(v, ", ")
		}
	}
	return a
}

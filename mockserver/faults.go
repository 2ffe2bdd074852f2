package mockserver

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ghlmock/ghlmock/mockserver/faults"
	"github.com/ghlmock/ghlmock/mockserver/fixture"
	"github.com/ghlmock/ghlmock/mockserver/ratelimit"
)

// fixtureFaults reads the fault rules of the fixtures, naming the file and
// line of a bad one.
func fixtureFaults(fx *fixture.Fixture) ([]faults.Rule, error) {
	rules := make([]faults.Rule, 0, len(fx.FaultNodes))
	for _, n := range fx.FaultNodes {
		r, err := faults.FromYAML(n, fmt.Sprintf("%s:%d: faults", fx.Name, n.Line))
		if err != nil {
			return nil, err
		}
		rules = append(rules, r)
	}
	return rules, nil
}

// injectFault applies the first fault rule that matches the request. It
// reports whether it answered (or dropped) the request itself; a pure delay
// lets the pipeline go on. Faults come before rate limiting and auth, as a
// failing gateway would.
func (s *Server) injectFault(w *statusWriter, rq *request) (done bool) {
	q := faults.Request{OperationID: rq.op.ID, Method: rq.r.Method, Path: rq.r.URL.Path}
	if _, value, ok := strings.Cut(rq.r.Header.Get("Authorization"), " "); ok {
		q.Token = strings.TrimSpace(value)
		if t, ok := s.tokens.lookup(q.Token); ok {
			q.LocationID = t.LocationID
		}
	}
	if q.LocationID == "" {
		q.LocationID = rq.values().Get("locationId")
	}
	d, ok := s.faults.Decide(q)
	if !ok {
		return false
	}
	rq.fault = d.RuleID
	ctx := rq.r.Context()
	if d.Delay > 0 {
		t := time.NewTimer(d.Delay)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return true // the client gave up while we waited
		case <-s.held:
			t.Stop()
			return true
		}
	}
	switch d.Action {
	case faults.ActionReset:
		s.dropConnection(w, rq, true)
		return true
	case faults.ActionTimeout:
		select {
		case <-ctx.Done():
		case <-s.held:
		}
		return true
	case faults.ActionTruncate:
		s.truncate(w, rq)
		return true
	}
	if d.Status == 0 {
		return false // latency only: answer normally
	}
	h := w.Header()
	s.setFaultRateHeaders(h, rq, d.Status)
	for k, v := range d.Headers {
		h.Set(k, v)
	}
	if d.Body != nil {
		s.writeBody(w, d.Status, withTraceID(d.Body, rq.traceID))
		return true
	}
	msg := d.Message
	switch {
	case msg != "":
	case d.Status == http.StatusTooManyRequests:
		msg = s.settings.Messages.RateLimited // as the limiter's own 429 says it
	default:
		msg = faults.DefaultMessage(d.Status)
	}
	s.writeError(w, rq, &apiError{Status: d.Status, Message: msg})
	return true
}

// setFaultRateHeaders gives an injected answer the rate-limit headers every
// GHL answer carries: the token's budget as it stands, since the fault came
// before the limiter and cost nothing (a client that throttles itself must
// not read a fresh window into a 503); an injected 429 reads as a spent
// burst window.
func (s *Server) setFaultRateHeaders(h http.Header, rq *request, status int) {
	lim := s.defaultLimits()
	now := s.clock.Now()
	d := ratelimit.Decision{Limits: lim, Remaining: lim.Burst, DailyRemaining: lim.Daily,
		Reset: now.Add(lim.Window), DailyReset: now.Add(24 * time.Hour)}
	if t, ok := s.tokens.lookup(bearer(rq.r)); ok {
		lim = t.Limits
		d = s.limiter.Peek(t.rateKey, lim)
	}
	if status == http.StatusTooManyRequests {
		d.Remaining = 0
	}
	setRateHeaders(h, d, nil)
	if status == http.StatusTooManyRequests && s.settings.RetryAfter {
		h.Set("Retry-After", strconv.Itoa(int(lim.Window/time.Second)))
	}
}

func bearer(r *http.Request) string {
	_, v, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	return strings.TrimSpace(v)
}

// dropConnection closes the client's connection; with reset, by a TCP reset
// (RST) where the connection allows it, else by an orderly close (FIN) that
// lets what was written arrive first.
//
// The request is journalled before the connection closes, so that a client
// which has seen the drop finds it in the journal at once.
func (s *Server) dropConnection(w *statusWriter, rq *request, reset bool) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // HTTP/2 or a recorder: abort the stream instead
	}
	if tc, ok := conn.(*net.TCPConn); ok && reset {
		_ = tc.SetLinger(0)
	}
	s.record(rq, w.status)
	_ = conn.Close()
}

// truncate answers the request normally into a buffer, then sends the
// headers (with the full Content-Length) and half of the body, and closes the
// connection.
func (s *Server) truncate(w *statusWriter, rq *request) {
	buf := &bufferWriter{header: http.Header{}}
	s.pipeline(buf, rq)
	h := w.Header()
	for k, v := range buf.header {
		h[k] = v
	}
	body := buf.body.Bytes()
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(buf.status)
	_, _ = w.Write(body[:len(body)/2])
	_ = http.NewResponseController(w).Flush()
	s.dropConnection(w, rq, false)
}

// bufferWriter is an http.ResponseWriter that keeps the answer in memory.
type bufferWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferWriter) Header() http.Header { return b.header }
func (b *bufferWriter) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}
func (b *bufferWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

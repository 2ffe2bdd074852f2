package mockserver

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ghlmock/ghlmock/mockserver/faults"
	"github.com/ghlmock/ghlmock/mockserver/fixture"
	"github.com/ghlmock/ghlmock/openapi"
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
	rq.why = "fault rule " + d.RuleID + " applied"
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
		s.limitBodyTime(w, rq.r) // the body's time starts after the delay
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
	// An injected answer carries the rate-limit headers every GHL answer
	// does, of the request's token but charged nothing; an injected 429
	// reads as a spent burst window.
	t, _ := s.tokens.lookup(bearer(rq.r))
	rq.rate, rq.rated = s.uncharged(t), true
	if d.Status == http.StatusTooManyRequests {
		rq.rate.Remaining, rq.rate.Allowed = 0, false
	}
	h := w.Header()
	s.setRateHeaders(h, rq)
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

// ruleCanMatch refuses a rule that no request could ever match: an
// operationId the document does not have, a method or a path no operation
// has (or not the operationId's own), a location of no fixture, a token the
// mock does not know. A rule like that would be accepted and silently never
// apply, which is what a user debugging "why is my fault not firing" hates.
func (s *Server) ruleCanMatch(r faults.Rule) error {
	if r.Target == faults.TargetWebhook {
		return s.webhookRuleCanMatch(r) // server_webhooks.go
	}
	var errs []error
	ops := s.spec.Operations()
	if r.OperationID != "" {
		op, ok := s.spec.Operation(r.OperationID)
		if !ok {
			return fmt.Errorf("operationId %q is not an operation of the document (ghlmock spec lists them)", r.OperationID)
		}
		ops = []*openapi.Operation{op}
	}
	fits := ops[:0:0]
	for _, op := range ops {
		if (r.Method == "" || r.Method == op.Method) && (r.Path == "" || globCovers(r.Path, op.Path)) {
			fits = append(fits, op)
		}
	}
	if len(fits) == 0 {
		what := strings.TrimSpace(r.Method + " " + r.Path)
		if r.OperationID != "" {
			o := ops[0]
			errs = append(errs, fmt.Errorf("%s never matches %s, which is %s %s", what, r.OperationID, o.Method, o.Path))
		} else {
			errs = append(errs, fmt.Errorf("no operation of the document is %s", what))
		}
	}
	if r.LocationID != "" {
		if _, ok := s.fx.Location(r.LocationID); !ok {
			errs = append(errs, fmt.Errorf("locationId %q is not a location of the fixtures", r.LocationID))
		}
	}
	if r.Token != "" {
		if _, ok := s.tokens.lookup(r.Token); !ok {
			errs = append(errs, fmt.Errorf("token %s is not a token the mock knows (mint it first)", redactHeader("Authorization", "Bearer "+r.Token)[len("Bearer "):]))
		}
	}
	return errors.Join(errs...)
}

// globCovers reports whether a path glob matches some request path of a
// template: each {parameter} stands for a value of one segment, with and
// without the optional trailing slash.
func globCovers(glob, template string) bool {
	segs := strings.Split(template, "/")
	for i, seg := range segs {
		if strings.HasPrefix(seg, "{") {
			segs[i] = "x"
		}
	}
	p := strings.Join(segs, "/")
	return faults.GlobMatch(glob, p) || faults.GlobMatch(glob, strings.TrimSuffix(p, "/")) || faults.GlobMatch(glob, p+"/")
}

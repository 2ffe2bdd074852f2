package mockserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"
	"unsafe"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/journal"
	"github.com/ghlmock/ghlmock/mockserver/ratelimit"
	"github.com/ghlmock/ghlmock/mockserver/sqlite"
	"github.com/ghlmock/ghlmock/openapi"
)

// request is one API request as it moves through the pipeline.
type request struct {
	r       *http.Request
	op      *operation
	vars    map[string]string // path parameters, unescaped, as the router matched them
	traceID string
	start   time.Time

	token *token // set once authenticated
	loc   string // the token's location
	body  []byte // the request body, read once
	value any    // the body decoded, for validation
	fault string // the fault rule that applied, if any
	why   string // why it was refused, in plain words (see apiError.why)

	// rate is the rate-limit decision the answer's X-RateLimit-* headers
	// report, once rated is set (see setRateHeaders).
	rate  ratelimit.Decision
	rated bool

	recorded bool // journalled and logged already (see record)
	bodyDone bool // the body was read, or drained (see settleBody)

	queryValues url.Values // see values
	sw          statusWriter
}

// param returns a path parameter, unescaped.
func (rq *request) param(name string) string { return rq.vars[name] }

// values returns the query string, parsed once.
func (rq *request) values() url.Values {
	if rq.queryValues == nil {
		rq.queryValues = rq.r.URL.Query()
	}
	return rq.queryValues
}

// decode reads the JSON body into v. The body was validated against the
// document already, so a failure here is a mismatch between the document and
// the handler's type, answered as a plain 400.
func (rq *request) decode(v any) error {
	if len(bytes.TrimSpace(rq.body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(rq.body, v); err != nil {
		return newError(http.StatusBadRequest, "Invalid request body: "+err.Error())
	}
	return nil
}

// statusWriter records what was written, for the journal and the log line:
// the status, the size, and the first capture bytes of the body: shared (see
// writeShared), then body, a reference too when it was shared, or a copy.
type statusWriter struct {
	http.ResponseWriter
	status  int
	bytes   int
	capture int
	shared  []byte
	body    []byte
	head    bool // a HEAD request: the headers GET would send, no body
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) { return w.write(b, false) }

// writeShared is Write for bytes that never change again (an answer kept
// for many requests, its traceId): the capture keeps a reference to the
// first two such writes instead of a copy.
func (w *statusWriter) writeShared(b []byte) (int, error) { return w.write(b, true) }

func (w *statusWriter) write(b []byte, shared bool) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if w.head {
		return len(b), nil
	}
	n, err := w.ResponseWriter.Write(b)
	if room := w.capture - w.bytes; room > 0 {
		// A reference kept has no room past its end: appending to it copies.
		kept := b[:min(n, room):min(n, room)]
		switch {
		case shared && w.bytes == 0:
			w.shared = kept
		case shared && w.body == nil:
			w.body = kept
		default:
			w.body = append(w.body, kept...)
		}
	}
	w.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the connection (faults need it).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// serveOperation serves one request the router matched to op, with the path
// parameters it matched.
func (s *Server) serveOperation(op *operation, w http.ResponseWriter, r *http.Request, vars map[string]string) {
	rq := &request{r: r, op: op, vars: vars, traceID: newTraceID(), start: time.Now()}
	rq.sw = statusWriter{ResponseWriter: w, capture: s.cfg.JournalBodyBytes, head: r.Method == http.MethodHead} // one allocation with the request
	sw := &rq.sw
	// The webhook engine yields to the API (apiBusy); with no subscription
	// nothing is delivered and the request pays nothing for it.
	counted := s.hooks != nil && s.hooks.listening.Load()
	if counted {
		s.serving.Add(1)
		s.lastRequest.Store(rq.start.UnixNano())
	}
	defer func() {
		if counted {
			s.serving.Add(-1)
		}
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				s.record(rq, sw.status)
				panic(v)
			}
			s.log.LogAttrs(r.Context(), slog.LevelError, "panic", slog.String("operationId", op.ID),
				slog.Any("panic", v), slog.String("stack", string(debug.Stack())))
			if sw.status == 0 {
				s.refuse(sw, rq, newError(http.StatusInternalServerError, "Internal Server Error"))
			}
		}
		s.record(rq, sw.status)
	}()
	if s.faults.Len() > 0 && s.injectFault(sw, rq) {
		return
	}
	s.pipeline(sw, rq)
}

// pipeline runs a request through GHL's steps, in the real API's order; the
// first step that refuses it answers.
func (s *Server) pipeline(w http.ResponseWriter, rq *request) {
	if e := s.checkRouteVersion(rq); e != nil { // 404: a path that exists under another Version only
		s.refuse(w, rq, e)
		return
	}
	if e := s.authenticate(rq); e != nil { // 401: no, unknown or expired token
		s.refuse(w, rq, e)
		return
	}
	if e := s.rateLimit(rq); e != nil { // 429: the app's burst or daily limit at the location
		s.refuse(w, rq, e)
		return
	}
	if e := s.checkVersion(rq); e != nil { // 401/400: the Version header
		s.refuse(w, rq, e)
		return
	}
	if e := s.checkScope(rq); e != nil { // 401: the operation's scope
		s.refuse(w, rq, e)
		return
	}
	if e := s.readBody(w, rq); e != nil { // 413/400: what body-parser refuses
		s.refuse(w, rq, e)
		return
	}
	if e := s.validate(rq); e != nil { // 422: the document's parameters and body schema
		s.refuse(w, rq, e)
		return
	}
	if e := s.checkLocation(rq); e != nil { // 403: another location named in the query or body
		s.refuse(w, rq, e)
		return
	}
	status, body, err := s.handle(rq) // the operation, committed before it is answered
	if err != nil {
		s.refuse(w, rq, s.toAPIError(rq, err))
		return
	}
	s.answer(w, rq, status, body)
}

// handle runs the operation's handler; a write runs as a write of the state
// (see Server.write): admitted, applied, committed.
func (s *Server) handle(rq *request) (status int, body any, err error) {
	ctx := rq.r.Context()
	if !rq.op.writes || !s.feed.Active() {
		return rq.op.handle(ctx, rq)
	}
	cause := crm.Cause{OperationID: rq.op.ID, TraceID: rq.traceID, App: rq.token.App}
	err = s.write(ctx, cause, false, func(ctx context.Context) error {
		var err error
		status, body, err = rq.op.handle(ctx, rq)
		return err
	})
	return status, body, err
}

// record adds the request to the journal and writes its log line. Status 0
// means no answer was sent (a dropped or held connection).
// A request is recorded once: a fault that drops the connection records it
// before the drop, and the deferred call then does nothing.
func (s *Server) record(rq *request, status int) {
	if rq.recorded {
		return
	}
	rq.recorded = true
	if rq.op.writes && status >= 200 && status < 300 {
		s.changes.Add(1)
	}
	if rq.loc == "" {
		if t, ok := s.tokens.lookup(bearer(rq.r)); ok {
			rq.loc = t.LocationID
		}
	}
	dur := time.Since(rq.start)
	if s.metrics != nil {
		s.metrics.observe(rq, status, dur)
	}
	method, path, query := requestLine(rq.r)
	e := journal.Entry{
		Time:        s.clock.Now().Truncate(time.Millisecond),
		Method:      method,
		Path:        path,
		Query:       query,
		OperationID: rq.op.ID,
		Status:      status,
		DurationMs:  float64(dur.Microseconds()) / 1000,
		LocationID:  rq.loc,
		TraceID:     rq.traceID,
		Fault:       rq.fault,
		Reason:      journal.Truncate(rq.why, maxURLBytes),
	}
	if max := s.cfg.JournalBodyBytes; max > 0 {
		e.RequestBody = journal.Truncate(redactOAuth(rq, string(rq.body)), max)
		var respHeader http.Header
		if w := &rq.sw; w.ResponseWriter != nil {
			respHeader = w.Header()
			// w.shared and w.body are never written again: the journal
			// shares their bytes instead of copying them.
			if !redactsBodies(rq) {
				e.KeepResponseBody(w.shared, w.body, w.bytes)
			} else {
				kept := string(w.shared) + unsafe.String(unsafe.SliceData(w.body), len(w.body))
				// Cut short by the redaction, not by the journal: what was
				// left out is counted on the bytes sent.
				e.ResponseBody = journal.Truncated(redactOAuth(rq, kept), w.bytes-len(kept))
			}
		}
		e.KeepHeaders(rq.r.Header, respHeader, max, redactHeader)
	}
	s.journal.Add(e)
	ctx := rq.r.Context()
	if !s.log.Enabled(ctx, slog.LevelInfo) {
		return
	}
	attrs := []slog.Attr{
		slog.String("operationId", rq.op.ID),
		slog.String("method", method),
		slog.String("path", path),
		slog.Int("status", status),
		slog.Duration("duration", dur),
		slog.String("locationId", rq.loc),
		slog.String("traceId", rq.traceID),
	}
	if rq.fault != "" {
		attrs = append(attrs, slog.String("fault", rq.fault))
	}
	if rq.why != "" {
		attrs = append(attrs, slog.String("reason", journal.Truncate(rq.why, maxURLBytes)))
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "request", attrs...)
}

// redactHeader is how the journal shows a header: the Authorization value
// cut to its scheme and the token's last four characters.
func redactHeader(name, value string) string {
	if name != "Authorization" {
		return value
	}
	scheme, tok, ok := strings.Cut(value, " ")
	if !ok {
		return "…"
	}
	tok = strings.TrimSpace(tok)
	if len(tok) <= 8 {
		return scheme + " …"
	}
	return scheme + " …" + tok[len(tok)-4:]
}

// statusClientClosed is what the journal and the log line show for a request
// whose client went away before it was answered (nginx's 499).
const statusClientClosed = 499

// toAPIError turns a handler's error into GHL's answer; anything unexpected
// is logged and answered 500 without details.
func (s *Server) toAPIError(rq *request, err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	if errors.Is(err, context.Canceled) && rq.r.Context().Err() != nil {
		// The client closed the connection while the request was served:
		// nobody reads this answer, and it is no fault of the mock's.
		return &apiError{Status: statusClientClosed, Message: "Client Closed Request", Reason: "Client Closed Request",
			why: "the client closed the connection before the answer"}
	}
	if errors.Is(err, sqlite.ErrDegraded) {
		s.log.LogAttrs(rq.r.Context(), slog.LevelWarn, "write refused: the state database cannot commit", slog.String("operationId", rq.op.ID),
			slog.String("traceId", rq.traceID), slog.String("error", err.Error()))
		return s.unavailable(err)
	}
	if e := s.fromStoreError(err); e != nil {
		return e
	}
	s.log.LogAttrs(rq.r.Context(), slog.LevelError, "internal error", slog.String("operationId", rq.op.ID),
		slog.String("traceId", rq.traceID), slog.String("error", err.Error()))
	return newError(http.StatusInternalServerError, "Internal Server Error")
}

// Error implements error so handlers can return an *apiError directly.
func (e *apiError) Error() string { return fmt.Sprintf("%d %v", e.Status, e.Message) }

// serveNotFound answers paths and methods no operation has, as Express does.
func (s *Server) serveNotFound(w http.ResponseWriter, r *http.Request) {
	rq := &request{r: r, op: notFoundOp, traceID: newTraceID(), start: time.Now()}
	rq.sw = statusWriter{ResponseWriter: w, capture: s.cfg.JournalBodyBytes, head: r.Method == http.MethodHead}
	e := routeNotFound(r.Method, journal.Truncate(r.URL.EscapedPath(), maxURLBytes))
	rq.why = "no operation has this method and path"
	s.writeError(&rq.sw, rq, e)
	s.record(rq, rq.sw.status)
}

// notFoundOp stands for "no operation" in the log line of a 404.
var notFoundOp = &operation{Operation: &openapi.Operation{}}

// notImplemented answers an operation of the document that has no handler yet.
func notImplemented(context.Context, *request) (int, any, error) {
	return 0, nil, newError(http.StatusNotImplemented, "ghlmock does not implement this operation yet")
}

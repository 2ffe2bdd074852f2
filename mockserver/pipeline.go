package mockserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"mime"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/ghlmock/ghlmock/mockserver/journal"
	"github.com/ghlmock/ghlmock/openapi"
)

// request is one API request as it moves through the pipeline.
type request struct {
	r       *http.Request
	op      *operation
	params  [openapi.MaxParams]string // unescaped, in the order of op.Template.Names()
	traceID string
	start   time.Time

	token *token // set once authenticated
	loc   string // the token's location
	body  []byte // the request body, read once
	value any    // the body decoded, for validation
	fault string // the fault rule that applied, if any

	recorded bool // journalled and logged already (see record)

	queryValues url.Values // see values
	sw          statusWriter
}

// param returns a path parameter, unescaped.
func (rq *request) param(name string) string {
	for i, n := range rq.op.Template.Names() {
		if n == name {
			return rq.params[i]
		}
	}
	return ""
}

// pathParams returns the path parameters as a map, for the validator.
func (rq *request) pathParams() map[string]string {
	names := rq.op.Template.Names()
	if len(names) == 0 {
		return nil
	}
	m := make(map[string]string, len(names))
	for i, n := range names {
		m[n] = rq.params[i]
	}
	return m
}

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

// statusWriter records what was written, for the journal and the log line.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the connection (faults need it).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// ServeHTTP serves the operation, for callers that use the router directly.
func (op *operation) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op.srv.serveOperation(op, w, r)
}

// serveOperation runs the pipeline of one operation.
func (s *Server) serveOperation(op *operation, w http.ResponseWriter, r *http.Request) {
	rq := &request{r: r, op: op, traceID: newTraceID(), start: time.Now()}
	raw, _ := op.Template.Match(r.URL.EscapedPath())
	for i := range op.Template.Names() {
		rq.params[i] = unescape(raw[i])
	}
	rq.sw = statusWriter{ResponseWriter: w} // one allocation with the request
	sw := &rq.sw
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				s.record(rq, sw.status)
				panic(v)
			}
			s.log.LogAttrs(r.Context(), slog.LevelError, "panic", slog.String("operationId", op.ID),
				slog.Any("panic", v), slog.String("stack", string(debug.Stack())))
			if sw.status == 0 {
				s.writeError(sw, rq, newError(http.StatusInternalServerError, "Internal Server Error"))
			}
		}
		s.record(rq, sw.status)
	}()
	if s.faults.Len() > 0 && s.injectFault(sw, rq) {
		return
	}
	s.pipeline(sw, rq)
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
	s.journal.Add(journal.Entry{
		Time:        s.clock.Now().Truncate(time.Millisecond),
		Method:      rq.r.Method,
		Path:        rq.r.URL.Path,
		Query:       rq.r.URL.RawQuery,
		OperationID: rq.op.ID,
		Status:      status,
		DurationMs:  float64(dur.Microseconds()) / 1000,
		LocationID:  rq.loc,
		TraceID:     rq.traceID,
		Fault:       rq.fault,
	})
	ctx := rq.r.Context()
	if !s.log.Enabled(ctx, slog.LevelInfo) {
		return
	}
	attrs := []slog.Attr{
		slog.String("operationId", rq.op.ID),
		slog.String("method", rq.r.Method),
		slog.String("path", rq.r.URL.Path),
		slog.Int("status", status),
		slog.Duration("duration", dur),
		slog.String("locationId", rq.loc),
		slog.String("traceId", rq.traceID),
	}
	if rq.fault != "" {
		attrs = append(attrs, slog.String("fault", rq.fault))
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "request", attrs...)
}

func (s *Server) pipeline(w http.ResponseWriter, rq *request) {
	if e := s.authenticate(w, rq); e != nil {
		s.writeError(w, rq, e)
		return
	}
	if e := s.readBody(w, rq); e != nil {
		s.writeError(w, rq, e)
		return
	}
	if e := s.validate(rq); e != nil {
		s.writeError(w, rq, e)
		return
	}
	if e := s.checkLocation(rq); e != nil {
		s.writeError(w, rq, e)
		return
	}
	status, body, err := rq.op.handle(rq.r.Context(), rq)
	if err != nil {
		s.writeError(w, rq, s.toAPIError(rq, err))
		return
	}
	s.writeJSON(w, rq, status, body)
}

// toAPIError turns a handler's error into GHL's answer; anything unexpected
// is logged and answered 500 without details.
func (s *Server) toAPIError(rq *request, err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
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

// maxJSONDepth bounds the nesting of request bodies; no GHL body nests deeper
// than a handful of levels (search filter groups being the deepest).
const maxJSONDepth = 32

// readBody reads and checks the request body the way Express's body-parser
// does before any route runs: too large → 413; a JSON content type with a body
// that is not valid UTF-8, nests absurdly deep, is not an object or array at
// the top (strict mode) or does not parse → 400. An operation that takes no
// body then ignores it; one that takes a body refuses any other content type
// (400), and reads an empty body as {} so that missing required fields get
// GHL's field-level 422.
func (s *Server) readBody(w http.ResponseWriter, rq *request) *apiError {
	r := rq.r
	if r.Body == nil || r.Body == http.NoBody {
		return s.defaultBody(rq)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return newError(http.StatusRequestEntityTooLarge, "request entity too large")
		}
		return newError(http.StatusBadRequest, "could not read the request body")
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return s.defaultBody(rq)
	}
	ct := r.Header.Get("Content-Type")
	takesBody := rq.op.Route.Operation.RequestBody != nil
	if !isJSON(ct) {
		if !takesBody {
			return nil
		}
		return newError(http.StatusBadRequest, fmt.Sprintf("Unsupported Content-Type %q: send the body as application/json", ct))
	}
	switch {
	case !utf8.Valid(body):
		return newError(http.StatusBadRequest, "The request body is not valid UTF-8")
	case trimmed[0] != '{' && trimmed[0] != '[':
		return newError(http.StatusBadRequest, fmt.Sprintf("Unexpected token %c in JSON at position %d", trimmed[0], bytes.IndexByte(body, trimmed[0])))
	case jsonDepth(body) > maxJSONDepth:
		return newError(http.StatusBadRequest, fmt.Sprintf("The request body nests deeper than %d levels", maxJSONDepth))
	}
	var value any
	if err := json.Unmarshal(body, &value); err != nil {
		return newError(http.StatusBadRequest, jsonSyntaxMessage(body))
	}
	if takesBody {
		rq.body, rq.value = body, value
	}
	return nil
}

func (s *Server) defaultBody(rq *request) *apiError {
	if rq.op.Route.Operation.RequestBody != nil {
		rq.body, rq.value = []byte("{}"), map[string]any{}
	}
	return nil
}

func isJSON(contentType string) bool {
	if contentType == "" {
		return false
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// jsonDepth returns the deepest nesting of objects and arrays in b, counting
// brackets outside strings.
func jsonDepth(b []byte) int {
	depth, deepest := 0, 0
	inString, escaped := false, false
	for _, c := range b {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
			deepest = max(deepest, depth)
		case c == '}' || c == ']':
			depth--
		}
	}
	return deepest
}

// jsonSyntaxMessage describes a syntax error the way body-parser does
// ("Unexpected token } in JSON at position 10").
func jsonSyntaxMessage(body []byte) string {
	var v any
	err := json.Unmarshal(body, &v)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		pos := int(se.Offset) - 1
		if strings.Contains(se.Error(), "unexpected end") || pos < 0 || pos >= len(body) {
			return "Unexpected end of JSON input"
		}
		return fmt.Sprintf("Unexpected token %s in JSON at position %d", string(body[pos]), pos)
	}
	return "Invalid JSON in the request body"
}

// checkLocation answers 403 when the request names a location other than the
// token's, in the query or at the top of the body.
func (s *Server) checkLocation(rq *request) *apiError {
	if rq.op.queryLocation {
		if loc, ok := rq.values()["locationId"]; ok && (len(loc) != 1 || loc[0] != rq.loc) {
			return s.forbidden()
		}
	}
	if rq.op.bodyLocation {
		if m, ok := rq.value.(map[string]any); ok {
			if loc, ok := m["locationId"].(string); ok && loc != rq.loc {
				return s.forbidden()
			}
		}
	}
	return nil
}

// rendered is an answer a handler already wrote into a pooled buffer.
type rendered struct{ buf *[]byte }

// bufPool recycles answer buffers: every answer of the hot operations is
// written into one.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// marshal encodes v as compact JSON without HTML escaping (GHL writes a
// nextPageUrl's & as &, not \u0026).
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// writeJSON answers a success body with traceId added as its last key.
func (s *Server) writeJSON(w http.ResponseWriter, rq *request, status int, body any) {
	if r, ok := body.(rendered); ok {
		b := withTraceID(*r.buf, rq.traceID)
		s.writeBody(w, status, b)
		*r.buf = b
		bufPool.Put(r.buf)
		return
	}
	if a, ok := body.(appender); ok {
		buf := bufPool.Get().(*[]byte)
		b := a.appendJSON((*buf)[:0])
		b = withTraceID(b, rq.traceID)
		s.writeBody(w, status, b) // Write copies b before it returns
		if cap(b) <= 64<<10 {     // a huge list answer is not worth keeping
			*buf = b
			bufPool.Put(buf)
		}
		return
	}
	b, err := marshal(body)
	if err != nil {
		s.log.LogAttrs(rq.r.Context(), slog.LevelError, "encode response", slog.String("operationId", rq.op.ID), slog.String("error", err.Error()))
		s.writeError(w, rq, newError(http.StatusInternalServerError, "Internal Server Error"))
		return
	}
	s.writeBody(w, status, withTraceID(b, rq.traceID))
}

func (s *Server) writeError(w http.ResponseWriter, rq *request, e *apiError) {
	b, _ := marshal(e.body())
	s.writeBody(w, e.Status, withTraceID(b, rq.traceID))
}

// jsonContentType is shared by every answer (see setRateHeaders).
var jsonContentType = []string{"application/json; charset=utf-8"}

func (s *Server) writeBody(w http.ResponseWriter, status int, b []byte) {
	h := w.Header()
	h["Content-Type"] = jsonContentType
	h["Content-Length"] = []string{strconv.Itoa(len(b))}
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// withTraceID appends "traceId" to a JSON object.
func withTraceID(obj []byte, traceID string) []byte {
	if len(obj) < 2 || obj[len(obj)-1] != '}' || traceID == "" {
		return obj
	}
	out := obj[:len(obj)-1] // appends in place when obj has room
	if len(obj) > 2 {
		out = append(out, ',')
	}
	out = append(out, `"traceId":"`...)
	out = append(out, traceID...)
	return append(out, `"}`...)
}

// newTraceID returns a random UUID v4, as GHL's traceId.
func newTraceID() string {
	const hex = "0123456789abcdef"
	var b [36]byte
	hi, lo := rand.Uint64(), rand.Uint64()
	hi = hi&^(0xf<<12) | 0x4<<12 // version 4
	lo = lo&^(0x3<<62) | 0x2<<62 // RFC 4122 variant
	j := 0
	for i := range 32 {
		if i == 8 || i == 12 || i == 16 || i == 20 {
			b[j] = '-'
			j++
		}
		var nib uint64
		if i < 16 {
			nib = hi >> (60 - 4*i) & 0xf
		} else {
			nib = lo >> (60 - 4*(i-16)) & 0xf
		}
		b[j] = hex[nib]
		j++
	}
	return string(b[:])
}

// unescape unescapes a path parameter (templates match the escaped path, so
// that %2F stays inside one segment).
func unescape(v string) string {
	if strings.IndexByte(v, '%') < 0 {
		return v
	}
	if u, err := url.PathUnescape(v); err == nil {
		return u
	}
	return v
}

// serveNotFound answers paths and methods no operation has, as Express does.
func (s *Server) serveNotFound(w http.ResponseWriter, r *http.Request) {
	rq := &request{r: r, op: notFoundOp, traceID: newTraceID(), start: time.Now()}
	sw := &statusWriter{ResponseWriter: w}
	s.writeError(sw, rq, routeNotFound(r.Method, r.URL.EscapedPath()))
	s.record(rq, sw.status)
}

// notFoundOp stands for "no operation" in the log line of a 404.
var notFoundOp = &operation{Operation: &openapi.Operation{}}

// notImplemented answers an operation of the document that has no handler yet.
func notImplemented(context.Context, *request) (int, any, error) {
	return 0, nil, newError(http.StatusNotImplemented, "ghlmock does not implement this operation yet")
}

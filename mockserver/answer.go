package mockserver

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
)

// How answers are written: GHL's JSON bodies, each with its traceId, and
// every API answer with its rate-limit headers.

// answer writes a handler's success body.
func (s *Server) answer(w http.ResponseWriter, rq *request, status int, body any) {
	s.setRateHeaders(w.Header(), rq)
	s.writeJSON(w, rq, status, body)
}

// refuse writes GHL's error answer for a request a step or its handler
// refused, and keeps why for the journal and the log line.
func (s *Server) refuse(w http.ResponseWriter, rq *request, e *apiError) {
	rq.why = e.reason()
	s.settleBody(w, rq)
	s.setRateHeaders(w.Header(), rq)
	s.writeError(w, rq, e)
}

// appender is a response body that writes its own JSON (with jsonappend).
// The hot answers (contacts, tasks, notes and their lists) are appenders:
// encoding/json's reflection was the largest cost of a GET contact.
type appender interface {
	appendJSON(b []byte) []byte
}

// rendered is an answer a handler already wrote into a pooled buffer.
type rendered struct{ buf *[]byte }

// shared is an answer kept for many requests (answer_cache.go), without
// its traceId: it is written by reference and never changed.
type shared struct{ obj []byte }

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
	if sh, ok := body.(shared); ok {
		s.writeShared(w, rq, status, sh.obj)
		return
	}
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

// writeShared answers obj, an object that never changes, with traceId added
// as its last key: obj is written as it is, up to its closing brace, and the
// journal keeps a reference to it instead of a copy; the traceId and the
// brace follow.
func (s *Server) writeShared(w http.ResponseWriter, rq *request, status int, obj []byte) {
	if len(obj) < 2 || obj[len(obj)-1] != '}' || rq.traceID == "" {
		s.writeBody(w, status, obj)
		return
	}
	head := obj[:len(obj)-1]
	tail := appendTraceID(make([]byte, 0, 64), len(obj) == 2, rq.traceID)
	writeHead(w, status, len(head)+len(tail))
	if sw, ok := w.(*statusWriter); ok {
		_, _ = sw.writeShared(head)
		_, _ = sw.writeShared(tail) // this answer's own, never written again
		return
	}
	_, _ = w.Write(head)
	_, _ = w.Write(tail)
}

func (s *Server) writeError(w http.ResponseWriter, rq *request, e *apiError) {
	b, _ := marshal(e.body())
	s.writeBody(w, e.Status, withTraceID(b, rq.traceID))
}

// jsonContentType is shared by every answer (see writeRateHeaders).
var jsonContentType = []string{"application/json; charset=utf-8"}

func (s *Server) writeBody(w http.ResponseWriter, status int, b []byte) {
	writeHead(w, status, len(b))
	_, _ = w.Write(b)
}

// writeHead writes the status and the headers of a JSON body of size bytes.
func writeHead(w http.ResponseWriter, status, size int) {
	h := w.Header()
	h["Content-Type"] = jsonContentType
	h["Content-Length"] = []string{strconv.Itoa(size)}
	w.WriteHeader(status)
}

// withTraceID appends "traceId" to a JSON object.
func withTraceID(obj []byte, traceID string) []byte {
	if len(obj) < 2 || obj[len(obj)-1] != '}' || traceID == "" {
		return obj
	}
	return appendTraceID(obj[:len(obj)-1], len(obj) == 2, traceID) // in place when obj has room
}

// appendTraceID appends the traceId member and the closing brace to b, an
// object without its closing brace (empty: with no member before it).
func appendTraceID(b []byte, empty bool, traceID string) []byte {
	if !empty {
		b = append(b, ',')
	}
	b = append(b, `"traceId":"`...)
	b = append(b, traceID...)
	return append(b, `"}`...)
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

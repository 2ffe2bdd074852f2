package mockserver

import (
	"errors"
	"io"
	"net/http"
	"time"
)

// What happens to a request body the mock will not use: one over the size
// limit (413), or one sent with a request refused before its body is read
// (401, 429, …). Most clients send the whole body before they read the
// answer; if the mock answered and closed the connection with the body
// still arriving, the kernel would reset it, and the reset destroys the
// answer on its way: the client sees a broken pipe instead of its 413.
// So the mock reads the rest of the body and throws it away — up to
// maxDrain, and within the time the client has for its body
// (Config.BodyTimeout, serve's --body-timeout), or refusedBodyGrace for a
// request without a valid token — and only then answers. A body larger than that is cut off
// and its connection closed after the answer.

// maxDrain is the most of a refused body the mock reads to throw away.
const maxDrain = 16 << 20

// refusedBodyGrace is how long a request refused before it showed a valid
// token may take to finish sending its body: such a request holds its
// connection for no longer.
const refusedBodyGrace = time.Second

// drainBody reads and discards what remains of r's body, up to maxDrain.
// It reports whether the body was read to its end; when it was not, the
// answer asks for the connection to be closed, since what follows on it
// is more body and not a request.
func drainBody(w http.ResponseWriter, r *http.Request) bool {
	if r.Body == nil || r.Body == http.NoBody {
		return true
	}
	_, err := io.CopyN(io.Discard, r.Body, maxDrain)
	if errors.Is(err, io.EOF) || errors.Is(err, http.ErrBodyReadAfterClose) {
		return true
	}
	w.Header().Set("Connection", "close")
	return false
}

// settleBody is drainBody for a request refused before its body was read:
// without a valid token it gets refusedBodyGrace to finish sending.
func (s *Server) settleBody(w http.ResponseWriter, rq *request) {
	if rq.bodyDone || rq.r.ContentLength == 0 {
		return
	}
	rq.bodyDone = true
	if rq.token == nil {
		_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(refusedBodyGrace))
	}
	drainBody(w, rq.r)
}

// limitBodyTime gives a request with a body Config.BodyTimeout, from now,
// to send all of it; a slower one has its connection's reads fail (the
// handler sees a read error, the connection is closed). The deadline is
// lifted as soon as the body has been read to its end: left armed, the
// server's background read, which watches for the client going away while
// the handler runs, would hit it and cancel the request's context.
// (http.Server.ReadTimeout runs from the start of the headers instead, and
// stays armed so.) A fault's delay calls it again once the delay is over.
func (s *Server) limitBodyTime(w http.ResponseWriter, r *http.Request) {
	if s.cfg.BodyTimeout <= 0 || r.ContentLength == 0 || r.Body == nil || r.Body == http.NoBody {
		return
	}
	db, ok := r.Body.(*deadlineBody)
	if ok && db.done {
		return
	}
	rc := http.NewResponseController(w)
	if rc.SetReadDeadline(time.Now().Add(s.cfg.BodyTimeout)) != nil {
		return // not a connection (a test's recorder): nothing to bound
	}
	if !ok {
		r.Body = &deadlineBody{ReadCloser: r.Body, rc: rc}
	}
}

// deadlineBody lifts the read deadline once the body has been read whole.
type deadlineBody struct {
	io.ReadCloser
	rc   *http.ResponseController
	done bool
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF && !b.done {
		b.done = true
		_ = b.rc.SetReadDeadline(time.Time{})
	}
	return n, err
}

// Package connlimit caps the connections an HTTP server holds open, so that
// clients holding connections (idle keep-alives, sockets opened and never
// written to) cannot exhaust the process's file descriptors and lock every
// other client out.
//
// A Listener wraps the server's listener; the server reports each
// connection's state to Listener.ConnState (http.Server.ConnState). When a
// new connection arrives and the cap is reached, the listener closes the
// connection that is least useful to keep — an idle keep-alive connection
// idle for at least Options.IdleFor, else one that has sent nothing at all
// for that long — and admits the new one. When every connection is busy, it
// answers the new one a 503 with Retry-After: 1 itself, in GHL's error shape,
// and closes it: the client is told to come back rather than left hanging.
package connlimit

import (
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure a Listener.
type Options struct {
	// Max is the most connections open at once; it must be > 0 (DefaultMax
	// derives one from the file-descriptor limit).
	Max int
	// IdleFor is how long a connection must have been idle (or silent since
	// it was accepted) before it may be closed to make room; 0 means 1 s.
	IdleFor time.Duration
	// Logger receives a warning, at most every 10 s, while connections are
	// evicted or refused; nil discards.
	Logger *slog.Logger
}

// maxRefusing bounds the refusals being written at once: each holds a
// file descriptor for up to refusalLinger. Beyond it a connection is closed
// without an answer.
const maxRefusing = 64

// refusalLinger is how long a refused connection is kept open after its 503
// for the client to read it (and close its end, so that no reset destroys
// the answer in flight).
const refusalLinger = time.Second

// refusal is the answer to a connection the cap leaves no room for.
var refusal = func() []byte {
	body := `{"statusCode":503,"message":"The server has too many open connections; retry in a second","error":"Service Unavailable"}`
	return []byte("HTTP/1.1 503 Service Unavailable\r\n" +
		"Content-Type: application/json; charset=utf-8\r\n" +
		"Retry-After: 1\r\n" +
		"Connection: close\r\n" +
		"Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body)
}()

// Listener is a net.Listener that admits at most Options.Max connections.
type Listener struct {
	net.Listener
	max     int
	idleFor time.Duration
	log     *slog.Logger
	now     func() time.Time

	mu    sync.Mutex
	conns map[net.Conn]*connInfo

	refusing atomic.Int32
	evicted  atomic.Uint64
	refused  atomic.Uint64
	lastWarn atomic.Int64 // unix nanoseconds of the last warning
}

type connInfo struct {
	state http.ConnState
	since time.Time // when it entered state
}

// New wraps ln. Set the server's ConnState to the listener's ConnState, or
// connections are never seen to be idle (and never leave the count before
// they close).
func New(ln net.Listener, opts Options) (*Listener, error) {
	if opts.Max <= 0 {
		return nil, errors.New("connlimit: Max must be at least 1")
	}
	if opts.IdleFor <= 0 {
		opts.IdleFor = time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Listener{Listener: ln, max: opts.Max, idleFor: opts.IdleFor, log: opts.Logger, now: time.Now,
		conns: make(map[net.Conn]*connInfo, min(opts.Max, 1024))}, nil
}

// Accept waits for a connection there is room for, making room when it can
// and refusing the connections it cannot make room for.
func (l *Listener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if l.admit(c) {
			return c, nil
		}
	}
}

func (l *Listener) admit(c net.Conn) bool {
	now := l.now()
	l.mu.Lock()
	var victim net.Conn
	if len(l.conns) >= l.max {
		victim = l.victimLocked(now)
		if victim == nil {
			l.mu.Unlock()
			l.refused.Add(1)
			l.warn(now, "connection limit reached and every connection busy: refusing new connections with 503")
			l.refuse(c)
			return false
		}
		delete(l.conns, victim) // counted out now: its StateClosed comes later
	}
	l.conns[c] = &connInfo{state: http.StateNew, since: now}
	l.mu.Unlock()
	if victim != nil {
		l.evicted.Add(1)
		l.warn(now, "connection limit reached: closing idle connections to make room")
		_ = victim.Close()
	}
	return true
}

// victimLocked picks the connection to close for a new one: the longest
// idle keep-alive connection idle for IdleFor, else the oldest connection
// that has sent nothing since it was accepted IdleFor ago, else none.
func (l *Listener) victimLocked(now time.Time) net.Conn {
	cutoff := now.Add(-l.idleFor)
	var idle, silent net.Conn
	var idleSince, silentSince time.Time
	for c, ci := range l.conns {
		if ci.since.After(cutoff) {
			continue
		}
		switch ci.state {
		case http.StateIdle:
			if idle == nil || ci.since.Before(idleSince) {
				idle, idleSince = c, ci.since
			}
		case http.StateNew:
			if silent == nil || ci.since.Before(silentSince) {
				silent, silentSince = c, ci.since
			}
		}
	}
	if idle != nil {
		return idle
	}
	return silent
}

// refuse answers c 503 and closes it, in the background; when too many
// refusals are under way already, it just closes c.
func (l *Listener) refuse(c net.Conn) {
	if l.refusing.Add(1) > maxRefusing {
		l.refusing.Add(-1)
		_ = c.Close()
		return
	}
	go func() {
		defer l.refusing.Add(-1)
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(refusalLinger))
		if _, err := c.Write(refusal); err != nil {
			return
		}
		// Half-close, then read what the client sends until it closes its
		// end: closing with its request unread would reset the connection,
		// and a reset can destroy the 503 before the client reads it.
		if cw, ok := c.(interface{ CloseWrite() error }); ok {
			_ = cw.CloseWrite()
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(c, 1<<20))
	}()
}

// ConnState tracks the state of each connection; set it as the server's
// http.Server.ConnState.
func (l *Listener) ConnState(c net.Conn, state http.ConnState) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch state {
	case http.StateClosed, http.StateHijacked:
		delete(l.conns, c)
	default:
		// admit has put the connection in StateNew at its accept time; the
		// server's own StateNew report comes later and must not move it.
		if ci := l.conns[c]; ci != nil && ci.state != state {
			ci.state, ci.since = state, l.now()
		}
	}
}

// Stats are a Listener's counters.
type Stats struct {
	Open    int    // connections open now
	Evicted uint64 // idle or silent connections closed to make room
	Refused uint64 // connections answered 503 (or closed) for want of room
}

// Stats returns the listener's counters.
func (l *Listener) Stats() Stats {
	l.mu.Lock()
	open := len(l.conns)
	l.mu.Unlock()
	return Stats{Open: open, Evicted: l.evicted.Load(), Refused: l.refused.Load()}
}

// warn logs msg at most every 10 s, with the counters.
func (l *Listener) warn(now time.Time, msg string) {
	last := l.lastWarn.Load()
	if now.UnixNano()-last < int64(10*time.Second) || !l.lastWarn.CompareAndSwap(last, now.UnixNano()) {
		return
	}
	st := l.Stats()
	l.log.Warn(msg, "max", l.max, "open", st.Open, "evicted", st.Evicted, "refused", st.Refused)
}

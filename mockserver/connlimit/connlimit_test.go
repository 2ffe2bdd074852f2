package connlimit

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// serve starts an HTTP server behind a Listener of max connections; its
// handler answers "ok", or waits on hold for the path /hold.
func serve(t *testing.T, max int) (*Listener, *fakeClock, string, chan struct{}) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	l, err := New(ln, Options{Max: max})
	require.NoError(t, err)
	clock := &fakeClock{t: time.Unix(1_800_000_000, 0)}
	l.now = clock.now
	hold := make(chan struct{})
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/hold" {
				<-hold
			}
			_, _ = io.WriteString(w, "ok")
		}),
		ConnState: l.ConnState,
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() {
		select {
		case <-hold:
		default:
			close(hold)
		}
		_ = srv.Close()
	})
	return l, clock, ln.Addr().String(), hold
}

// conn is a raw client connection.
type conn struct {
	net.Conn
	r *bufio.Reader
}

func dial(t *testing.T, addr string) *conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	_ = c.SetDeadline(time.Now().Add(30 * time.Second)) // a hung test fails rather than hangs
	return &conn{Conn: c, r: bufio.NewReader(c)}
}

// get sends GET path on the connection (kept alive) and returns the answer.
func (c *conn) get(t *testing.T, path string) (*http.Response, string) {
	t.Helper()
	_, err := fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", path)
	require.NoError(t, err)
	res, err := http.ReadResponse(c.r, nil)
	require.NoError(t, err)
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res, string(b)
}

// waitFor polls the listener until cond holds of its connections' states
// (the server reports a state just after the client may see the answer).
func waitFor(t *testing.T, l *Listener, what string, cond func(states map[http.ConnState]int) bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		l.mu.Lock()
		states := map[http.ConnState]int{}
		for _, ci := range l.conns {
			states[ci.state]++
		}
		l.mu.Unlock()
		if cond(states) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("never %s: %v", what, states)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestAnIdleConnectionMakesRoomForANewOne(t *testing.T) {
	l, clock, addr, _ := serve(t, 2)
	a, b := dial(t, addr), dial(t, addr)
	a.get(t, "/")
	b.get(t, "/")
	waitFor(t, l, "two idle", func(s map[http.ConnState]int) bool { return s[http.StateIdle] == 2 })
	clock.advance(2 * time.Second)

	c := dial(t, addr)
	res, body := c.get(t, "/")
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, "ok", body)
	st := l.Stats()
	assert.Equal(t, uint64(1), st.Evicted)
	assert.Equal(t, 2, st.Open)
	// One of a and b was closed: its next read ends.
	closed := 0
	for _, old := range []*conn{a, b} {
		_ = old.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
		if _, err := old.r.ReadByte(); err == io.EOF {
			closed++
		}
	}
	assert.Equal(t, 1, closed, "exactly one idle connection was closed")
}

func TestASilentConnectionMakesRoomWhenNoneIsIdle(t *testing.T) {
	l, clock, addr, _ := serve(t, 1)
	silent := dial(t, addr) // accepted, never writes
	waitFor(t, l, "one new", func(s map[http.ConnState]int) bool { return s[http.StateNew] == 1 })
	clock.advance(2 * time.Second)

	res, _ := dial(t, addr).get(t, "/")
	assert.Equal(t, http.StatusOK, res.StatusCode)
	_, err := silent.r.ReadByte()
	assert.Equal(t, io.EOF, err, "the silent connection was closed")
}

func TestBusyConnectionsAreKeptAndTheNewOneIsAnswered503(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, l *Listener, clock *fakeClock, addr string)
	}{
		{"a request in flight", func(t *testing.T, l *Listener, clock *fakeClock, addr string) {
			c := dial(t, addr)
			_, err := fmt.Fprintf(c, "GET /hold HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
			require.NoError(t, err)
			waitFor(t, l, "one active", func(s map[http.ConnState]int) bool { return s[http.StateActive] == 1 })
			clock.advance(time.Hour)
		}},
		{"idle for less than a second", func(t *testing.T, l *Listener, clock *fakeClock, addr string) {
			dial(t, addr).get(t, "/")
			waitFor(t, l, "one idle", func(s map[http.ConnState]int) bool { return s[http.StateIdle] == 1 })
			clock.advance(500 * time.Millisecond)
		}},
		{"silent for less than a second", func(t *testing.T, l *Listener, clock *fakeClock, addr string) {
			dial(t, addr)
			waitFor(t, l, "one new", func(s map[http.ConnState]int) bool { return s[http.StateNew] == 1 })
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, clock, addr, _ := serve(t, 1)
			tc.setup(t, l, clock, addr)

			res, body := dial(t, addr).get(t, "/")
			assert.Equal(t, http.StatusServiceUnavailable, res.StatusCode)
			assert.Equal(t, "1", res.Header.Get("Retry-After"))
			assert.Equal(t, "application/json; charset=utf-8", res.Header.Get("Content-Type"))
			var e struct {
				StatusCode int    `json:"statusCode"`
				Message    string `json:"message"`
				Error      string `json:"error"`
			}
			require.NoError(t, json.Unmarshal([]byte(body), &e), body)
			assert.Equal(t, 503, e.StatusCode)
			assert.Equal(t, "Service Unavailable", e.Error)
			assert.NotEmpty(t, e.Message)
			st := l.Stats()
			assert.Equal(t, uint64(1), st.Refused)
			assert.Equal(t, uint64(0), st.Evicted)
			assert.Equal(t, 1, st.Open)
		})
	}
}

func TestClosedConnectionsLeaveTheCount(t *testing.T) {
	l, _, addr, _ := serve(t, 1)
	for range 5 { // each closes before the next: none needs room made
		c := dial(t, addr)
		c.get(t, "/")
		require.NoError(t, c.Close())
		waitFor(t, l, "none open", func(s map[http.ConnState]int) bool { return len(s) == 0 })
	}
	st := l.Stats()
	assert.Equal(t, Stats{}, st)
}

func TestDefaultMaxLeavesAReserve(t *testing.T) {
	for _, tc := range []struct {
		limit uint64
		want  int
	}{
		{0, 896},
		{1024, 896},
		{256, 192},
		{64, 16},
		{20_000, 4096},
		{1 << 20, DefaultCap},
	} {
		assert.Equal(t, tc.want, maxFor(tc.limit), "limit %d", tc.limit)
	}
	assert.Positive(t, DefaultMax())
}

func TestNewRefusesAZeroMax(t *testing.T) {
	_, err := New(nil, Options{})
	assert.Error(t, err)
}

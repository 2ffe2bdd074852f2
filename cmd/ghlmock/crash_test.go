package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests here run ghlmock serve as a process of its own — the test binary
// started again with childEnv set, which makes TestMain run the command
// instead of the tests — so that it can be killed with SIGKILL or stopped
// with SIGTERM like the real binary.

const (
	childEnv       = "GHLMOCK_TEST_CHILD_ARGS"
	childNofileEnv = "GHLMOCK_TEST_CHILD_NOFILE"
)

func TestMain(m *testing.M) {
	if args := os.Getenv(childEnv); args != "" {
		var argv []string
		if err := json.Unmarshal([]byte(args), &argv); err != nil {
			fmt.Fprintln(os.Stderr, "bad", childEnv, err)
			os.Exit(2)
		}
		os.Args = append([]string{"ghlmock"}, argv...)
		if n, err := strconv.ParseUint(os.Getenv(childNofileEnv), 10, 64); err == nil {
			// A file-descriptor limit for the bounds tests (bounds_test.go).
			if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &syscall.Rlimit{Cur: n, Max: n}); err != nil {
				fmt.Fprintln(os.Stderr, "setrlimit:", err)
				os.Exit(2)
			}
		}
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// child is a ghlmock serve process.
type child struct {
	cmd    *exec.Cmd
	base   string
	stderr *syncBuffer
	exited chan error
}

// startChild starts ghlmock serve with args in a process of its own.
func startChild(t *testing.T, args ...string) *child {
	t.Helper()
	return startChildEnv(t, nil, args...)
}

// startChildEnv is startChild with more environment variables.
func startChildEnv(t *testing.T, env []string, args ...string) *child {
	t.Helper()
	raw, _ := json.Marshal(append([]string{"serve", "--addr", "127.0.0.1:0", "--burst-limit", "100000000", "--daily-limit", "1000000000"}, args...))
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), env...), childEnv+"="+string(raw))
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	c := &child{cmd: cmd, stderr: &syncBuffer{}, exited: make(chan error, 1)}
	cmd.Stderr = c.stderr
	require.NoError(t, cmd.Start())
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				lines <- m[1]
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	go func() { c.exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-c.exitedOnce()
	})
	select {
	case c.base = <-lines:
		return c
	case err := <-c.exited:
		c.exited <- err
		t.Fatalf("ghlmock serve exited before listening: %v\n%s", err, c.stderr.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("ghlmock serve never listened:\n%s", c.stderr.String())
	}
	return nil
}

func (c *child) exitedOnce() <-chan error {
	out := make(chan error, 1)
	go func() {
		err := <-c.exited
		c.exited <- err
		out <- err
	}()
	return out
}

// do sends an API request with the read-write token and returns the status
// and body; a connection error gives status 0.
func (c *child) do(method, path, body string) (int, map[string]any) {
	req, _ := http.NewRequest(method, c.base+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer pit-1a2b3c4d-0001-4000-8000-000000000001")
	req.Header.Set("Version", "2021-07-28")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil
	}
	defer res.Body.Close()
	var m map[string]any
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, nil // the answer did not arrive whole: not acknowledged
	}
	_ = json.Unmarshal(raw, &m)
	return res.StatusCode, m
}

const loc = "O9hFAiOh29oB93c0F6UJ"

// ledger is what the writers were told, and what they tried without an
// answer (a write in flight when the process died may or may not be there).
type ledger struct {
	mu       sync.Mutex
	created  map[string]string // contact id → email, acknowledged
	city     map[string]string // contact id → the city last acknowledged
	inflight map[string]string // contact id → a city sent without an answer
	deleted  map[string]bool   // acknowledged deletes
	deleting map[string]bool   // deletes sent without an answer: either outcome is right
	tasks    map[string]string // task id → its contact, acknowledged
	acks     int
}

// writer writes until the process dies: creates, updates, tasks, deletes,
// each of its own contacts only, so the expected state is exact.
func (l *ledger) writer(c *child, n int, stop <-chan struct{}) {
	r := rand.New(rand.NewPCG(uint64(n), 7))
	var mine []string
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		default:
		}
		switch {
		case len(mine) == 0 || r.IntN(4) == 0:
			email := fmt.Sprintf("w%d-%d-%d@example.com", n, i, r.IntN(1e9))
			status, body := c.do("POST", "/contacts/", fmt.Sprintf(`{"locationId":%q,"firstName":"W%d","email":%q}`, loc, n, email))
			if status == 0 {
				return
			}
			if status == http.StatusCreated {
				id := body["contact"].(map[string]any)["id"].(string)
				l.mu.Lock()
				l.created[id], l.acks = email, l.acks+1
				l.mu.Unlock()
				mine = append(mine, id)
			}
		case r.IntN(8) == 0:
			id := mine[len(mine)-1]
			mine = mine[:len(mine)-1]
			l.mu.Lock()
			l.deleting[id] = true
			l.mu.Unlock()
			status, _ := c.do("DELETE", "/contacts/"+id, "")
			if status == 0 {
				return
			}
			if status == http.StatusOK {
				l.mu.Lock()
				l.deleted[id], l.acks = true, l.acks+1
				l.mu.Unlock()
			}
		case r.IntN(3) == 0:
			id := mine[r.IntN(len(mine))]
			status, body := c.do("POST", "/contacts/"+id+"/tasks", `{"title":"call","dueDate":"2026-12-01T10:00:00Z","completed":false}`)
			if status == 0 {
				return
			}
			if status == http.StatusCreated {
				l.mu.Lock()
				l.tasks[body["task"].(map[string]any)["id"].(string)], l.acks = id, l.acks+1
				l.mu.Unlock()
			}
		default:
			id := mine[r.IntN(len(mine))]
			city := fmt.Sprintf("city-%d-%d", n, i)
			l.mu.Lock()
			l.inflight[id] = city
			l.mu.Unlock()
			status, _ := c.do("PUT", "/contacts/"+id, fmt.Sprintf(`{"city":%q}`, city))
			if status == 0 {
				return
			}
			if status == http.StatusOK {
				l.mu.Lock()
				l.city[id], l.acks = city, l.acks+1
				delete(l.inflight, id)
				l.mu.Unlock()
			}
		}
	}
}

// check verifies every acknowledged write against the restarted mock and
// returns how many it checked.
func (l *ledger) check(t *testing.T, c *child) int {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	lost := 0
	for id, email := range l.created {
		status, body := c.do("GET", "/contacts/"+id, "")
		if l.deleting[id] && !l.deleted[id] && status == http.StatusBadRequest {
			continue // deleted by the delete that was in flight when the process died
		}
		if l.deleted[id] {
			if !assert.Equal(t, http.StatusBadRequest, status, "acknowledged delete of %s lost", id) {
				lost++
			}
			continue
		}
		if !assert.Equal(t, http.StatusOK, status, "acknowledged create of %s lost", id) {
			lost++
			continue
		}
		got := body["contact"].(map[string]any)
		assert.Equal(t, email, got["email"])
		if want, ok := l.city[id]; ok {
			city, _ := got["city"].(string)
			if city != want && city != l.inflight[id] {
				lost++
				t.Errorf("contact %s: city %q, want the acknowledged %q (or the unanswered %q)", id, city, want, l.inflight[id])
			}
		}
	}
	for task, contact := range l.tasks {
		if l.deleted[contact] || l.deleting[contact] {
			continue // a deleted contact's tasks are unreachable through the API
		}
		status, _ := c.do("GET", "/contacts/"+contact+"/tasks/"+task, "")
		if !assert.Equal(t, http.StatusOK, status, "acknowledged task %s lost", task) {
			lost++
		}
	}
	assert.Zero(t, lost, "acknowledged writes lost")
	return l.acks
}

func newLedger() *ledger {
	return &ledger{created: map[string]string{}, city: map[string]string{}, inflight: map[string]string{},
		deleted: map[string]bool{}, deleting: map[string]bool{}, tasks: map[string]string{}}
}

// TestKillNineLosesNoAcknowledgedWrite: four concurrent writers, SIGKILL at
// a random moment, a restart on the same --state: every write that was
// answered is there, in five rounds on the same database (each round's
// writes on top of the last's), and the state loads, whole, every time.
func TestKillNineLosesNoAcknowledgedWrite(t *testing.T) {
	const perRound = 250
	state := filepath.Join(t.TempDir(), "state.db")
	l := newLedger()
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	for round := 1; round <= 5; round++ {
		c := startChild(t, "--contacts", "5", "--state", state)
		if round > 1 {
			l.check(t, c) // the previous rounds' writes, after this restart
		}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for n := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				l.writer(c, round*10+n, stop)
			}()
		}
		// Kill once this round has had its share of acknowledged writes (a
		// count, not a time: the machine may be slow), at a random moment
		// after that.
		require.Eventually(t, func() bool {
			l.mu.Lock()
			defer l.mu.Unlock()
			return l.acks >= round*perRound
		}, 2*time.Minute, 5*time.Millisecond, "round %d: the writers got no %d writes acknowledged", round, perRound)
		time.Sleep(time.Duration(r.IntN(400)) * time.Millisecond)
		require.NoError(t, c.cmd.Process.Signal(syscall.SIGKILL))
		<-c.exitedOnce()
		close(stop)
		wg.Wait()
	}
	c := startChild(t, "--contacts", "5", "--state", state)
	acks := l.check(t, c)
	assert.GreaterOrEqual(t, acks, 5*perRound, "every round's acknowledged writes are counted")
	status, _ := c.do("GET", "/_mock/state", "")
	assert.Equal(t, http.StatusOK, status, "the whole state exports")
	t.Logf("%d acknowledged writes over 5 kills, none lost", acks)
}

// TestSIGTERMWithAStalledClientLosesNothing: a client stalled in the middle
// of an upload (no token needed) neither keeps the mock from stopping nor
// costs a write: after --shutdown-grace the mock closes it, closes the
// database cleanly and exits 0.
func TestSIGTERMWithAStalledClientLosesNothing(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state.db")
	c := startChild(t, "--contacts", "5", "--state", state, "--shutdown-grace", "500ms")
	l := newLedger()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for n := range 4 {
		wg.Add(1)
		go func() { defer wg.Done(); l.writer(c, n, stop) }()
	}
	time.Sleep(300 * time.Millisecond)
	conn, err := net.Dial("tcp", strings.TrimPrefix(c.base, "http://"))
	require.NoError(t, err)
	defer conn.Close()
	_, err = fmt.Fprintf(conn, "POST /contacts/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"locationId\":")
	require.NoError(t, err)
	time.Sleep(100 * time.Millisecond)
	close(stop)
	wg.Wait()

	start := time.Now()
	require.NoError(t, c.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-c.exitedOnce():
		assert.NoError(t, err, "a graceful stop exits 0:\n%s", c.stderr.String())
	case <-time.After(15 * time.Second):
		t.Fatal("the mock did not stop with a stalled client")
	}
	assert.Less(t, time.Since(start), 10*time.Second)
	c2 := startChild(t, "--contacts", "5", "--state", state)
	assert.Greater(t, l.check(t, c2), 10)
	assert.NotContains(t, c2.stderr.String(), "not closed cleanly", "the database was closed cleanly")
}

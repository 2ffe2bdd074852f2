package mockserver

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/webhooks"
)

// The stage queues the changes in the order they were handed over, tells
// whether any is still on its way, and after stop drops what it is given
// without ever making a writer wait.
func TestTheChangeStageKeepsTheWritesOrder(t *testing.T) {
	st := newChangeStage()
	release := make(chan struct{})
	var mu sync.Mutex
	var got []string
	st.start(func(c crm.Change, _ webhooks.Mark) {
		<-release
		mu.Lock()
		got = append(got, c.ID)
		mu.Unlock()
	}, func() {})
	var want []string
	var writer sync.Mutex // the location's write lock: changes are handed over in the order it lets writers in
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				writer.Lock()
				id := fmt.Sprintf("w%d-%d", w, i)
				want = append(want, id)
				st.put(crm.Change{Kind: crm.KindContact, ID: id}, webhooks.Mark{})
				writer.Unlock()
			}
		}()
	}
	wg.Wait()
	assert.True(t, st.busy(), "200 changes on their way")
	close(release)
	require.Eventually(t, func() bool { return !st.busy() }, 10*time.Second, time.Millisecond, "all queued")
	mu.Lock()
	assert.Equal(t, want, got, "queued in the order they were handed over")
	mu.Unlock()

	st.stop()
	done := make(chan struct{})
	go func() {
		for range 2 * stageSize {
			st.put(crm.Change{Kind: crm.KindContact, ID: "late"}, webhooks.Mark{})
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("a writer waited on a stopped stage")
	}
	st.stop() // twice is harmless
}

// A reset clears the deliveries of the writes before it with the rest,
// even those whose changes are still in the stage when it answers: none
// is made after the reset.
func TestAResetClearsWhatTheStageHeld(t *testing.T) {
	var hits sync.Map
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		hits.Store(fmt.Sprint(time.Now().UnixNano()), string(b))
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(rcv.Close)
	s, err := New(Config{Webhooks: WebhookConfig{URLs: []string{rcv.URL}}})
	require.NoError(t, err)
	t.Cleanup(s.Close)

	// Hold the stage's queueing up, as a busy machine might.
	s.hooks.stage.stop()
	st := newChangeStage()
	release := make(chan struct{})
	st.start(func(c crm.Change, m webhooks.Mark) {
		<-release
		s.queueChange(c, m)
	}, s.hooks.engine.Unstaged)
	s.hooks.stage = st // the engine asks the hub's stage (Config.Staged)

	call := func(method, path, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		if !strings.HasPrefix(path, "/_mock/") {
			req.Header.Set("Authorization", "Bearer pit-1a2b3c4d-0001-4000-8000-000000000001")
			req.Header.Set("Version", "2021-07-28")
		}
		req.Header.Set("Content-Type", "application/json")
		req.Host, req.RemoteAddr = "127.0.0.1:8080", "127.0.0.1:50000" // the admin API answers loopback
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		return rec
	}
	rec := call(http.MethodPost, "/contacts/", `{"locationId":"O9hFAiOh29oB93c0F6UJ","email":"staged@example.com"}`)
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	require.True(t, st.busy(), "the create's change waits in the stage")

	require.Equal(t, http.StatusOK, call(http.MethodPost, "/_mock/reset", `{}`).Code, "a reset does not wait for the stage")
	close(release)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	require.NoError(t, s.hooks.engine.Flush(ctx))
	assert.Empty(t, s.hooks.engine.Deliveries(webhooks.Filter{}), "the create's delivery was cleared by the reset")
	n := 0
	hits.Range(func(_, v any) bool { n++; t.Log(v); return true })
	assert.Zero(t, n, "nothing was delivered")

	rec = call(http.MethodPost, "/contacts/", `{"locationId":"O9hFAiOh29oB93c0F6UJ","email":"after.reset@example.com"}`)
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	require.NoError(t, s.hooks.engine.Flush(ctx), "Flush waits for the stage")
	ds := s.hooks.engine.Deliveries(webhooks.Filter{})
	require.Len(t, ds, 1, "a write after the reset is delivered")
	assert.Equal(t, "ContactCreate", ds[0].Event)
}

package webhooks_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/webhooks"
)

// outbox plays the durable store the lead will write OnChange's records
// to: the latest state of every delivery, by id.
type outbox struct {
	mu      sync.Mutex
	latest  map[string]webhooks.Delivery
	changes []crm.Change
}

func newOutbox() *outbox { return &outbox{latest: map[string]webhooks.Delivery{}} }

func (o *outbox) onChange(c crm.Change) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.changes = append(o.changes, c)
	if c.After == nil {
		delete(o.latest, c.ID)
		return
	}
	o.latest[c.ID] = *c.After.(*webhooks.Delivery)
}

// saved is what a restart would read back: the stored deliveries, through
// JSON as a state file holds them.
func (o *outbox) saved(t *testing.T) []webhooks.Delivery {
	t.Helper()
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []webhooks.Delivery
	for _, d := range o.latest {
		out = append(out, d)
	}
	raw, err := json.Marshal(out)
	require.NoError(t, err)
	var back []webhooks.Delivery
	require.NoError(t, json.Unmarshal(raw, &back))
	return back
}

func TestOnChangeReportsEveryChange(t *testing.T) {
	box := newOutbox()
	clock := newClock()
	e := newEngine(t, clock, webhooks.Config{OnChange: box.onChange})
	rcv := newReceiver(t, 500)
	subscribe(t, e, webhooks.Subscription{URL: rcv.URL})
	e.Enqueue(contactCreated("a"))
	flush(t, e)
	advance(t, e, clock, 10*time.Minute)

	box.mu.Lock()
	defer box.mu.Unlock()
	require.Len(t, box.changes, 3, "created, attempted (500), attempted (200)")
	var ops []string
	for _, c := range box.changes {
		ops = append(ops, c.Cause.OperationID)
		assert.Equal(t, crm.KindDelivery, c.Kind)
		assert.Equal(t, "whd_1", c.ID)
		assert.Empty(t, c.Location, "a delivery is a server record")
		require.NotNil(t, c.After)
		assert.Equal(t, crm.KindDelivery, c.After.ChangeKind())
	}
	assert.Equal(t, []string{"webhooks:create", "webhooks:attempt", "webhooks:attempt"}, ops)
	assert.Nil(t, box.changes[0].Before)
	before := box.changes[1].Before.(*webhooks.Delivery)
	after := box.changes[1].After.(*webhooks.Delivery)
	assert.Empty(t, before.Attempts)
	assert.Len(t, after.Attempts, 1)
	assert.Equal(t, webhooks.StatusPending, after.Status)
	assert.Equal(t, webhooks.StatusSucceeded, box.changes[2].After.(*webhooks.Delivery).Status)
	assert.Equal(t, crm.MillisOf(clock.Now()), box.changes[2].Time)
}

// TestRestartLosesNoPendingRetry plays a kill -9 with a retry pending: the
// first engine is never asked to save anything; a second one starts from
// what OnChange had reported and makes the retry when it comes due, with
// the same bytes and signature.
func TestRestartLosesNoPendingRetry(t *testing.T) {
	box := newOutbox()
	rcv := newReceiver(t, 500)
	first := newEngine(t, newClock(), webhooks.Config{OnChange: box.onChange})
	subscribe(t, first, webhooks.Subscription{App: "bot", URL: rcv.URL})
	first.Enqueue(contactCreated("a"))
	flush(t, first)
	saved := box.saved(t) // the moment of the kill: the first engine's clock never moves again
	require.Len(t, saved, 1)
	require.Equal(t, webhooks.StatusPending, saved[0].Status)

	clock := newClock()
	second := newEngine(t, clock, webhooks.Config{Restore: saved, OnChange: box.onChange})
	flush(t, second)
	assert.Len(t, rcv.got(), 1, "the retry is not due yet")
	advance(t, second, clock, 10*time.Minute)
	hits := rcv.got()
	require.Len(t, hits, 2)
	assert.Equal(t, hits[0].Body, hits[1].Body)
	assert.Equal(t, hits[0].Header.Get("X-Ghl-Signature"), hits[1].Header.Get("X-Ghl-Signature"))
	d, ok := second.Delivery(saved[0].ID)
	require.True(t, ok)
	assert.Equal(t, webhooks.StatusSucceeded, d.Status)
	assert.Len(t, d.Attempts, 2)

	subscribe(t, second, webhooks.Subscription{URL: rcv.URL})
	ds, err := second.Send(contactCreated("b"))
	require.NoError(t, err)
	assert.Equal(t, "whd_2", ds[0].ID, "ids go on after the restored ones")
}

func TestRestoreSendsWhatWasInFlight(t *testing.T) {
	rcv := newReceiver(t)
	clock := newClock()
	inFlight := webhooks.Delivery{ID: "whd_7", URL: rcv.URL, Event: "ContactCreate", Body: `{"type":"ContactCreate"}`,
		Headers: map[string]string{"Content-Type": "application/json"}, Status: webhooks.StatusPending,
		CreatedAt: clock.Now(), Retry: "ghl-non2xx", TimeoutMs: 1000, Signature: webhooks.SignNone}
	done := webhooks.Delivery{ID: "whd_3", URL: rcv.URL, Event: "NoteCreate", Status: webhooks.StatusSucceeded, Retry: "none"}
	e := newEngine(t, clock, webhooks.Config{Restore: []webhooks.Delivery{inFlight, done}})
	flush(t, e)
	hits := rcv.got()
	require.Len(t, hits, 1, "the pending one is sent at once, the finished one not again")
	assert.Equal(t, `{"type":"ContactCreate"}`, string(hits[0].Body))
	all := e.Deliveries(webhooks.Filter{})
	require.Len(t, all, 2)
	assert.Equal(t, "whd_7", all[0].ID, "the log in id order, newest first")
	assert.Equal(t, "whd_3", all[1].ID)
}

func TestRestoreErrors(t *testing.T) {
	for name, saved := range map[string][]webhooks.Delivery{
		"bad retry":    {{ID: "whd_1", Retry: "sometimes"}},
		"duplicate id": {{ID: "whd_1"}, {ID: "whd_1"}},
		"empty id":     {{}},
	} {
		_, err := webhooks.New(webhooks.Config{Restore: saved})
		assert.Error(t, err, name)
	}
}

func TestDeliveryJSONKeepsTheExactBody(t *testing.T) {
	e := newEngine(t, newClock(), webhooks.Config{})
	subscribe(t, e, webhooks.Subscription{URL: "http://127.0.0.1:1/never", Retry: "none"})
	ds, err := e.Send(contactCreated("Smith & Sons <b>\u2028"))
	require.NoError(t, err)
	raw, err := json.Marshal(ds[0])
	require.NoError(t, err)
	var back webhooks.Delivery
	require.NoError(t, json.Unmarshal(raw, &back))
	assert.Equal(t, ds[0].Body, back.Body, "the signed bytes survive the state file")
	assert.True(t, webhooks.Verify(testKeys(t).PublicEd25519(), []byte(back.Body), back.Headers["X-Ghl-Signature"]))
	assert.Equal(t, ds[0], back)
}

func TestCloseKeepsEverythingEnqueued(t *testing.T) {
	box := newOutbox()
	rcv := newReceiver(t)
	e, err := webhooks.New(webhooks.Config{Keys: testKeys(t), OnChange: box.onChange})
	require.NoError(t, err)
	subscribe(t, e, webhooks.Subscription{URL: rcv.URL})
	for range 100 {
		e.Enqueue(contactCreated("a"))
	}
	require.NoError(t, e.Close(context.Background()))
	box.mu.Lock()
	defer box.mu.Unlock()
	assert.Len(t, box.latest, 100, "every enqueued event became a delivery the store knows, sent or pending")
}

// With DropOnClose, Close builds nothing more: the events still enqueued
// (here held back by an API that is always busy) stay unbuilt, and OnBuilt
// names exactly those that were built, so that an outbox keeps the others
// for the next start.
func TestCloseDropsWhatIsEnqueuedWhenToldTo(t *testing.T) {
	box := newOutbox()
	rcv := newReceiver(t)
	var mu sync.Mutex
	built := map[string]bool{}
	e, err := webhooks.New(webhooks.Config{Keys: testKeys(t), OnChange: box.onChange, DropOnClose: true,
		Busy: func() bool { return true }, BusyShare: 1e-9,
		OnBuilt: func(keys []string) {
			mu.Lock()
			defer mu.Unlock()
			for _, k := range keys {
				built[k] = true
			}
		}})
	require.NoError(t, err)
	subscribe(t, e, webhooks.Subscription{URL: rcv.URL})
	const n = 1000
	for i := range n {
		ev := contactCreated("a")
		ev.Key = fmt.Sprint("ev", i)
		e.Enqueue(ev)
	}
	require.NoError(t, e.Close(context.Background()))
	box.mu.Lock()
	defer box.mu.Unlock()
	mu.Lock()
	defer mu.Unlock()
	made := 0
	for _, c := range box.changes {
		if c.Before == nil && c.After != nil {
			made++
		}
	}
	assert.Less(t, made, n, "what was still enqueued was not built at Close")
	assert.Len(t, built, made, "OnBuilt named the events whose deliveries were made, and no others")
}

func TestCloseCancelsStuckAttempts(t *testing.T) {
	box := newOutbox()
	rcv := newReceiver(t)
	rcv.hold = make(chan struct{})
	defer close(rcv.hold)
	e, err := webhooks.New(webhooks.Config{Keys: testKeys(t), OnChange: box.onChange})
	require.NoError(t, err)
	subscribe(t, e, webhooks.Subscription{URL: rcv.URL})
	e.Enqueue(contactCreated("a"))
	require.Eventually(t, func() bool { return len(rcv.got()) == 1 }, 5*time.Second, time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	assert.ErrorIs(t, e.Close(ctx), context.DeadlineExceeded)
	box.mu.Lock()
	defer box.mu.Unlock()
	d := box.latest["whd_1"]
	assert.Equal(t, webhooks.StatusPending, d.Status, "a cancelled attempt leaves the delivery pending for the next start")
	assert.Empty(t, d.Attempts)
}

package webhooks_test

import (
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/webhooks"
)

// A reset of the mock clears the delivery log, pending retries and paused
// apps included, and tells the durable state that every delivery left; the
// retries cleared are never sent.
func TestClearEmptiesTheLogAndForgetsPendingRetries(t *testing.T) {
	clock := newClock()
	rcv := newReceiver(t, 500)
	var mu sync.Mutex
	left := map[string]bool{}
	e := newEngine(t, clock, webhooks.Config{OnChange: func(c crm.Change) {
		mu.Lock()
		defer mu.Unlock()
		if c.After == nil {
			left[c.ID] = true
		}
	}})
	subscribe(t, e, webhooks.Subscription{App: "app1", URL: rcv.URL})
	e.Enqueue(contactCreated("Ada"))
	flush(t, e)
	d := only(t, e)
	require.Equal(t, webhooks.StatusPending, d.Status, "a 500 is retried under ghl-non2xx")
	e.Pause("app1")

	e.Clear()
	assert.Empty(t, e.Deliveries(webhooks.Filter{}))
	assert.Empty(t, e.Paused())
	mu.Lock()
	assert.True(t, left[d.ID], "the durable state is told the delivery left")
	mu.Unlock()
	advance(t, e, clock, time.Hour)
	assert.Len(t, rcv.got(), 1, "the cleared retry is never sent")
	assert.Len(t, e.Subscriptions(), 1, "subscriptions stay")
}

// OnBuilt reports an event's key after its deliveries were reported to
// OnChange — even when no subscription matched it — and Clear reports the
// keys of what it dropped from the queue.
func TestOnBuiltFollowsTheDeliveries(t *testing.T) {
	var mu sync.Mutex
	var order []string
	rcv := newReceiver(t)
	e := newEngine(t, newClock(), webhooks.Config{
		OnChange: func(c crm.Change) {
			mu.Lock()
			defer mu.Unlock()
			if c.Before == nil {
				order = append(order, "delivery")
			}
		},
		OnBuilt: func(keys []string) {
			mu.Lock()
			defer mu.Unlock()
			for _, k := range keys {
				order = append(order, "built "+k)
			}
		},
	})
	subscribe(t, e, webhooks.Subscription{App: "app1", URL: rcv.URL, Events: []string{webhooks.ContactCreate}})
	ev := contactCreated("Ada")
	ev.Key = "k1"
	other := webhooks.NoteEvent(webhooks.NoteCreate, &crm.Note{ID: "n1", LocationID: locID, ContactID: contactID, Body: "x"})
	other.Key = "k2"
	e.Enqueue(ev)
	flush(t, e)
	e.Enqueue(other)
	flush(t, e)
	mu.Lock()
	assert.Equal(t, []string{"delivery", "built k1", "built k2"}, order, "k2 matched no subscription: built all the same")
	mu.Unlock()
}

// An Object survives a JSON round trip with its order and its numbers.
func TestObjectJSONRoundTrip(t *testing.T) {
	o := webhooks.Object{{"z", 1}, {"a", webhooks.Object{{"y", 1e21}, {"b", []any{"&", 2.5}}}}, {"m", nil}}
	raw, err := json.Marshal(o)
	require.NoError(t, err)
	var back webhooks.Object
	require.NoError(t, json.Unmarshal(raw, &back))
	want, err := webhooks.MarshalJS(o)
	require.NoError(t, err)
	again, err := webhooks.MarshalJS(back)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(again), "the same body: order, numbers, characters")
	assert.Equal(t, "z", back[0].Key)
	assert.Error(t, json.Unmarshal([]byte(`[1]`), &back))
}

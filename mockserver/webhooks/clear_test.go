package webhooks_test

import (
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

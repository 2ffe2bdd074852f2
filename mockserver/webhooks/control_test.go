package webhooks_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/webhooks"
)

func TestPauseAndResume(t *testing.T) {
	clock := newClock()
	e := newEngine(t, clock, webhooks.Config{})
	paused, other := newReceiver(t), newReceiver(t)
	subscribe(t, e, webhooks.Subscription{App: "bot", URL: paused.URL})
	subscribe(t, e, webhooks.Subscription{App: "other", URL: other.URL})

	e.Pause("bot")
	e.Pause("bot") // twice is once
	assert.Equal(t, []string{"bot"}, e.Paused())
	e.Enqueue(contactCreated("a"), contactCreated("b"))
	flush(t, e)
	assert.Empty(t, paused.got(), "a paused app's deliveries accumulate")
	assert.Len(t, other.got(), 2, "other apps are not held up")
	assert.Len(t, e.Deliveries(webhooks.Filter{App: "bot", Status: webhooks.StatusPending}), 2)

	e.Resume("bot")
	flush(t, e)
	assert.Len(t, paused.got(), 2, "resume drains them")
	assert.Empty(t, e.Paused())
	assert.Len(t, e.Deliveries(webhooks.Filter{Status: webhooks.StatusSucceeded}), 4)
}

func TestPauseHoldsRetries(t *testing.T) {
	clock := newClock()
	e := newEngine(t, clock, webhooks.Config{})
	rcv := newReceiver(t, 500)
	subscribe(t, e, webhooks.Subscription{App: "bot", URL: rcv.URL})
	e.Enqueue(contactCreated("a"))
	flush(t, e)
	e.Pause("bot")
	advance(t, e, clock, time.Hour)
	assert.Len(t, rcv.got(), 1, "no retry while paused")
	e.Resume("bot")
	flush(t, e)
	assert.Len(t, rcv.got(), 2)
	assert.Equal(t, webhooks.StatusSucceeded, only(t, e).Status)
}

func TestStartPaused(t *testing.T) {
	e := newEngine(t, newClock(), webhooks.Config{Paused: []string{"bot"}})
	rcv := newReceiver(t)
	subscribe(t, e, webhooks.Subscription{App: "bot", URL: rcv.URL})
	e.Enqueue(contactCreated("a"))
	flush(t, e)
	assert.Empty(t, rcv.got())
	e.Resume("bot")
	flush(t, e)
	assert.Len(t, rcv.got(), 1)
}

func TestRedeliver(t *testing.T) {
	clock := newClock()
	e := newEngine(t, clock, webhooks.Config{})
	rcv := newReceiver(t)
	subscribe(t, e, webhooks.Subscription{URL: rcv.URL, Signature: webhooks.SignEd25519RSA})
	e.Enqueue(contactCreated("a"))
	flush(t, e)
	orig := only(t, e)

	clock.Advance(time.Minute)
	same, err := e.Redeliver(orig.ID, false)
	require.NoError(t, err)
	flush(t, e)
	assert.Equal(t, orig.ID, same.RedeliveryOf)
	assert.NotEqual(t, orig.ID, same.ID)
	assert.Equal(t, orig.WebhookID, same.WebhookID, "the same webhookId, to test idempotency")
	assert.Equal(t, orig.Body, same.Body)
	assert.Equal(t, orig.Headers, same.Headers)
	assert.Equal(t, clock.Now(), same.CreatedAt)
	hits := rcv.got()
	require.Len(t, hits, 2)
	assert.Equal(t, hits[0].Body, hits[1].Body)
	assert.Equal(t, hits[0].Header.Get("X-Ghl-Signature"), hits[1].Header.Get("X-Ghl-Signature"))

	fresh, err := e.Redeliver(orig.ID, true)
	require.NoError(t, err)
	flush(t, e)
	assert.NotEqual(t, orig.WebhookID, fresh.WebhookID)
	assert.Regexp(t, `^[0-9a-f-]{36}$`, fresh.WebhookID)
	hits = rcv.got()
	require.Len(t, hits, 3)
	body := hits[2].json(t)
	assert.Equal(t, fresh.WebhookID, body["webhookId"])
	assert.Equal(t, "a", body["firstName"], "the same event")
	k := testKeys(t)
	assert.True(t, webhooks.Verify(k.PublicEd25519(), hits[2].Body, hits[2].Header.Get("X-Ghl-Signature")))
	assert.True(t, webhooks.VerifyRSA(&k.RSA.PublicKey, hits[2].Body, hits[2].Header.Get("X-Wh-Signature")))

	got, ok := e.Delivery(fresh.ID)
	require.True(t, ok)
	assert.Equal(t, webhooks.StatusSucceeded, got.Status)

	_, err = e.Redeliver("whd_404", false)
	assert.ErrorIs(t, err, webhooks.ErrNotFound)
}

func TestRecover(t *testing.T) {
	clock := newClock()
	e := newEngine(t, clock, webhooks.Config{})
	down := newReceiver(t, 500, 500, 500)
	up := newReceiver(t, 500)
	subscribe(t, e, webhooks.Subscription{App: "bot", URL: down.URL, Retry: "none"})
	subscribe(t, e, webhooks.Subscription{App: "other", URL: up.URL, Retry: "none"})

	e.Enqueue(contactCreated("before")) // bot fails, other fails
	flush(t, e)
	clock.Advance(time.Hour)
	since := clock.Now()
	e.Enqueue(contactCreated("in window 1"), contactCreated("in window 2")) // bot fails twice, other succeeds
	flush(t, e)
	clock.Advance(time.Hour)
	until := clock.Now()
	clock.Advance(time.Minute)

	got, err := e.Recover("bot", since, until)
	require.NoError(t, err)
	require.Len(t, got, 2, "the bot's two failures in the window")
	for _, d := range got {
		assert.Equal(t, "bot", d.App)
		assert.NotEmpty(t, d.RedeliveryOf)
	}
	flush(t, e)
	assert.Len(t, down.got(), 5)
	assert.Len(t, e.Deliveries(webhooks.Filter{App: "bot", Status: webhooks.StatusSucceeded}), 2)

	all, err := e.Recover("", time.Time{}, time.Time{})
	require.NoError(t, err)
	assert.Len(t, all, 4, "every failure: bot's three originals and other's one")
	flush(t, e)
}

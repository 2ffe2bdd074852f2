package main

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/ghlmocktest"
)

// TestPrepareSubscriptionRun holds the subscription pair's runs to what
// they stand for: each starts from the seeded data with nothing pending,
// the subscribed one with exactly one subscription, which delivers, the
// other with none.
func TestPrepareSubscriptionRun(t *testing.T) {
	m := ghlmocktest.New(t)
	rcv, err := startReceiver()
	require.NoError(t, err)
	defer rcv.close()
	ctx := context.Background()
	admin, user := newAPI(m.URL, ""), newAPI(m.URL, m.Token)
	create := func(email string) string {
		t.Helper()
		var out struct{ Contact struct{ ID string } }
		require.NoError(t, user.do(ctx, http.MethodPost, "/contacts/", map[string]any{"locationId": m.LocationID, "email": email}, &out))
		require.NotEmpty(t, out.Contact.ID)
		return out.Contact.ID
	}
	subscriptions := func() []string {
		t.Helper()
		var out struct{ Subscriptions []struct{ URL string } }
		require.NoError(t, admin.do(ctx, http.MethodGet, "/_mock/webhooks/subscriptions", nil, &out))
		var urls []string
		for _, s := range out.Subscriptions {
			urls = append(urls, s.URL)
		}
		return urls
	}
	flush := func() {
		require.NoError(t, admin.do(ctx, http.MethodPost, "/_mock/webhooks/flush", map[string]any{}, nil))
	}

	// A run before left a subscription of its own and a contact.
	require.NoError(t, admin.do(ctx, http.MethodPost, "/_mock/webhooks/subscriptions", map[string]any{"url": rcv.url + "?before"}, nil))
	left := create("left.behind@bench.example.com")

	require.NoError(t, prepareSubscriptionRun(ctx, admin, rcv.url, true))
	assert.Equal(t, []string{rcv.url}, subscriptions(), "one subscription, to the receiver")
	assert.ErrorContains(t, user.do(ctx, http.MethodGet, "/contacts/"+left, nil, nil), "400", "the reset put the seeded data back")
	before := rcv.received.Load()
	create("subscribed@bench.example.com")
	flush()
	assert.Equal(t, before+1, rcv.received.Load(), "the create was delivered once (ContactCreate)")

	require.NoError(t, prepareSubscriptionRun(ctx, admin, rcv.url, false))
	assert.Empty(t, subscriptions())
	before = rcv.received.Load()
	create("unsubscribed@bench.example.com")
	flush()
	assert.Equal(t, before, rcv.received.Load(), "no subscription, no delivery")
}

// Every pair flips its order each round, and the features' short runs are
// a third of a round, never under a second.
func TestInTurnAndShortRuns(t *testing.T) {
	assert.Equal(t, []string{"a", "b"}, inTurn(0, "a", "b"))
	assert.Equal(t, []string{"b", "a"}, inTurn(1, "a", "b"))
	assert.Equal(t, []string{"a", "b"}, inTurn(4, "a", "b"))
	d, n := config{duration: 10 * time.Second, rounds: 3}.shortRuns()
	assert.Equal(t, 3*time.Second, d)
	assert.Equal(t, 9, n)
	d, _ = config{duration: 2 * time.Second, rounds: 1}.shortRuns()
	assert.Equal(t, time.Second, d)
}

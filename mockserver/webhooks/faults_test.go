package webhooks_test

import (
	"encoding/base64"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/webhooks"
)

// faultOnce returns a fault hook that applies f to the first attempt it is
// asked about, and records every question.
func faultOnce(f webhooks.Fault) (webhooks.FaultFunc, func() []webhooks.AttemptInfo) {
	var mu sync.Mutex
	var asked []webhooks.AttemptInfo
	return func(a webhooks.AttemptInfo) webhooks.Fault {
			mu.Lock()
			defer mu.Unlock()
			asked = append(asked, a)
			if len(asked) == 1 {
				return f
			}
			return webhooks.Fault{}
		}, func() []webhooks.AttemptInfo {
			mu.Lock()
			defer mu.Unlock()
			return append([]webhooks.AttemptInfo(nil), asked...)
		}
}

func TestSignatureFaults(t *testing.T) {
	k := testKeys(t)
	pub := k.PublicEd25519()
	cases := []struct {
		action webhooks.FaultAction
		check  func(t *testing.T, h hit)
	}{
		{webhooks.FaultBadSignature, func(t *testing.T, h hit) {
			sig := h.Header.Get("X-Ghl-Signature")
			raw, err := base64.StdEncoding.DecodeString(sig)
			require.NoError(t, err)
			assert.Len(t, raw, 64, "well-formed")
			assert.False(t, webhooks.Verify(pub, h.Body, sig))
			assert.False(t, webhooks.VerifyRSA(&k.RSA.PublicKey, h.Body, h.Header.Get("X-Wh-Signature")))
			assert.NotEmpty(t, h.Header.Get("X-Wh-Signature"))
		}},
		{webhooks.FaultMissingSignature, func(t *testing.T, h hit) {
			assert.Empty(t, h.Header.Get("X-Ghl-Signature"))
			assert.Empty(t, h.Header.Get("X-Wh-Signature"))
		}},
		{webhooks.FaultWrongKey, func(t *testing.T, h hit) {
			sig := h.Header.Get("X-Ghl-Signature")
			raw, _ := base64.StdEncoding.DecodeString(sig)
			assert.Len(t, raw, 64)
			assert.False(t, webhooks.Verify(pub, h.Body, sig))
			assert.Empty(t, h.Header.Get("X-Wh-Signature"))
		}},
		{webhooks.FaultLegacyOnly, func(t *testing.T, h hit) {
			assert.Empty(t, h.Header.Get("X-Ghl-Signature"))
			assert.True(t, webhooks.VerifyRSA(&k.RSA.PublicKey, h.Body, h.Header.Get("X-Wh-Signature")))
		}},
		{webhooks.FaultStaleTimestamp, func(t *testing.T, h hit) {
			assert.Equal(t, "2026-12-02T09:50:00.000Z", h.json(t)["timestamp"], "10 minutes old")
			assert.True(t, webhooks.Verify(pub, h.Body, h.Header.Get("X-Ghl-Signature")), "validly signed")
			assert.True(t, webhooks.VerifyRSA(&k.RSA.PublicKey, h.Body, h.Header.Get("X-Wh-Signature")))
		}},
	}
	for _, c := range cases {
		t.Run(string(c.action), func(t *testing.T) {
			clock := newClock()
			hook, asked := faultOnce(webhooks.Fault{Action: c.action})
			e := newEngine(t, clock, webhooks.Config{Faults: hook, Stamp: clock.Now})
			rcv := newReceiver(t)
			subscribe(t, e, webhooks.Subscription{App: "bot", URL: rcv.URL, Signature: webhooks.SignEd25519RSA})
			e.Enqueue(contactCreated("a"))
			flush(t, e)
			hits := rcv.got()
			require.Len(t, hits, 1)
			c.check(t, hits[0])
			d := only(t, e)
			assert.Equal(t, string(c.action), d.Attempts[0].Fault)
			assert.Equal(t, hits[0].Header.Get("X-Ghl-Signature"), d.Attempts[0].Headers["X-Ghl-Signature"], "the log shows what was sent")
			assert.True(t, webhooks.Verify(pub, []byte(d.Body), d.Headers["X-Ghl-Signature"]), "the delivery itself is intact")
			require.Len(t, asked(), 1)
			a := asked()[0]
			assert.Equal(t, webhooks.AttemptInfo{DeliveryID: d.ID, Subscription: d.Subscription, App: "bot", URL: rcv.URL,
				Event: "ContactCreate", WebhookID: d.WebhookID, LocationID: locID, ContactID: contactID, TraceID: "trace-1", Attempt: 1}, a)
		})
	}
}

func TestStaleTimestampBy(t *testing.T) {
	clock := newClock()
	hook, _ := faultOnce(webhooks.Fault{Action: webhooks.FaultStaleTimestamp, StaleBy: time.Hour})
	e := newEngine(t, clock, webhooks.Config{Faults: hook, Stamp: clock.Now})
	rcv := newReceiver(t)
	subscribe(t, e, webhooks.Subscription{URL: rcv.URL})
	e.Enqueue(contactCreated("a"))
	flush(t, e)
	assert.Equal(t, "2026-12-02T09:00:00.000Z", rcv.got()[0].json(t)["timestamp"])
}

func TestDropFault(t *testing.T) {
	hook, _ := faultOnce(webhooks.Fault{Action: webhooks.FaultDrop})
	clock := newClock()
	e := newEngine(t, clock, webhooks.Config{Faults: hook})
	rcv := newReceiver(t)
	subscribe(t, e, webhooks.Subscription{URL: rcv.URL})
	e.Enqueue(contactCreated("a"))
	flush(t, e)
	advance(t, e, clock, time.Hour)
	assert.Empty(t, rcv.got(), "never sent")
	d := only(t, e)
	assert.Equal(t, webhooks.StatusFailed, d.Status, "and not retried")
	assert.Equal(t, "drop", d.Attempts[0].Fault)
}

func TestDelayFault(t *testing.T) {
	hook, asked := faultOnce(webhooks.Fault{Action: webhooks.FaultDelay, Delay: 5 * time.Minute})
	clock := newClock()
	e := newEngine(t, clock, webhooks.Config{Faults: hook})
	rcv := newReceiver(t)
	subscribe(t, e, webhooks.Subscription{URL: rcv.URL})
	e.Enqueue(contactCreated("a"))
	flush(t, e)
	assert.Empty(t, rcv.got())
	d := only(t, e)
	assert.Equal(t, webhooks.StatusPending, d.Status)
	assert.Equal(t, clock.Now().Add(5*time.Minute), d.NextAttemptAt)
	advance(t, e, clock, 4*time.Minute)
	assert.Empty(t, rcv.got())
	advance(t, e, clock, time.Minute)
	assert.Len(t, rcv.got(), 1)
	assert.Len(t, asked(), 1, "a delayed attempt is not asked again")
	d = only(t, e)
	assert.Equal(t, webhooks.StatusSucceeded, d.Status)
	assert.Empty(t, d.Attempts[0].Fault)
}

func TestDuplicateFault(t *testing.T) {
	hook, _ := faultOnce(webhooks.Fault{Action: webhooks.FaultDuplicate})
	clock := newClock()
	e := newEngine(t, clock, webhooks.Config{Faults: hook})
	rcv := newReceiver(t, 429)
	subscribe(t, e, webhooks.Subscription{URL: rcv.URL, Retry: "ghl-429"})
	e.Enqueue(contactCreated("a"))
	flush(t, e)
	hits := rcv.got()
	require.Len(t, hits, 2)
	assert.Equal(t, hits[0].Body, hits[1].Body)
	assert.Equal(t, hits[0].Header.Get("X-Ghl-Signature"), hits[1].Header.Get("X-Ghl-Signature"))
	d := only(t, e)
	require.Len(t, d.Attempts, 2)
	assert.Equal(t, 429, d.Attempts[0].Status)
	assert.Equal(t, 200, d.Attempts[1].Status)
	assert.Equal(t, "duplicate", d.Attempts[1].Fault)
	assert.Equal(t, webhooks.StatusPending, d.Status, "the first answer decides")
	advance(t, e, clock, 10*time.Minute)
	d = only(t, e)
	require.Len(t, d.Attempts, 3)
	assert.Equal(t, 3, d.Attempts[2].N)
	assert.Equal(t, webhooks.StatusSucceeded, d.Status)
}

func TestReorderFault(t *testing.T) {
	hook, _ := faultOnce(webhooks.Fault{Action: webhooks.FaultReorder})
	e := newEngine(t, newClock(), webhooks.Config{Faults: hook, Workers: 1})
	rcv := newReceiver(t)
	subscribe(t, e, webhooks.Subscription{URL: rcv.URL})
	create := contactCreated("a")
	update := webhooks.ContactEvent(webhooks.ContactUpdate, &crm.Contact{ID: contactID, LocationID: locID, FirstName: "b"})
	e.Enqueue(create, update)
	flush(t, e)
	hits := rcv.got()
	require.Len(t, hits, 2)
	assert.Equal(t, "ContactUpdate", hits[0].json(t)["type"], "the update overtook the create")
	assert.Equal(t, "ContactCreate", hits[1].json(t)["type"])
}

func TestReorderWithNothingToOvertake(t *testing.T) {
	hook, _ := faultOnce(webhooks.Fault{Action: webhooks.FaultReorder})
	e := newEngine(t, newClock(), webhooks.Config{Faults: hook})
	rcv := newReceiver(t)
	subscribe(t, e, webhooks.Subscription{URL: rcv.URL})
	e.Enqueue(contactCreated("a"))
	flush(t, e)
	assert.Len(t, rcv.got(), 1, "a held delivery is sent once nothing else is due")
}

func TestUnknownFaultIsIgnored(t *testing.T) {
	e := newEngine(t, newClock(), webhooks.Config{})
	e.SetFaults(func(webhooks.AttemptInfo) webhooks.Fault { return webhooks.Fault{Action: "explode"} })
	rcv := newReceiver(t)
	subscribe(t, e, webhooks.Subscription{URL: rcv.URL})
	e.Enqueue(contactCreated("a"))
	flush(t, e)
	assert.Len(t, rcv.got(), 1)
	e.SetFaults(nil)
}

func TestFaultSeesTheAttemptNumber(t *testing.T) {
	var mu sync.Mutex
	var attempts []int
	clock := newClock()
	e := newEngine(t, clock, webhooks.Config{Faults: func(a webhooks.AttemptInfo) webhooks.Fault {
		mu.Lock()
		attempts = append(attempts, a.Attempt)
		mu.Unlock()
		return webhooks.Fault{}
	}})
	rcv := newReceiver(t, 500, 500)
	subscribe(t, e, webhooks.Subscription{URL: rcv.URL})
	e.Enqueue(contactCreated("a"))
	flush(t, e)
	advance(t, e, clock, 10*time.Minute)
	advance(t, e, clock, 10*time.Minute)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []int{1, 2, 3}, attempts)
}

// Package webhooktest has a webhook receiver for Go tests: an httptest
// server that verifies each request as the official Node SDK 3.1.0's
// subscribe() middleware does, collects the events, and lets a test wait
// for one:
//
//	r := webhooktest.NewReceiver(t, publicKey)
//	// subscribe r.URL, then make a change…
//	ev, err := r.WaitFor(ctx, "ContactCreate", contactID)
package webhooktest

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ghlmock/ghlmock/mockserver/webhooks"
)

// Event is one request the receiver got, with the flags the SDK's
// middleware would have set on it.
type Event struct {
	Type      string
	WebhookID string
	Body      []byte
	Header    http.Header
	Payload   map[string]any // the body parsed; nil when it is not a JSON object
	At        time.Time      // when it arrived, on the wall clock

	// IsSignatureValid and SkippedSignatureVerification are the SDK's
	// request flags: the x-ghl-signature verified, or there was none.
	IsSignatureValid             bool
	SkippedSignatureVerification bool
	// AppIDMismatch: with WithAppID, the body's appId was not the app's, and
	// the SDK would have passed the request on without verifying it.
	AppIDMismatch bool
}

// Receiver is a webhook receiver on a local httptest server. It answers 200
// to what verifies (and to what the appId gate passes on, as the SDK's
// next() would reach an app's handler), and 401 to the rest.
type Receiver struct {
	// URL is where to send the webhooks.
	URL string

	srv          *httptest.Server
	pub          ed25519.PublicKey
	appID        string
	reserialised bool

	mu      sync.Mutex
	events  []Event
	changed chan struct{}
}

// Option configures a Receiver.
type Option func(*Receiver)

// WithAppID gates on appId as the SDK does: it takes the app's client id
// (or its app id) and passes on, unverified, every body whose appId is not
// the part before "-". Without it there is no gate. (The SDK itself, given
// no client id, verifies nothing at all.)
func WithAppID(clientID string) Option {
	return func(r *Receiver) { r.appID, _, _ = strings.Cut(clientID, "-") }
}

// Reserialised verifies the signature over JSON.stringify(JSON.parse(body))
// instead of the raw bytes, as the SDK does behind express.json() when the
// host keeps no rawBody (and as SDK 3.0.0 always did).
func Reserialised() Option { return func(r *Receiver) { r.reserialised = true } }

// NewReceiver starts a receiver that verifies with publicKey, in any form
// the SDK 3.1.0 accepts (PEM, raw 32 bytes as base64 or hex, SPKI DER as
// base64). It is closed when the test ends.
func NewReceiver(t testing.TB, publicKey string, opts ...Option) *Receiver {
	t.Helper()
	r, err := Start(publicKey, opts...)
	if err != nil {
		t.Fatalf("webhooktest: %v", err)
	}
	t.Cleanup(r.Close)
	return r
}

// Start is NewReceiver for code without a testing.TB (an Example); the
// caller closes it.
func Start(publicKey string, opts ...Option) (*Receiver, error) {
	pub, err := webhooks.ParsePublicKey(publicKey)
	if err != nil {
		return nil, err
	}
	r := &Receiver{pub: pub, changed: make(chan struct{})}
	for _, o := range opts {
		o(r)
	}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	r.URL = r.srv.URL
	return r, nil
}

// Close stops the receiver.
func (r *Receiver) Close() { r.srv.Close() }

func (r *Receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(io.LimitReader(req.Body, 16<<20))
	if err != nil {
		http.Error(w, "cannot read the body", http.StatusBadRequest)
		return
	}
	ev := Event{Body: body, Header: req.Header.Clone(), At: time.Now()}
	if json.Unmarshal(body, &ev.Payload) == nil {
		ev.Type, _ = ev.Payload["type"].(string)
		ev.WebhookID, _ = ev.Payload["webhookId"].(string)
	}
	status := http.StatusOK
	appID, _ := ev.Payload["appId"].(string)
	switch sig := req.Header.Get(webhooks.HeaderSignature); {
	case r.appID != "" && appID != r.appID:
		ev.AppIDMismatch = true
	case sig == "":
		ev.SkippedSignatureVerification = true
		status = http.StatusUnauthorized
	default:
		signed := body
		if r.reserialised {
			if signed, err = webhooks.Canonicalize(body); err != nil {
				signed = []byte("{}") // the SDK would have re-serialised an empty body
			}
		}
		ev.IsSignatureValid = webhooks.Verify(r.pub, signed, sig)
		if !ev.IsSignatureValid {
			status = http.StatusUnauthorized
		}
	}
	r.mu.Lock()
	r.events = append(r.events, ev)
	close(r.changed)
	r.changed = make(chan struct{})
	r.mu.Unlock()
	w.WriteHeader(status)
}

// Events returns every request received so far, verified or not.
func (r *Receiver) Events() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Event(nil), r.events...)
}

// WaitFor returns the first verified event of type typ about id (any id
// when ""), waiting until it arrives or ctx ends. An event is about id when
// its payload's id (contacts, notes, tasks), appointment.id, locationId or
// companyId (installs) is id. Only verified events count, so a test that
// waits for an event checks its signature too; the error says what came
// instead.
func (r *Receiver) WaitFor(ctx context.Context, typ, id string) (Event, error) {
	for {
		r.mu.Lock()
		for _, ev := range r.events {
			if ev.IsSignatureValid && ev.Type == typ && (id == "" || about(ev.Payload, id)) {
				r.mu.Unlock()
				return ev, nil
			}
		}
		ch, summary := r.changed, r.summary()
		r.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return Event{}, fmt.Errorf("webhooktest: no verified %s for %q: %w (received: %s)", typ, id, ctx.Err(), summary)
		}
	}
}

// summary describes what arrived, for WaitFor's error. r.mu is held.
func (r *Receiver) summary() string {
	if len(r.events) == 0 {
		return "nothing"
	}
	var parts []string
	for _, ev := range r.events {
		state := "verified"
		switch {
		case ev.AppIDMismatch:
			state = "appId mismatch"
		case ev.SkippedSignatureVerification:
			state = "no signature"
		case !ev.IsSignatureValid:
			state = "INVALID signature"
		}
		parts = append(parts, fmt.Sprintf("%s %s", ev.Type, state))
	}
	return strings.Join(parts, ", ")
}

func about(p map[string]any, id string) bool {
	str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
	switch p["type"] {
	case webhooks.Install, webhooks.Uninstall:
		return str(p, "locationId") == id || str(p, "companyId") == id
	}
	if a, ok := p["appointment"].(map[string]any); ok {
		return str(a, "id") == id
	}
	return str(p, "id") == id
}

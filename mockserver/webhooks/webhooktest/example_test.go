package webhooktest_test

import (
	"context"
	"fmt"
	"time"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/webhooks"
	"github.com/ghlmock/ghlmock/mockserver/webhooks/webhooktest"
)

// A receiver configured like a bot on the official SDK (the mock's public
// key, the app's client id) gets a contact's ContactCreate, verified.
func Example() {
	keys, _ := webhooks.DeriveKeys("example", 0)
	pub, _ := keys.PublicKeys()
	r, _ := webhooktest.Start(pub.Ed25519.RawBase64, webhooktest.WithAppID("6650e2c1a8b4f7d3e9c01a2d-lq3k9x2m"))
	defer r.Close()

	e, _ := webhooks.New(webhooks.Config{Keys: keys})
	defer e.Close(context.Background())
	_, _ = e.Subscribe(webhooks.Subscription{App: "6650e2c1a8b4f7d3e9c01a2d", URL: r.URL, IncludeAppID: true})

	contact := &crm.Contact{ID: "nmFmQEsNgz6AVpgLVUJ0", LocationID: "ve9EPM428h8vShlRW1KT", FirstName: "Smith & Sons"}
	e.Enqueue(webhooks.ContactEvent(webhooks.ContactCreate, contact))

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ev, err := r.WaitFor(ctx, webhooks.ContactCreate, contact.ID)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ev.Type, ev.IsSignatureValid, ev.Payload["name"], ev.Payload["appId"])
	// Output: ContactCreate true Smith & Sons 6650e2c1a8b4f7d3e9c01a2d
}

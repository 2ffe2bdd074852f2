package webhooks

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// Envelope returns the body of ev as a subscriber receives it: timestamp
// and webhookId first, as in HighLevel's WebhookAuthentication example, then
// the event's fields, then locationId when the fields have none (every
// Marketplace payload carries it), then appId when appID is given and the
// fields have none. The official SDK's subscribe() drops an event whose
// appId is not its client id's prefix, before verifying anything.
//
// A WorkflowWebhook has no envelope: the Custom Webhook action sends its
// minimal payload as it is.
func Envelope(ev Event, webhookID string, ts time.Time, appID string) Object {
	if ev.Type == WorkflowWebhook {
		return ev.Fields.Clone()
	}
	o := make(Object, 0, len(ev.Fields)+4)
	o = append(o, Member{"timestamp", crm.MillisOf(ts).String()}, Member{"webhookId", webhookID})
	o = append(o, ev.Fields...)
	if _, ok := ev.Fields.Get("locationId"); !ok && ev.LocationID != "" {
		o = append(o, Member{"locationId", ev.LocationID})
	}
	if _, ok := ev.Fields.Get("appId"); !ok && appID != "" {
		o = append(o, Member{"appId", appID})
	}
	return o
}

// rewriteEnvelope returns body with its timestamp set to ts and, when
// webhookID is not "", its webhookId set to webhookID: a restamped retry, a
// redelivery with a new id, a stale-timestamp fault. It re-encodes the
// parsed body, which gives back the same bytes for everything else because
// body is canonical. A body without a timestamp (a workflow's) is returned
// as it is.
func rewriteEnvelope(body []byte, ts time.Time, webhookID string) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	v, err := decodeOrdered(dec)
	if err != nil {
		return nil, fmt.Errorf("webhooks: rewrite body: %w", err)
	}
	o, ok := v.(Object)
	if !ok {
		return body, nil
	}
	if _, ok := o.Get("timestamp"); !ok {
		return body, nil
	}
	o.Set("timestamp", crm.MillisOf(ts).String())
	if webhookID != "" {
		o.Set("webhookId", webhookID)
	}
	return MarshalJS(o)
}

// NewUUID returns a random (version 4) UUID, the form of GHL's webhookId.
func NewUUID() string {
	var u [16]byte
	_, _ = rand.Read(u[:]) // crypto/rand.Read never fails
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], u[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], u[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], u[8:10])
	b[23] = '-'
	hex.Encode(b[24:], u[10:])
	return string(b[:])
}

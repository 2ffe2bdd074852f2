package webhooks

import "time"

// FaultAction is a way of breaking a delivery on purpose: the ways real
// senders misbehave and real receivers must cope (at-least-once delivery,
// no ordering, replayed and forged requests).
type FaultAction string

// Fault actions.
const (
	FaultNone             FaultAction = ""
	FaultDrop             FaultAction = "drop"              // never sent: the delivery fails without a request, and is not retried
	FaultDelay            FaultAction = "delay"             // sent Fault.Delay later, on the mock's clock
	FaultDuplicate        FaultAction = "duplicate"         // sent twice, the same bytes and webhookId; the first answer decides
	FaultReorder          FaultAction = "reorder"           // held back until the next delivery to the same subscription was sent
	FaultBadSignature     FaultAction = "bad-signature"     // signatures of other bytes, well-formed
	FaultMissingSignature FaultAction = "missing-signature" // no signature headers
	FaultWrongKey         FaultAction = "wrong-key"         // signed with a key the receiver does not know
	FaultLegacyOnly       FaultAction = "legacy-only"       // only x-wh-signature, as before 2025 (none without an RSA key)
	FaultStaleTimestamp   FaultAction = "stale-timestamp"   // timestamp Fault.StaleBy in the past, validly signed
)

// DefaultStaleBy is how old a stale-timestamp fault makes the timestamp:
// twice HighLevel's suggested 5-minute replay window.
const DefaultStaleBy = 10 * time.Minute

// Fault is what the fault hook decides for one attempt.
type Fault struct {
	Action  FaultAction
	Delay   time.Duration // FaultDelay
	StaleBy time.Duration // FaultStaleTimestamp; 0 means DefaultStaleBy
}

// AttemptInfo tells the fault hook which attempt it decides.
type AttemptInfo struct {
	DeliveryID   string
	Subscription string
	App          string
	URL          string
	Event        string
	WebhookID    string
	LocationID   string
	ContactID    string
	TraceID      string
	Attempt      int // 1 for the first send, 2 for the first retry, …
}

// FaultFunc decides the fault of an attempt (FaultNone for none). It is
// called once per attempt, outside the engine's lock, from the worker that
// makes the attempt; a delayed or reordered attempt is not asked again when
// it is finally sent.
type FaultFunc func(AttemptInfo) Fault

func (f FaultAction) valid() bool {
	switch f {
	case FaultNone, FaultDrop, FaultDelay, FaultDuplicate, FaultReorder, FaultBadSignature,
		FaultMissingSignature, FaultWrongKey, FaultLegacyOnly, FaultStaleTimestamp:
		return true
	}
	return false
}

package webhooks

import (
	"maps"
	"time"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// Status is where a delivery stands.
type Status string

// Delivery statuses. A delivery is pending until it succeeds (a 2xx), fails
// (an answer its retry profile does not retry, or a dropped delivery), or is
// exhausted (its profile's retries all failed).
const (
	StatusPending   Status = "pending"
	StatusSucceeded Status = "succeeded"
	StatusFailed    Status = "failed"
	StatusExhausted Status = "exhausted"
)

// Delivery is one event addressed to one subscription: the outbox record,
// the delivery log's entry and what the durable state keeps. It holds all it
// needs to be sent again after a restart, the subscription gone or not.
type Delivery struct {
	ID           string `json:"id"`
	Subscription string `json:"subscription,omitempty"`
	App          string `json:"app,omitempty"`
	URL          string `json:"url"`
	Event        string `json:"event"`
	WebhookID    string `json:"webhookId,omitempty"`
	// Body is the exact bytes signed and sent (a string so that the log shows
	// it as text; it is always valid UTF-8).
	Body    string            `json:"body"`
	Headers map[string]string `json:"headers"` // the signature headers included

	Attempts      []Attempt `json:"attempts"`
	Status        Status    `json:"status"`
	NextAttemptAt time.Time `json:"nextAttemptAt,omitzero"` // on the mock's clock; zero when nothing is planned

	LocationID   string    `json:"locationId,omitempty"`
	ContactID    string    `json:"contactId,omitempty"`
	ObjectID     string    `json:"objectId,omitempty"`
	TraceID      string    `json:"traceId,omitempty"`
	OperationID  string    `json:"operationId,omitempty"`
	CreatedAt    time.Time `json:"createdAt"` // on the mock's clock
	RedeliveryOf string    `json:"redeliveryOf,omitempty"`

	Retry     string    `json:"retry"` // the retry profile, as ParseRetry reads it
	TimeoutMs int64     `json:"timeoutMs"`
	Signature Signature `json:"signature"`
	Restamp   bool      `json:"restamp,omitempty"`
}

// Attempt is one try at sending a delivery.
type Attempt struct {
	N               int               `json:"n"`
	At              time.Time         `json:"at"`               // on the mock's clock
	Status          int               `json:"status,omitempty"` // the HTTP status; 0 when there was no answer
	DurationMs      int64             `json:"durationMs"`       // real time
	Error           string            `json:"error,omitempty"`
	ResponseHeaders map[string]string `json:"responseHeaders,omitempty"`
	ResponseBody    string            `json:"responseBody,omitempty"` // the first 4 KiB
	// Fault is the fault injected into this attempt, if any.
	Fault string `json:"fault,omitempty"`
	// Body and Headers are what was sent when it was not the delivery's own
	// (a restamped retry, a stale-timestamp or signature fault).
	Body    string            `json:"body,omitempty"`
	Headers map[string]string `json:"headers,omitempty"`
}

// ChangeKind makes a Delivery a record of the change feed, so that the
// durable state keeps the outbox with everything else.
func (*Delivery) ChangeKind() crm.Kind { return crm.KindDelivery }

// Clone returns a copy that shares no map or slice with d.
func (d Delivery) Clone() Delivery {
	d.Headers = maps.Clone(d.Headers)
	if d.Attempts != nil {
		as := make([]Attempt, len(d.Attempts))
		for i, a := range d.Attempts {
			a.ResponseHeaders = maps.Clone(a.ResponseHeaders)
			a.Headers = maps.Clone(a.Headers)
			as[i] = a
		}
		d.Attempts = as
	}
	return d
}

// tries counts the attempts that count toward the retry profile: all but
// the extra sends of a duplicate fault.
func (d *Delivery) tries() int {
	n := 0
	for _, a := range d.Attempts {
		if a.Fault != string(FaultDuplicate) {
			n++
		}
	}
	return n
}

// Filter selects deliveries from the log. Empty fields match everything.
type Filter struct {
	Event      string
	Status     Status
	App        string
	LocationID string
	ContactID  string
	TraceID    string
	Since      time.Time // created at or after
	Limit      int       // at most this many, newest first; 0 means all
}

func (f *Filter) match(d *Delivery) bool {
	return (f.Event == "" || d.Event == f.Event) &&
		(f.Status == "" || d.Status == f.Status) &&
		(f.App == "" || d.App == f.App) &&
		(f.LocationID == "" || d.LocationID == f.LocationID) &&
		(f.ContactID == "" || d.ContactID == f.ContactID) &&
		(f.TraceID == "" || d.TraceID == f.TraceID) &&
		(f.Since.IsZero() || !d.CreatedAt.Before(f.Since))
}

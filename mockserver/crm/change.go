package crm

import "context"

// Kind says what a Change is about.
type Kind string

// Kinds of change. Contacts, tasks, notes and appointments are a location's
// data; a dataset change replaces whole locations at once (a reset, a state
// import); the others are the server's own records that must survive a
// restart.
const (
	KindContact     Kind = "contact"
	KindTask        Kind = "task"
	KindNote        Kind = "note"
	KindAppointment Kind = "appointment"
	KindDataset     Kind = "dataset" // After is a *Dataset: the locations it names are replaced
	KindToken       Kind = "token"   // a bearer token minted, revoked or expired
	KindGrant       Kind = "grant"   // an OAuth code, refresh token or install
	KindDelivery    Kind = "delivery"
)

// Object is what a Change carries as its Before and After images: *Contact,
// *Task, *Note, *Appointment, *Dataset, or a record of another package (a
// token, a grant, a webhook delivery) that implements it.
type Object interface {
	ChangeKind() Kind
}

// ChangeKind implements Object.
func (*Contact) ChangeKind() Kind { return KindContact }

// ChangeKind implements Object.
func (*Task) ChangeKind() Kind { return KindTask }

// ChangeKind implements Object.
func (*Note) ChangeKind() Kind { return KindNote }

// ChangeKind implements Object.
func (*Appointment) ChangeKind() Kind { return KindAppointment }

// ChangeKind implements Object.
func (*Dataset) ChangeKind() Kind { return KindDataset }

// Change is one successful write of the state, as the change feed carries it
// to everything that reacts to writes (the durable log, the webhook events,
// live views). Changes are produced under the writer's lock, so their Seq
// order is the order in which they were applied: for any one object, a later
// change has a larger Seq.
//
// Before and After are copies that nobody else holds: a consumer may keep
// them. Before is nil for a create, After is nil for a delete (a contact's
// delete is a soft delete: the store keeps its id as a tombstone, and its
// tasks and notes, which have no change of their own).
type Change struct {
	Seq      uint64 // assigned by the feed, from 1, in commit order
	Time     Millis // when it was applied, on the mock's clock
	Location string // the location whose data changed; "" for server records
	Kind     Kind
	ID       string // the object's id (contact, task, note, appointment id, token, …)
	Before   Object
	After    Object
	Cause    Cause
}

// Cause says what made a change: the API operation or the admin action, and
// the request it came from.
type Cause struct {
	// OperationID is the operationId of the API request, or "admin:<action>"
	// for the admin API (admin:reset, admin:import, admin:appointment, …),
	// or "ui:<action>" for the dashboard.
	OperationID string
	TraceID     string // the request's traceId, "" when none
	App         string // the app of the token that made the request, "" when none
}

// Publisher receives every change a Store makes, from inside the lock that
// orders it. Publish must be quick and must not call back into the store.
// Active reports whether anyone listens: a store whose publisher is not
// active builds no Before and After images at all, so a mock with nothing
// subscribed pays nothing for the feed.
type Publisher interface {
	Active() bool
	Publish(ctx context.Context, c Change)
}

// AllLocations is the ID of a dataset change that replaces every location
// at once (a reset): a location its After does not name is gone.
const AllLocations = "*"

// AllRecords is the ID of a change of a server record kind (a grant, …)
// with no After that removes every record of its kind at once: a
// whole-state replacement (a reset) publishes it before the records it keeps.
const AllRecords = "*"

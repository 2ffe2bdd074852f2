package dashboard

import (
	"context"
	"strings"
	"time"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/faults"
	"github.com/ghlmock/ghlmock/mockserver/journal"
	"github.com/ghlmock/ghlmock/mockserver/ratelimit"
)

// Mock is what the dashboard needs of the server. Reads return copies;
// writes go through the server's write path (committed to the state
// database, when there is one, before they return) and are caused by
// "ui:<action>", so the change feed, the durable log and the webhooks see
// them as they see an edit in GHL's own app.
//
// Errors a user caused are *Error values, worded as the API would word them.
type Mock interface {
	// Store is the state the API serves, for reads.
	Store() crm.Store
	// Locations lists the locations with what each holds.
	Locations(ctx context.Context) []Location
	// Clock is the mock's clock; AdvanceClock moves it forward (an *Error
	// when that is refused), FreezeClock stops or restarts it.
	Clock() Clock
	AdvanceClock(d time.Duration) error
	FreezeClock(freeze bool)
	// RateLimits are the rate-limit counters, per app × location.
	RateLimits() []ratelimit.Counter
	// Journal is the request journal.
	Journal() *journal.Journal
	// Operations are the API's operations, for the fault form.
	Operations() []Operation

	// Faults lists the fault rules in force; AddFault adds one (the admin
	// API's JSON), RemoveFault removes one; PreviewFault says what a rule
	// would match without adding it.
	Faults() []faults.Rule
	AddFault(raw []byte) (faults.Rule, error)
	RemoveFault(id string) bool
	PreviewFault(raw []byte) FaultPreview

	// UpdateContact applies an update-contact body (the API's JSON,
	// validated as the API validates it) to a contact.
	UpdateContact(ctx context.Context, loc, id string, body []byte) (crm.Contact, error)
	// AddTags and RemoveTags change a contact's tags.
	AddTags(ctx context.Context, loc, id string, tags []string) error
	RemoveTags(ctx context.Context, loc, id string, tags []string) error
	// CreateNote adds a note (a create-note body) to a contact.
	CreateNote(ctx context.Context, loc, contactID string, body []byte) (crm.Note, error)
	// CompleteTask marks a task completed or not.
	CompleteTask(ctx context.Context, loc, contactID, taskID string, completed bool) error

	// Reset brings the mock back to its seeded state; Export and Import
	// exchange the state in the format of GET and PUT /_mock/state.
	Reset(ctx context.Context) error
	Export(ctx context.Context) (crm.Dataset, error)
	Import(ctx context.Context, raw []byte) (locations []string, err error)

	// Done is closed when the server shuts down: live streams end then.
	Done() <-chan struct{}
}

// Location is one location of the mock.
type Location struct {
	ID           string
	Name         string
	Contacts     int
	Tasks        int
	Notes        int
	Appointments int
}

// Clock is what the mock's clock reads.
type Clock struct {
	Now    time.Time
	Offset time.Duration
	Frozen bool
}

// Operation is one operation of the API.
type Operation struct {
	ID     string `json:"id"`
	Method string `json:"method"`
	Path   string `json:"path"`
}

// FaultPreview says what a fault rule would do: the error that would refuse
// it, or the operations it can match and how many of the requests in the
// journal it would have matched.
type FaultPreview struct {
	Error      string      `json:"error,omitempty"`
	Operations []Operation `json:"operations"`
	Journal    int         `json:"journalMatches"`
	Rule       faults.Rule `json:"rule"`
}

// Error is a refusal a user caused: the status the API would answer and its
// messages.
type Error struct {
	Status   int
	Messages []string
}

func (e *Error) Error() string { return strings.Join(e.Messages, "; ") }

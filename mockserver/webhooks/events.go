package webhooks

import (
	"slices"
	"time"
)

// GHL's webhook event types, spelled as the "type" field of their bodies
// (HighLevel's docs under webhook-events/ and the SDK's install payload).
const (
	ContactCreate     = "ContactCreate"
	ContactUpdate     = "ContactUpdate"
	ContactDelete     = "ContactDelete"
	ContactTagUpdate  = "ContactTagUpdate"
	ContactDndUpdate  = "ContactDndUpdate"
	NoteCreate        = "NoteCreate"
	NoteUpdate        = "NoteUpdate"
	NoteDelete        = "NoteDelete"
	TaskCreate        = "TaskCreate"
	TaskComplete      = "TaskComplete"
	TaskDelete        = "TaskDelete"
	AppointmentCreate = "AppointmentCreate"
	AppointmentUpdate = "AppointmentUpdate"
	AppointmentDelete = "AppointmentDelete"
	Install           = "INSTALL"
	Uninstall         = "UNINSTALL"
)

// WorkflowWebhook is not a GHL event type: it is the trigger of a workflow's
// "Custom Webhook" action (a contact added to the workflow), delivered only
// to the subscriptions of that workflow, unsigned, with the action's minimal
// payload.
const WorkflowWebhook = "WorkflowWebhook"

// EventTypes lists every GHL event type the mock sends, in the order of
// HighLevel's docs: what a subscription without an event list receives.
var EventTypes = []string{
	ContactCreate, ContactUpdate, ContactDelete, ContactTagUpdate, ContactDndUpdate,
	NoteCreate, NoteUpdate, NoteDelete,
	TaskCreate, TaskComplete, TaskDelete,
	AppointmentCreate, AppointmentUpdate, AppointmentDelete,
	Install, Uninstall,
}

// IsEventType reports whether s is one of EventTypes.
func IsEventType(s string) bool { return slices.Contains(EventTypes, s) }

// Event is one webhook event before it is addressed to a subscriber: its
// payload as HighLevel documents it, and what the delivery log filters by.
// The envelope (timestamp, webhookId, appId) is added per delivery.
type Event struct {
	Type       string
	LocationID string // "" for a company-level install
	ContactID  string // the contact it is about, "" when none
	ObjectID   string // the contact, note, task or appointment id; the app id for installs
	WorkflowID string // WorkflowWebhook only: the workflow whose action fires
	// ForApp limits the event to one app's subscriptions: INSTALL and
	// UNINSTALL go to the installed app only, and so does a test event sent
	// to one app.
	ForApp string

	// What caused it, for the delivery log.
	Seq         uint64    // the change's Seq; 0 when not from the change feed
	Time        time.Time // when the change was made, on the mock's clock
	TraceID     string
	OperationID string

	// Fields is the payload without the envelope, in HighLevel's order.
	Fields Object

	// Key, when set, is the caller's name for the event: Config.OnBuilt
	// reports it once the event's deliveries exist (and were reported to
	// OnChange), so that a caller that saved the event durably can forget it.
	Key string `json:",omitempty"`
}

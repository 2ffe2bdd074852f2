package crm

import "context"

// Store is the state of every location the mock serves. All methods are safe
// for concurrent use, take the caller's location (from its token) as loc, and
// return copies: nothing a caller holds aliases the store.
//
// Errors a client caused are *Error values:
//   - a contact, task or note id that no location holds, or that was deleted:
//     ENOTFOUND with Resource and ID;
//   - an id that exists in another location: EFORBIDDEN (a token never sees or
//     changes another location's data);
//   - a contact id that exists but a task or note id that is not that contact's:
//     ENOTFOUND for the task or note;
//   - duplicates refused by the location's setting: EDUPLICATE with Duplicate;
//   - semantically invalid input (unknown search field, page too deep, unknown
//     user id where one is required): EINVALID with messages;
//   - loc not a location of the store: ELOCATION.
//
// A method that returns an error has changed nothing.
type Store interface {
	// Location returns a location's settings and reference data.
	Location(ctx context.Context, loc string) (Location, error)

	Contact(ctx context.Context, loc, id string) (Contact, error)
	// ViewContact calls fn with the contact, without copying it, under the
	// store's read lock: fn must neither keep nor change what it is given.
	// version is the location's: it changes whenever anything of the
	// location may have changed, and is never the same for two locations
	// or two states of one (nor 0), so a view seen at the same version again
	// is the same contact. When the location is still at version known, fn
	// is not called: the caller has what it kept of the contact at that
	// version. The location's version is returned either way.
	ViewContact(ctx context.Context, loc, id string, known uint64, fn func(c *Contact, version uint64)) (version uint64, err error)
	CreateContact(ctx context.Context, loc string, in ContactInput) (Contact, error)
	// UpdateContact applies the given fields; Tags, when given, replace all tags.
	UpdateContact(ctx context.Context, loc, id string, in ContactInput) (Contact, error)
	DeleteContact(ctx context.Context, loc, id string) error
	// UpsertContact finds the contact matching in's email or phone in the
	// location's priority order and updates it, or creates one; created tells which.
	UpsertContact(ctx context.Context, loc string, in ContactInput, createNewIfDuplicateAllowed bool) (c Contact, created bool, err error)
	// DuplicateContact finds the contact GHL would call a duplicate of the given
	// email and/or phone (either may be empty, not both).
	DuplicateContact(ctx context.Context, loc, email, phone string) (Contact, bool, error)

	ListContacts(ctx context.Context, loc string, q ListQuery) (ListPage, error)
	SearchContacts(ctx context.Context, loc string, q SearchQuery) (SearchPage, error)
	ContactsByBusiness(ctx context.Context, loc, businessID string, q BusinessQuery) (contacts []Contact, total int, err error)
	// SetBusiness sets (or, with businessID "", clears) the business of each
	// contact id; it returns the ids it changed.
	SetBusiness(ctx context.Context, loc string, ids []string, businessID string) ([]string, error)

	AddTags(ctx context.Context, loc, id string, tags []string) (c Contact, added []string, err error)
	RemoveTags(ctx context.Context, loc, id string, tags []string) (c Contact, removed []string, err error)
	BulkTags(ctx context.Context, loc string, op BulkTagOp) ([]BulkTagResult, error)

	AddFollowers(ctx context.Context, loc, id string, users []string) (followers, added []string, err error)
	RemoveFollowers(ctx context.Context, loc, id string, users []string) (followers, removed []string, err error)

	AddToCampaign(ctx context.Context, loc, id, campaignID string) error
	RemoveFromCampaign(ctx context.Context, loc, id, campaignID string) error
	RemoveFromAllCampaigns(ctx context.Context, loc, id string) error
	AddToWorkflow(ctx context.Context, loc, id, workflowID, eventStartTime string) error
	RemoveFromWorkflow(ctx context.Context, loc, id, workflowID string) error

	Tasks(ctx context.Context, loc, contactID string) ([]Task, error)
	Task(ctx context.Context, loc, contactID, taskID string) (Task, error)
	CreateTask(ctx context.Context, loc, contactID string, in TaskInput) (Task, error)
	UpdateTask(ctx context.Context, loc, contactID, taskID string, in TaskInput) (Task, error)
	DeleteTask(ctx context.Context, loc, contactID, taskID string) error

	Notes(ctx context.Context, loc, contactID string) ([]Note, error)
	Note(ctx context.Context, loc, contactID, noteID string) (Note, error)
	CreateNote(ctx context.Context, loc, contactID string, in NoteInput) (Note, error)
	UpdateNote(ctx context.Context, loc, contactID, noteID string, in NoteInput) (Note, error)
	DeleteNote(ctx context.Context, loc, contactID, noteID string) error

	Appointments(ctx context.Context, loc, contactID string) ([]Appointment, error)

	// Export returns the state of the given locations (all when none is given).
	Export(ctx context.Context, locs ...string) (Dataset, error)
	// Import replaces the state of every location in d (adding new ones).
	Import(ctx context.Context, d Dataset) error
}

// ContactInput is the fields of a create, update or upsert. A nil field was not
// given and leaves the stored value alone; a pointer to "" clears it.
type ContactInput struct {
	FirstName   *string
	LastName    *string
	Name        *string
	Email       *string
	Phone       *string
	CompanyName *string
	Gender      *string
	Timezone    *string
	Type        *string
	Source      *string
	AssignedTo  *string
	Address1    *string
	City        *string
	State       *string
	Country     *string
	PostalCode  *string
	Website     *string
	DateOfBirth *string // any of GHL's accepted formats; the store normalizes to YYYY-MM-DD
	BusinessID  *string

	DND                *bool
	DNDSettings        map[string]DNDSetting // nil: not given; merged per channel
	InboundDNDSettings *InboundDNDSettings   // nil: not given; replaces the contact's

	Tags             *[]string
	CustomFields     []CustomFieldInput // nil: not given; merged by field
	AdditionalEmails *[]string
	AdditionalPhones *[]string

	Attribution *Attribution
	CreatedBy   *CreatedBy
}

// CustomFieldInput sets one custom field, named by id or by key.
type CustomFieldInput struct {
	ID    string
	Key   string
	Value any
}

// TaskInput is the fields of a task create or update; nil means not given.
type TaskInput struct {
	Title      *string
	Body       *string
	AssignedTo *string
	DueDate    *Millis
	Completed  *bool
}

// NoteInput is the fields of a note create or update; nil means not given.
type NoteInput struct {
	Body   *string
	UserID *string
	Title  *string
	Color  *string
	Pinned *bool
}

// ListQuery is GET /contacts/: newest first by dateAdded, ties by id.
type ListQuery struct {
	Query string // matches name, email, phone and company, case-insensitively
	Limit int    // 1..100
	// The cursor is the (dateAdded, id) of the last contact of the previous
	// page. Only both together move on: StartAfter alone returns the first page.
	StartAfter   Millis
	StartAfterID string
}

// ListPage is one page of ListContacts.
type ListPage struct {
	Contacts []Contact
	Total    int // contacts matching Query, all pages
	// Page is the 1-based page number this cursor lands on.
	Page int
	// More reports whether contacts follow this page.
	More bool
}

// SearchQuery is POST /contacts/search.
type SearchQuery struct {
	PageLimit   int   // 1..500
	Page        int   // 1-based; 0 means 1; Page*PageLimit ≤ 10,000
	SearchAfter []any // [dateAdded ms or sort value, id] from a previous result
	Query       string
	Filters     []Filter
	Sort        []Sort // at most two
}

// Filter is one search condition, or a group of them when Group is set.
type Filter struct {
	Field    string
	Operator string // eq, not_eq, contains, not_contains, exists, not_exists, range
	Value    any    // string, float64, bool, []any, or map[string]any for range {gt,gte,lt,lte} (low/high are read as gte/lte)
	Group    string // AND or OR; when set, Filters holds the members
	Filters  []Filter
}

// Sort orders search results by a field.
type Sort struct {
	Field     string
	Direction string // asc or desc
}

// SearchPage is one page of SearchContacts.
type SearchPage struct {
	Contacts []SearchHit
	Total    int
}

// SearchHit is a contact found by search with its cursor.
type SearchHit struct {
	Contact
	SearchAfter []any // feed back as SearchQuery.SearchAfter to get what follows
}

// BusinessQuery is GET /contacts/business/{businessId}.
type BusinessQuery struct {
	Query string
	Limit int
	Skip  int
}

// BulkTagOp is POST /contacts/bulk/tags/update/{add|remove}.
type BulkTagOp struct {
	Remove     bool // false: add
	ContactIDs []string
	Tags       []string
	RemoveAll  bool // with Remove: clear every tag
}

// BulkTagResult is the outcome for one contact id of a bulk tag update.
type BulkTagResult struct {
	ContactID   string
	OK          bool
	Message     string // "Tags updated" or GHL's reason ("contact is deleted", …)
	OldTags     []string
	TagsAdded   []string
	TagsRemoved []string
}

// Dataset is the whole state of some locations: what the seeder produces,
// what a reset restores and what export and import exchange.
type Dataset struct {
	Locations []LocationData `json:"locations,omitempty"`
}

// LocationData is one location with everything in it.
type LocationData struct {
	Location     Location      `json:"location,omitempty"`
	Contacts     []Contact     `json:"contacts,omitempty"`
	Deleted      []string      `json:"deleted,omitempty"` // ids of deleted contacts, remembered for "contact is deleted"
	Tasks        []Task        `json:"tasks,omitempty"`
	Notes        []Note        `json:"notes,omitempty"`
	Appointments []Appointment `json:"appointments,omitempty"`
}

// AppointmentInput is what the admin API books or changes, as GHL's calendar
// would: nil means not given (an update leaves the field alone).
type AppointmentInput struct {
	CalendarID        *string
	Title             *string
	Status            *string // booked, cancelled, …
	AppointmentStatus *string // new, confirmed, cancelled, showed, noshow, invalid
	AssignedUserID    *string
	Notes             *string
	Address           *string
	StartTime         *Millis
	EndTime           *Millis
}

// Appointments are written by the admin API (GHL's calendar, not the
// Contacts API, books them); the store's methods are the Store's other half.
type AppointmentWriter interface {
	// CreateAppointment books an appointment for a live contact: a calendar
	// of the location (the first one when none is given), start before end.
	CreateAppointment(ctx context.Context, loc, contactID string, in AppointmentInput) (Appointment, error)
	// UpdateAppointment reschedules or changes an appointment of loc.
	UpdateAppointment(ctx context.Context, loc, id string, in AppointmentInput) (Appointment, error)
	// DeleteAppointment removes an appointment of loc.
	DeleteAppointment(ctx context.Context, loc, id string) error
}

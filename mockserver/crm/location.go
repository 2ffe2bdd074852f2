package crm

import "strings"

// Location is a GHL sub-account: the namespace every contact, task, note and
// appointment lives in, with the settings and reference data that change how
// the API answers.
type Location struct {
	ID       string
	Name     string
	Timezone string
	Country  string // default country for phone normalization, e.g. US

	// AllowDuplicateContact is the location setting of the same name. When false
	// (GHL's default) creating a contact whose email or phone another contact
	// already has is refused, and upsert updates that contact instead.
	AllowDuplicateContact bool
	// DuplicatePriority is the order in which email and phone identify an
	// existing contact for upsert and duplicate search; GHL's default is email, phone.
	DuplicatePriority []string

	Users        []User
	Calendars    []Calendar
	Businesses   []Business
	Campaigns    []Campaign
	Workflows    []Workflow
	CustomFields []CustomField
}

// User is a user of the location (assignedTo, userId, followers).
type User struct {
	ID    string
	Name  string
	Email string
}

// Calendar is a calendar that appointments are booked on.
type Calendar struct {
	ID   string
	Name string
}

// Business is a business (company) contacts can belong to; its id is 24 hex.
type Business struct {
	ID   string
	Name string
}

// Campaign is a campaign contacts can be added to.
type Campaign struct {
	ID   string
	Name string
}

// Workflow is a workflow contacts can be enrolled in.
type Workflow struct {
	ID   string
	Name string
}

// CustomField is a contact custom field defined on the location.
type CustomField struct {
	ID       string
	Key      string // e.g. contact.favourite_colour
	Name     string
	DataType string // TEXT, LARGE_TEXT, NUMERICAL, MONETORY, SINGLE_OPTIONS, MULTIPLE_OPTIONS, CHECKBOX, RADIO, DATE
	Options  []string
}

// Priority returns the duplicate-matching order, defaulting to email then phone.
func (l *Location) Priority() []string {
	if len(l.DuplicatePriority) == 0 {
		return []string{"email", "phone"}
	}
	return l.DuplicatePriority
}

// HasUser reports whether id is a user of the location.
func (l *Location) HasUser(id string) bool {
	for _, u := range l.Users {
		if u.ID == id {
			return true
		}
	}
	return false
}

// CustomFieldByIDOrKey finds a custom field by its id or by its key (with or
// without the "contact." prefix).
func (l *Location) CustomFieldByIDOrKey(s string) (CustomField, bool) {
	if strings.TrimPrefix(s, "contact.") == "" {
		return CustomField{}, false
	}
	for _, f := range l.CustomFields {
		if f.ID == s || f.Key == s || strings.TrimPrefix(f.Key, "contact.") == strings.TrimPrefix(s, "contact.") {
			return f, true
		}
	}
	return CustomField{}, false
}

func lower(s string) string { return strings.ToLower(s) }

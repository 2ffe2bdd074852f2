package crm

import (
	"slices"
	"strings"
)

// Location is a GHL sub-account: the namespace every contact, task, note and
// appointment lives in, with the settings and reference data that change how
// the API answers.
type Location struct {
	ID       string `json:"id,omitempty"`
	Name     string `json:"name,omitempty"`
	Timezone string `json:"timezone,omitempty"`
	Country  string `json:"country,omitempty"` // default country for phone normalization, e.g. US

	// AllowDuplicateContact is the location setting of the same name. When false
	// (GHL's default) creating a contact whose email or phone another contact
	// already has is refused, and upsert updates that contact instead.
	AllowDuplicateContact bool `json:"allowDuplicateContact,omitempty"`
	// DuplicatePriority is the order in which email and phone identify an
	// existing contact for upsert and duplicate search; GHL's default is email, phone.
	DuplicatePriority []string `json:"duplicatePriority,omitempty"`

	Users        []User        `json:"users,omitempty"`
	Calendars    []Calendar    `json:"calendars,omitempty"`
	Businesses   []Business    `json:"businesses,omitempty"`
	Campaigns    []Campaign    `json:"campaigns,omitempty"`
	Workflows    []Workflow    `json:"workflows,omitempty"`
	CustomFields []CustomField `json:"customFields,omitempty"`
}

// User is a user of the location (assignedTo, userId, followers).
type User struct {
	ID    string `json:"id,omitempty"`
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
}

// Calendar is a calendar that appointments are booked on.
type Calendar struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

// Business is a business (company) contacts can belong to; its id is 24 hex.
type Business struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

// Campaign is a campaign contacts can be added to.
type Campaign struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

// Workflow is a workflow contacts can be enrolled in.
type Workflow struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

// CustomField is a contact custom field defined on the location.
type CustomField struct {
	ID       string   `json:"id,omitempty"`
	Key      string   `json:"key,omitempty"` // e.g. contact.favourite_colour
	Name     string   `json:"name,omitempty"`
	DataType string   `json:"dataType,omitempty"` // TEXT, LARGE_TEXT, NUMERICAL, MONETORY, SINGLE_OPTIONS, MULTIPLE_OPTIONS, CHECKBOX, RADIO, DATE
	Options  []string `json:"options,omitempty"`
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

// Clone returns a deep copy of the location that shares no slice with l.
func (l Location) Clone() Location {
	l.DuplicatePriority = slices.Clone(l.DuplicatePriority)
	l.Users = slices.Clone(l.Users)
	l.Calendars = slices.Clone(l.Calendars)
	l.Businesses = slices.Clone(l.Businesses)
	l.Campaigns = slices.Clone(l.Campaigns)
	l.Workflows = slices.Clone(l.Workflows)
	if l.CustomFields != nil {
		fields := make([]CustomField, len(l.CustomFields))
		for i, f := range l.CustomFields {
			f.Options = slices.Clone(f.Options)
			fields[i] = f
		}
		l.CustomFields = fields
	}
	return l
}

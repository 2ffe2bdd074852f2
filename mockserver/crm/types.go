package crm

import (
	"slices"
	"strings"
)

// Contact is a contact of one location as the store keeps it. Fields GHL
// derives (name when not given, the *LowerCase fields, emailLowerCase) are not
// stored: see the methods below. Slices are never shared between copies that
// the store hands out.
type Contact struct {
	ID         string `json:"id,omitempty"`
	LocationID string `json:"locationId,omitempty"`

	FirstName   string `json:"firstName,omitempty"`
	LastName    string `json:"lastName,omitempty"`
	Name        string `json:"name,omitempty"` // display name when given explicitly; see DisplayName
	Email       string `json:"email,omitempty"`
	Phone       string `json:"phone,omitempty"` // E.164 when the location normalizes phones
	CompanyName string `json:"companyName,omitempty"`
	Gender      string `json:"gender,omitempty"`
	Timezone    string `json:"timezone,omitempty"`
	Type        string `json:"type,omitempty"` // "lead" unless told otherwise
	Source      string `json:"source,omitempty"`
	AssignedTo  string `json:"assignedTo,omitempty"` // a user id of the location
	Address1    string `json:"address1,omitempty"`
	City        string `json:"city,omitempty"`
	State       string `json:"state,omitempty"`
	Country     string `json:"country,omitempty"`
	PostalCode  string `json:"postalCode,omitempty"`
	Website     string `json:"website,omitempty"`
	DateOfBirth string `json:"dateOfBirth,omitempty"` // YYYY-MM-DD, or empty
	BusinessID  string `json:"businessId,omitempty"`  // a 24-hex business id of the location, or empty

	DND                bool                  `json:"dnd,omitempty"`
	DNDSettings        map[string]DNDSetting `json:"dndSettings,omitempty"`        // by channel: Call, Email, SMS, WhatsApp, GMB, FB
	InboundDNDSettings *InboundDNDSettings   `json:"inboundDndSettings,omitempty"` // nil: never set

	Tags             []string             `json:"tags,omitempty"` // lower case, no duplicates, in insertion order
	CustomFields     []CustomFieldValue   `json:"customFields,omitempty"`
	AdditionalEmails []string             `json:"additionalEmails,omitempty"`
	AdditionalPhones []string             `json:"additionalPhones,omitempty"`
	Followers        []string             `json:"followers,omitempty"` // user ids
	Campaigns        []string             `json:"campaigns,omitempty"` // campaign ids the contact is enrolled in
	Workflows        []WorkflowEnrollment `json:"workflows,omitempty"`

	Attribution *Attribution `json:"attribution,omitempty"`
	CreatedBy   *CreatedBy   `json:"createdBy,omitempty"`

	DateAdded    Millis `json:"dateAdded,omitempty"`
	DateUpdated  Millis `json:"dateUpdated,omitempty"`
	LastActivity Millis `json:"lastActivity,omitempty"`
}

// DNDChannels are the channels of a contact's dndSettings, in GHL's order.
var DNDChannels = []string{"Call", "Email", "SMS", "WhatsApp", "GMB", "FB"}

// DNDSetting is the do-not-disturb state of one channel.
type DNDSetting struct {
	Status  string `json:"status,omitempty"` // active, inactive or permanent
	Message string `json:"message,omitempty"`
	Code    string `json:"code,omitempty"`
}

// InboundDNDSettings is the do-not-disturb state for inbound messages: one
// setting for all channels, whose status is active or inactive (no code).
type InboundDNDSettings struct {
	All DNDSetting `json:"all"`
}

// CustomFieldValue is a value of one of the location's custom fields. Value is
// a string, a float64, a bool or a []string, as the field's type dictates.
type CustomFieldValue struct {
	ID    string `json:"id,omitempty"`
	Value any    `json:"value,omitempty"`
}

// WorkflowEnrollment records that a contact was added to a workflow.
type WorkflowEnrollment struct {
	WorkflowID     string `json:"workflowId,omitempty"`
	EventStartTime string `json:"eventStartTime,omitempty"` // as given by the client, or empty
	AddedAt        Millis `json:"addedAt,omitempty"`
}

// Attribution is where a contact came from (attributionSource).
type Attribution struct {
	SessionSource string `json:"sessionSource,omitempty"`
	Medium        string `json:"medium,omitempty"`
	MediumID      string `json:"mediumId,omitempty"`
	URL           string `json:"url,omitempty"`
	Campaign      string `json:"campaign,omitempty"`
	UTMSource     string `json:"utmSource,omitempty"`
	UTMMedium     string `json:"utmMedium,omitempty"`
	Referrer      string `json:"referrer,omitempty"`
}

// CreatedBy records who created a contact.
type CreatedBy struct {
	Source    string `json:"source,omitempty"`  // WEB_USER or INTEGRATION
	Channel   string `json:"channel,omitempty"` // APP or OAUTH
	SourceID  string `json:"sourceId,omitempty"`
	Timestamp Millis `json:"timestamp,omitempty"`
}

// DisplayName is the contact's name as GHL shows it: the explicit name, else
// first and last name joined by a space.
func (c *Contact) DisplayName() string {
	if c.Name != "" {
		return c.Name
	}
	return joinName(c.FirstName, c.LastName)
}

// FullNameLowerCase is GHL's fullNameLowerCase: strings.ToLower(first + " " + last).
func (c *Contact) FullNameLowerCase() string {
	return strings.ToLower(joinName(c.FirstName, c.LastName))
}

// ContactName is the lower-case name that search results carry and filter on.
func (c *Contact) ContactName() string { return strings.ToLower(c.DisplayName()) }

func joinName(first, last string) string {
	switch {
	case first == "":
		return last
	case last == "":
		return first
	}
	return first + " " + last
}

// Clone returns a deep copy that shares no slice or map with c.
func (c Contact) Clone() Contact {
	c.Tags = slices.Clone(c.Tags)
	c.AdditionalEmails = slices.Clone(c.AdditionalEmails)
	c.AdditionalPhones = slices.Clone(c.AdditionalPhones)
	c.Followers = slices.Clone(c.Followers)
	c.Campaigns = slices.Clone(c.Campaigns)
	if c.Workflows != nil {
		c.Workflows = append([]WorkflowEnrollment(nil), c.Workflows...)
	}
	if c.CustomFields != nil {
		cf := make([]CustomFieldValue, len(c.CustomFields))
		for i, f := range c.CustomFields {
			if s, ok := f.Value.([]string); ok {
				f.Value = slices.Clone(s)
			}
			cf[i] = f
		}
		c.CustomFields = cf
	}
	if c.DNDSettings != nil {
		m := make(map[string]DNDSetting, len(c.DNDSettings))
		for k, v := range c.DNDSettings {
			m[k] = v
		}
		c.DNDSettings = m
	}
	if c.InboundDNDSettings != nil {
		d := *c.InboundDNDSettings
		c.InboundDNDSettings = &d
	}
	if c.Attribution != nil {
		a := *c.Attribution
		c.Attribution = &a
	}
	if c.CreatedBy != nil {
		cb := *c.CreatedBy
		c.CreatedBy = &cb
	}
	return c
}

// Task is a task attached to a contact.
type Task struct {
	ID         string `json:"id,omitempty"`
	LocationID string `json:"locationId,omitempty"`
	ContactID  string `json:"contactId,omitempty"`
	Title      string `json:"title,omitempty"`
	Body       string `json:"body,omitempty"`
	AssignedTo string `json:"assignedTo,omitempty"`
	DueDate    Millis `json:"dueDate,omitempty"`
	Completed  bool   `json:"completed,omitempty"`
	DateAdded  Millis `json:"dateAdded,omitempty"`
}

// Note is a note attached to a contact.
type Note struct {
	ID          string `json:"id,omitempty"`
	LocationID  string `json:"locationId,omitempty"`
	ContactID   string `json:"contactId,omitempty"`
	Body        string `json:"body,omitempty"`
	UserID      string `json:"userId,omitempty"`
	Title       string `json:"title,omitempty"`
	Color       string `json:"color,omitempty"`
	Pinned      bool   `json:"pinned,omitempty"`
	DateAdded   Millis `json:"dateAdded,omitempty"`
	DateUpdated Millis `json:"dateUpdated,omitempty"`
}

// Appointment is a calendar event booked for a contact.
type Appointment struct {
	ID                string   `json:"id,omitempty"`
	LocationID        string   `json:"locationId,omitempty"`
	ContactID         string   `json:"contactId,omitempty"`
	CalendarID        string   `json:"calendarId,omitempty"`
	GroupID           string   `json:"groupId,omitempty"`
	Title             string   `json:"title,omitempty"`
	Status            string   `json:"status,omitempty"`            // booked, cancelled, …
	AppointmentStatus string   `json:"appointmentStatus,omitempty"` // new, confirmed, cancelled, showed, noshow, invalid
	AssignedUserID    string   `json:"assignedUserId,omitempty"`
	Users             []string `json:"users,omitempty"`
	Notes             string   `json:"notes,omitempty"`
	Address           string   `json:"address,omitempty"`
	StartTime         Millis   `json:"startTime,omitempty"`
	EndTime           Millis   `json:"endTime,omitempty"`
	DateAdded         Millis   `json:"dateAdded,omitempty"`
	DateUpdated       Millis   `json:"dateUpdated,omitempty"`
}

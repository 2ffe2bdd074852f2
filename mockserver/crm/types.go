package crm

// Contact is a contact of one location as the store keeps it. Fields GHL
// derives (name when not given, the *LowerCase fields, emailLowerCase) are not
// stored: see the methods below. Slices are never shared between copies that
// the store hands out.
type Contact struct {
	ID         string
	LocationID string

	FirstName   string
	LastName    string
	Name        string // display name when given explicitly; see DisplayName
	Email       string
	Phone       string // E.164 when the location normalizes phones
	CompanyName string
	Gender      string
	Timezone    string
	Type        string // "lead" unless told otherwise
	Source      string
	AssignedTo  string // a user id of the location
	Address1    string
	City        string
	State       string
	Country     string
	PostalCode  string
	Website     string
	DateOfBirth string // YYYY-MM-DD, or empty
	BusinessID  string // a 24-hex business id of the location, or empty

	DND         bool
	DNDSettings map[string]DNDSetting // by channel: Call, Email, SMS, WhatsApp, GMB, FB

	Tags             []string // lower case, no duplicates, in insertion order
	CustomFields     []CustomFieldValue
	AdditionalEmails []string
	AdditionalPhones []string
	Followers        []string // user ids
	Campaigns        []string // campaign ids the contact is enrolled in
	Workflows        []WorkflowEnrollment

	Attribution *Attribution
	CreatedBy   *CreatedBy

	DateAdded    Millis
	DateUpdated  Millis
	LastActivity Millis
}

// DNDChannels are the channels of a contact's dndSettings, in GHL's order.
var DNDChannels = []string{"Call", "Email", "SMS", "WhatsApp", "GMB", "FB"}

// DNDSetting is the do-not-disturb state of one channel.
type DNDSetting struct {
	Status  string // active, inactive or permanent
	Message string
	Code    string
}

// CustomFieldValue is a value of one of the location's custom fields. Value is
// a string, a float64, a bool or a []string, as the field's type dictates.
type CustomFieldValue struct {
	ID    string
	Value any
}

// WorkflowEnrollment records that a contact was added to a workflow.
type WorkflowEnrollment struct {
	WorkflowID     string
	EventStartTime string // as given by the client, or empty
	AddedAt        Millis
}

// Attribution is where a contact came from (attributionSource).
type Attribution struct {
	SessionSource string
	Medium        string
	MediumID      string
	URL           string
	Campaign      string
	UTMSource     string
	UTMMedium     string
	Referrer      string
}

// CreatedBy records who created a contact.
type CreatedBy struct {
	Source    string // WEB_USER or INTEGRATION
	Channel   string // APP or OAUTH
	SourceID  string
	Timestamp Millis
}

// DisplayName is the contact's name as GHL shows it: the explicit name, else
// first and last name joined by a space.
func (c *Contact) DisplayName() string {
	if c.Name != "" {
		return c.Name
	}
	return joinName(c.FirstName, c.LastName)
}

// FullNameLowerCase is GHL's fullNameLowerCase: lower(first + " " + last).
func (c *Contact) FullNameLowerCase() string { return lower(joinName(c.FirstName, c.LastName)) }

// ContactName is the lower-case name that search results carry and filter on.
func (c *Contact) ContactName() string { return lower(c.DisplayName()) }

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
	c.Tags = cloneStrings(c.Tags)
	c.AdditionalEmails = cloneStrings(c.AdditionalEmails)
	c.AdditionalPhones = cloneStrings(c.AdditionalPhones)
	c.Followers = cloneStrings(c.Followers)
	c.Campaigns = cloneStrings(c.Campaigns)
	if c.Workflows != nil {
		c.Workflows = append([]WorkflowEnrollment(nil), c.Workflows...)
	}
	if c.CustomFields != nil {
		cf := make([]CustomFieldValue, len(c.CustomFields))
		for i, f := range c.CustomFields {
			if s, ok := f.Value.([]string); ok {
				f.Value = cloneStrings(s)
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

func cloneStrings(s []string) []string {
	if s == nil {
		return nil
	}
	return append(make([]string, 0, len(s)), s...)
}

// Task is a task attached to a contact.
type Task struct {
	ID         string
	LocationID string
	ContactID  string
	Title      string
	Body       string
	AssignedTo string
	DueDate    Millis
	Completed  bool
	DateAdded  Millis
}

// Note is a note attached to a contact.
type Note struct {
	ID          string
	LocationID  string
	ContactID   string
	Body        string
	UserID      string
	Title       string
	Color       string
	Pinned      bool
	DateAdded   Millis
	DateUpdated Millis
}

// Appointment is a calendar event booked for a contact.
type Appointment struct {
	ID                string
	LocationID        string
	ContactID         string
	CalendarID        string
	GroupID           string
	Title             string
	Status            string // booked, cancelled, …
	AppointmentStatus string // new, confirmed, cancelled, showed, noshow, invalid
	AssignedUserID    string
	Users             []string
	Notes             string
	Address           string
	StartTime         Millis
	EndTime           Millis
	DateAdded         Millis
	DateUpdated       Millis
}

package mockserver

import (
	"strings"
	"time"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// The wire shapes of GHL's bodies. Single-contact reads omit empty fields, as
// live GET /contacts/{id} does; search results carry nulls, as live search does.

type contactView struct {
	ID                 string             `json:"id"`
	DateAdded          string             `json:"dateAdded"`
	DateUpdated        string             `json:"dateUpdated,omitempty"`
	Tags               []string           `json:"tags"`
	Type               string             `json:"type"`
	LocationID         string             `json:"locationId"`
	Name               string             `json:"name,omitempty"`
	FirstName          string             `json:"firstName,omitempty"`
	FirstNameLowerCase string             `json:"firstNameLowerCase,omitempty"`
	LastName           string             `json:"lastName,omitempty"`
	LastNameLowerCase  string             `json:"lastNameLowerCase,omitempty"`
	FullNameLowerCase  string             `json:"fullNameLowerCase,omitempty"`
	Email              string             `json:"email,omitempty"`
	EmailLowerCase     string             `json:"emailLowerCase,omitempty"`
	Phone              string             `json:"phone,omitempty"`
	CompanyName        string             `json:"companyName,omitempty"`
	BusinessID         string             `json:"businessId,omitempty"`
	Gender             string             `json:"gender,omitempty"`
	Address1           string             `json:"address1,omitempty"`
	City               string             `json:"city,omitempty"`
	State              string             `json:"state,omitempty"`
	Country            string             `json:"country,omitempty"`
	PostalCode         string             `json:"postalCode,omitempty"`
	Website            string             `json:"website,omitempty"`
	Timezone           string             `json:"timezone,omitempty"`
	DND                bool               `json:"dnd"`
	DNDSettings        map[string]dndView `json:"dndSettings,omitempty"`
	Source             string             `json:"source,omitempty"`
	AssignedTo         string             `json:"assignedTo,omitempty"`
	DateOfBirth        string             `json:"dateOfBirth,omitempty"`
	CustomFields       []customFieldView  `json:"customFields,omitempty"`
	AdditionalEmails   []additionalEmail  `json:"additionalEmails,omitempty"`
	AdditionalPhones   []additionalPhone  `json:"additionalPhones,omitempty"`
	Followers          []string           `json:"followers,omitempty"`
	AttributionSource  *attributionView   `json:"attributionSource,omitempty"`
	CreatedBy          *createdByView     `json:"createdBy,omitempty"`
	LastActivity       string             `json:"lastActivity,omitempty"`
	Deleted            *bool              `json:"deleted,omitempty"`
}

type dndView struct {
	Status  string `json:"status"`
	Message string `json:"message,omitempty"`
	Code    string `json:"code,omitempty"`
}

type customFieldView struct {
	ID    string `json:"id"`
	Value any    `json:"value"`
}

type additionalEmail struct {
	Email string `json:"email"`
}

type additionalPhone struct {
	Phone string `json:"phone"`
}

type attributionView struct {
	SessionSource string  `json:"sessionSource,omitempty"`
	Medium        string  `json:"medium,omitempty"`
	MediumID      *string `json:"mediumId"`
	URL           string  `json:"url,omitempty"`
	Campaign      string  `json:"campaign,omitempty"`
	UTMSource     string  `json:"utmSource,omitempty"`
	UTMMedium     string  `json:"utmMedium,omitempty"`
	Referrer      string  `json:"referrer,omitempty"`
}

type createdByView struct {
	Source    string `json:"source"`
	Channel   string `json:"channel"`
	SourceID  string `json:"sourceId,omitempty"`
	Timestamp string `json:"timestamp,omitempty"`
}

func isoOrEmpty(m crm.Millis) string {
	if m.IsZero() {
		return ""
	}
	return m.String()
}

func newContactView(c *crm.Contact) contactView {
	v := contactView{
		ID:                 c.ID,
		DateAdded:          c.DateAdded.String(),
		DateUpdated:        isoOrEmpty(c.DateUpdated),
		Tags:               c.Tags,
		Type:               c.Type,
		LocationID:         c.LocationID,
		Name:               c.DisplayName(),
		FirstName:          c.FirstName,
		FirstNameLowerCase: strings.ToLower(c.FirstName),
		LastName:           c.LastName,
		LastNameLowerCase:  strings.ToLower(c.LastName),
		FullNameLowerCase:  c.FullNameLowerCase(),
		Email:              c.Email,
		EmailLowerCase:     strings.ToLower(c.Email),
		Phone:              c.Phone,
		CompanyName:        c.CompanyName,
		BusinessID:         c.BusinessID,
		Gender:             c.Gender,
		Address1:           c.Address1,
		City:               c.City,
		State:              c.State,
		Country:            c.Country,
		PostalCode:         c.PostalCode,
		Website:            c.Website,
		Timezone:           c.Timezone,
		DND:                c.DND,
		Source:             c.Source,
		AssignedTo:         c.AssignedTo,
		DateOfBirth:        crm.DateOfBirthISO(c.DateOfBirth),
		Followers:          c.Followers,
		LastActivity:       isoOrEmpty(c.LastActivity),
	}
	if v.Tags == nil {
		v.Tags = []string{}
	}
	if v.Type == "" {
		v.Type = "lead"
	}
	if len(c.DNDSettings) > 0 {
		v.DNDSettings = make(map[string]dndView, len(c.DNDSettings))
		for ch, d := range c.DNDSettings {
			v.DNDSettings[ch] = dndView(d)
		}
	}
	if len(c.CustomFields) > 0 {
		v.CustomFields = make([]customFieldView, len(c.CustomFields))
		for i, f := range c.CustomFields {
			v.CustomFields[i] = customFieldView(f)
		}
	}
	for _, e := range c.AdditionalEmails {
		v.AdditionalEmails = append(v.AdditionalEmails, additionalEmail{e})
	}
	for _, p := range c.AdditionalPhones {
		v.AdditionalPhones = append(v.AdditionalPhones, additionalPhone{p})
	}
	if a := c.Attribution; a != nil {
		v.AttributionSource = &attributionView{
			SessionSource: a.SessionSource, Medium: a.Medium, MediumID: nullable(a.MediumID),
			URL: a.URL, Campaign: a.Campaign, UTMSource: a.UTMSource, UTMMedium: a.UTMMedium, Referrer: a.Referrer,
		}
	}
	if cb := c.CreatedBy; cb != nil {
		v.CreatedBy = &createdByView{Source: cb.Source, Channel: cb.Channel, SourceID: cb.SourceID, Timestamp: isoOrEmpty(cb.Timestamp)}
	}
	return v
}

// nullable is nil for "" so that the field marshals as null.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// listContactView is an item of GET /contacts/ and of the business listing:
// the contact plus its lower-case contactName.
type listContactView struct {
	contactView
	ContactName string `json:"contactName,omitempty"`
}

func newListContactView(c *crm.Contact) listContactView {
	return listContactView{contactView: newContactView(c), ContactName: c.ContactName()}
}

// searchContactView is an item of POST /contacts/search: every field present,
// null when empty, no dndSettings (live search leaves them out), and the
// searchAfter cursor.
type searchContactView struct {
	ID                 string            `json:"id"`
	LocationID         string            `json:"locationId"`
	ContactName        *string           `json:"contactName"`
	FirstName          *string           `json:"firstName"`
	FirstNameLowerCase *string           `json:"firstNameLowerCase"`
	LastName           *string           `json:"lastName"`
	LastNameLowerCase  *string           `json:"lastNameLowerCase"`
	Email              *string           `json:"email"`
	ValidEmail         *bool             `json:"validEmail"`
	Phone              *string           `json:"phone"`
	CompanyName        *string           `json:"companyName"`
	BusinessName       *string           `json:"businessName"`
	BusinessID         *string           `json:"businessId"`
	Address            *string           `json:"address"`
	Address1           *string           `json:"address1"`
	City               *string           `json:"city"`
	State              *string           `json:"state"`
	Country            *string           `json:"country"`
	PostalCode         *string           `json:"postalCode"`
	Website            *string           `json:"website"`
	Timezone           *string           `json:"timezone"`
	DND                bool              `json:"dnd"`
	Type               string            `json:"type"`
	Source             *string           `json:"source"`
	AssignedTo         *string           `json:"assignedTo"`
	DateOfBirth        *string           `json:"dateOfBirth"`
	Tags               []string          `json:"tags"`
	CustomFields       []customFieldView `json:"customFields"`
	AdditionalEmails   []string          `json:"additionalEmails"`
	AdditionalPhones   []string          `json:"additionalPhones"`
	Followers          []string          `json:"followers"`
	Opportunities      []any             `json:"opportunities"`
	DateAdded          string            `json:"dateAdded"`
	DateUpdated        *string           `json:"dateUpdated"`
	LastActivity       *string           `json:"lastActivity"`
	SearchAfter        []any             `json:"searchAfter"`
}

func newSearchContactView(h *crm.SearchHit) searchContactView {
	c := &h.Contact
	v := searchContactView{
		ID:                 c.ID,
		LocationID:         c.LocationID,
		ContactName:        nullable(c.ContactName()),
		FirstName:          nullable(c.FirstName),
		FirstNameLowerCase: nullable(strings.ToLower(c.FirstName)),
		LastName:           nullable(c.LastName),
		LastNameLowerCase:  nullable(strings.ToLower(c.LastName)),
		Email:              nullable(c.Email),
		Phone:              nullable(c.Phone),
		CompanyName:        nullable(c.CompanyName),
		BusinessName:       nullable(c.CompanyName),
		BusinessID:         nullable(c.BusinessID),
		Address:            nullable(c.Address1),
		Address1:           nullable(c.Address1),
		City:               nullable(c.City),
		State:              nullable(c.State),
		Country:            nullable(c.Country),
		PostalCode:         nullable(c.PostalCode),
		Website:            nullable(c.Website),
		Timezone:           nullable(c.Timezone),
		DND:                c.DND,
		Type:               c.Type,
		Source:             nullable(c.Source),
		AssignedTo:         nullable(c.AssignedTo),
		DateOfBirth:        nullable(crm.DateOfBirthISO(c.DateOfBirth)),
		Tags:               nonNil(c.Tags),
		CustomFields:       []customFieldView{},
		AdditionalEmails:   nonNil(c.AdditionalEmails),
		AdditionalPhones:   nonNil(c.AdditionalPhones),
		Followers:          nonNil(c.Followers),
		Opportunities:      []any{},
		DateAdded:          c.DateAdded.String(),
		DateUpdated:        nullable(isoOrEmpty(c.DateUpdated)),
		LastActivity:       nullable(isoOrEmpty(c.LastActivity)),
		SearchAfter:        h.SearchAfter,
	}
	if v.Type == "" {
		v.Type = "lead"
	}
	if c.Email != "" {
		valid := emailLooksValid(c.Email)
		v.ValidEmail = &valid
	}
	for _, f := range c.CustomFields {
		v.CustomFields = append(v.CustomFields, customFieldView(f))
	}
	return v
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func emailLooksValid(e string) bool {
	at := strings.LastIndexByte(e, '@')
	return at > 0 && strings.IndexByte(e[at:], '.') > 1 && !strings.ContainsAny(e, " \t")
}

type taskView struct {
	ID         string `json:"id"`
	Title      string `json:"title"`
	Body       string `json:"body,omitempty"`
	AssignedTo string `json:"assignedTo,omitempty"`
	DueDate    string `json:"dueDate"`
	Completed  bool   `json:"completed"`
	ContactID  string `json:"contactId"`
	DateAdded  string `json:"dateAdded,omitempty"`
}

func newTaskView(t *crm.Task) taskView {
	return taskView{
		ID: t.ID, Title: t.Title, Body: t.Body, AssignedTo: t.AssignedTo,
		DueDate: t.DueDate.String(), Completed: t.Completed, ContactID: t.ContactID,
		DateAdded: isoOrEmpty(t.DateAdded),
	}
}

type noteView struct {
	ID        string `json:"id"`
	Body      string `json:"body"`
	UserID    string `json:"userId,omitempty"`
	DateAdded string `json:"dateAdded"`
	ContactID string `json:"contactId"`
	Title     string `json:"title,omitempty"`
	Color     string `json:"color,omitempty"`
	Pinned    bool   `json:"pinned"`
}

func newNoteView(n *crm.Note) noteView {
	return noteView{
		ID: n.ID, Body: n.Body, UserID: n.UserID, DateAdded: n.DateAdded.String(),
		ContactID: n.ContactID, Title: n.Title, Color: n.Color, Pinned: n.Pinned,
	}
}

type eventView struct {
	ID                string   `json:"id"`
	CalendarID        string   `json:"calendarId"`
	Status            string   `json:"status"`
	Title             string   `json:"title"`
	AssignedUserID    string   `json:"assignedUserId,omitempty"`
	Notes             string   `json:"notes,omitempty"`
	StartTime         string   `json:"startTime"`
	EndTime           string   `json:"endTime"`
	Address           string   `json:"address,omitempty"`
	LocationID        string   `json:"locationId"`
	ContactID         string   `json:"contactId"`
	GroupID           string   `json:"groupId,omitempty"`
	AppointmentStatus string   `json:"appointmentStatus"`
	Users             []string `json:"users"`
	DateAdded         string   `json:"dateAdded"`
	DateUpdated       string   `json:"dateUpdated"`
	AssignedResources []string `json:"assignedResources"`
}

// appointmentTime formats an appointment instant in the configured style:
// "iso" (ISO 8601 with the location's offset, as the calendars API answers)
// or "spec" (HighLevel's documented "2021-07-16 11:00:00").
func appointmentTime(m crm.Millis, loc *time.Location, style string) string {
	t := m.Time().In(loc)
	if style == "spec" {
		return t.Format("2006-01-02 15:04:05")
	}
	return t.Format("2006-01-02T15:04:05-07:00")
}

func newEventView(a *crm.Appointment, loc *time.Location, style string) eventView {
	return eventView{
		ID: a.ID, CalendarID: a.CalendarID, Status: a.Status, Title: a.Title,
		AssignedUserID: a.AssignedUserID, Notes: a.Notes,
		StartTime: appointmentTime(a.StartTime, loc, style), EndTime: appointmentTime(a.EndTime, loc, style),
		Address: a.Address, LocationID: a.LocationID, ContactID: a.ContactID, GroupID: a.GroupID,
		AppointmentStatus: a.AppointmentStatus, Users: nonNil(a.Users),
		DateAdded: appointmentTime(a.DateAdded, loc, style), DateUpdated: appointmentTime(a.DateUpdated, loc, style),
		AssignedResources: []string{},
	}
}

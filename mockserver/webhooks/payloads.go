package webhooks

import (
	"sync"
	"time"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// The payload builders follow HighLevel's event docs field by field, in the
// docs' order. Fields the store has no value for are left out, as GHL's
// single-contact reads leave them out; the arrays (tags, attachments,
// customFields, users) are always present.

// ContactEvent builds a Contact* event (ContactCreate, ContactUpdate,
// ContactDelete, ContactTagUpdate, ContactDndUpdate) from c as it is; only
// ContactDndUpdate carries dndSettings.
func ContactEvent(typ string, c *crm.Contact) Event {
	o := make(Object, 0, 25)
	o = append(o, Member{"type", typ}, Member{"locationId", c.LocationID}, Member{"id", c.ID})
	o = appendOmit(o, "address1", c.Address1)
	o = appendOmit(o, "city", c.City)
	o = appendOmit(o, "state", c.State)
	o = appendOmit(o, "companyName", c.CompanyName)
	o = appendOmit(o, "country", c.Country)
	o = appendOmit(o, "source", c.Source)
	o = appendInstant(o, "dateAdded", c.DateAdded)
	if c.DateOfBirth != "" {
		o = append(o, Member{"dateOfBirth", dateOfBirth(c.DateOfBirth)})
	}
	o = append(o, Member{"dnd", c.DND})
	if typ == ContactDndUpdate {
		o = append(o, Member{"dndSettings", dndSettings(c.DNDSettings)})
	}
	o = appendOmit(o, "email", c.Email)
	o = appendOmit(o, "name", c.DisplayName())
	o = appendOmit(o, "firstName", c.FirstName)
	o = appendOmit(o, "lastName", c.LastName)
	o = appendOmit(o, "phone", c.Phone)
	o = appendOmit(o, "postalCode", c.PostalCode)
	tags := c.Tags
	if tags == nil {
		tags = []string{}
	}
	o = append(o, Member{"tags", tags})
	o = appendOmit(o, "website", c.Website)
	o = append(o, Member{"attachments", []any{}})
	o = appendOmit(o, "assignedTo", c.AssignedTo)
	cf := make([]Object, 0, len(c.CustomFields))
	for _, f := range c.CustomFields {
		cf = append(cf, Object{{"id", f.ID}, {"value", f.Value}})
	}
	o = append(o, Member{"customFields", cf})
	return Event{Type: typ, LocationID: c.LocationID, ContactID: c.ID, ObjectID: c.ID, Fields: o}
}

// dndChannelOrder is the order of the channels in HighLevel's
// ContactDndUpdate example.
var dndChannelOrder = []string{"SMS", "Call", "Email", "GMB", "FB", "WhatsApp"}

func dndSettings(m map[string]crm.DNDSetting) Object {
	o := Object{}
	for _, ch := range dndChannelOrder {
		s, ok := m[ch]
		if !ok {
			continue
		}
		v := Object{{"status", s.Status}}
		v = appendOmit(v, "message", s.Message)
		v = appendOmit(v, "code", s.Code)
		o = append(o, Member{ch, v})
	}
	return o
}

// dateOfBirth writes a stored YYYY-MM-DD as GHL writes dates of birth
// (2000-01-05T00:00:00.000Z); anything else as it is.
func dateOfBirth(s string) string {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return s
	}
	return crm.MillisOf(t).String()
}

// NoteEvent builds a Note* event from n.
func NoteEvent(typ string, n *crm.Note) Event {
	o := Object{{"type", typ}, {"locationId", n.LocationID}, {"id", n.ID}, {"body", n.Body}, {"contactId", n.ContactID}}
	o = appendInstant(o, "dateAdded", n.DateAdded)
	return Event{Type: typ, LocationID: n.LocationID, ContactID: n.ContactID, ObjectID: n.ID, Fields: o}
}

// TaskEvent builds a Task* event from t.
func TaskEvent(typ string, t *crm.Task) Event {
	o := Object{{"type", typ}, {"locationId", t.LocationID}, {"id", t.ID}}
	o = appendOmit(o, "assignedTo", t.AssignedTo)
	o = appendOmit(o, "body", t.Body)
	o = append(o, Member{"contactId", t.ContactID})
	o = appendOmit(o, "title", t.Title)
	o = appendInstant(o, "dateAdded", t.DateAdded)
	o = appendInstant(o, "dueDate", t.DueDate)
	return Event{Type: typ, LocationID: t.LocationID, ContactID: t.ContactID, ObjectID: t.ID, Fields: o}
}

// offsetLayout is how appointment events write instants: ISO 8601 with the
// offset of the location's time zone and no fraction, as in HighLevel's
// example (2023-09-25T16:00:00+05:30).
const offsetLayout = "2006-01-02T15:04:05-07:00"

// AppointmentEvent builds an Appointment* event from a, its fields nested
// under "appointment" and its instants in zone (the location's time zone;
// UTC when nil). crm.Appointment keeps no booking source, so "source" is
// left out.
func AppointmentEvent(typ string, a *crm.Appointment, zone *time.Location) Event {
	if zone == nil {
		zone = time.UTC
	}
	at := func(o Object, key string, m crm.Millis) Object {
		if m.IsZero() {
			return o
		}
		return append(o, Member{key, m.Time().In(zone).Format(offsetLayout)})
	}
	in := Object{{"id", a.ID}}
	in = appendOmit(in, "address", a.Address)
	in = appendOmit(in, "title", a.Title)
	in = appendOmit(in, "calendarId", a.CalendarID)
	in = appendOmit(in, "contactId", a.ContactID)
	in = appendOmit(in, "groupId", a.GroupID)
	in = appendOmit(in, "appointmentStatus", a.AppointmentStatus)
	in = appendOmit(in, "assignedUserId", a.AssignedUserID)
	users := a.Users
	if users == nil {
		users = []string{}
	}
	in = append(in, Member{"users", users})
	in = appendOmit(in, "notes", a.Notes)
	in = at(in, "startTime", a.StartTime)
	in = at(in, "endTime", a.EndTime)
	in = at(in, "dateAdded", a.DateAdded)
	in = at(in, "dateUpdated", a.DateUpdated)
	o := Object{{"type", typ}, {"locationId", a.LocationID}, {"appointment", in}}
	return Event{Type: typ, LocationID: a.LocationID, ContactID: a.ContactID, ObjectID: a.ID, Fields: o}
}

// WorkflowEvent builds the trigger of a workflow's Custom Webhook action for
// contact c: the action's minimal payload {id, name, email, phone}, always
// all four (a Zapier-style consumer maps them by name).
func WorkflowEvent(workflowID string, c *crm.Contact) Event {
	o := Object{{"id", c.ID}, {"name", c.DisplayName()}, {"email", c.Email}, {"phone", c.Phone}}
	return Event{Type: WorkflowWebhook, LocationID: c.LocationID, ContactID: c.ID, ObjectID: c.ID, WorkflowID: workflowID, Fields: o}
}

func appendOmit(o Object, key, v string) Object {
	if v == "" {
		return o
	}
	return append(o, Member{key, v})
}

func appendInstant(o Object, key string, m crm.Millis) Object {
	if m.IsZero() {
		return o
	}
	return append(o, Member{key, m.String()})
}

var zones sync.Map // name → *time.Location

// ZoneByName returns the time zone of an IANA name (a location's timezone),
// cached, or UTC when the name is empty or unknown. A binary built without
// the system's zoneinfo needs time/tzdata imported for names to resolve.
func ZoneByName(name string) *time.Location {
	if name == "" {
		return time.UTC
	}
	if z, ok := zones.Load(name); ok {
		return z.(*time.Location)
	}
	z, err := time.LoadLocation(name)
	if err != nil {
		z = time.UTC
	}
	zones.Store(name, z)
	return z
}

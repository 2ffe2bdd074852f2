package mockserver

import (
	"strings"
	"time"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// The wire shapes of GHL's bodies. Single-contact reads omit empty fields, as
// live GET /contacts/{id} does; search results carry nulls, as live search
// does. The hot ones write their JSON themselves (see jsonw.go).

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// appendContactFields writes a contact's members as GET /contacts/{id}
// returns them: empty fields left out, derived fields filled in.
func appendContactFields(o *obj, c *crm.Contact) {
	o.str("id", c.ID)
	o.instant("dateAdded", c.DateAdded)
	o.instantOmit("dateUpdated", c.DateUpdated)
	o.strs("tags", nonNil(c.Tags))
	typ := c.Type
	if typ == "" {
		typ = "lead"
	}
	o.str("type", typ)
	o.str("locationId", c.LocationID)
	if c.Name != "" {
		o.str("name", c.Name)
	} else {
		o.name("name", c.FirstName, c.LastName, false)
	}
	o.strOmit("firstName", c.FirstName)
	o.strLowerOmit("firstNameLowerCase", c.FirstName)
	o.strOmit("lastName", c.LastName)
	o.strLowerOmit("lastNameLowerCase", c.LastName)
	o.name("fullNameLowerCase", c.FirstName, c.LastName, true)
	o.strOmit("email", c.Email)
	o.strLowerOmit("emailLowerCase", c.Email)
	o.strOmit("phone", c.Phone)
	o.strOmit("companyName", c.CompanyName)
	o.strOmit("businessId", c.BusinessID)
	o.strOmit("gender", c.Gender)
	o.strOmit("address1", c.Address1)
	o.strOmit("city", c.City)
	o.strOmit("state", c.State)
	o.strOmit("country", c.Country)
	o.strOmit("postalCode", c.PostalCode)
	o.strOmit("website", c.Website)
	o.strOmit("timezone", c.Timezone)
	o.boolean("dnd", c.DND)
	if len(c.DNDSettings) > 0 {
		d := o.open("dndSettings")
		for _, ch := range crm.DNDChannels {
			if set, ok := c.DNDSettings[ch]; ok {
				x := d.open(ch)
				x.str("status", set.Status)
				x.strOmit("message", set.Message)
				x.strOmit("code", set.Code)
				d.close(x)
			}
		}
		o.close(d)
	}
	if in := c.InboundDNDSettings; in != nil {
		d := o.open("inboundDndSettings")
		x := d.open("all")
		x.str("status", in.All.Status)
		x.strOmit("message", in.All.Message)
		d.close(x)
		o.close(d)
	}
	o.strOmit("source", c.Source)
	o.strOmit("assignedTo", c.AssignedTo)
	o.strOmit("dateOfBirth", crm.DateOfBirthISO(c.DateOfBirth))
	if len(c.CustomFields) > 0 {
		o.key("customFields")
		o.b = appendCustomFields(o.b, c.CustomFields)
	}
	if len(c.AdditionalEmails) > 0 {
		o.key("additionalEmails")
		o.b = appendTagged(o.b, "email", c.AdditionalEmails)
	}
	if len(c.AdditionalPhones) > 0 {
		o.key("additionalPhones")
		o.b = appendTagged(o.b, "phone", c.AdditionalPhones)
	}
	o.strsOmit("followers", c.Followers)
	if a := c.Attribution; a != nil {
		x := o.open("attributionSource")
		x.strOmit("sessionSource", a.SessionSource)
		x.strOmit("medium", a.Medium)
		x.strNull("mediumId", a.MediumID)
		x.strOmit("url", a.URL)
		x.strOmit("campaign", a.Campaign)
		x.strOmit("utmSource", a.UTMSource)
		x.strOmit("utmMedium", a.UTMMedium)
		x.strOmit("referrer", a.Referrer)
		o.close(x)
	}
	if cb := c.CreatedBy; cb != nil {
		x := o.open("createdBy")
		x.str("source", cb.Source)
		x.str("channel", cb.Channel)
		x.strOmit("sourceId", cb.SourceID)
		x.instantOmit("timestamp", cb.Timestamp)
		o.close(x)
	}
	o.instantOmit("lastActivity", c.LastActivity)
}

func appendCustomFields(b []byte, fields []crm.CustomFieldValue) []byte {
	b = append(b, '[')
	for i, f := range fields {
		if i > 0 {
			b = append(b, ',')
		}
		x := item(b)
		x.str("id", f.ID)
		x.value("value", f.Value)
		b = x.end()
	}
	return append(b, ']')
}

// appendTagged writes strings as objects {key: s}, as live additionalEmails
// and additionalPhones are.
func appendTagged(b []byte, key string, list []string) []byte {
	b = append(b, '[')
	for i, s := range list {
		if i > 0 {
			b = append(b, ',')
		}
		x := item(b)
		x.str(key, s)
		b = x.end()
	}
	return append(b, ']')
}

// contactAnswer is {"contact":{…}} in its variants: create adds
// deleted:false, update leads with succeded:true, upsert with new, and the
// duplicate lookup answers {"contact":null} when nothing matched.
type contactAnswer struct {
	c       *crm.Contact
	created bool
	updated bool
	upsert  bool
	isNew   bool
}

func (a contactAnswer) appendJSON(b []byte) []byte {
	o := item(b)
	if a.updated {
		o.boolean("succeded", true)
	}
	if a.upsert {
		o.boolean("new", a.isNew)
	}
	if a.c == nil {
		o.null("contact")
		return o.end()
	}
	x := o.open("contact")
	appendContactFields(&x, a.c)
	if a.created {
		x.boolean("deleted", false)
	}
	o.close(x)
	return o.end()
}

// listMeta is the meta of GET /contacts/, as live responses carry it.
type listMeta struct {
	Total        int
	NextPageURL  string
	StartAfterID string
	StartAfter   int64 // 0: none
	CurrentPage  int
	NextPage     int // 0: none
	PrevPage     int // 0: none
}

func (m *listMeta) appendJSON(o *obj) {
	o.integer("total", int64(m.Total))
	o.strNull("nextPageUrl", m.NextPageURL)
	o.strNull("startAfterId", m.StartAfterID)
	optInt(o, "startAfter", m.StartAfter)
	o.integer("currentPage", int64(m.CurrentPage))
	optInt(o, "nextPage", int64(m.NextPage))
	optInt(o, "prevPage", int64(m.PrevPage))
}

func optInt(o *obj, k string, v int64) {
	if v == 0 {
		o.null(k)
		return
	}
	o.integer(k, v)
}

// contactsAnswer is a list of contacts with either the list's meta (GET
// /contacts/) or a count (the business listing). Each item is the contact
// plus its lower-case contactName.
type contactsAnswer struct {
	contacts []crm.Contact
	meta     *listMeta
	count    int
}

func (a contactsAnswer) appendJSON(b []byte) []byte {
	o := item(b)
	o.key("contacts")
	o.b = append(o.b, '[')
	for i := range a.contacts {
		if i > 0 {
			o.b = append(o.b, ',')
		}
		c := &a.contacts[i]
		x := item(o.b)
		appendContactFields(&x, c)
		if c.Name != "" {
			x.strLower("contactName", c.Name)
		} else {
			x.name("contactName", c.FirstName, c.LastName, true)
		}
		o.b = x.end()
	}
	o.b = append(o.b, ']')
	if a.meta != nil {
		m := o.open("meta")
		a.meta.appendJSON(&m)
		o.close(m)
	} else {
		o.integer("count", int64(a.count))
	}
	return o.end()
}

// searchAnswer is POST /contacts/search: {contacts, total}. Every item has
// all its fields, null when empty, no dndSettings (live search leaves them
// out), address instead of address1, dateOfBirth in epoch ms, and the
// searchAfter cursor.
type searchAnswer struct {
	hits  []crm.SearchHit
	total int
}

func (a searchAnswer) appendJSON(b []byte) []byte {
	o := item(b)
	o.key("contacts")
	o.b = append(o.b, '[')
	for i := range a.hits {
		if i > 0 {
			o.b = append(o.b, ',')
		}
		x := item(o.b)
		appendSearchHit(&x, &a.hits[i])
		o.b = x.end()
	}
	o.b = append(o.b, ']')
	o.integer("total", int64(a.total))
	return o.end()
}

func appendSearchHit(o *obj, h *crm.SearchHit) {
	c := &h.Contact
	o.str("id", c.ID)
	o.str("locationId", c.LocationID)
	o.strNull("contactName", c.ContactName())
	o.strNull("firstName", c.FirstName)
	o.strNull("firstNameLowerCase", strings.ToLower(c.FirstName))
	o.strNull("lastName", c.LastName)
	o.strNull("lastNameLowerCase", strings.ToLower(c.LastName))
	o.strNull("email", c.Email)
	if c.Email == "" {
		o.null("validEmail")
	} else {
		o.boolean("validEmail", emailLooksValid(c.Email))
	}
	o.strNull("phone", c.Phone)
	o.strNull("companyName", c.CompanyName)
	o.strNull("businessName", c.CompanyName)
	o.strNull("businessId", c.BusinessID)
	o.strNull("address", c.Address1)
	o.strNull("city", c.City)
	o.strNull("state", c.State)
	o.strNull("country", c.Country)
	o.strNull("postalCode", c.PostalCode)
	o.strNull("website", c.Website)
	o.strNull("timezone", c.Timezone)
	o.boolean("dnd", c.DND)
	typ := c.Type
	if typ == "" {
		typ = "lead"
	}
	o.str("type", typ)
	o.strNull("source", c.Source)
	o.strNull("assignedTo", c.AssignedTo)
	if dob, ok := crm.ParseMillis(crm.DateOfBirthISO(c.DateOfBirth)); ok && c.DateOfBirth != "" {
		o.integer("dateOfBirth", int64(dob))
	} else {
		o.null("dateOfBirth")
	}
	o.strs("tags", nonNil(c.Tags))
	o.key("customFields")
	o.b = appendCustomFields(o.b, c.CustomFields)
	o.strs("additionalEmails", nonNil(c.AdditionalEmails))
	o.strs("additionalPhones", nonNil(c.AdditionalPhones))
	o.strs("followers", nonNil(c.Followers))
	o.key("opportunities")
	o.b = append(o.b, '[', ']')
	o.instant("dateAdded", c.DateAdded)
	o.instantNull("dateUpdated", c.DateUpdated)
	o.instantNull("lastActivity", c.LastActivity)
	o.key("searchAfter")
	o.b = append(o.b, '[')
	for i, v := range h.SearchAfter {
		if i > 0 {
			o.b = append(o.b, ',')
		}
		o.b = appendValue(o.b, v)
	}
	o.b = append(o.b, ']')
}

func emailLooksValid(e string) bool {
	at := strings.LastIndexByte(e, '@')
	return at > 0 && strings.IndexByte(e[at:], '.') > 1 && !strings.ContainsAny(e, " \t")
}

func appendTaskFields(o *obj, t *crm.Task) {
	o.str("id", t.ID)
	o.str("title", t.Title)
	o.strOmit("body", t.Body)
	o.strOmit("assignedTo", t.AssignedTo)
	o.instant("dueDate", t.DueDate)
	o.boolean("completed", t.Completed)
	o.str("contactId", t.ContactID)
	o.instantOmit("dateAdded", t.DateAdded)
}

// taskAnswer is {"task":{…}}; tasksAnswer {"tasks":[…]}.
type taskAnswer struct{ t *crm.Task }

func (a taskAnswer) appendJSON(b []byte) []byte {
	o := item(b)
	x := o.open("task")
	appendTaskFields(&x, a.t)
	o.close(x)
	return o.end()
}

type tasksAnswer struct{ tasks []crm.Task }

func (a tasksAnswer) appendJSON(b []byte) []byte {
	o := item(b)
	o.key("tasks")
	o.b = append(o.b, '[')
	for i := range a.tasks {
		if i > 0 {
			o.b = append(o.b, ',')
		}
		x := item(o.b)
		appendTaskFields(&x, &a.tasks[i])
		o.b = x.end()
	}
	o.b = append(o.b, ']')
	return o.end()
}

func appendNoteFields(o *obj, n *crm.Note) {
	o.str("id", n.ID)
	o.str("body", n.Body)
	o.strOmit("userId", n.UserID)
	o.instant("dateAdded", n.DateAdded)
	o.str("contactId", n.ContactID)
	o.strOmit("title", n.Title)
	o.strOmit("color", n.Color)
	o.boolean("pinned", n.Pinned)
}

// noteAnswer is {"note":{…}}; notesAnswer {"notes":[…]}.
type noteAnswer struct{ n *crm.Note }

func (a noteAnswer) appendJSON(b []byte) []byte {
	o := item(b)
	x := o.open("note")
	appendNoteFields(&x, a.n)
	o.close(x)
	return o.end()
}

type notesAnswer struct{ notes []crm.Note }

func (a notesAnswer) appendJSON(b []byte) []byte {
	o := item(b)
	o.key("notes")
	o.b = append(o.b, '[')
	for i := range a.notes {
		if i > 0 {
			o.b = append(o.b, ',')
		}
		x := item(o.b)
		appendNoteFields(&x, &a.notes[i])
		o.b = x.end()
	}
	o.b = append(o.b, ']')
	return o.end()
}

// statusAnswer is GHL's status flag, in its misspelling and, as live v2
// bodies also carry, spelt right.
type statusAnswer struct{}

func (statusAnswer) appendJSON(b []byte) []byte {
	return append(b, `{"succeded":true,"succeeded":true}`...)
}

var ok = statusAnswer{}

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

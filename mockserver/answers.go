package mockserver

import (
	"strings"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/jsonappend"
)

// The wire shapes of GHL's bodies. Single-contact reads omit empty fields, as
// live GET /contacts/{id} does; search results carry nulls, as live search
// does. The hot ones write their JSON themselves, with jsonappend.

// instant writes an instant in GHL's form (2026-05-05T15:12:41.809Z),
// appended in place.
func instant(o *jsonappend.Object, k string, m crm.Millis) {
	o.Key(k)
	o.B = append(o.B, '"')
	o.B = m.AppendISO(o.B)
	o.B = append(o.B, '"')
}

// instantOmit writes the instant unless it is unset.
func instantOmit(o *jsonappend.Object, k string, m crm.Millis) {
	if !m.IsZero() {
		instant(o, k, m)
	}
}

// instantNull writes the instant, or null when it is unset.
func instantNull(o *jsonappend.Object, k string, m crm.Millis) {
	if m.IsZero() {
		o.Null(k)
		return
	}
	instant(o, k, m)
}

// joinedName writes first and last joined by a space (either may be empty),
// lower-cased when lower is set, and nothing when both are empty.
func joinedName(o *jsonappend.Object, k, first, last string, lower bool) {
	if first == "" && last == "" {
		return
	}
	o.Key(k)
	o.B = append(o.B, '"')
	add := jsonappend.AppendEscaped
	if lower {
		add = jsonappend.AppendLower
	}
	o.B = add(o.B, first)
	if first != "" && last != "" {
		o.B = append(o.B, ' ')
	}
	o.B = add(o.B, last)
	o.B = append(o.B, '"')
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// appendContactFields writes a contact's members as GET /contacts/{id}
// returns them: empty fields left out, derived fields filled in.
func appendContactFields(o *jsonappend.Object, c *crm.Contact) {
	o.String("id", c.ID)
	instant(o, "dateAdded", c.DateAdded)
	instantOmit(o, "dateUpdated", c.DateUpdated)
	o.Strings("tags", nonNil(c.Tags))
	typ := c.Type
	if typ == "" {
		typ = "lead"
	}
	o.String("type", typ)
	o.String("locationId", c.LocationID)
	if c.Name != "" {
		o.String("name", c.Name)
	} else {
		joinedName(o, "name", c.FirstName, c.LastName, false)
	}
	o.StringOmit("firstName", c.FirstName)
	o.LowerOmit("firstNameLowerCase", c.FirstName)
	o.StringOmit("lastName", c.LastName)
	o.LowerOmit("lastNameLowerCase", c.LastName)
	joinedName(o, "fullNameLowerCase", c.FirstName, c.LastName, true)
	o.StringOmit("email", c.Email)
	o.LowerOmit("emailLowerCase", c.Email)
	o.StringOmit("phone", c.Phone)
	o.StringOmit("companyName", c.CompanyName)
	o.StringOmit("businessId", c.BusinessID)
	o.StringOmit("gender", c.Gender)
	o.StringOmit("address1", c.Address1)
	o.StringOmit("city", c.City)
	o.StringOmit("state", c.State)
	o.StringOmit("country", c.Country)
	o.StringOmit("postalCode", c.PostalCode)
	o.StringOmit("website", c.Website)
	o.StringOmit("timezone", c.Timezone)
	o.Bool("dnd", c.DND)
	if len(c.DNDSettings) > 0 {
		d := o.Open("dndSettings")
		for _, ch := range crm.DNDChannels {
			if set, ok := c.DNDSettings[ch]; ok {
				x := d.Open(ch)
				x.String("status", set.Status)
				x.StringOmit("message", set.Message)
				x.StringOmit("code", set.Code)
				d.Close(x)
			}
		}
		o.Close(d)
	}
	if in := c.InboundDNDSettings; in != nil {
		d := o.Open("inboundDndSettings")
		x := d.Open("all")
		x.String("status", in.All.Status)
		x.StringOmit("message", in.All.Message)
		d.Close(x)
		o.Close(d)
	}
	o.StringOmit("source", c.Source)
	o.StringOmit("assignedTo", c.AssignedTo)
	o.StringOmit("dateOfBirth", crm.DateOfBirthISO(c.DateOfBirth))
	if len(c.CustomFields) > 0 {
		o.Key("customFields")
		o.B = appendCustomFields(o.B, c.CustomFields)
	}
	if len(c.AdditionalEmails) > 0 {
		o.Key("additionalEmails")
		o.B = appendTagged(o.B, "email", c.AdditionalEmails)
	}
	if len(c.AdditionalPhones) > 0 {
		o.Key("additionalPhones")
		o.B = appendTagged(o.B, "phone", c.AdditionalPhones)
	}
	o.StringsOmit("followers", c.Followers)
	if a := c.Attribution; a != nil {
		x := o.Open("attributionSource")
		x.StringOmit("sessionSource", a.SessionSource)
		x.StringOmit("medium", a.Medium)
		x.StringNull("mediumId", a.MediumID)
		x.StringOmit("url", a.URL)
		x.StringOmit("campaign", a.Campaign)
		x.StringOmit("utmSource", a.UTMSource)
		x.StringOmit("utmMedium", a.UTMMedium)
		x.StringOmit("referrer", a.Referrer)
		o.Close(x)
	}
	if cb := c.CreatedBy; cb != nil {
		x := o.Open("createdBy")
		x.String("source", cb.Source)
		x.String("channel", cb.Channel)
		x.StringOmit("sourceId", cb.SourceID)
		instantOmit(&x, "timestamp", cb.Timestamp)
		o.Close(x)
	}
	instantOmit(o, "lastActivity", c.LastActivity)
}

func appendCustomFields(b []byte, fields []crm.CustomFieldValue) []byte {
	b = append(b, '[')
	for i, f := range fields {
		if i > 0 {
			b = append(b, ',')
		}
		x := jsonappend.Begin(b)
		x.String("id", f.ID)
		x.Value("value", f.Value)
		b = x.End()
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
		x := jsonappend.Begin(b)
		x.String(key, s)
		b = x.End()
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
	o := jsonappend.Begin(b)
	if a.updated {
		o.Bool("succeded", true)
	}
	if a.upsert {
		o.Bool("new", a.isNew)
	}
	if a.c == nil {
		o.Null("contact")
		return o.End()
	}
	x := o.Open("contact")
	appendContactFields(&x, a.c)
	if a.created {
		x.Bool("deleted", false)
	}
	o.Close(x)
	return o.End()
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

func (m *listMeta) appendJSON(o *jsonappend.Object) {
	o.Int("total", int64(m.Total))
	o.StringNull("nextPageUrl", m.NextPageURL)
	o.StringNull("startAfterId", m.StartAfterID)
	optInt(o, "startAfter", m.StartAfter)
	o.Int("currentPage", int64(m.CurrentPage))
	optInt(o, "nextPage", int64(m.NextPage))
	optInt(o, "prevPage", int64(m.PrevPage))
}

func optInt(o *jsonappend.Object, k string, v int64) {
	if v == 0 {
		o.Null(k)
		return
	}
	o.Int(k, v)
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
	o := jsonappend.Begin(b)
	o.Key("contacts")
	o.B = append(o.B, '[')
	for i := range a.contacts {
		if i > 0 {
			o.B = append(o.B, ',')
		}
		c := &a.contacts[i]
		x := jsonappend.Begin(o.B)
		appendContactFields(&x, c)
		if c.Name != "" {
			x.Lower("contactName", c.Name)
		} else {
			joinedName(&x, "contactName", c.FirstName, c.LastName, true)
		}
		o.B = x.End()
	}
	o.B = append(o.B, ']')
	if a.meta != nil {
		m := o.Open("meta")
		a.meta.appendJSON(&m)
		o.Close(m)
	} else {
		o.Int("count", int64(a.count))
	}
	return o.End()
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
	o := jsonappend.Begin(b)
	o.Key("contacts")
	o.B = append(o.B, '[')
	for i := range a.hits {
		if i > 0 {
			o.B = append(o.B, ',')
		}
		x := jsonappend.Begin(o.B)
		appendSearchHit(&x, &a.hits[i])
		o.B = x.End()
	}
	o.B = append(o.B, ']')
	o.Int("total", int64(a.total))
	return o.End()
}

func appendSearchHit(o *jsonappend.Object, h *crm.SearchHit) {
	c := &h.Contact
	o.String("id", c.ID)
	o.String("locationId", c.LocationID)
	o.StringNull("contactName", c.ContactName())
	o.StringNull("firstName", c.FirstName)
	o.StringNull("firstNameLowerCase", strings.ToLower(c.FirstName))
	o.StringNull("lastName", c.LastName)
	o.StringNull("lastNameLowerCase", strings.ToLower(c.LastName))
	o.StringNull("email", c.Email)
	if c.Email == "" {
		o.Null("validEmail")
	} else {
		o.Bool("validEmail", emailLooksValid(c.Email))
	}
	o.StringNull("phone", c.Phone)
	o.StringNull("companyName", c.CompanyName)
	o.StringNull("businessName", c.CompanyName)
	o.StringNull("businessId", c.BusinessID)
	o.StringNull("address", c.Address1)
	o.StringNull("city", c.City)
	o.StringNull("state", c.State)
	o.StringNull("country", c.Country)
	o.StringNull("postalCode", c.PostalCode)
	o.StringNull("website", c.Website)
	o.StringNull("timezone", c.Timezone)
	o.Bool("dnd", c.DND)
	typ := c.Type
	if typ == "" {
		typ = "lead"
	}
	o.String("type", typ)
	o.StringNull("source", c.Source)
	o.StringNull("assignedTo", c.AssignedTo)
	if dob, ok := crm.ParseMillis(crm.DateOfBirthISO(c.DateOfBirth)); ok && c.DateOfBirth != "" {
		o.Int("dateOfBirth", int64(dob))
	} else {
		o.Null("dateOfBirth")
	}
	o.Strings("tags", nonNil(c.Tags))
	o.Key("customFields")
	o.B = appendCustomFields(o.B, c.CustomFields)
	o.Strings("additionalEmails", nonNil(c.AdditionalEmails))
	o.Strings("additionalPhones", nonNil(c.AdditionalPhones))
	o.Strings("followers", nonNil(c.Followers))
	o.Key("opportunities")
	o.B = append(o.B, '[', ']')
	instant(o, "dateAdded", c.DateAdded)
	instantNull(o, "dateUpdated", c.DateUpdated)
	instantNull(o, "lastActivity", c.LastActivity)
	o.Key("searchAfter")
	o.B = append(o.B, '[')
	for i, v := range h.SearchAfter {
		if i > 0 {
			o.B = append(o.B, ',')
		}
		o.B = jsonappend.AppendValue(o.B, v)
	}
	o.B = append(o.B, ']')
}

func emailLooksValid(e string) bool {
	at := strings.LastIndexByte(e, '@')
	return at > 0 && strings.IndexByte(e[at:], '.') > 1 && !strings.ContainsAny(e, " \t")
}

func appendTaskFields(o *jsonappend.Object, t *crm.Task) {
	o.String("id", t.ID)
	o.String("title", t.Title)
	o.StringOmit("body", t.Body)
	o.StringOmit("assignedTo", t.AssignedTo)
	instant(o, "dueDate", t.DueDate)
	o.Bool("completed", t.Completed)
	o.String("contactId", t.ContactID)
	instantOmit(o, "dateAdded", t.DateAdded)
}

// taskAnswer is {"task":{…}}; tasksAnswer {"tasks":[…]}.
type taskAnswer struct{ t *crm.Task }

func (a taskAnswer) appendJSON(b []byte) []byte {
	o := jsonappend.Begin(b)
	x := o.Open("task")
	appendTaskFields(&x, a.t)
	o.Close(x)
	return o.End()
}

type tasksAnswer struct{ tasks []crm.Task }

func (a tasksAnswer) appendJSON(b []byte) []byte {
	o := jsonappend.Begin(b)
	o.Key("tasks")
	o.B = append(o.B, '[')
	for i := range a.tasks {
		if i > 0 {
			o.B = append(o.B, ',')
		}
		x := jsonappend.Begin(o.B)
		appendTaskFields(&x, &a.tasks[i])
		o.B = x.End()
	}
	o.B = append(o.B, ']')
	return o.End()
}

func appendNoteFields(o *jsonappend.Object, n *crm.Note) {
	o.String("id", n.ID)
	o.String("body", n.Body)
	o.StringOmit("userId", n.UserID)
	instant(o, "dateAdded", n.DateAdded)
	o.String("contactId", n.ContactID)
	o.StringOmit("title", n.Title)
	o.StringOmit("color", n.Color)
	o.Bool("pinned", n.Pinned)
}

// noteAnswer is {"note":{…}}; notesAnswer {"notes":[…]}.
type noteAnswer struct{ n *crm.Note }

func (a noteAnswer) appendJSON(b []byte) []byte {
	o := jsonappend.Begin(b)
	x := o.Open("note")
	appendNoteFields(&x, a.n)
	o.Close(x)
	return o.End()
}

type notesAnswer struct{ notes []crm.Note }

func (a notesAnswer) appendJSON(b []byte) []byte {
	o := jsonappend.Begin(b)
	o.Key("notes")
	o.B = append(o.B, '[')
	for i := range a.notes {
		if i > 0 {
			o.B = append(o.B, ',')
		}
		x := jsonappend.Begin(o.B)
		appendNoteFields(&x, &a.notes[i])
		o.B = x.End()
	}
	o.B = append(o.B, ']')
	return o.End()
}

// statusAnswer is GHL's status flag, in its misspelling and, as live v2
// bodies also carry, spelt right.
type statusAnswer struct{}

func (statusAnswer) appendJSON(b []byte) []byte {
	return append(b, `{"succeded":true,"succeeded":true}`...)
}

var ok = statusAnswer{}

package mockserver

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// The hand-written answers (answers.go) are checked against encoding/json:
// each answer type is also built as an ordered reference object from the
// same values and encoded with encoding/json (HTML escaping off, as GHL's
// Node services write & < >), and the two must be the same bytes — which
// covers the escaping of & < >, U+2028/U+2029, control characters and
// invalid UTF-8 inside every field, not only the string appender on its own.

// omap is a JSON object whose keys keep their order, encoded by encoding/json.
type omap []kv

type kv struct {
	k string
	v any
}

func (m omap) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, e := range m {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(refJSON(e.k))
		b.WriteByte(':')
		b.Write(refJSON(e.v))
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// refJSON is encoding/json's encoding of v without HTML escaping.
func refJSON(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// add appends a member; omit leaves it out when v is empty.
func (m *omap) add(k string, v any) { *m = append(*m, kv{k, v}) }
func (m *omap) omit(k string, v any) {
	switch x := v.(type) {
	case string:
		if x == "" {
			return
		}
	case []string:
		if len(x) == 0 {
			return
		}
	}
	m.add(k, v)
}

func orNull(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func refName(first, last string) string {
	if first == "" || last == "" {
		return first + last
	}
	return first + " " + last
}

func refCustomFields(fields []crm.CustomFieldValue) []any {
	out := []any{}
	for _, f := range fields {
		out = append(out, omap{{"id", f.ID}, {"value", f.Value}})
	}
	return out
}

func refTagged(key string, list []string) []any {
	out := []any{}
	for _, s := range list {
		out = append(out, omap{{key, s}})
	}
	return out
}

func refContactFields(c *crm.Contact) omap {
	var m omap
	m.add("id", c.ID)
	m.add("dateAdded", c.DateAdded.String())
	if !c.DateUpdated.IsZero() {
		m.add("dateUpdated", c.DateUpdated.String())
	}
	m.add("tags", nonNilStrings(c.Tags))
	m.add("type", cmpOr(c.Type, "lead"))
	m.add("locationId", c.LocationID)
	m.omit("name", cmpOr(c.Name, refName(c.FirstName, c.LastName)))
	m.omit("firstName", c.FirstName)
	m.omit("firstNameLowerCase", strings.ToLower(c.FirstName))
	m.omit("lastName", c.LastName)
	m.omit("lastNameLowerCase", strings.ToLower(c.LastName))
	m.omit("fullNameLowerCase", strings.ToLower(refName(c.FirstName, c.LastName)))
	m.omit("email", c.Email)
	m.omit("emailLowerCase", strings.ToLower(c.Email))
	for _, f := range []struct{ k, v string }{
		{"phone", c.Phone}, {"companyName", c.CompanyName}, {"businessId", c.BusinessID}, {"gender", c.Gender},
		{"address1", c.Address1}, {"city", c.City}, {"state", c.State}, {"country", c.Country},
		{"postalCode", c.PostalCode}, {"website", c.Website}, {"timezone", c.Timezone},
	} {
		m.omit(f.k, f.v)
	}
	m.add("dnd", c.DND)
	if len(c.DNDSettings) > 0 {
		var d omap
		for _, ch := range crm.DNDChannels {
			if set, ok := c.DNDSettings[ch]; ok {
				var x omap
				x.add("status", set.Status)
				x.omit("message", set.Message)
				x.omit("code", set.Code)
				d.add(ch, x)
			}
		}
		m.add("dndSettings", d)
	}
	if in := c.InboundDNDSettings; in != nil {
		var x omap
		x.add("status", in.All.Status)
		x.omit("message", in.All.Message)
		m.add("inboundDndSettings", omap{{"all", x}})
	}
	m.omit("source", c.Source)
	m.omit("assignedTo", c.AssignedTo)
	m.omit("dateOfBirth", crm.DateOfBirthISO(c.DateOfBirth))
	if len(c.CustomFields) > 0 {
		m.add("customFields", refCustomFields(c.CustomFields))
	}
	if len(c.AdditionalEmails) > 0 {
		m.add("additionalEmails", refTagged("email", c.AdditionalEmails))
	}
	if len(c.AdditionalPhones) > 0 {
		m.add("additionalPhones", refTagged("phone", c.AdditionalPhones))
	}
	m.omit("followers", c.Followers)
	if a := c.Attribution; a != nil {
		var x omap
		x.omit("sessionSource", a.SessionSource)
		x.omit("medium", a.Medium)
		x.add("mediumId", orNull(a.MediumID))
		x.omit("url", a.URL)
		x.omit("campaign", a.Campaign)
		x.omit("utmSource", a.UTMSource)
		x.omit("utmMedium", a.UTMMedium)
		x.omit("referrer", a.Referrer)
		m.add("attributionSource", x)
	}
	if cb := c.CreatedBy; cb != nil {
		var x omap
		x.add("source", cb.Source)
		x.add("channel", cb.Channel)
		x.omit("sourceId", cb.SourceID)
		if !cb.Timestamp.IsZero() {
			x.add("timestamp", cb.Timestamp.String())
		}
		m.add("createdBy", x)
	}
	if !c.LastActivity.IsZero() {
		m.add("lastActivity", c.LastActivity.String())
	}
	return m
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func refSearchHit(h *crm.SearchHit) omap {
	c := &h.Contact
	var m omap
	m.add("id", c.ID)
	m.add("locationId", c.LocationID)
	m.add("contactName", orNull(strings.ToLower(cmpOr(c.Name, refName(c.FirstName, c.LastName)))))
	m.add("firstName", orNull(c.FirstName))
	m.add("firstNameLowerCase", orNull(strings.ToLower(c.FirstName)))
	m.add("lastName", orNull(c.LastName))
	m.add("lastNameLowerCase", orNull(strings.ToLower(c.LastName)))
	m.add("email", orNull(c.Email))
	if c.Email == "" {
		m.add("validEmail", nil)
	} else {
		m.add("validEmail", emailLooksValid(c.Email))
	}
	for _, f := range []struct{ k, v string }{
		{"phone", c.Phone}, {"companyName", c.CompanyName}, {"businessName", c.CompanyName}, {"businessId", c.BusinessID},
		{"address", c.Address1}, {"city", c.City}, {"state", c.State}, {"country", c.Country},
		{"postalCode", c.PostalCode}, {"website", c.Website}, {"timezone", c.Timezone},
	} {
		m.add(f.k, orNull(f.v))
	}
	m.add("dnd", c.DND)
	m.add("type", cmpOr(c.Type, "lead"))
	m.add("source", orNull(c.Source))
	m.add("assignedTo", orNull(c.AssignedTo))
	if dob, ok := crm.ParseMillis(crm.DateOfBirthISO(c.DateOfBirth)); ok && c.DateOfBirth != "" {
		m.add("dateOfBirth", int64(dob))
	} else {
		m.add("dateOfBirth", nil)
	}
	m.add("tags", nonNilStrings(c.Tags))
	m.add("customFields", refCustomFields(c.CustomFields))
	m.add("additionalEmails", nonNilStrings(c.AdditionalEmails))
	m.add("additionalPhones", nonNilStrings(c.AdditionalPhones))
	m.add("followers", nonNilStrings(c.Followers))
	m.add("opportunities", []any{})
	m.add("dateAdded", c.DateAdded.String())
	for _, f := range []struct {
		k string
		v crm.Millis
	}{{"dateUpdated", c.DateUpdated}, {"lastActivity", c.LastActivity}} {
		if f.v.IsZero() {
			m.add(f.k, nil)
		} else {
			m.add(f.k, f.v.String())
		}
	}
	m.add("searchAfter", h.SearchAfter)
	return m
}

func refTask(t *crm.Task) omap {
	var m omap
	m.add("id", t.ID)
	m.add("title", t.Title)
	m.omit("body", t.Body)
	m.omit("assignedTo", t.AssignedTo)
	m.add("dueDate", t.DueDate.String())
	m.add("completed", t.Completed)
	m.add("contactId", t.ContactID)
	if !t.DateAdded.IsZero() {
		m.add("dateAdded", t.DateAdded.String())
	}
	return m
}

func refNote(n *crm.Note) omap {
	var m omap
	m.add("id", n.ID)
	m.add("body", n.Body)
	m.omit("userId", n.UserID)
	m.add("dateAdded", n.DateAdded.String())
	m.add("contactId", n.ContactID)
	m.omit("title", n.Title)
	m.omit("color", n.Color)
	m.add("pinned", n.Pinned)
	return m
}

// nasty are strings that a JSON writer must get exactly right.
var nasty = []string{
	"", "Ada", "Smith & Sons <b>", "Tom & Jerry", "O'Brien \"the\" \\ back", "\u2028line\u2029para",
	"bad \xff utf8 \xc3", "tab\tnew\nline\r", "\x00\x01\x1f\x7f", "Élodie ÇA", "emoji 😀", "<script>&amp;</script>",
	"MiXeD CaSe", "İstanbul", "ǅ",
}

func pick(r *rand.Rand) string { return nasty[r.IntN(len(nasty))] }

func randomContact(r *rand.Rand) crm.Contact {
	c := crm.Contact{
		ID: "2NexTNy4UiJ1cLOoua11", LocationID: "O9hFAiOh29oB93c0F6UJ",
		FirstName: pick(r), LastName: pick(r), Email: pick(r), Phone: pick(r), CompanyName: pick(r),
		Gender: pick(r), Timezone: pick(r), Source: pick(r), AssignedTo: pick(r), Address1: pick(r), City: pick(r),
		State: pick(r), Country: pick(r), PostalCode: pick(r), Website: pick(r), BusinessID: pick(r),
		DND: r.IntN(2) == 0, DateAdded: crm.Millis(1_700_000_000_000 + r.Int64N(1e11)),
	}
	if r.IntN(3) == 0 {
		c.Name = pick(r)
	}
	if r.IntN(2) == 0 {
		c.Type = pick(r)
	}
	if r.IntN(2) == 0 {
		c.DateUpdated = c.DateAdded + crm.Millis(r.Int64N(1e9))
		c.LastActivity = c.DateUpdated
	}
	if r.IntN(2) == 0 {
		c.DateOfBirth = "1990-09-25"
	}
	for range r.IntN(4) {
		c.Tags = append(c.Tags, pick(r))
	}
	for range r.IntN(3) {
		c.AdditionalEmails = append(c.AdditionalEmails, pick(r))
		c.AdditionalPhones = append(c.AdditionalPhones, pick(r))
		c.Followers = append(c.Followers, pick(r))
	}
	values := []any{pick(r), 42.0, -0.5, 1e21, true, []string{pick(r), pick(r)}, []any{pick(r), 3.0}, nil}
	for range r.IntN(4) {
		c.CustomFields = append(c.CustomFields, crm.CustomFieldValue{ID: pick(r), Value: values[r.IntN(len(values))]})
	}
	if r.IntN(2) == 0 {
		c.DNDSettings = map[string]crm.DNDSetting{"SMS": {Status: "active", Message: pick(r), Code: pick(r)}, "Email": {Status: pick(r)}}
	}
	if r.IntN(2) == 0 {
		c.InboundDNDSettings = &crm.InboundDNDSettings{All: crm.DNDSetting{Status: "inactive", Message: pick(r)}}
	}
	if r.IntN(2) == 0 {
		c.Attribution = &crm.Attribution{SessionSource: pick(r), Medium: pick(r), MediumID: pick(r), URL: pick(r), Referrer: pick(r)}
	}
	if r.IntN(2) == 0 {
		c.CreatedBy = &crm.CreatedBy{Source: pick(r), Channel: pick(r), SourceID: pick(r), Timestamp: c.DateAdded}
	}
	return c
}

func randomTask(r *rand.Rand) crm.Task {
	t := crm.Task{ID: "I3XmCP0t3AdsO9zpT1rY", ContactID: "2NexTNy4UiJ1cLOoua11", Title: pick(r), Body: pick(r),
		AssignedTo: pick(r), DueDate: crm.Millis(1_800_000_000_000), Completed: r.IntN(2) == 0}
	if r.IntN(2) == 0 {
		t.DateAdded = crm.Millis(1_700_000_000_123)
	}
	return t
}

func randomNote(r *rand.Rand) crm.Note {
	return crm.Note{ID: "LYOqJAKX7JDv17ly68JI", ContactID: "2NexTNy4UiJ1cLOoua11", Body: pick(r), UserID: pick(r),
		Title: pick(r), Color: pick(r), Pinned: r.IntN(2) == 0, DateAdded: crm.Millis(1_700_000_000_456)}
}

// TestAnswersMatchEncodingJSON: every hand-written answer type, byte for byte.
func TestAnswersMatchEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 300 {
		c := randomContact(r)
		c2 := randomContact(r)
		task, task2 := randomTask(r), randomTask(r)
		note, note2 := randomNote(r), randomNote(r)
		hits := []crm.SearchHit{{Contact: c, SearchAfter: []any{float64(c.DateAdded), c.ID}}, {Contact: c2, SearchAfter: []any{pick(r), c2.ID}}}
		meta := &listMeta{Total: 205, NextPageURL: "http://127.0.0.1:8080/contacts/?limit=2&locationId=x&startAfter=1&startAfterId=y", StartAfterID: c.ID, StartAfter: 1795077503400, CurrentPage: 1, NextPage: 2}
		if i%2 == 0 {
			meta = &listMeta{Total: 0, CurrentPage: 3, PrevPage: 2}
		}
		withDeleted := refContactFields(&c)
		withDeleted.add("deleted", false)
		cases := []struct {
			name string
			got  appender
			want omap
		}{
			{"get contact", contactAnswer{c: &c}, omap{{"contact", refContactFields(&c)}}},
			{"create contact", contactAnswer{c: &c, created: true}, omap{{"contact", withDeleted}}},
			{"update contact", contactAnswer{c: &c, updated: true}, omap{{"succeded", true}, {"contact", refContactFields(&c)}}},
			{"upsert", contactAnswer{c: &c, upsert: true, isNew: i%2 == 0}, omap{{"new", i%2 == 0}, {"contact", refContactFields(&c)}}},
			{"duplicate none", contactAnswer{}, omap{{"contact", nil}}},
			{"list", contactsAnswer{contacts: []crm.Contact{c, c2}, meta: meta}, omap{
				{"contacts", []any{refListItem(&c), refListItem(&c2)}},
				{"meta", refMeta(meta)}}},
			{"business list", contactsAnswer{contacts: nil, count: 7}, omap{{"contacts", []any{}}, {"count", 7}}},
			{"search", searchAnswer{hits: hits, total: 2}, omap{{"contacts", []any{refSearchHit(&hits[0]), refSearchHit(&hits[1])}}, {"total", 2}}},
			{"task", taskAnswer{&task}, omap{{"task", refTask(&task)}}},
			{"tasks", tasksAnswer{[]crm.Task{task, task2}}, omap{{"tasks", []any{refTask(&task), refTask(&task2)}}}},
			{"no tasks", tasksAnswer{}, omap{{"tasks", []any{}}}},
			{"note", noteAnswer{&note}, omap{{"note", refNote(&note)}}},
			{"notes", notesAnswer{[]crm.Note{note, note2}}, omap{{"notes", []any{refNote(&note), refNote(&note2)}}}},
			{"status", ok, omap{{"succeded", true}, {"succeeded", true}}},
		}
		for _, tc := range cases {
			got := tc.got.appendJSON(nil)
			want := refJSON(tc.want)
			require.True(t, json.Valid(got), "%s #%d: not JSON: %s", tc.name, i, got)
			if !assert.Equal(t, string(want), string(got), "%s #%d", tc.name, i) {
				return
			}
		}
	}
}

// refListItem is a contact of a list: its fields and its contactName.
func refListItem(c *crm.Contact) omap {
	m := refContactFields(c)
	m.omit("contactName", strings.ToLower(cmpOr(c.Name, refName(c.FirstName, c.LastName))))
	return m
}

func refMeta(m *listMeta) omap {
	opt := func(v int64) any {
		if v == 0 {
			return nil
		}
		return v
	}
	return omap{{"total", m.Total}, {"nextPageUrl", orNull(m.NextPageURL)}, {"startAfterId", orNull(m.StartAfterID)},
		{"startAfter", opt(m.StartAfter)}, {"currentPage", m.CurrentPage}, {"nextPage", opt(int64(m.NextPage))}, {"prevPage", opt(int64(m.PrevPage))}}
}

// TestAnswersEscapeAsGHLDoes pins the bytes of the tricky cases, whatever
// encoding/json does: & < > as they are (GHL's Node services do not escape
// them), U+2028 and U+2029 escaped, invalid UTF-8 as U+FFFD.
func TestAnswersEscapeAsGHLDoes(t *testing.T) {
	n := crm.Note{ID: "LYOqJAKX7JDv17ly68JI", ContactID: "c", Body: "Smith & Sons <b>\u2028\u2029\xff", DateAdded: 1}
	got := string(noteAnswer{&n}.appendJSON(nil))
	assert.Contains(t, got, `"body":"Smith & Sons <b>\u2028\u2029\ufffd"`)
}

// The traceId goes last in an object, after a comma unless the object was
// empty; a body that is no object, or no traceId, is left as it is. A
// shared answer gets the same bytes, written in two parts.
func TestTraceIDGoesLast(t *testing.T) {
	for obj, want := range map[string]string{
		`{}`:      `{"traceId":"t-1"}`,
		`{"a":1}`: `{"a":1,"traceId":"t-1"}`,
		`[1]`:     `[1]`,
		``:        ``,
	} {
		assert.Equal(t, want, string(withTraceID([]byte(obj), "t-1")), "%q", obj)
		rec := httptest.NewRecorder()
		(&Server{}).writeShared(rec, &request{traceID: "t-1"}, 200, []byte(obj))
		assert.Equal(t, want, rec.Body.String(), "shared %q", obj)
		assert.Equal(t, strconv.Itoa(len(want)), rec.Header().Get("Content-Length"), "shared %q", obj)
	}
	assert.Equal(t, `{"a":1}`, string(withTraceID([]byte(`{"a":1}`), "")))
}

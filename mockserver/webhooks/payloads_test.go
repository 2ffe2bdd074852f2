package webhooks_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/webhooks"
)

const (
	locID     = "ve9EPM428h8vShlRW1KT"
	contactID = "nmFmQEsNgz6AVpgLVUJ0"
)

func ms(s string) crm.Millis {
	m, ok := crm.ParseMillis(s)
	if !ok {
		panic(s)
	}
	return m
}

// fullContact has a value in every field a Contact* payload carries.
func fullContact() *crm.Contact {
	return &crm.Contact{
		ID: contactID, LocationID: locID, FirstName: "John", LastName: "Deo", Email: "JohnDeo@gmail.comm",
		Phone: "+919509597501", CompanyName: "Loram ipsum", Source: "xyz form", AssignedTo: "nmFmQEsNgz6AVpgLVUJ0",
		Address1: "3535 1st St N", City: "ruDolomitebika", State: "AL", Country: "DE", PostalCode: "452001",
		Website: "https://www.google.com/", DateOfBirth: "2000-01-05", DND: true,
		DNDSettings: map[string]crm.DNDSetting{
			"SMS": {Status: "inactive", Message: "Some message", Code: "101"}, "Call": {Status: "inactive"},
			"Email": {Status: "active"}, "GMB": {Status: "active"}, "FB": {Status: "active"}, "WhatsApp": {Status: "active"},
		},
		Tags:         []string{"id magna sed lorem", "duis dolor commodo aliqua"},
		CustomFields: []crm.CustomFieldValue{{ID: "BcdmQEsNgz6AVpgLVUJ0", Value: "XYZ Corp"}},
		DateAdded:    ms("2021-11-26T12:41:02.193Z"), DateUpdated: ms("2021-11-27T12:00:00.000Z"),
		Timezone: "Asia/Kolkata", Gender: "male", Type: "lead",
	}
}

func keys(t *testing.T, o webhooks.Object) []string {
	t.Helper()
	var k []string
	for _, m := range o {
		k = append(k, m.Key)
	}
	return k
}

// The fields of each HighLevel event doc (webhook-events/*.md), in the order
// of its example.
var (
	docContactFields = []string{"type", "locationId", "id", "address1", "city", "state", "companyName", "country", "source",
		"dateAdded", "dateOfBirth", "dnd", "email", "name", "firstName", "lastName", "phone", "postalCode", "tags", "website",
		"attachments", "assignedTo", "customFields"}
	docDndFields = []string{"type", "locationId", "id", "address1", "city", "state", "companyName", "country", "source",
		"dateAdded", "dateOfBirth", "dnd", "dndSettings", "email", "name", "firstName", "lastName", "phone", "postalCode", "tags",
		"website", "attachments", "assignedTo", "customFields"}
	docNoteFields        = []string{"type", "locationId", "id", "body", "contactId", "dateAdded"}
	docTaskFields        = []string{"type", "locationId", "id", "assignedTo", "body", "contactId", "title", "dateAdded", "dueDate"}
	docAppointmentFields = []string{"id", "address", "title", "calendarId", "contactId", "groupId", "appointmentStatus",
		"assignedUserId", "users", "notes", "startTime", "endTime", "dateAdded", "dateUpdated"} // and "source", which crm.Appointment has not
)

func TestContactPayloadFollowsTheDoc(t *testing.T) {
	for _, typ := range []string{webhooks.ContactCreate, webhooks.ContactUpdate, webhooks.ContactDelete, webhooks.ContactTagUpdate} {
		ev := webhooks.ContactEvent(typ, fullContact())
		assert.Equal(t, docContactFields, keys(t, ev.Fields), typ)
		assert.Equal(t, typ, ev.Type)
		assert.Equal(t, locID, ev.LocationID)
		assert.Equal(t, contactID, ev.ContactID)
	}
	ev := webhooks.ContactEvent(webhooks.ContactDndUpdate, fullContact())
	assert.Equal(t, docDndFields, keys(t, ev.Fields))

	b, err := webhooks.MarshalJS(ev.Fields)
	require.NoError(t, err)
	assert.Equal(t, `{"type":"ContactDndUpdate","locationId":"ve9EPM428h8vShlRW1KT","id":"nmFmQEsNgz6AVpgLVUJ0",`+
		`"address1":"3535 1st St N","city":"ruDolomitebika","state":"AL","companyName":"Loram ipsum","country":"DE",`+
		`"source":"xyz form","dateAdded":"2021-11-26T12:41:02.193Z","dateOfBirth":"2000-01-05T00:00:00.000Z","dnd":true,`+
		`"dndSettings":{"SMS":{"status":"inactive","message":"Some message","code":"101"},"Call":{"status":"inactive"},`+
		`"Email":{"status":"active"},"GMB":{"status":"active"},"FB":{"status":"active"},"WhatsApp":{"status":"active"}},`+
		`"email":"JohnDeo@gmail.comm","name":"John Deo","firstName":"John","lastName":"Deo","phone":"+919509597501",`+
		`"postalCode":"452001","tags":["id magna sed lorem","duis dolor commodo aliqua"],"website":"https://www.google.com/",`+
		`"attachments":[],"assignedTo":"nmFmQEsNgz6AVpgLVUJ0","customFields":[{"id":"BcdmQEsNgz6AVpgLVUJ0","value":"XYZ Corp"}]}`,
		string(b))
}

func TestContactPayloadLeavesOutWhatIsNotSet(t *testing.T) {
	c := &crm.Contact{ID: contactID, LocationID: locID, Email: "a@b.c", DateAdded: ms("2026-01-01T00:00:00Z"), DateOfBirth: "not a date"}
	b, err := webhooks.MarshalJS(webhooks.ContactEvent(webhooks.ContactCreate, c).Fields)
	require.NoError(t, err)
	assert.Equal(t, `{"type":"ContactCreate","locationId":"ve9EPM428h8vShlRW1KT","id":"nmFmQEsNgz6AVpgLVUJ0",`+
		`"dateAdded":"2026-01-01T00:00:00.000Z","dateOfBirth":"not a date","dnd":false,"email":"a@b.c","tags":[],"attachments":[],"customFields":[]}`, string(b))
	d, err := webhooks.MarshalJS(webhooks.ContactEvent(webhooks.ContactDndUpdate, c).Fields)
	require.NoError(t, err)
	assert.Contains(t, string(d), `"dnd":false,"dndSettings":{},`)
}

func TestNoteAndTaskPayloads(t *testing.T) {
	n := &crm.Note{ID: "otg8dTQqGLh3Q6iQI55w", LocationID: locID, ContactID: "CWBf1PR9LvvBkcYqiXlc", Body: "Loram ipsum",
		UserID: "u1", Title: "t", Pinned: true, DateAdded: ms("2021-11-26T12:41:02.193Z")}
	for _, typ := range []string{webhooks.NoteCreate, webhooks.NoteUpdate, webhooks.NoteDelete} {
		ev := webhooks.NoteEvent(typ, n)
		assert.Equal(t, docNoteFields, keys(t, ev.Fields), typ)
		assert.Equal(t, "CWBf1PR9LvvBkcYqiXlc", ev.ContactID)
		assert.Equal(t, n.ID, ev.ObjectID)
	}
	tk := &crm.Task{ID: "5HrB1IbmnKMBXloldFuP", LocationID: locID, ContactID: "WFwVrSSjZ2CNHbZThQX2", Title: "test", Body: "testing",
		AssignedTo: "bNl8QNGXhIQJLv8eeASQ", DueDate: ms("2021-12-22T06:55:00.000Z"), DateAdded: ms("2021-11-29T13:37:28.304Z"), Completed: true}
	for _, typ := range []string{webhooks.TaskCreate, webhooks.TaskComplete, webhooks.TaskDelete} {
		ev := webhooks.TaskEvent(typ, tk)
		assert.Equal(t, docTaskFields, keys(t, ev.Fields), typ)
	}
	b, err := webhooks.MarshalJS(webhooks.TaskEvent(webhooks.TaskComplete, tk).Fields)
	require.NoError(t, err)
	assert.Equal(t, `{"type":"TaskComplete","locationId":"ve9EPM428h8vShlRW1KT","id":"5HrB1IbmnKMBXloldFuP",`+
		`"assignedTo":"bNl8QNGXhIQJLv8eeASQ","body":"testing","contactId":"WFwVrSSjZ2CNHbZThQX2","title":"test",`+
		`"dateAdded":"2021-11-29T13:37:28.304Z","dueDate":"2021-12-22T06:55:00.000Z"}`, string(b))
}

func TestAppointmentPayloadInTheLocationsZone(t *testing.T) {
	a := &crm.Appointment{ID: "0007BWpSzSwfiuSl0tR2", LocationID: locID, ContactID: "9NkT25Vor1v4aQatFsv2", CalendarID: "BqTwX8QFwXzpegMve9EQ",
		GroupID: "9NkT25Vor1v4aQatFsv2", Title: "Appointment with GHL Dev team", Status: "booked", AppointmentStatus: "confirmed",
		AssignedUserID: "YlWd2wuCAZQzh2cH1fVZ", Users: []string{"YlWd2wuCAZQzh2cH1fVZ"}, Notes: "Some dummy note",
		Address: "https://example.com/meeting", StartTime: ms("2023-09-25T10:30:00Z"), EndTime: ms("2023-09-25T11:00:00.500Z"),
		DateAdded: ms("2023-09-20T10:30:00Z"), DateUpdated: ms("2023-09-21T10:30:00Z")}
	kolkata := webhooks.ZoneByName("Asia/Kolkata")
	require.NotEqual(t, time.UTC, kolkata, "the test needs zoneinfo for Asia/Kolkata")
	ev := webhooks.AppointmentEvent(webhooks.AppointmentCreate, a, kolkata)
	assert.Equal(t, []string{"type", "locationId", "appointment"}, keys(t, ev.Fields))
	inner, _ := ev.Fields.Get("appointment")
	assert.Equal(t, docAppointmentFields, keys(t, inner.(webhooks.Object)))
	b, err := webhooks.MarshalJS(ev.Fields)
	require.NoError(t, err)
	assert.Equal(t, `{"type":"AppointmentCreate","locationId":"ve9EPM428h8vShlRW1KT","appointment":{"id":"0007BWpSzSwfiuSl0tR2",`+
		`"address":"https://example.com/meeting","title":"Appointment with GHL Dev team","calendarId":"BqTwX8QFwXzpegMve9EQ",`+
		`"contactId":"9NkT25Vor1v4aQatFsv2","groupId":"9NkT25Vor1v4aQatFsv2","appointmentStatus":"confirmed",`+
		`"assignedUserId":"YlWd2wuCAZQzh2cH1fVZ","users":["YlWd2wuCAZQzh2cH1fVZ"],"notes":"Some dummy note",`+
		`"startTime":"2023-09-25T16:00:00+05:30","endTime":"2023-09-25T16:30:00+05:30","dateAdded":"2023-09-20T16:00:00+05:30",`+
		`"dateUpdated":"2023-09-21T16:00:00+05:30"}}`, string(b))
	assert.Equal(t, "9NkT25Vor1v4aQatFsv2", ev.ContactID)

	utc := webhooks.AppointmentEvent(webhooks.AppointmentDelete, &crm.Appointment{ID: "a", StartTime: ms("2023-09-25T10:30:00Z")}, nil)
	b, err = webhooks.MarshalJS(utc.Fields)
	require.NoError(t, err)
	assert.Equal(t, `{"type":"AppointmentDelete","locationId":"","appointment":{"id":"a","users":[],"startTime":"2023-09-25T10:30:00+00:00"}}`, string(b))
}

func TestZoneByName(t *testing.T) {
	assert.Equal(t, time.UTC, webhooks.ZoneByName(""))
	assert.Equal(t, time.UTC, webhooks.ZoneByName("Not/AZone"))
	assert.Same(t, webhooks.ZoneByName("America/New_York"), webhooks.ZoneByName("America/New_York"), "cached")
}

func TestInstallPayload(t *testing.T) {
	yes := true
	ev := webhooks.InstallEvent(webhooks.InstallInfo{AppID: "6650e2c1a8b4f7d3e9c01a2d", VersionID: "v1", InstallType: "Location",
		LocationID: locID, CompanyID: "c1", UserID: "u1", CompanyName: "Acme & Co", IsWhitelabelCompany: &yes,
		WhitelabelLogoURL: "https://logo", WhitelabelDomain: "app.acme.test", PlanID: "p1"})
	b, err := webhooks.MarshalJS(ev.Fields)
	require.NoError(t, err)
	assert.Equal(t, `{"type":"INSTALL","appId":"6650e2c1a8b4f7d3e9c01a2d","versionId":"v1","installType":"Location",`+
		`"locationId":"ve9EPM428h8vShlRW1KT","companyId":"c1","userId":"u1","companyName":"Acme & Co","isWhitelabelCompany":true,`+
		`"whitelabelDetails":{"logoUrl":"https://logo","domain":"app.acme.test"},"planId":"p1"}`, string(b))
	assert.Equal(t, "6650e2c1a8b4f7d3e9c01a2d", ev.ForApp, "an install goes to its own app only")

	un := webhooks.InstallEvent(webhooks.InstallInfo{Uninstall: true, AppID: "app", InstallType: "Company", CompanyID: "c1",
		LocationIDs: []string{"l1", "l2"}})
	b, err = webhooks.MarshalJS(un.Fields)
	require.NoError(t, err)
	assert.Equal(t, `{"type":"UNINSTALL","appId":"app","installType":"Company","locationIds":["l1","l2"],"companyId":"c1"}`, string(b))
	assert.Empty(t, un.LocationID)
}

func TestWorkflowPayload(t *testing.T) {
	ev := webhooks.WorkflowEvent("k6BpcetANCSIrFGrxnft", &crm.Contact{ID: contactID, LocationID: locID, FirstName: "Tom", LastName: "& Jerry"})
	b, err := webhooks.MarshalJS(ev.Fields)
	require.NoError(t, err)
	assert.Equal(t, `{"id":"nmFmQEsNgz6AVpgLVUJ0","name":"Tom & Jerry","email":"","phone":""}`, string(b))
	assert.Equal(t, "k6BpcetANCSIrFGrxnft", ev.WorkflowID)
	assert.Equal(t, webhooks.WorkflowWebhook, ev.Type)
}

func TestEnvelope(t *testing.T) {
	ts := time.Date(2026, 12, 2, 10, 0, 0, 123e6, time.UTC)
	ev := webhooks.NoteEvent(webhooks.NoteCreate, &crm.Note{ID: "n1", LocationID: locID, ContactID: contactID, Body: "b"})
	b, err := webhooks.MarshalJS(webhooks.Envelope(ev, "wh-1", ts, "app1"))
	require.NoError(t, err)
	assert.Equal(t, `{"timestamp":"2026-12-02T10:00:00.123Z","webhookId":"wh-1","type":"NoteCreate","locationId":"ve9EPM428h8vShlRW1KT",`+
		`"id":"n1","body":"b","contactId":"nmFmQEsNgz6AVpgLVUJ0","appId":"app1"}`, string(b))

	noApp, err := webhooks.MarshalJS(webhooks.Envelope(ev, "wh-1", ts, ""))
	require.NoError(t, err)
	assert.NotContains(t, string(noApp), "appId")

	inst := webhooks.InstallEvent(webhooks.InstallInfo{AppID: "real", CompanyID: "c"})
	b, err = webhooks.MarshalJS(webhooks.Envelope(inst, "wh-2", ts, "other"))
	require.NoError(t, err)
	assert.Equal(t, `{"timestamp":"2026-12-02T10:00:00.123Z","webhookId":"wh-2","type":"INSTALL","appId":"real","companyId":"c"}`, string(b),
		"an install keeps its own appId and has no location to add")

	// A payload without locationId gets the event's.
	bare := webhooks.Event{Type: "X", LocationID: locID, Fields: webhooks.Object{{Key: "type", Value: "X"}}}
	b, err = webhooks.MarshalJS(webhooks.Envelope(bare, "w", ts, ""))
	require.NoError(t, err)
	assert.Contains(t, string(b), `"type":"X","locationId":"ve9EPM428h8vShlRW1KT"}`)

	wf := webhooks.WorkflowEvent("wf", &crm.Contact{ID: "c"})
	b, err = webhooks.MarshalJS(webhooks.Envelope(wf, "w", ts, "app"))
	require.NoError(t, err)
	assert.Equal(t, `{"id":"c","name":"","email":"","phone":""}`, string(b), "a Custom Webhook action has no envelope")
}

func TestNewUUID(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		u := webhooks.NewUUID()
		require.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, u)
		require.False(t, seen[u])
		seen[u] = true
	}
}

func TestEventTypes(t *testing.T) {
	assert.Len(t, webhooks.EventTypes, 16)
	assert.True(t, webhooks.IsEventType("ContactCreate"))
	assert.False(t, webhooks.IsEventType(webhooks.WorkflowWebhook), "not a GHL event type")
	assert.False(t, webhooks.IsEventType("contactcreate"))
	raw, err := json.Marshal(webhooks.EventTypes)
	require.NoError(t, err)
	assert.Contains(t, string(raw), `"INSTALL","UNINSTALL"`)
}

package webhooks_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/webhooks"
)

// edit returns a copy of fullContact changed by f.
func edit(f func(c *crm.Contact)) *crm.Contact {
	c := fullContact().Clone()
	f(&c)
	return &c
}

// fakeObject is a record of another package (a token, a grant) that the
// change feed also carries.
type fakeObject struct{ kind crm.Kind }

func (f fakeObject) ChangeKind() crm.Kind { return f.kind }

func TestFromChange(t *testing.T) {
	contact := fullContact()
	task := &crm.Task{ID: "t1", LocationID: locID, ContactID: contactID, Title: "call"}
	done := &crm.Task{ID: "t1", LocationID: locID, ContactID: contactID, Title: "call", Completed: true}
	retitled := &crm.Task{ID: "t1", LocationID: locID, ContactID: contactID, Title: "call back"}
	note := &crm.Note{ID: "n1", LocationID: locID, ContactID: contactID, Body: "hello"}
	note2 := &crm.Note{ID: "n1", LocationID: locID, ContactID: contactID, Body: "hello again"}
	appt := &crm.Appointment{ID: "a1", LocationID: locID, ContactID: contactID, StartTime: ms("2026-01-01T10:00:00Z")}
	moved := &crm.Appointment{ID: "a1", LocationID: locID, ContactID: contactID, StartTime: ms("2026-01-02T10:00:00Z")}
	both := webhooks.DefaultMapOptions()
	neither := webhooks.MapOptions{}

	cases := []struct {
		name          string
		kind          crm.Kind
		before, after crm.Object
		opts          webhooks.MapOptions
		want          []string
	}{
		{"contact created", crm.KindContact, nil, contact, both, []string{"ContactCreate"}},
		{"contact deleted", crm.KindContact, contact, nil, both, []string{"ContactDelete"}},
		{"contact field changed", crm.KindContact, contact, edit(func(c *crm.Contact) { c.City = "Ulm" }), neither, []string{"ContactUpdate"}},
		{"custom field changed", crm.KindContact, contact, edit(func(c *crm.Contact) { c.CustomFields[0].Value = 2.5 }), neither, []string{"ContactUpdate"}},
		{"only tags, also update", crm.KindContact, contact, edit(func(c *crm.Contact) { c.Tags = append(c.Tags, "vip") }), both,
			[]string{"ContactUpdate", "ContactTagUpdate"}},
		{"only tags, tag event alone", crm.KindContact, contact, edit(func(c *crm.Contact) { c.Tags = c.Tags[:1] }), neither,
			[]string{"ContactTagUpdate"}},
		{"tags reordered is no tag change", crm.KindContact, contact, edit(func(c *crm.Contact) { c.Tags[0], c.Tags[1] = c.Tags[1], c.Tags[0] }), neither,
			[]string{"ContactUpdate"}},
		{"tags and a field", crm.KindContact, contact, edit(func(c *crm.Contact) { c.Tags = nil; c.Email = "x@y.z" }), neither,
			[]string{"ContactUpdate", "ContactTagUpdate"}},
		{"only dnd, also update", crm.KindContact, contact, edit(func(c *crm.Contact) { c.DND = false }), both,
			[]string{"ContactUpdate", "ContactDndUpdate"}},
		{"only dnd, dnd event alone", crm.KindContact, contact, edit(func(c *crm.Contact) { c.DND = false }), neither,
			[]string{"ContactDndUpdate"}},
		{"only dndSettings", crm.KindContact, contact, edit(func(c *crm.Contact) { c.DNDSettings["SMS"] = crm.DNDSetting{Status: "active"} }), neither,
			[]string{"ContactDndUpdate"}},
		{"dndSettings channel removed", crm.KindContact, contact, edit(func(c *crm.Contact) { delete(c.DNDSettings, "FB") }), neither,
			[]string{"ContactDndUpdate"}},
		{"tags only, dnd setting on", crm.KindContact, contact, edit(func(c *crm.Contact) { c.Tags = nil }),
			webhooks.MapOptions{DNDChangeAlsoUpdate: true}, []string{"ContactTagUpdate"}},
		{"tags and dnd", crm.KindContact, contact, edit(func(c *crm.Contact) { c.Tags = nil; c.DND = false }), neither,
			[]string{"ContactTagUpdate", "ContactDndUpdate"}},
		{"tags and dnd, dnd also updates", crm.KindContact, contact, edit(func(c *crm.Contact) { c.Tags = nil; c.DND = false }),
			webhooks.MapOptions{DNDChangeAlsoUpdate: true}, []string{"ContactUpdate", "ContactTagUpdate", "ContactDndUpdate"}},
		{"a write that changed nothing", crm.KindContact, contact, edit(func(c *crm.Contact) { c.DateUpdated++ }), neither,
			[]string{"ContactUpdate"}},
		{"added to a workflow", crm.KindContact, contact,
			edit(func(c *crm.Contact) { c.Workflows = []crm.WorkflowEnrollment{{WorkflowID: "wf1"}} }), both, []string{"WorkflowWebhook"}},
		{"added to a second workflow", crm.KindContact,
			edit(func(c *crm.Contact) { c.Workflows = []crm.WorkflowEnrollment{{WorkflowID: "wf1"}} }),
			edit(func(c *crm.Contact) { c.Workflows = []crm.WorkflowEnrollment{{WorkflowID: "wf1"}, {WorkflowID: "wf2"}} }), both,
			[]string{"WorkflowWebhook"}},
		{"removed from a workflow", crm.KindContact,
			edit(func(c *crm.Contact) { c.Workflows = []crm.WorkflowEnrollment{{WorkflowID: "wf1"}} }), contact, both, nil},
		{"added to a campaign", crm.KindContact, contact, edit(func(c *crm.Contact) { c.Campaigns = []string{"cmp"} }), both, nil},
		{"created in a workflow", crm.KindContact, nil,
			edit(func(c *crm.Contact) { c.Workflows = []crm.WorkflowEnrollment{{WorkflowID: "wf1"}} }), both,
			[]string{"ContactCreate", "WorkflowWebhook"}},
		{"contact with neither image", crm.KindContact, nil, nil, both, nil},
		{"note created", crm.KindNote, nil, note, both, []string{"NoteCreate"}},
		{"note updated", crm.KindNote, note, note2, both, []string{"NoteUpdate"}},
		{"note deleted", crm.KindNote, note, nil, both, []string{"NoteDelete"}},
		{"task created", crm.KindTask, nil, task, both, []string{"TaskCreate"}},
		{"task completed", crm.KindTask, task, done, both, []string{"TaskComplete"}},
		{"task created completed", crm.KindTask, nil, done, both, []string{"TaskCreate"}},
		{"task reopened", crm.KindTask, done, task, both, nil},
		{"task retitled", crm.KindTask, task, retitled, both, nil},
		{"completed task edited", crm.KindTask, done, done, both, nil},
		{"task deleted", crm.KindTask, task, nil, both, []string{"TaskDelete"}},
		{"appointment created", crm.KindAppointment, nil, appt, both, []string{"AppointmentCreate"}},
		{"appointment updated", crm.KindAppointment, appt, moved, both, []string{"AppointmentUpdate"}},
		{"appointment deleted", crm.KindAppointment, appt, nil, both, []string{"AppointmentDelete"}},
		{"dataset", crm.KindDataset, nil, &crm.Dataset{}, both, nil},
		{"token", crm.KindToken, nil, fakeObject{crm.KindToken}, both, nil},
		{"grant", crm.KindGrant, nil, fakeObject{crm.KindGrant}, both, nil},
		{"delivery", crm.KindDelivery, nil, fakeObject{crm.KindDelivery}, both, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ch := crm.Change{Seq: 7, Time: ms("2026-12-02T10:00:00Z"), Location: locID, Kind: c.kind, ID: "x",
				Before: c.before, After: c.after, Cause: crm.Cause{OperationID: "update-contact", TraceID: "trace-1", App: "app"}}
			evs := webhooks.FromChange(ch, c.opts)
			var got []string
			for _, ev := range evs {
				got = append(got, ev.Type)
				assert.Equal(t, uint64(7), ev.Seq)
				assert.Equal(t, "trace-1", ev.TraceID)
				assert.Equal(t, "update-contact", ev.OperationID)
				assert.Equal(t, time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC), ev.Time)
				assert.Equal(t, locID, ev.LocationID)
				assert.Equal(t, contactID, ev.ContactID)
				assert.Empty(t, ev.ForApp, "a change's events go to every subscriber")
				if typ, ok := ev.Fields.Get("type"); ok {
					assert.Equal(t, ev.Type, typ, "the payload's type is the event's")
				}
			}
			assert.Equal(t, c.want, got)
		})
	}
}

func TestFromChangeBuildsFromTheRightImage(t *testing.T) {
	before := fullContact()
	after := edit(func(c *crm.Contact) { c.City = "Ulm" })
	up := webhooks.FromChange(crm.Change{Kind: crm.KindContact, Before: before, After: after}, webhooks.MapOptions{})
	city, _ := up[0].Fields.Get("city")
	assert.Equal(t, "Ulm", city, "an update carries the contact as it is now")

	del := webhooks.FromChange(crm.Change{Kind: crm.KindContact, Before: before}, webhooks.MapOptions{})
	city, _ = del[0].Fields.Get("city")
	assert.Equal(t, "ruDolomitebika", city, "a delete carries the contact as it was")

	wf := webhooks.FromChange(crm.Change{Kind: crm.KindContact, Before: before,
		After: edit(func(c *crm.Contact) { c.Workflows = []crm.WorkflowEnrollment{{WorkflowID: "wf9"}} })}, webhooks.MapOptions{})
	assert.Equal(t, "wf9", wf[0].WorkflowID)
}

func TestFromChangeAppointmentZone(t *testing.T) {
	appt := &crm.Appointment{ID: "a1", LocationID: locID, StartTime: ms("2026-01-01T10:00:00Z")}
	var asked string
	opts := webhooks.MapOptions{Zone: func(loc string) *time.Location { asked = loc; return webhooks.ZoneByName("America/New_York") }}
	evs := webhooks.FromChange(crm.Change{Kind: crm.KindAppointment, Location: locID, After: appt}, opts)
	inner, _ := evs[0].Fields.Get("appointment")
	start, _ := inner.(webhooks.Object).Get("startTime")
	assert.Equal(t, "2026-01-01T05:00:00-05:00", start)
	assert.Equal(t, locID, asked)

	evs = webhooks.FromChange(crm.Change{Kind: crm.KindAppointment, After: appt}, webhooks.MapOptions{Zone: func(string) *time.Location { return nil }})
	inner, _ = evs[0].Fields.Get("appointment")
	start, _ = inner.(webhooks.Object).Get("startTime")
	assert.Equal(t, "2026-01-01T10:00:00+00:00", start, "no zone: UTC")
}

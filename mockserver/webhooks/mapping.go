package webhooks

import (
	"maps"
	"reflect"
	"slices"
	"time"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// MapOptions are the settings of FromChange where GHL's behaviour is not
// known.
type MapOptions struct {
	// TagChangeAlsoUpdate sends ContactUpdate too when an update changed a
	// contact's tags and nothing else; DNDChangeAlsoUpdate does the same for
	// dnd or dndSettings. No source says whether GHL sends both events then
	// (feature-anchors §1.5 proposes both on); an update that changed other
	// fields as well always sends ContactUpdate.
	TagChangeAlsoUpdate bool
	DNDChangeAlsoUpdate bool
	// Zone returns the time zone of a location, in which appointment events
	// write their instants; nil or a nil answer means UTC.
	Zone func(locationID string) *time.Location
}

// DefaultMapOptions are the settings the design study proposes: both
// "also update" settings on.
func DefaultMapOptions() MapOptions {
	return MapOptions{TagChangeAlsoUpdate: true, DNDChangeAlsoUpdate: true}
}

// FromChange is the one table from a change of the state to the webhook
// events it causes, so that the API, the admin API and the dashboard send
// the same events for the same change:
//
//	contact created          ContactCreate
//	contact updated          ContactUpdate (see MapOptions), ContactTagUpdate if the tags changed,
//	                         ContactDndUpdate if dnd or dndSettings changed
//	contact deleted          ContactDelete (built from the contact as it was)
//	contact added to a       WorkflowWebhook, one per workflow newly enrolled in (delivered only to
//	  workflow                 that workflow's Custom Webhook subscriptions)
//	note created/updated/deleted         NoteCreate / NoteUpdate / NoteDelete
//	task created                         TaskCreate
//	task completed (false → true)        TaskComplete
//	task deleted                         TaskDelete
//	other task updates                   nothing: GHL has no TaskUpdate
//	appointment created/updated/deleted  AppointmentCreate / AppointmentUpdate / AppointmentDelete
//	datasets (reset, import), tokens, grants, deliveries   nothing
//
// A bulk operation changes each contact in a change of its own, so it sends
// one event per contact. Every event carries the change's cause and time.
func FromChange(c crm.Change, opts MapOptions) []Event {
	var evs []Event
	switch c.Kind {
	case crm.KindContact:
		evs = contactEvents(c, opts)
	case crm.KindNote:
		before, after := asNote(c.Before), asNote(c.After)
		switch {
		case before == nil && after != nil:
			evs = []Event{NoteEvent(NoteCreate, after)}
		case before != nil && after != nil:
			evs = []Event{NoteEvent(NoteUpdate, after)}
		case before != nil:
			evs = []Event{NoteEvent(NoteDelete, before)}
		}
	case crm.KindTask:
		before, after := asTask(c.Before), asTask(c.After)
		switch {
		case before == nil && after != nil:
			evs = []Event{TaskEvent(TaskCreate, after)}
		case before != nil && after != nil:
			if !before.Completed && after.Completed {
				evs = []Event{TaskEvent(TaskComplete, after)}
			}
		case before != nil:
			evs = []Event{TaskEvent(TaskDelete, before)}
		}
	case crm.KindAppointment:
		before, after := asAppointment(c.Before), asAppointment(c.After)
		var zone *time.Location
		if opts.Zone != nil {
			zone = opts.Zone(c.Location)
		}
		switch {
		case before == nil && after != nil:
			evs = []Event{AppointmentEvent(AppointmentCreate, after, zone)}
		case before != nil && after != nil:
			evs = []Event{AppointmentEvent(AppointmentUpdate, after, zone)}
		case before != nil:
			evs = []Event{AppointmentEvent(AppointmentDelete, before, zone)}
		}
	}
	for i := range evs {
		evs[i].Seq = c.Seq
		evs[i].Time = c.Time.Time()
		evs[i].TraceID = c.Cause.TraceID
		evs[i].OperationID = c.Cause.OperationID
	}
	return evs
}

func contactEvents(c crm.Change, opts MapOptions) []Event {
	before, after := asContact(c.Before), asContact(c.After)
	switch {
	case before == nil && after != nil:
		return append([]Event{ContactEvent(ContactCreate, after)}, workflowEvents(nil, after)...)
	case before != nil && after == nil:
		return []Event{ContactEvent(ContactDelete, before)}
	case before == nil:
		return nil
	}
	tags := tagsChanged(before, after)
	dnd := dndChanged(before, after)
	enrolled := workflowEvents(before, after)
	other := otherFieldsChanged(before, after)
	// A write that changed nothing GHL tracks still reports an update, but an
	// enrolment alone does not: GHL has other triggers for that.
	nothing := !other && !tags && !dnd && !enrolmentChanged(before, after)
	update := other || nothing || tags && opts.TagChangeAlsoUpdate || dnd && opts.DNDChangeAlsoUpdate
	var evs []Event
	if update {
		evs = append(evs, ContactEvent(ContactUpdate, after))
	}
	if tags {
		evs = append(evs, ContactEvent(ContactTagUpdate, after))
	}
	if dnd {
		evs = append(evs, ContactEvent(ContactDndUpdate, after))
	}
	return append(evs, enrolled...)
}

// tagsChanged compares tags as sets: the store keeps them in insertion order,
// and a reordering is no change of tags.
func tagsChanged(a, b *crm.Contact) bool {
	if len(a.Tags) != len(b.Tags) {
		return true
	}
	for _, t := range b.Tags {
		if !slices.Contains(a.Tags, t) {
			return true
		}
	}
	return false
}

func dndChanged(a, b *crm.Contact) bool {
	if a.DND != b.DND || len(a.DNDSettings) != len(b.DNDSettings) {
		return true
	}
	return !maps.Equal(a.DNDSettings, b.DNDSettings)
}

func enrolmentChanged(a, b *crm.Contact) bool {
	return !reflect.DeepEqual(a.Workflows, b.Workflows) || !slices.Equal(a.Campaigns, b.Campaigns)
}

// otherFieldsChanged reports whether anything changed besides the tags, DND,
// workflow and campaign enrolments and the write stamps (dateUpdated,
// lastActivity), which every write moves.
func otherFieldsChanged(a, b *crm.Contact) bool {
	x, y := *a, *b
	for _, c := range []*crm.Contact{&x, &y} {
		c.Tags, c.DND, c.DNDSettings = nil, false, nil
		c.Workflows, c.Campaigns = nil, nil
		c.DateUpdated, c.LastActivity = 0, 0
	}
	return !reflect.DeepEqual(x, y)
}

// workflowEvents returns a WorkflowWebhook for every workflow that after is
// enrolled in and before (nil for a new contact) was not.
func workflowEvents(before, after *crm.Contact) []Event {
	var evs []Event
	for _, w := range after.Workflows {
		if before != nil && slices.ContainsFunc(before.Workflows, func(e crm.WorkflowEnrollment) bool { return e.WorkflowID == w.WorkflowID }) {
			continue
		}
		evs = append(evs, WorkflowEvent(w.WorkflowID, after))
	}
	return evs
}

func asContact(o crm.Object) *crm.Contact {
	c, _ := o.(*crm.Contact)
	return c
}

func asNote(o crm.Object) *crm.Note {
	n, _ := o.(*crm.Note)
	return n
}

func asTask(o crm.Object) *crm.Task {
	t, _ := o.(*crm.Task)
	return t
}

func asAppointment(o crm.Object) *crm.Appointment {
	a, _ := o.(*crm.Appointment)
	return a
}

package mockserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/jsonappend"
	"github.com/ghlmock/ghlmock/mockserver/webhooks"
)

// The webhooks' backlog, without a state database: a write hands its change
// over (webhookEvents) to the stage below, which hands it to the engine,
// which maps it to events later, with the rest of the deliveries' work.
// Under a load test the engine yields to the API, so the backlog grows for
// as long as the load lasts; kept as the changes themselves (a contact image
// is some thirty pointers), it doubled the pointers the garbage collector
// had to trace, and that cost the API more than the deliveries did. So a
// change waits as frozen bytes: JSON, which the collector does not look
// into, made in about a microsecond by the stage's goroutine (in chunks many
// changes share) and read back by the engine.

// changeStage is where a change waits between the write that made it and
// its freezing: a write publishes its change inside the location's write
// lock, and freezing it there (about a microsecond) made every other
// writer of the location wait that much longer. So the writer only
// hands the change over, in the order the writes were applied, and one
// goroutine freezes and queues the changes in that order. The stage is
// short (stageSize changes: a writer waits when it is full, so a backlog
// never grows here, only frozen in the engine); the engine's Flush waits
// for it (webhooks.Config.Staged, Engine.Unstaged), and a reset drops what
// it holds (webhooks.Mark).
type changeStage struct {
	ch      chan stagedChange
	pending atomic.Int64 // changes handed over and not yet queued in the engine
	quit    chan struct{}
	done    chan struct{}
	stopped sync.Once
}

type stagedChange struct {
	c crm.Change
	m webhooks.Mark // when the change was made
}

// stageSize is how many changes the stage holds: enough for the freezing
// goroutine to take a burst of writes in its stride, few enough that what
// waits here (as pointers the collector traces) stays small.
const stageSize = 1024

func newChangeStage() *changeStage {
	return &changeStage{ch: make(chan stagedChange, stageSize), quit: make(chan struct{}), done: make(chan struct{})}
}

// start runs queue on every change handed over, one at a time, in order,
// and settled each time none is left on its way.
func (st *changeStage) start(queue func(crm.Change, webhooks.Mark), settled func()) {
	if st == nil {
		return
	}
	go func() {
		defer close(st.done)
		for {
			select {
			case sc := <-st.ch:
				queue(sc.c, sc.m)
				if st.pending.Add(-1) == 0 {
					settled()
				}
			case <-st.quit:
				return
			}
		}
	}()
}

// put hands a change over; after stop it is dropped.
func (st *changeStage) put(c crm.Change, m webhooks.Mark) {
	st.pending.Add(1)
	select {
	case st.ch <- stagedChange{c, m}:
	case <-st.quit:
		st.pending.Add(-1)
	}
}

// busy reports whether a change handed over is not queued in the engine yet.
func (st *changeStage) busy() bool { return st != nil && st.pending.Load() > 0 }

// stop ends the goroutine; what the stage still holds is dropped.
func (st *changeStage) stop() {
	if st == nil {
		return
	}
	st.stopped.Do(func() {
		close(st.quit)
		<-st.done
	})
}

// frozenChange is a crm.Change of a location's data (a contact, task, note
// or appointment) as JSON.
type frozenChange []byte

// frozenHead is frozenChange's JSON: the change with its images as raw
// JSON, read back by their kind.
type frozenHead struct {
	Seq      uint64          `json:"seq,omitempty"`
	Time     crm.Millis      `json:"time,omitempty"`
	Location string          `json:"location,omitempty"`
	Kind     crm.Kind        `json:"kind"`
	ID       string          `json:"id,omitempty"`
	Cause    crm.Cause       `json:"cause"`
	Before   json.RawMessage `json:"before,omitempty"`
	After    json.RawMessage `json:"after,omitempty"`
}

// frozenArena hands out the backlog's bytes from chunks many changes share.
// A change frozen in a buffer of its own cost three allocations under load
// (the first guess, the append that outgrew it, the trimmed copy), a
// microsecond of every create; from a chunk it costs none, and the
// collector sees one object for some sixty changes. A chunk lives while any
// change in it waits; the engine takes changes in the order they came, so
// chunks are let go in that order too.
type frozenArena struct {
	mu   sync.Mutex
	free []byte // what is left of the current chunk, at length 0
}

const (
	frozenChunk = 64 << 10
	frozenRoom  = 4 << 10 // a new chunk when less than this is left: most changes are about 1 KiB
)

// freeze encodes c; ok is false for a change it does not know how to read
// back (the server's own records), which then waits as it is. The stage's
// one goroutine is its only caller; the lock (never contended, then) keeps
// it safe for any other.
func (a *frozenArena) freeze(c crm.Change) (frozenChange, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if cap(a.free) < frozenRoom {
		a.free = make([]byte, 0, frozenChunk)
	}
	b, ok := appendFrozenChange(a.free, c)
	switch {
	case !ok:
		return nil, false // what it wrote is in the free part: nothing is lost
	case len(b) > cap(a.free):
		// Larger than what was left: append moved it to an array of its
		// own, too large by up to a half, which the backlog may hold for
		// long; keep only what it needs.
		return bytes.Clone(b), true
	}
	a.free = b[len(b):]
	return frozenChange(b[:len(b):len(b)]), true // capped: an append to it cannot reach the next change
}

// appendFrozenChange appends c as JSON. The encoding is hand-written for
// contacts, the images of most writes (encoding/json's reflection took most
// of the time), and thaw reads it with encoding/json: a differential test
// holds every field of every image to the round trip.
func appendFrozenChange(b []byte, c crm.Change) ([]byte, bool) {
	switch c.Kind {
	case crm.KindContact, crm.KindTask, crm.KindNote, crm.KindAppointment:
	default:
		return nil, false
	}
	o := jsonappend.Begin(b)
	if c.Seq != 0 {
		o.Int("seq", int64(c.Seq))
	}
	if c.Time != 0 {
		o.Int("time", int64(c.Time))
	}
	o.StringOmit("location", c.Location)
	o.String("kind", string(c.Kind))
	o.StringOmit("id", c.ID)
	cause := o.Open("cause")
	cause.String("OperationID", c.Cause.OperationID)
	cause.String("TraceID", c.Cause.TraceID)
	cause.String("App", c.Cause.App)
	o.Close(cause)
	for _, img := range [...]struct {
		key string
		obj crm.Object
	}{{"before", c.Before}, {"after", c.After}} {
		if img.obj = nilIfNone(img.obj); img.obj == nil {
			continue
		}
		o.Key(img.key)
		if ct, ok := img.obj.(*crm.Contact); ok {
			o.B = appendFrozenContact(o.B, ct)
			continue
		}
		raw, err := json.Marshal(img.obj)
		if err != nil {
			return nil, false
		}
		o.B = append(o.B, raw...)
	}
	return o.End(), true
}

// appendFrozenContact appends c as encoding/json would write it (in its
// field order, but for the map of dndSettings), the members rarely set
// through encoding/json itself.
func appendFrozenContact(b []byte, c *crm.Contact) []byte {
	o := jsonappend.Begin(b)
	for _, f := range [...]struct{ k, v string }{
		{"id", c.ID}, {"locationId", c.LocationID},
		{"firstName", c.FirstName}, {"lastName", c.LastName}, {"name", c.Name}, {"email", c.Email},
		{"phone", c.Phone}, {"companyName", c.CompanyName}, {"gender", c.Gender}, {"timezone", c.Timezone},
		{"type", c.Type}, {"source", c.Source}, {"assignedTo", c.AssignedTo}, {"address1", c.Address1},
		{"city", c.City}, {"state", c.State}, {"country", c.Country}, {"postalCode", c.PostalCode},
		{"website", c.Website}, {"dateOfBirth", c.DateOfBirth}, {"businessId", c.BusinessID},
	} {
		o.StringOmit(f.k, f.v)
	}
	if c.DND {
		o.Bool("dnd", true)
	}
	if len(c.DNDSettings) > 0 {
		o.Value("dndSettings", c.DNDSettings)
	}
	if c.InboundDNDSettings != nil {
		o.Value("inboundDndSettings", c.InboundDNDSettings)
	}
	o.StringsOmit("tags", c.Tags)
	if len(c.CustomFields) > 0 {
		o.Value("customFields", c.CustomFields)
	}
	o.StringsOmit("additionalEmails", c.AdditionalEmails)
	o.StringsOmit("additionalPhones", c.AdditionalPhones)
	o.StringsOmit("followers", c.Followers)
	o.StringsOmit("campaigns", c.Campaigns)
	if len(c.Workflows) > 0 {
		o.Value("workflows", c.Workflows)
	}
	if a := c.Attribution; a != nil {
		in := o.Open("attribution")
		for _, f := range [...]struct{ k, v string }{
			{"sessionSource", a.SessionSource}, {"medium", a.Medium}, {"mediumId", a.MediumID}, {"url", a.URL},
			{"campaign", a.Campaign}, {"utmSource", a.UTMSource}, {"utmMedium", a.UTMMedium}, {"referrer", a.Referrer},
		} {
			in.StringOmit(f.k, f.v)
		}
		o.Close(in)
	}
	if by := c.CreatedBy; by != nil { // every contact the API created
		in := o.Open("createdBy")
		in.StringOmit("source", by.Source)
		in.StringOmit("channel", by.Channel)
		in.StringOmit("sourceId", by.SourceID)
		if by.Timestamp != 0 {
			in.Int("timestamp", int64(by.Timestamp))
		}
		o.Close(in)
	}
	for _, f := range [...]struct {
		k string
		v crm.Millis
	}{{"dateAdded", c.DateAdded}, {"dateUpdated", c.DateUpdated}, {"lastActivity", c.LastActivity}} {
		if f.v != 0 {
			o.Int(f.k, int64(f.v))
		}
	}
	return o.End()
}

// thaw decodes the change freezeChange encoded.
func (f frozenChange) thaw() (crm.Change, error) {
	var h frozenHead
	if err := json.Unmarshal(f, &h); err != nil {
		return crm.Change{}, err
	}
	c := crm.Change{Seq: h.Seq, Time: h.Time, Location: h.Location, Kind: h.Kind, ID: h.ID, Cause: h.Cause}
	var err error
	if c.Before, err = thawImage(h.Kind, h.Before); err != nil {
		return c, fmt.Errorf("before: %w", err)
	}
	if c.After, err = thawImage(h.Kind, h.After); err != nil {
		return c, fmt.Errorf("after: %w", err)
	}
	return c, nil
}

// thawImage decodes one image of a change of kind k; no JSON is no image.
func thawImage(k crm.Kind, raw json.RawMessage) (crm.Object, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	switch k {
	case crm.KindContact:
		var c crm.Contact
		if err := json.Unmarshal(raw, &c); err != nil {
			return nil, err
		}
		thawCustomFields(c.CustomFields)
		return &c, nil
	case crm.KindTask:
		var t crm.Task
		err := json.Unmarshal(raw, &t)
		return &t, err
	case crm.KindNote:
		var n crm.Note
		err := json.Unmarshal(raw, &n)
		return &n, err
	case crm.KindAppointment:
		var a crm.Appointment
		err := json.Unmarshal(raw, &a)
		return &a, err
	}
	return nil, errors.New("no image of kind " + string(k))
}

// thawCustomFields gives back the values JSON cannot tell apart: a
// CustomFieldValue holds a string, a float64, a bool or a []string, and a
// []string comes back from JSON as a []any of strings.
func thawCustomFields(fields []crm.CustomFieldValue) {
	for i := range fields {
		list, ok := fields[i].Value.([]any)
		if !ok {
			continue
		}
		ss := make([]string, 0, len(list))
		for _, v := range list {
			s, ok := v.(string)
			if !ok {
				ss = nil
				break
			}
			ss = append(ss, s)
		}
		if ss != nil {
			fields[i].Value = ss
		}
	}
}

// nilIfNone is o, or nil when o is a typed nil pointer (a change's missing
// image), so that it is left out rather than written as null.
func nilIfNone(o crm.Object) crm.Object {
	if v := reflect.ValueOf(o); o == nil || v.Kind() == reflect.Pointer && v.IsNil() {
		return nil
	}
	return o
}

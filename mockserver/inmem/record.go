package inmem

import (
	"strings"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// Fields of a contact packed into rec.s, in this order.
const (
	fID = iota
	fFirst
	fLast
	fName
	fEmail
	fPhone
	fCompany
	fGender
	fTimezone
	fType
	fSource
	fAssigned
	fAddress
	fCity
	fState
	fCountry
	fPostal
	fWebsite
	fDOB
	fBusiness
	fContactName // derived: lower(DisplayName), what search filters and sorts on
	numFields
)

// rec is one contact as a location stores it. Memory is the constraint here
// (the target is 2 KiB per contact including its tasks and notes): the string
// fields share one allocation, addressed by end offsets, instead of twenty
// string headers and twenty allocations; fields most contacts never set live
// behind the more pointer.
//
// A deleted contact keeps its rec as a tombstone: the id (so that GET answers
// ENOTFOUND and bulk tags "contact is deleted"), its tasks and notes (they
// survive the contact, as live GHL showed for tasks), and nothing else.
type rec struct {
	s      string
	end    [numFields]uint32
	tags   []string
	fields []crm.CustomFieldValue
	more   *extra
	tasks  []task
	notes  []note

	added, updated, activity crm.Millis

	seg     int32 // index of the contact's segment in the location's haystack; -1 when none
	dnd     bool
	deleted bool
}

// extra holds the contact fields that are usually empty.
type extra struct {
	addEmails   []string
	addPhones   []string
	followers   []string
	campaigns   []string
	workflows   []crm.WorkflowEnrollment
	dnd         map[string]crm.DNDSetting
	attribution *crm.Attribution
	createdBy   *crm.CreatedBy
	inboundDND  *crm.InboundDNDSettings
}

// task is a crm.Task without what its place in the store already says; its
// strings (id, title, body, assignedTo) share one allocation, like a rec's.
type task struct {
	s          string
	end        [3]uint32 // ends of id, title and body; assignedTo runs to the end
	due, added crm.Millis
	completed  bool
}

func (t *task) id() string         { return t.s[:t.end[0]] }
func (t *task) title() string      { return t.s[t.end[0]:t.end[1]] }
func (t *task) body() string       { return t.s[t.end[1]:t.end[2]] }
func (t *task) assignedTo() string { return t.s[t.end[2]:] }

// note is a crm.Note without what its place in the store already says; its
// strings (id, body, userId, title, color) share one allocation.
type note struct {
	s              string
	end            [4]uint32 // ends of id, body, userId and title; color runs to the end
	added, updated crm.Millis
	pinned         bool
}

func (n *note) id() string     { return n.s[:n.end[0]] }
func (n *note) body() string   { return n.s[n.end[0]:n.end[1]] }
func (n *note) userID() string { return n.s[n.end[1]:n.end[2]] }
func (n *note) title() string  { return n.s[n.end[2]:n.end[3]] }
func (n *note) color() string  { return n.s[n.end[3]:] }

func (r *rec) get(f int) string {
	start := uint32(0)
	if f > 0 {
		start = r.end[f-1]
	}
	return r.s[start:r.end[f]]
}

func (r *rec) id() string { return r.get(fID) }

func (r *rec) followers() []string {
	if r.more == nil {
		return nil
	}
	return r.more.followers
}

// packContact builds the rec of c. It keeps c's slices and map, so c must be
// a copy nobody else holds; tasks, notes, seg and deleted are left zero.
func packContact(c *crm.Contact) rec {
	var b strings.Builder
	b.Grow(packedLen(c))
	r := newRec(c, &b)
	r.s = b.String()
	return r
}

// newRec builds the rec of c (see packContact), writing its packed string to
// b; the caller sets r.s to what newRec wrote.
func newRec(c *crm.Contact, b *strings.Builder) rec {
	r := rec{
		fields:   c.CustomFields,
		added:    c.DateAdded,
		updated:  c.DateUpdated,
		activity: c.LastActivity,
		dnd:      c.DND,
		seg:      -1,
	}
	if len(c.Tags) > 0 {
		r.tags = c.Tags
	}
	if len(r.fields) == 0 {
		r.fields = nil
	}
	start := b.Len()
	for f, v := range plainFields(c) {
		b.WriteString(v)
		r.end[f] = uint32(b.Len() - start)
	}
	if c.Name != "" {
		writeLower(b, c.Name)
	} else {
		writeLower(b, c.FirstName)
		if c.FirstName != "" && c.LastName != "" {
			b.WriteByte(' ')
		}
		writeLower(b, c.LastName)
	}
	r.end[fContactName] = uint32(b.Len() - start)
	x := extra{
		addEmails:   nilIfEmpty(c.AdditionalEmails),
		addPhones:   nilIfEmpty(c.AdditionalPhones),
		followers:   nilIfEmpty(c.Followers),
		campaigns:   nilIfEmpty(c.Campaigns),
		attribution: c.Attribution,
		createdBy:   c.CreatedBy,
		inboundDND:  c.InboundDNDSettings,
	}
	if len(c.Workflows) > 0 {
		x.workflows = c.Workflows
	}
	if len(c.DNDSettings) > 0 {
		x.dnd = c.DNDSettings
	}
	if x.addEmails != nil || x.addPhones != nil || x.followers != nil || x.campaigns != nil ||
		x.workflows != nil || x.dnd != nil || x.attribution != nil || x.createdBy != nil || x.inboundDND != nil {
		r.more = &x
	}
	return r
}

// plainFields are the packed fields of c but the derived contact name.
func plainFields(c *crm.Contact) [fContactName]string {
	return [fContactName]string{
		fID: c.ID, fFirst: c.FirstName, fLast: c.LastName, fName: c.Name, fEmail: c.Email,
		fPhone: c.Phone, fCompany: c.CompanyName, fGender: c.Gender, fTimezone: c.Timezone,
		fType: c.Type, fSource: c.Source, fAssigned: c.AssignedTo, fAddress: c.Address1,
		fCity: c.City, fState: c.State, fCountry: c.Country, fPostal: c.PostalCode,
		fWebsite: c.Website, fDOB: c.DateOfBirth, fBusiness: c.BusinessID,
	}
}

// packedLen is the length of c's packed string.
func packedLen(c *crm.Contact) int {
	n := 0
	for _, v := range plainFields(c) {
		n += len(v)
	}
	if c.Name != "" {
		return n + lowerLen(c.Name)
	}
	n += lowerLen(c.FirstName) + lowerLen(c.LastName)
	if c.FirstName != "" && c.LastName != "" {
		n++
	}
	return n
}

// writeLower writes strings.ToLower(s) without allocating for ASCII.
func writeLower(b *strings.Builder, s string) {
	if !isASCII(s) {
		b.WriteString(strings.ToLower(s))
		return
	}
	for i := 0; i < len(s); i++ {
		b.WriteByte(lowerASCII(s[i]))
	}
}

func lowerLen(s string) int {
	if isASCII(s) {
		return len(s)
	}
	return len(strings.ToLower(s))
}

// tombstone is what a deleted contact leaves behind.
func tombstone(id string, tasks []task, notes []note) rec {
	r := rec{s: strings.Clone(id), tasks: tasks, notes: notes, seg: -1, deleted: true}
	for f := range r.end {
		r.end[f] = uint32(len(id))
	}
	return r
}

// view is the contact without copies: its slices, map and pointers are the
// record's own, so it is only for reading under the location's lock.
func (r *rec) view(loc string) crm.Contact {
	c := crm.Contact{
		ID: r.get(fID), LocationID: loc,
		FirstName: r.get(fFirst), LastName: r.get(fLast), Name: r.get(fName),
		Email: r.get(fEmail), Phone: r.get(fPhone), CompanyName: r.get(fCompany),
		Gender: r.get(fGender), Timezone: r.get(fTimezone), Type: r.get(fType),
		Source: r.get(fSource), AssignedTo: r.get(fAssigned), Address1: r.get(fAddress),
		City: r.get(fCity), State: r.get(fState), Country: r.get(fCountry),
		PostalCode: r.get(fPostal), Website: r.get(fWebsite), DateOfBirth: r.get(fDOB),
		BusinessID:   r.get(fBusiness),
		DND:          r.dnd,
		Tags:         r.tags,
		CustomFields: r.fields,
		DateAdded:    r.added, DateUpdated: r.updated, LastActivity: r.activity,
	}
	if c.Tags == nil {
		c.Tags = []string{} // as contact gives it; an empty literal allocates nothing
	}
	if x := r.more; x != nil {
		c.AdditionalEmails, c.AdditionalPhones = x.addEmails, x.addPhones
		c.Followers, c.Campaigns, c.Workflows = x.followers, x.campaigns, x.workflows
		c.DNDSettings, c.Attribution, c.CreatedBy = x.dnd, x.attribution, x.createdBy
		c.InboundDNDSettings = x.inboundDND
	}
	return c
}

// contact returns a copy of the contact that shares nothing mutable with the
// store. Tags is never nil, so that callers render "tags": [].
func (r *rec) contact(loc string) crm.Contact {
	return r.view(loc).Clone()
}

func (t *task) export(loc, contactID string) crm.Task {
	return crm.Task{
		ID: t.id(), LocationID: loc, ContactID: contactID, Title: t.title(), Body: t.body(),
		AssignedTo: t.assignedTo(), DueDate: t.due, Completed: t.completed, DateAdded: t.added,
	}
}

// taskOf builds a task, writing its strings to b; the caller sets t.s.
func taskOf(t *crm.Task, b *strings.Builder) task {
	out := task{due: t.DueDate, added: t.DateAdded, completed: t.Completed}
	start := b.Len()
	for k, v := range [...]string{t.ID, t.Title, t.Body} {
		b.WriteString(v)
		out.end[k] = uint32(b.Len() - start)
	}
	b.WriteString(t.AssignedTo)
	return out
}

func taskLen(t *crm.Task) int { return len(t.ID) + len(t.Title) + len(t.Body) + len(t.AssignedTo) }

func packTask(t *crm.Task) task {
	var b strings.Builder
	b.Grow(taskLen(t))
	out := taskOf(t, &b)
	out.s = b.String()
	return out
}

func (n *note) export(loc, contactID string) crm.Note {
	return crm.Note{
		ID: n.id(), LocationID: loc, ContactID: contactID, Body: n.body(), UserID: n.userID(),
		Title: n.title(), Color: n.color(), Pinned: n.pinned, DateAdded: n.added, DateUpdated: n.updated,
	}
}

// noteOf builds a note, writing its strings to b; the caller sets n.s.
func noteOf(n *crm.Note, b *strings.Builder) note {
	out := note{pinned: n.Pinned, added: n.DateAdded, updated: n.DateUpdated}
	start := b.Len()
	for k, v := range [...]string{n.ID, n.Body, n.UserID, n.Title} {
		b.WriteString(v)
		out.end[k] = uint32(b.Len() - start)
	}
	b.WriteString(n.Color)
	return out
}

func noteLen(n *crm.Note) int {
	return len(n.ID) + len(n.Body) + len(n.UserID) + len(n.Title) + len(n.Color)
}

func packNote(n *crm.Note) note {
	var b strings.Builder
	b.Grow(noteLen(n))
	out := noteOf(n, &b)
	out.s = b.String()
	return out
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

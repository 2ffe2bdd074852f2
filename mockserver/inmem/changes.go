package inmem

import (
	"context"
	"reflect"
	"slices"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// The store's change feed: every write that changes something publishes one
// crm.Change per object it changed (a bulk operation one per contact), from
// inside the location's write lock, so that the publisher sees the changes
// of any one object in the order they were applied. With no active
// publisher nothing is built (see Options.Publisher).

// publishing reports whether changes must be published.
func (s *Store) publishing() bool { return s.opts.Publisher != nil && s.opts.Publisher.Active() }

// publish sends one change; the caller holds l's write lock. A change whose
// Before and After are equal changed nothing and is not published.
func (s *Store) publish(ctx context.Context, l *location, kind crm.Kind, id string, before, after crm.Object) {
	if before == nil && after == nil || reflect.DeepEqual(before, after) {
		return
	}
	s.opts.Publisher.Publish(ctx, crm.Change{
		Time: s.now(), Location: l.info.ID, Kind: kind, ID: id, Before: before, After: after,
	})
}

// liveContact is a copy of the contact at i, or nil when it is deleted.
func liveContact(l *location, i int32) crm.Object {
	if l.recs[i].deleted {
		return nil
	}
	c := l.recs[i].contact(l.info.ID)
	return &c
}

// tracked runs fn, which may change the contact at i (the caller holds l's
// write lock), and publishes what it changed.
func (s *Store) tracked(ctx context.Context, l *location, i int32, fn func() error) error {
	if !s.publishing() {
		return fn()
	}
	id := l.recs[i].id()
	before := liveContact(l, i)
	if err := fn(); err != nil {
		return err
	}
	s.publish(ctx, l, crm.KindContact, id, before, liveContact(l, i))
	return nil
}

// created publishes c, the copy of a contact just added that the write
// returns: the change's image shares its slices with the answer, one copy
// for the two instead of two (neither is changed after: an image is a
// snapshot, an answer is rendered).
func (s *Store) created(ctx context.Context, l *location, c crm.Contact) {
	if s.publishing() {
		s.publish(ctx, l, crm.KindContact, c.ID, nil, &c)
	}
}

// taskObject and noteObject box a value as an Object.
func taskObject(t crm.Task) crm.Object { return &t }
func noteObject(n crm.Note) crm.Object { return &n }

// Restore puts back the Before image of a change this store published, so
// that a write whose change could not be made durable is not applied after
// all. Changes must be restored newest first. It publishes nothing.
func (s *Store) Restore(ctx context.Context, c crm.Change) error {
	if c.Kind == crm.KindDataset {
		before, _ := c.Before.(*crm.Dataset)
		after, _ := c.After.(*crm.Dataset)
		return s.restoreDataset(ctx, before, after)
	}
	l, err := s.location(ctx, c.Location)
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	switch c.Kind {
	case crm.KindContact:
		before, _ := c.Before.(*crm.Contact)
		l.restoreContact(c.ID, before)
	case crm.KindTask:
		l.restoreTask(c, c.Before)
	case crm.KindNote:
		l.restoreNote(c, c.Before)
	case crm.KindAppointment:
		l.restoreAppointment(c)
	}
	return nil
}

// restoreContact makes the contact id what before says: live as before, or
// gone when before is nil (a create that is undone leaves no trace: not even
// a tombstone).
func (l *location) restoreContact(id string, before *crm.Contact) {
	i, known := l.byID[id]
	switch {
	case before == nil && known && !l.recs[i].deleted:
		l.kill(i, l.recs[i].updated)
		delete(l.byID, id) // never existed: not "deleted" either
	case before == nil:
	case known && !l.recs[i].deleted:
		c := before.Clone()
		l.replace(i, packContact(&c))
		l.recs[i].updated = c.DateUpdated // replace stamps the write's time; this is no write
	case known: // deleted since: bring it back where it was
		c := before.Clone()
		r := packContact(&c)
		old := &l.recs[i]
		r.tasks, r.notes = old.tasks, old.notes
		l.recs[i] = r
		l.index(i)
		l.orderInsert(i)
		l.live++
	default:
		c := before.Clone()
		l.add(packContact(&c))
	}
}

func (l *location) restoreTask(c crm.Change, before crm.Object) {
	owner := ownerOf(c)
	i, ok := l.byID[owner]
	if !ok {
		return
	}
	r := &l.recs[i]
	n := findTask(r, c.ID)
	t, _ := before.(*crm.Task)
	switch {
	case t == nil && n >= 0:
		r.tasks = slices.Delete(r.tasks, n, n+1)
	case t == nil:
	case n >= 0:
		r.tasks[n] = packTask(t)
	default:
		r.tasks = append(r.tasks, packTask(t))
	}
	if len(r.tasks) == 0 {
		r.tasks = nil
	}
}

func (l *location) restoreNote(c crm.Change, before crm.Object) {
	owner := ownerOf(c)
	i, ok := l.byID[owner]
	if !ok {
		return
	}
	r := &l.recs[i]
	n := findNote(r, c.ID)
	nt, _ := before.(*crm.Note)
	switch {
	case nt == nil && n >= 0:
		r.notes = slices.Delete(r.notes, n, n+1)
	case nt == nil:
	case n >= 0:
		r.notes[n] = packNote(nt)
	default:
		r.notes = append(r.notes, packNote(nt))
	}
	if len(r.notes) == 0 {
		r.notes = nil
	}
}

func (l *location) restoreAppointment(c crm.Change) {
	owner := ownerOf(c)
	list := slices.DeleteFunc(slices.Clone(l.appts[owner]), func(a crm.Appointment) bool { return a.ID == c.ID })
	if a, ok := c.Before.(*crm.Appointment); ok && a != nil {
		list = append(list, *a)
		slices.SortFunc(list, cmpAppointments)
	}
	if len(list) == 0 {
		delete(l.appts, owner)
		return
	}
	l.appts[owner] = list
}

// ownerOf is the contact a task, note or appointment change belongs to.
func ownerOf(c crm.Change) string {
	for _, o := range []crm.Object{c.Before, c.After} {
		switch x := o.(type) {
		case *crm.Task:
			if x != nil {
				return x.ContactID
			}
		case *crm.Note:
			if x != nil {
				return x.ContactID
			}
		case *crm.Appointment:
			if x != nil {
				return x.ContactID
			}
		}
	}
	return ""
}

// restoreDataset puts back the locations an import replaced (before), and
// removes those it added (in after, not in before).
func (s *Store) restoreDataset(ctx context.Context, before, after *crm.Dataset) error {
	var built []*location
	if before != nil {
		var err error
		if built, err = s.build(*before); err != nil {
			return err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if after != nil {
		for _, ld := range after.Locations {
			delete(s.locs, ld.Location.ID)
		}
	}
	for _, l := range built {
		s.locs[l.info.ID] = l
	}
	return nil
}

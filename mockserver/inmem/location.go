package inmem

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// location is one namespace: a GHL location with its contacts and the indexes
// over them. mu guards everything in it; reads hold it shared.
type location struct {
	mu   writeLock
	info crm.Location

	// recs holds every contact ever created here, live or tombstone; a
	// contact's index in it never changes, so indexes store int32s.
	recs []rec
	byID map[string]int32
	// order is the live contacts sorted by (DateAdded, id) ascending: GET
	// /contacts/ reads it backwards.
	order []int32
	// email maps lower(email) and phone the stored phone to live contacts,
	// so duplicate lookups are O(1).
	email, phone multiIndex
	// addEmail maps lower(additional email) to the live contacts listing it
	// (few have any), for upsert's match on them (GHL #337).
	addEmail multiIndex
	hay      haystack
	// appts are the appointments by contact id, each sorted by start time.
	appts map[string][]crm.Appointment
	live  int

	// lag is Options.SearchLag; past holds the versions search still sees
	// (see lag.go), and sweepAt is the size of past that triggers a sweep.
	lag     crm.Millis
	past    map[int32][]version
	sweepAt int
	// lastWrite is the time of the latest write that moved a contact's
	// DateUpdated or deleted it (see changing).
	lastWrite crm.Millis
}

// writeLock is a location's lock. Releasing it exclusively gives the
// location a new version, a number no location of any store had before: a
// reader that saw version v under the shared lock knows that nothing of the
// location changed while it sees v again (see crm.Store.ViewContact). Every
// write takes the exclusive lock, so none can forget the version.
type writeLock struct {
	sync.RWMutex
	version atomic.Uint64
}

// versions numbers locations' versions, across stores: a location built
// anew (a reset, an import) never repeats one its predecessor had.
var versions atomic.Uint64

// Unlock gives the location its new version, then releases the lock.
func (m *writeLock) Unlock() {
	m.version.Store(versions.Add(1))
	m.RWMutex.Unlock()
}

func newLocation(info crm.Location, n int) *location {
	l := &location{
		info:     info,
		recs:     make([]rec, 0, n),
		byID:     make(map[string]int32, n),
		order:    make([]int32, 0, n),
		email:    newMultiIndex(n),
		phone:    newMultiIndex(n),
		addEmail: multiIndex{one: map[string]int32{}, more: map[string][]int32{}},
		hay:      haystack{segs: make([]seg, 0, n)},
		appts:    map[string][]crm.Appointment{},
	}
	l.mu.version.Store(versions.Add(1))
	return l
}

// liveIndex returns the index of a live contact.
func (l *location) liveIndex(id string) (int32, bool) {
	i, ok := l.byID[id]
	if !ok || l.recs[i].deleted {
		return 0, false
	}
	return i, true
}

// add stores a new live contact and indexes it.
func (l *location) add(r rec) int32 {
	i := int32(len(l.recs))
	if len(l.recs) == cap(l.recs) {
		// Grow by a quarter, not double: a rec is large, and locations are
		// mostly built at their final size.
		l.recs = slices.Grow(l.recs, len(l.recs)/4+16)
	}
	l.recs = append(l.recs, r)
	l.index(i)
	l.orderInsert(i)
	l.live++
	return i
}

// replace swaps the contact at i for r (same id, same DateAdded), keeping its
// tasks and notes.
func (l *location) replace(i int32, r rec) {
	r.updated = l.changing(i, r.updated)
	l.unindex(i)
	old := &l.recs[i]
	r.tasks, r.notes = old.tasks, old.notes
	l.recs[i] = r
	l.index(i)
}

// kill turns the live contact at i into a tombstone, at time now.
func (l *location) kill(i int32, now crm.Millis) {
	l.changing(i, now)
	l.orderRemove(i)
	l.unindex(i)
	old := &l.recs[i]
	l.recs[i] = tombstone(old.id(), old.tasks, old.notes)
	l.byID[l.recs[i].id()] = i
	l.live--
}

// index adds the keys of the contact at i. Keys are substrings of its packed
// string, so unindex and index run on every change: a key left behind would
// keep the previous version of the contact alive.
func (l *location) index(i int32) {
	r := &l.recs[i]
	l.byID[r.id()] = i
	l.addKeys(i, r)
	r.seg = l.hay.add(i, r)
}

// addKeys adds the contact's duplicate keys: its email, its phone and its
// additional emails.
func (l *location) addKeys(i int32, r *rec) {
	l.email.add(emailKey(r.get(fEmail)), i)
	l.phone.add(r.get(fPhone), i)
	if r.more != nil {
		for _, e := range r.more.addEmails {
			l.addEmail.add(emailKey(e), i)
		}
	}
}

func (l *location) unindex(i int32) {
	r := &l.recs[i]
	delete(l.byID, r.id())
	l.email.remove(emailKey(r.get(fEmail)), i)
	l.phone.remove(r.get(fPhone), i)
	if r.more != nil {
		for _, e := range r.more.addEmails {
			l.addEmail.remove(emailKey(e), i)
		}
	}
	if r.seg >= 0 {
		l.hay.remove(r.seg)
		r.seg = -1
		if l.hay.wasteful() {
			l.hay.compact(l.recs)
		}
	}
}

func emailKey(email string) string { return strings.ToLower(email) }

// cmpOrder orders contacts by (DateAdded, id) ascending.
func (l *location) cmpOrder(i, j int32) int {
	a, b := &l.recs[i], &l.recs[j]
	if a.added != b.added {
		if a.added < b.added {
			return -1
		}
		return 1
	}
	return strings.Compare(a.id(), b.id())
}

// cmpPos compares the contact at i with the position (added, id).
func (l *location) cmpPos(i int32, added crm.Millis, id string) int {
	r := &l.recs[i]
	if r.added != added {
		if r.added < added {
			return -1
		}
		return 1
	}
	return strings.Compare(r.id(), id)
}

// countBefore returns how many live contacts sort before (added, id) ascending.
func (l *location) countBefore(added crm.Millis, id string) int {
	n, _ := slices.BinarySearchFunc(l.order, 0, func(i int32, _ int) int { return l.cmpPos(i, added, id) })
	return n
}

func (l *location) orderInsert(i int32) {
	r := &l.recs[i]
	if n := len(l.order); n == 0 || l.cmpOrder(l.order[n-1], i) < 0 {
		l.order = append(l.order, i) // the usual case: the newest contact
		return
	}
	l.order = slices.Insert(l.order, l.countBefore(r.added, r.id()), i)
}

func (l *location) orderRemove(i int32) {
	r := &l.recs[i]
	p := l.countBefore(r.added, r.id())
	if p < len(l.order) && l.order[p] == i {
		l.order = slices.Delete(l.order, p, p+1)
	}
}

// first returns the live contact holding key in idx that GHL would name as the
// duplicate: the oldest, by (DateAdded, id). except is skipped (-1: none).
func (l *location) first(idx *multiIndex, key string, except int32) (int32, bool) {
	best, found := int32(0), false
	idx.each(key, func(i int32) {
		if i == except {
			return
		}
		if !found || l.cmpOrder(i, best) < 0 {
			best, found = i, true
		}
	})
	return best, found
}

// multiIndex maps a key to the contacts holding it. Nearly every key has one
// holder (two only when the location allows duplicates), so the common case
// costs one map entry.
type multiIndex struct {
	one  map[string]int32
	more map[string][]int32 // holders beyond the one in one
}

func newMultiIndex(n int) multiIndex {
	return multiIndex{one: make(map[string]int32, n), more: map[string][]int32{}}
}

func (m *multiIndex) add(key string, i int32) {
	if key == "" {
		return
	}
	if _, ok := m.one[key]; !ok {
		m.one[key] = i
		return
	}
	m.more[key] = append(m.more[key], i)
}

func (m *multiIndex) remove(key string, i int32) {
	if key == "" {
		return
	}
	rest := m.more[key]
	if m.one[key] == i {
		if len(rest) == 0 {
			delete(m.one, key)
			return
		}
		m.one[key] = rest[0]
		rest = rest[1:]
	} else if p := slices.Index(rest, i); p >= 0 {
		rest = slices.Delete(slices.Clone(rest), p, p+1)
	}
	if len(rest) == 0 {
		delete(m.more, key)
	} else {
		m.more[key] = rest
	}
}

func (m *multiIndex) each(key string, fn func(int32)) {
	if key == "" {
		return
	}
	i, ok := m.one[key]
	if !ok {
		return
	}
	fn(i)
	for _, j := range m.more[key] {
		fn(j)
	}
}

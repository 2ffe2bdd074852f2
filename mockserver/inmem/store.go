// Package inmem is the in-memory crm.Store: every location's contacts,
// tasks, notes and appointments held in process memory and indexed so that
// the mock answers as GHL does, quickly, at 100,000 contacts per location.
//
// Each location is a namespace with its own lock; a method takes the caller's
// location and never reads or changes another's. Results are copies.
//
// Where GHL's behaviour is unknown, the choices are documented on the
// methods; the ones that cut across them:
//   - Deleting a contact is a soft delete. The contact vanishes from every
//     read; its id is remembered (GET answers ENOTFOUND, bulk tags "contact is
//     deleted", Export lists it in Deleted) and its tasks, notes and
//     appointments stay in the store, unreachable through the API but kept by
//     Export (live GHL kept a deleted contact's tasks).
//   - String inputs are trimmed of surrounding white space.
//   - User ids (assignedTo, followers, a task's assignedTo, a note's userId)
//     must be users of the location, and a businessId one of its businesses,
//     else EINVALID.
//   - Tasks, notes, campaign and workflow membership do not change a
//     contact's DateUpdated; every change of its own fields does.
package inmem

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// Default caps of the bulk endpoints; see Options.
const (
	DefaultMaxBulkTagContacts = 100
	DefaultMaxBulkBusinessIDs = 50
)

// Options configure a Store.
type Options struct {
	// Now is the clock; required. Tests inject a fake one.
	Now func() time.Time
	// IDs makes the ids of new contacts, tasks and notes; required. An id
	// already taken is skipped, so a generator seeded like the one that made
	// the dataset is safe, if wasteful.
	IDs *crm.IDGen
	// SearchLag models GHL's eventually consistent search index: when > 0,
	// SearchContacts sees every contact as it was SearchLag ago (by Now):
	// one created since is not there, one changed or deleted since is there
	// as it was (see lag.go). Every other read sees each write at once.
	SearchLag time.Duration
	// UpsertMatchesAdditionalEmails makes an upsert whose email matches no
	// contact's primary email, and whose phone matches none either, update
	// the contact that lists the email among its additionalEmails: the email
	// becomes its primary, the old primary is dropped. One user report (GHL
	// highlevel-api-docs#337), hence the switch; the server passes the
	// fixtures' setting, true by default.
	UpsertMatchesAdditionalEmails bool
	// NormalizePhones stores phones in E.164 (crm.NormalizePhone with the
	// location's country); false stores them trimmed but verbatim. Whether GHL
	// normalizes is uncertain, hence the switch; the server passes true.
	NormalizePhones bool
	// Publisher receives a crm.Change for every object a write changes (see
	// changes.go); nil publishes nothing.
	Publisher crm.Publisher
	// MaxBulkTagContacts caps the contact ids of one BulkTags call: 0 means
	// DefaultMaxBulkTagContacts, a negative value means no cap. HighLevel's
	// spec documents no cap; the default is our guess.
	MaxBulkTagContacts int
	// MaxBulkBusinessIDs caps the ids of one SetBusiness call: 0 means
	// DefaultMaxBulkBusinessIDs, a negative value means no cap. HighLevel's
	// spec documents 50 as the maximum length of each id, not as a count.
	MaxBulkBusinessIDs int
}

// Store is the in-memory crm.Store. The zero value is not usable: call New.
type Store struct {
	opts Options
	// mu guards the locs map itself; each location guards its own state.
	// Lock order: mu before any location's mu, and never mu while a
	// location's mu is held; never two locations' mu at once.
	mu   sync.RWMutex
	locs map[string]*location
}

var _ crm.Store = (*Store)(nil)

// New returns a store holding d. It rejects a dataset that is inconsistent
// (duplicate or malformed ids, a task, note or appointment whose contact is
// neither a contact nor a deleted id of its location, an unknown custom field,
// an unparseable dateOfBirth, …) with an error wrapping a *crm.Error.
func New(d crm.Dataset, opts Options) (*Store, error) {
	if opts.Now == nil {
		return nil, errors.New("inmem: Options.Now is required")
	}
	if opts.IDs == nil {
		return nil, errors.New("inmem: Options.IDs is required")
	}
	s := &Store{opts: opts, locs: map[string]*location{}}
	built, err := s.build(d)
	if err != nil {
		return nil, errors.Join(errors.New("inmem: invalid dataset"), err)
	}
	for _, l := range built {
		s.locs[l.info.ID] = l
	}
	return s, nil
}

// Locations returns the ids of the store's locations, sorted.
func (s *Store) Locations() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ids := make([]string, 0, len(s.locs))
	for id := range s.locs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// LocationStats counts what one location holds. Tasks, Notes and
// Appointments include those of deleted contacts.
type LocationStats struct {
	ID           string
	Contacts     int // live contacts
	Deleted      int // deleted contact ids remembered
	Tasks        int
	Notes        int
	Appointments int
}

// Stats returns the counts of every location, sorted by id; the admin API
// and the benchmarks use it.
func (s *Store) Stats() []LocationStats {
	var out []LocationStats
	for _, id := range s.Locations() {
		s.mu.RLock()
		l := s.locs[id]
		s.mu.RUnlock()
		if l == nil {
			continue
		}
		l.mu.RLock()
		st := LocationStats{ID: id, Contacts: l.live, Deleted: len(l.recs) - l.live}
		for i := range l.recs {
			st.Tasks += len(l.recs[i].tasks)
			st.Notes += len(l.recs[i].notes)
		}
		for _, a := range l.appts {
			st.Appointments += len(a)
		}
		l.mu.RUnlock()
		out = append(out, st)
	}
	return out
}

// Location returns a copy of a location's settings and reference data.
func (s *Store) Location(ctx context.Context, loc string) (crm.Location, error) {
	l, err := s.location(ctx, loc)
	if err != nil {
		return crm.Location{}, err
	}
	return l.info.Clone(), nil // info never changes once built
}

func (s *Store) now() crm.Millis { return crm.MillisOf(s.opts.Now()) }

func (s *Store) location(ctx context.Context, loc string) (*location, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	l := s.locs[loc]
	s.mu.RUnlock()
	if l == nil {
		return nil, crm.UnknownLocation(loc)
	}
	return l, nil
}

func (s *Store) snapshot() []*location {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ls := make([]*location, 0, len(s.locs))
	for _, l := range s.locs {
		ls = append(ls, l)
	}
	return ls
}

// owner finds the location holding a contact id, live or deleted. It takes
// each location's lock in turn, so the caller must hold none.
func (s *Store) owner(id string) (*location, bool) {
	for _, l := range s.snapshot() {
		l.mu.RLock()
		_, ok := l.byID[id]
		l.mu.RUnlock()
		if ok {
			return l, true
		}
	}
	return nil, false
}

// contactMissing is the error for an id that is not a live contact of l:
// EFORBIDDEN when another location holds it, else ENOTFOUND. The caller must
// hold no lock.
func (s *Store) contactMissing(l *location, id string) error {
	if validID(id) {
		if o, ok := s.owner(id); ok && o != l {
			return crm.Forbidden(crm.ResourceContact, id)
		}
	}
	return crm.NotFound(crm.ResourceContact, id)
}

// read runs fn on the live contact id of loc under the location's read lock.
func (s *Store) read(ctx context.Context, loc, id string, fn func(l *location, i int32) error) error {
	return s.with(ctx, loc, id, false, fn)
}

// write runs fn on the live contact id of loc under the location's write lock.
func (s *Store) write(ctx context.Context, loc, id string, fn func(l *location, i int32) error) error {
	return s.with(ctx, loc, id, true, fn)
}

func (s *Store) with(ctx context.Context, loc, id string, excl bool, fn func(l *location, i int32) error) error {
	l, err := s.location(ctx, loc)
	if err != nil {
		return err
	}
	found, err := func() (bool, error) {
		if excl {
			l.mu.Lock()
			defer l.mu.Unlock()
		} else {
			l.mu.RLock()
			defer l.mu.RUnlock()
		}
		i, ok := l.liveIndex(id)
		if !ok {
			return false, nil
		}
		if excl {
			return true, s.tracked(ctx, l, i, func() error { return fn(l, i) })
		}
		return true, fn(l, i)
	}()
	if !found {
		return s.contactMissing(l, id)
	}
	return err
}

// newContactID returns an id no location holds. The caller must hold no lock.
func (s *Store) newContactID() string {
	for {
		id := s.opts.IDs.ID()
		if _, taken := s.owner(id); !taken {
			return id
		}
	}
}

// validID reports whether s can be an id of ours: 1 to 64 ASCII letters and
// digits. Anything else is simply not found.
func validID(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

func hasBusiness(l *crm.Location, id string) bool {
	return slices.ContainsFunc(l.Businesses, func(b crm.Business) bool { return b.ID == id })
}

func hasCampaign(l *crm.Location, id string) bool {
	return slices.ContainsFunc(l.Campaigns, func(c crm.Campaign) bool { return c.ID == id })
}

func hasWorkflow(l *crm.Location, id string) bool {
	return slices.ContainsFunc(l.Workflows, func(w crm.Workflow) bool { return w.ID == id })
}

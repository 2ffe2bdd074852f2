package inmem

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// Export returns a deep copy of the given locations (all of them, sorted by
// id, when none is given) in a deterministic order: contacts by (DateAdded,
// id), deleted ids sorted, tasks and notes by (DateAdded, id, contact id) —
// those of deleted contacts included — appointments by (StartTime, id).
// Export then Import (or New) gives back the same state.
func (s *Store) Export(ctx context.Context, locs ...string) (crm.Dataset, error) {
	if err := ctx.Err(); err != nil {
		return crm.Dataset{}, err
	}
	if len(locs) == 0 {
		locs = s.Locations()
	}
	var d crm.Dataset
	seen := map[string]bool{}
	for _, id := range locs {
		if seen[id] {
			continue
		}
		seen[id] = true
		l, err := s.location(ctx, id)
		if err != nil {
			return crm.Dataset{}, err
		}
		l.mu.RLock()
		ld := l.export()
		l.mu.RUnlock()
		d.Locations = append(d.Locations, ld)
	}
	return d, nil
}

func (l *location) export() crm.LocationData {
	loc := l.info.ID
	ld := crm.LocationData{Location: l.info.Clone(), Contacts: make([]crm.Contact, 0, len(l.order))}
	for _, i := range l.order {
		ld.Contacts = append(ld.Contacts, l.recs[i].contact(loc))
	}
	for i := range l.recs {
		r := &l.recs[i]
		id := r.id()
		if j, ok := l.byID[id]; !ok || j != int32(i) {
			continue // a create that was undone (see Restore): it never existed
		}
		if r.deleted {
			ld.Deleted = append(ld.Deleted, id)
		}
		for n := range r.tasks {
			ld.Tasks = append(ld.Tasks, r.tasks[n].export(loc, id))
		}
		for n := range r.notes {
			ld.Notes = append(ld.Notes, r.notes[n].export(loc, id))
		}
	}
	slices.Sort(ld.Deleted)
	slices.SortFunc(ld.Tasks, func(a, b crm.Task) int {
		return cmp.Or(cmp.Compare(a.DateAdded, b.DateAdded), strings.Compare(a.ID, b.ID), strings.Compare(a.ContactID, b.ContactID))
	})
	slices.SortFunc(ld.Notes, func(a, b crm.Note) int {
		return cmp.Or(cmp.Compare(a.DateAdded, b.DateAdded), strings.Compare(a.ID, b.ID), strings.Compare(a.ContactID, b.ContactID))
	})
	for _, as := range l.appts {
		for _, a := range as {
			a.Users = slices.Clone(a.Users)
			ld.Appointments = append(ld.Appointments, a)
		}
	}
	slices.SortFunc(ld.Appointments, cmpAppointments)
	return ld
}

// Import replaces the whole state of every location in d, adding those the
// store does not hold yet; other locations are untouched. It validates
// everything first (as New does, and that no contact id of d belongs to a
// location d does not replace): on error, EINVALID, nothing has changed.
func (s *Store) Import(ctx context.Context, d crm.Dataset) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	built, err := s.build(d)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	replaced := map[string]bool{}
	for _, l := range built {
		replaced[l.info.ID] = true
	}
	for id, other := range s.locs {
		if replaced[id] {
			continue
		}
		other.mu.RLock()
		err := conflict(built, other)
		other.mu.RUnlock()
		if err != nil {
			return err
		}
	}
	var before *crm.Dataset
	if s.publishing() {
		before = &crm.Dataset{}
		for _, l := range built {
			if old := s.locs[l.info.ID]; old != nil {
				old.mu.RLock()
				before.Locations = append(before.Locations, old.export())
				old.mu.RUnlock()
			}
		}
	}
	for _, l := range built {
		s.locs[l.info.ID] = l
	}
	if before != nil {
		after := &crm.Dataset{}
		for _, l := range built {
			after.Locations = append(after.Locations, l.export()) // as the store keeps it, normalized
		}
		s.opts.Publisher.Publish(ctx, crm.Change{Time: s.now(), Kind: crm.KindDataset, Before: before, After: after})
	}
	return nil
}

func conflict(built []*location, other *location) error {
	for _, l := range built {
		for id := range l.byID {
			if _, ok := other.byID[id]; ok {
				return invalidf("location %s: contact %s already belongs to location %s", l.info.ID, id, other.info.ID)
			}
		}
	}
	return nil
}

func invalidf(format string, args ...any) error { return crm.Invalid(fmt.Sprintf(format, args...)) }

// build validates a dataset and builds its locations.
func (s *Store) build(d crm.Dataset) ([]*location, error) {
	seenLoc := map[string]bool{}
	out := make([]*location, 0, len(d.Locations))
	for n := range d.Locations {
		ld := &d.Locations[n]
		id := ld.Location.ID
		switch {
		case id == "":
			return nil, invalidf("locations.%d: the location id should not be empty", n)
		case seenLoc[id]:
			return nil, invalidf("location %s appears twice", id)
		}
		seenLoc[id] = true
		l, err := s.buildLocation(ld)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	if len(out) > 1 {
		owner := map[string]string{}
		for _, l := range out {
			for id := range l.byID {
				if other, ok := owner[id]; ok {
					return nil, invalidf("location %s: contact %s also belongs to location %s", l.info.ID, id, other)
				}
				owner[id] = l.info.ID
			}
		}
	}
	return out, nil
}

// buildLocation validates one location of a dataset and builds it. Its
// contacts are laid out in list order, (DateAdded, id), and their strings in
// one allocation, so that scans over them read memory sequentially.
func (s *Store) buildLocation(ld *crm.LocationData) (*location, error) {
	loc := ld.Location.ID
	bad := func(format string, args ...any) error {
		return invalidf("location %s: "+format, append([]any{loc}, args...)...)
	}
	now := s.now()
	cs := make([]crm.Contact, len(ld.Contacts))
	for n := range ld.Contacts {
		c := ld.Contacts[n] // canonical copies what the store keeps
		if !validID(c.ID) {
			return nil, bad("contact id %q is not 1 to 64 ASCII letters and digits", c.ID)
		}
		if c.LocationID != "" && c.LocationID != loc {
			return nil, bad("contact %s has locationId %s", c.ID, c.LocationID)
		}
		if msg := s.canonical(&ld.Location, &c, now); msg != "" {
			return nil, bad("contact %s: %s", c.ID, msg)
		}
		cs[n] = c
	}
	perm := make([]int32, len(cs)) // sorting 500-byte structs would be mostly memmove
	for k := range perm {
		perm[k] = int32(k)
	}
	slices.SortFunc(perm, func(a, b int32) int {
		return cmp.Or(cmp.Compare(cs[a].DateAdded, cs[b].DateAdded), strings.Compare(cs[a].ID, cs[b].ID))
	})

	l := newLocation(ld.Location.Clone(), len(cs)+len(ld.Deleted))
	l.lag = crm.Millis(s.opts.SearchLag.Milliseconds())
	total := 0
	for k := range cs {
		total += packedLen(&cs[k])
	}
	var b strings.Builder
	b.Grow(total)
	for _, k := range perm {
		l.recs = append(l.recs, newRec(&cs[k], &b))
	}
	arena, off := b.String(), 0
	for i := range l.recs {
		n := int(l.recs[i].end[fContactName])
		l.recs[i].s = arena[off : off+n]
		off += n
	}
	for _, id := range ld.Deleted {
		if !validID(id) {
			return nil, bad("deleted contact id %q is not 1 to 64 ASCII letters and digits", id)
		}
		l.recs = append(l.recs, tombstone(id, nil, nil))
	}
	for i := range l.recs {
		id := l.recs[i].id()
		if _, dup := l.byID[id]; dup {
			return nil, bad("contact %s appears twice", id)
		}
		l.byID[id] = int32(i)
	}
	if err := l.attach(ld, bad); err != nil {
		return nil, err
	}

	hay := 0
	for i := range cs {
		hay += hayLen(&l.recs[i])
	}
	l.hay.buf = make([]byte, 0, hay)
	for i := range cs { // the live contacts, already in order
		r := &l.recs[i]
		l.order = append(l.order, int32(i))
		l.addKeys(int32(i), r)
		r.seg = l.hay.add(int32(i), r)
	}
	l.live = len(cs)
	return l, nil
}

// attach adds the tasks, notes and appointments of ld to the contacts of l,
// which may be deleted ones. Task and note strings go to one allocation each.
func (l *location) attach(ld *crm.LocationData, bad func(string, ...any) error) error {
	loc := l.info.ID
	owner := func(kind, id, contactID, locID string) (int32, error) {
		i, ok := l.byID[contactID]
		switch {
		case !ok:
			return 0, bad("%s %s: contact %q does not exist", kind, id, contactID)
		case locID != "" && locID != loc:
			return 0, bad("%s %s has locationId %s", kind, id, locID)
		case !validID(id):
			return 0, bad("%s id %q is not 1 to 64 ASCII letters and digits", kind, id)
		}
		return i, nil
	}
	counts := make([]int32, len(l.recs))

	owners := make([]int32, len(ld.Tasks))
	total := 0
	for n := range ld.Tasks {
		t := &ld.Tasks[n]
		i, err := owner("task", t.ID, t.ContactID, t.LocationID)
		if err != nil {
			return err
		}
		owners[n] = i
		counts[i]++
		total += taskLen(t)
	}
	var b strings.Builder
	b.Grow(total)
	for n := range ld.Tasks {
		r := &l.recs[owners[n]]
		if r.tasks == nil {
			r.tasks = make([]task, 0, counts[owners[n]]) // exact: slack in 100,000 slices adds up
		}
		r.tasks = append(r.tasks, taskOf(&ld.Tasks[n], &b))
	}
	arena, off := b.String(), 0
	clear(counts)
	for n := range ld.Tasks {
		i := owners[n]
		size := taskLen(&ld.Tasks[n])
		l.recs[i].tasks[counts[i]].s = arena[off : off+size]
		off += size
		counts[i]++
	}

	owners = slices.Grow(owners[:0], len(ld.Notes))[:len(ld.Notes)]
	clear(counts)
	total = 0
	for n := range ld.Notes {
		nt := &ld.Notes[n]
		i, err := owner("note", nt.ID, nt.ContactID, nt.LocationID)
		if err != nil {
			return err
		}
		owners[n] = i
		counts[i]++
		total += noteLen(nt)
	}
	b = strings.Builder{}
	b.Grow(total)
	for n := range ld.Notes {
		r := &l.recs[owners[n]]
		if r.notes == nil {
			r.notes = make([]note, 0, counts[owners[n]])
		}
		r.notes = append(r.notes, noteOf(&ld.Notes[n], &b))
	}
	arena, off = b.String(), 0
	clear(counts)
	for n := range ld.Notes {
		i := owners[n]
		size := noteLen(&ld.Notes[n])
		l.recs[i].notes[counts[i]].s = arena[off : off+size]
		off += size
		counts[i]++
	}

	for i := range l.recs {
		r := &l.recs[i]
		if id, dup := duplicateID(len(r.tasks), func(k int) string { return r.tasks[k].id() }); dup {
			return bad("task %s appears twice", id)
		}
		if id, dup := duplicateID(len(r.notes), func(k int) string { return r.notes[k].id() }); dup {
			return bad("note %s appears twice", id)
		}
	}

	seen := map[string]bool{}
	for n := range ld.Appointments {
		a := ld.Appointments[n]
		if _, err := owner("appointment", a.ID, a.ContactID, a.LocationID); err != nil {
			return err
		}
		if seen[a.ID] {
			return bad("appointment %s appears twice", a.ID)
		}
		seen[a.ID] = true
		a.LocationID = loc
		a.Users = slices.Clone(a.Users)
		l.appts[a.ContactID] = append(l.appts[a.ContactID], a)
	}
	for _, as := range l.appts {
		slices.SortFunc(as, cmpAppointments)
	}
	return nil
}

// duplicateID finds an id that occurs twice among n.
func duplicateID(n int, id func(int) string) (string, bool) {
	if n < 16 {
		for a := 1; a < n; a++ {
			for b := 0; b < a; b++ {
				if id(a) == id(b) {
					return id(a), true
				}
			}
		}
		return "", false
	}
	seen := make(map[string]bool, n)
	for k := range n {
		if seen[id(k)] {
			return id(k), true
		}
		seen[id(k)] = true
	}
	return "", false
}

// canonical brings a dataset contact into the form the API would have stored
// it in (trimmed email, normalized phone and tags, default type, YYYY-MM-DD
// birth date, custom fields by id with normalized values, dates set) and
// returns what makes it unacceptable, if anything. It is idempotent, so an
// export imports unchanged.
//
// c is a shallow copy of the caller's contact: canonical replaces every slice,
// map and pointer of it with one of its own.
func (s *Store) canonical(info *crm.Location, c *crm.Contact, now crm.Millis) string {
	c.AdditionalEmails = slices.Clone(c.AdditionalEmails)
	c.AdditionalPhones = slices.Clone(c.AdditionalPhones)
	c.Followers = slices.Clone(c.Followers)
	c.Campaigns = slices.Clone(c.Campaigns)
	c.Workflows = slices.Clone(c.Workflows)
	c.DNDSettings = maps.Clone(c.DNDSettings)
	if c.Attribution != nil {
		a := *c.Attribution
		c.Attribution = &a
	}
	if c.CreatedBy != nil {
		cb := *c.CreatedBy
		c.CreatedBy = &cb
	}
	if c.InboundDNDSettings != nil {
		d, ok := inboundDND(c.InboundDNDSettings)
		if !ok {
			return msgInboundDND
		}
		c.InboundDNDSettings = d
	}

	c.LocationID = info.ID
	c.Email = strings.TrimSpace(c.Email)
	c.Phone = s.normPhone(info, c.Phone)
	c.Tags = crm.NormalizeTags(c.Tags)
	if c.Type == "" {
		c.Type = "lead"
	}
	if _, ok := dobMillis(c.DateOfBirth); !ok && c.DateOfBirth != "" {
		d, ok := crm.ParseDateOfBirth(c.DateOfBirth)
		if !ok {
			return msgDateOfBirth
		}
		c.DateOfBirth = d
	}
	var fields []crm.CustomFieldValue
	if len(c.CustomFields) > 0 {
		fields = make([]crm.CustomFieldValue, 0, len(c.CustomFields))
	}
	for _, f := range c.CustomFields {
		def, ok := info.CustomFieldByIDOrKey(f.ID)
		if !ok || f.ID == "" {
			return fmt.Sprintf("customField %s does not exist", f.ID)
		}
		v, ok := normValue(f.Value)
		if !ok {
			return fmt.Sprintf("customField %s: the value must be a string, a number, a boolean or an array of strings", f.ID)
		}
		if slices.ContainsFunc(fields, func(g crm.CustomFieldValue) bool { return g.ID == def.ID }) {
			return fmt.Sprintf("customField %s appears twice", def.ID)
		}
		if v != nil {
			fields = append(fields, crm.CustomFieldValue{ID: def.ID, Value: v})
		}
	}
	c.CustomFields = fields
	if c.DateAdded == 0 {
		c.DateAdded = now
	}
	if c.DateUpdated == 0 {
		c.DateUpdated = c.DateAdded
	}
	return ""
}

package journal

import "strconv"

// Following the journal: a live view (the dashboard's request stream) asks
// for what was added after the last entry it saw, by sequence number (an
// entry's ID), and never holds the journal's lock between two asks, so that
// watching the journal costs the requests being journalled nothing.

// Seq is the sequence number of the newest entry ever recorded (0: none);
// entry ids are these numbers, and they never repeat, even across Clear.
func (j *Journal) Seq() uint64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.seq
}

// After returns the entries recorded after sequence number seq that the
// ring still holds, oldest first, at most max of them (the newest max; 0
// means no bound), and how many entries after seq it cannot return: those
// the ring dropped or a Clear forgot, and those beyond max.
func (j *Journal) After(seq uint64, max int) (entries []Entry, missed uint64) {
	return j.after(seq, max, true)
}

// AfterWithoutHeaders is After for a reader that needs no headers (the
// dashboard's stream sends a summary): the entries come without them, and
// headers kept by reference are not packed for it, so that following the
// journal under load costs the requests' journal lock only the copies.
func (j *Journal) AfterWithoutHeaders(seq uint64, max int) (entries []Entry, missed uint64) {
	return j.after(seq, max, false)
}

func (j *Journal) after(seq uint64, max int, headers bool) (entries []Entry, missed uint64) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if seq >= j.seq {
		return nil, 0
	}
	held := j.next
	if j.full {
		held = len(j.ring)
	}
	want := j.seq - seq // entries recorded after seq
	n := min(want, uint64(held))
	if max > 0 && n > uint64(max) {
		n = uint64(max)
	}
	entries = make([]Entry, 0, n)
	// The newest entry is at next-1; walk back n entries, then forward.
	start := j.next - int(n)
	for start < 0 {
		start += len(j.ring)
	}
	for i := range int(n) {
		r := &j.ring[(start+i)%len(j.ring)]
		if r.ID == "" { // cleared: the ring holds fewer than it counted
			continue
		}
		r.settleBody()
		if headers {
			r.settleHeaders()
		}
		entries = append(entries, *r)
		if !headers {
			e := &entries[len(entries)-1]
			e.RequestHeaders, e.ResponseHeaders, e.raw = "", "", rawHeaders{}
		}
	}
	return entries, want - uint64(len(entries))
}

// Find returns the entry with the given id, while the ring holds it.
func (j *Journal) Find(id string) (Entry, bool) {
	seq, err := strconv.ParseUint(id, 10, 64)
	if err != nil || seq == 0 {
		return Entry{}, false
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if seq > j.seq {
		return Entry{}, false
	}
	back := j.seq - seq // 0: the newest
	held := j.next
	if j.full {
		held = len(j.ring)
	}
	if back >= uint64(held) {
		return Entry{}, false
	}
	i := j.next - 1 - int(back)
	for i < 0 {
		i += len(j.ring)
	}
	j.ring[i].settle()
	e := j.ring[i]
	if e.ID != id {
		return Entry{}, false
	}
	return e, true
}

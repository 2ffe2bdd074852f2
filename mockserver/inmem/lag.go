package inmem

import (
	"bytes"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// With Options.SearchLag, search reads an index that lags writes, as GHL's
// does: it sees every contact as it was SearchLag ago. A contact created
// within the lag is not there yet; one changed within the lag is there in its
// previous version; one deleted within the lag is still there. Every other
// read sees each write at once.
//
// The store keeps, for that, the versions a write replaced while search may
// still see them: a location's past maps a contact to its superseded
// versions, each valid from its own write time until the write that replaced
// it. Without a lag nothing is kept.

// version is a superseded version of a contact, as search may still see it.
type version struct {
	r           rec        // the contact as it was (no tasks or notes, not in the haystack)
	hay         []byte     // its haystack segment, for free-text queries
	from, until crm.Millis // search sees it while from <= now-lag < until
}

// changing is called by every write that moves a contact's DateUpdated or
// deletes it, before it changes the contact at i. It returns the write's
// time: at, the clock as the write read it before taking the location's
// lock, but never earlier than the location's last write, so that writes are
// timed in the order they changed the location (two requests that read the
// clock a millisecond apart may take the lock in either order; without this
// a DateUpdated could go back, and the lag's versions could overlap). With a
// search lag it also records the contact as it is, so that search can go on
// seeing it for the lag.
func (l *location) changing(i int32, at crm.Millis) crm.Millis {
	at = max(at, l.lastWrite)
	l.lastWrite = at
	r := &l.recs[i]
	if l.lag <= 0 || r.deleted {
		return at
	}
	old := *r
	old.seg, old.tasks, old.notes = -1, nil, nil
	if r.more != nil {
		x := *r.more // the write replaces the fields of r.more, never their contents
		old.more = &x
	}
	if l.past == nil {
		l.past = map[int32][]version{}
	}
	horizon := at - l.lag // no search from now on looks further back
	kept := l.past[i][:0:0]
	for _, v := range l.past[i] {
		if v.until > horizon {
			kept = append(kept, v)
		}
	}
	l.past[i] = append(kept, version{r: old, hay: appendHay(nil, &old), from: r.updated, until: at})
	if len(l.past) >= l.sweepAt {
		l.sweep(horizon)
	}
	return at
}

// sweep drops the versions no search can see any more, so that the past
// holds only what the last lag's writes replaced. It runs whenever the past
// has doubled since the last sweep: amortized O(1) a write.
func (l *location) sweep(horizon crm.Millis) {
	for i, vs := range l.past {
		kept := vs[:0]
		for _, v := range vs {
			if v.until > horizon {
				kept = append(kept, v)
			}
		}
		if len(kept) == 0 {
			delete(l.past, i)
		} else {
			l.past[i] = kept
		}
	}
	l.sweepAt = max(64, 2*len(l.past))
}

// seenAt returns the version of contact i that the index holds at time t, if
// it is a superseded one.
func seenAt(vs []version, t crm.Millis) *version {
	for k := range vs {
		if v := &vs[k]; v.from <= t && t < v.until {
			return v
		}
	}
	return nil
}

// hayMatches reports whether a version's haystack segment contains q (lower
// case), as haystack.matches does for a live contact.
func (v *version) hayMatches(q []byte) bool {
	return bytes.IndexByte(q, 0) < 0 && bytes.Contains(v.hay, q)
}

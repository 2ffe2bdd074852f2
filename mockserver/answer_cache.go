package mockserver

import (
	"hash/maphash"
	"sync/atomic"
)

// answerCache keeps rendered GET contact answers, so that a contact read
// again before anything of its location changed is copied, not rendered
// again: staging bots read the same few contacts over and over, and
// rendering (some 1,300 bytes of JSON, with the lower-cased and joined
// fields GHL derives) was the largest part of the mock's own work on GET
// contact.
//
// An answer is valid for the location's version it was rendered at
// (crm.Store.ViewContact): any write to the location, a reset or an import
// gives it a new one, so a stale answer is never served. The cache is a
// fixed table of slots chosen by a hash of the location and the contact,
// lock-free, and small (answerSlots answers at most). An answer is only
// kept the second time its slot sees the same contact at the same version
// in a row: reads spread over many contacts, which would evict each other
// before they were read again, then cost no copy.
type answerCache struct {
	seed  maphash.Seed
	slots [answerSlots]answerSlot
}

const answerSlots = 1024

type answerSlot struct {
	seen   atomic.Uint64 // key of the last miss: (hash, version) mixed
	answer atomic.Pointer[cachedAnswer]
}

type cachedAnswer struct {
	loc, id string
	version uint64
	body    []byte
}

func newAnswerCache() *answerCache { return &answerCache{seed: maphash.MakeSeed()} }

func (c *answerCache) slot(loc, id string) (*answerSlot, uint64) {
	var h maphash.Hash
	h.SetSeed(c.seed)
	h.WriteString(loc)
	h.WriteByte(0)
	h.WriteString(id)
	sum := h.Sum64()
	return &c.slots[sum%answerSlots], sum
}

// get returns the answer kept for contact id of loc, at whichever version
// it was rendered, or nil. Its body is never changed: a writer may share it.
func (c *answerCache) get(loc, id string) *cachedAnswer {
	sl, _ := c.slot(loc, id)
	if a := sl.answer.Load(); a != nil && a.id == id && a.loc == loc {
		return a
	}
	return nil
}

// missed records that body was rendered for contact id of loc at version,
// and keeps a copy when the slot missed the same contact at the same
// version last time too.
func (c *answerCache) missed(loc, id string, version uint64, body []byte) {
	sl, sum := c.slot(loc, id)
	key := sum ^ version*0x9e3779b97f4a7c15
	if sl.seen.Swap(key) != key {
		return
	}
	sl.answer.Store(&cachedAnswer{loc: loc, id: id, version: version, body: append([]byte(nil), body...)})
}

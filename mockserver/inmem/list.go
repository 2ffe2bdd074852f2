package inmem

import (
	"context"
	"slices"
	"strings"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// List limits (GET /contacts/ and GET /contacts/business/{businessId}).
const (
	defaultListLimit     = 20
	maxListLimit         = 100
	defaultBusinessLimit = 25
	maxBusinessLimit     = 100
)

// ListContacts answers GET /contacts/: live contacts newest first, by
// (DateAdded, id) descending. Query matches, case-insensitively, a substring of
// the display name, the full name (first and last), the email, the phone or
// the company name. Limit is clamped to 1..100 (0 means 20).
//
// The cursor moves on only when both StartAfter and StartAfterID are set:
// the page is then the contacts strictly after (StartAfter, StartAfterID) in
// list order, whether or not that contact still exists. Contacts created
// meanwhile are newer than any cursor, so paging returns every contact once.
// Page is 1 + (matching contacts at or before the cursor) / Limit.
func (s *Store) ListContacts(ctx context.Context, loc string, q crm.ListQuery) (crm.ListPage, error) {
	l, err := s.location(ctx, loc)
	if err != nil {
		return crm.ListPage{}, err
	}
	limit := q.Limit
	if limit <= 0 {
		limit = defaultListLimit
	}
	limit = min(limit, maxListLimit)
	query := []byte(strings.ToLower(strings.TrimSpace(q.Query)))
	cursor := q.StartAfter != 0 && q.StartAfterID != ""

	l.mu.RLock()
	defer l.mu.RUnlock()
	var page []int32
	var total, before int
	if len(query) == 0 {
		total = len(l.order)
		end := total // order is ascending: the page is read backwards from end
		if cursor {
			end = l.countBefore(q.StartAfter, q.StartAfterID)
		}
		before = total - end
		for p := end - 1; p >= 0 && len(page) < limit; p-- {
			page = append(page, l.order[p])
		}
	} else {
		// The buffer is mostly in ascending order: offering the matches
		// newest first lets the heap reject nearly all with one comparison.
		matches := l.hay.collect(query)
		defer matches.free()
		top := topK{k: limit, tie: func(a, b int32) int { return l.cmpOrder(b, a) }}
		total = len(matches.idx)
		for n := len(matches.idx) - 1; n >= 0; n-- {
			i := matches.idx[n]
			if cursor && l.cmpPos(i, q.StartAfter, q.StartAfterID) >= 0 {
				before++
				continue
			}
			top.offer(millisPrefix(l.recs[i].added, true), i)
		}
		page = top.sorted()
	}
	out := crm.ListPage{
		Contacts: make([]crm.Contact, len(page)),
		Total:    total,
		Page:     before/limit + 1,
		More:     before+len(page) < total,
	}
	for n, i := range page {
		out.Contacts[n] = l.recs[i].contact(loc)
	}
	return out, nil
}

// ContactsByBusiness answers GET /contacts/business/{businessId}: the live
// contacts of that business matching Query (as ListContacts does), ordered
// by contact name (lower case, unnamed last) then id, Skip and Limit applied
// (Limit 0 means 25, at most 100), with the number of all that match. An
// unknown business has no contacts; it is not an error.
func (s *Store) ContactsByBusiness(ctx context.Context, loc, businessID string, q crm.BusinessQuery) ([]crm.Contact, int, error) {
	l, err := s.location(ctx, loc)
	if err != nil {
		return nil, 0, err
	}
	limit := q.Limit
	if limit <= 0 {
		limit = defaultBusinessLimit
	}
	limit = min(limit, maxBusinessLimit)
	skip := max(q.Skip, 0)
	query := []byte(strings.ToLower(strings.TrimSpace(q.Query)))

	l.mu.RLock()
	defer l.mu.RUnlock()
	var hits []int32
	if businessID != "" {
		for _, i := range l.order {
			r := &l.recs[i]
			if r.get(fBusiness) == businessID && (len(query) == 0 || l.hay.matches(r, query)) {
				hits = append(hits, i)
			}
		}
	}
	slices.SortFunc(hits, func(a, b int32) int {
		ra, rb := &l.recs[a], &l.recs[b]
		if c := cmpMissingLast(ra.get(fContactName), rb.get(fContactName)); c != 0 {
			return c
		}
		return strings.Compare(ra.id(), rb.id())
	})
	page := hits[min(skip, len(hits)):min(skip+limit, len(hits))]
	out := make([]crm.Contact, len(page))
	for n, i := range page {
		out[n] = l.recs[i].contact(loc)
	}
	return out, len(hits), nil
}

// cmpMissingLast compares strings, an empty one after any other.
func cmpMissingLast(a, b string) int {
	switch {
	case a == b:
		return 0
	case a == "":
		return 1
	case b == "":
		return -1
	}
	return strings.Compare(a, b)
}

// topK keeps the k first, by order, of the contacts offered to it: a heap
// whose root is the last one kept, so most offers cost one comparison. Each
// entry carries a 64-bit prefix of its order (see sortKey.prefix): entries
// compare by prefix and only on equal prefixes by tie, which reads the
// contacts. Prefixes must be monotone: a before b implies pre(a) <= pre(b).
type topK struct {
	k   int
	tie func(a, b int32) int
	h   []entry
}

type entry struct {
	pre uint64
	idx int32
}

func (t *topK) cmp(a, b entry) int {
	switch {
	case a.pre < b.pre:
		return -1
	case a.pre > b.pre:
		return 1
	}
	return t.tie(a.idx, b.idx)
}

func (t *topK) offer(pre uint64, i int32) {
	if t.k <= 0 {
		return
	}
	e := entry{pre, i}
	if len(t.h) < t.k {
		t.h = append(t.h, e)
		for j := len(t.h) - 1; j > 0; {
			p := (j - 1) / 2
			if t.cmp(t.h[p], t.h[j]) >= 0 {
				break
			}
			t.h[p], t.h[j] = t.h[j], t.h[p]
			j = p
		}
		return
	}
	if t.cmp(e, t.h[0]) >= 0 {
		return
	}
	t.h[0] = e
	for j := 0; ; {
		c := 2*j + 1
		if c >= len(t.h) {
			break
		}
		if c+1 < len(t.h) && t.cmp(t.h[c+1], t.h[c]) > 0 {
			c++
		}
		if t.cmp(t.h[j], t.h[c]) >= 0 {
			break
		}
		t.h[j], t.h[c] = t.h[c], t.h[j]
		j = c
	}
}

// sorted returns the kept contacts in order.
func (t *topK) sorted() []int32 {
	slices.SortFunc(t.h, t.cmp)
	out := make([]int32, len(t.h))
	for n, e := range t.h {
		out[n] = e.idx
	}
	return out
}

// millisPrefix maps instants to prefixes in the same order.
func millisPrefix(m crm.Millis, desc bool) uint64 {
	v := uint64(m) ^ 1<<63
	if desc {
		v = ^v
	}
	return v
}

package inmem

import (
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// Search paging limits.
const (
	maxPageLimit   = 500
	maxSearchDepth = 10_000 // page × pageLimit
	maxSortFields  = 2
)

type sortKind uint8

const (
	sortDate sortKind = iota
	sortString
	sortBool
)

// sortKey is one field of a search sort.
type sortKey struct {
	kind  sortKind
	field int                     // sortString: the packed field
	date  func(r *rec) crm.Millis // sortDate
	desc  bool
	added bool // the key is dateAdded, the order contacts are kept in
}

var sortFields = map[string]sortKey{
	"dateAdded":          {kind: sortDate, date: func(r *rec) crm.Millis { return r.added }, added: true},
	"dateUpdated":        {kind: sortDate, date: func(r *rec) crm.Millis { return r.updated }},
	"firstNameLowerCase": {kind: sortString, field: fFirst},
	"lastNameLowerCase":  {kind: sortString, field: fLast},
	"contactName":        {kind: sortString, field: fContactName},
	"businessName":       {kind: sortString, field: fCompany},
	"companyName":        {kind: sortString, field: fCompany},
	"email":              {kind: sortString, field: fEmail},
	"source":             {kind: sortString, field: fSource},
	"dnd":                {kind: sortBool},
}

var sortFieldNames = func() []string {
	names := make([]string, 0, len(sortFields))
	for n := range sortFields {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}()

// kval is the value of a sort key for one contact, or in a cursor.
type kval struct {
	n int64
	s string
	b bool
}

func (k *sortKey) value(r *rec) kval {
	switch k.kind {
	case sortDate:
		return kval{n: int64(k.date(r))}
	case sortBool:
		return kval{b: r.dnd}
	}
	return kval{s: r.get(k.field)}
}

// compare orders two values of the key: strings case-insensitively with
// empty ones last in both directions (as Elasticsearch puts missing values),
// false before true.
func (k *sortKey) compare(x, y kval) int {
	var c int
	switch k.kind {
	case sortDate:
		c = cmp.Compare(x.n, y.n)
	case sortBool:
		c = cmpBool(x.b, y.b)
	default:
		switch {
		case x.s == y.s:
			return 0
		case x.s == "":
			return 1
		case y.s == "":
			return -1
		}
		c = cmpFold(x.s, y.s)
	}
	if k.desc {
		c = -c
	}
	return c
}

// prefix is a 64-bit summary of the key's value that orders like compare
// (ties allowed): instants and booleans exactly, strings by the first eight
// bytes of their lower-case form, empty strings last in both directions.
func (k *sortKey) prefix(r *rec) uint64 {
	switch k.kind {
	case sortDate:
		return millisPrefix(k.date(r), k.desc)
	case sortBool:
		var v uint64
		if r.dnd != k.desc {
			v = 1
		}
		return v
	}
	s := r.get(k.field)
	if s == "" {
		return math.MaxUint64 // UTF-8 has no 0xFF byte: no other string gets it but by tie
	}
	var b [8]byte
	if isASCII(s[:min(len(s), 8)]) {
		for i := 0; i < len(b) && i < len(s); i++ {
			b[i] = lowerASCII(s[i])
		}
	} else {
		var buf [128]byte
		copy(b[:], appendLower(buf[:0], s))
	}
	v := binary.BigEndian.Uint64(b[:])
	if k.desc {
		v = ^v
	}
	return v
}

// cursorValue is the value as a hit's searchAfter carries it.
func (k *sortKey) cursorValue(r *rec) any {
	v := k.value(r)
	switch k.kind {
	case sortDate:
		return v.n
	case sortBool:
		return v.b
	}
	return strings.ToLower(v.s)
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// searchPlan is a validated, compiled SearchQuery.
type searchPlan struct {
	filter pred
	query  []byte
	keys   []sortKey
	idDesc bool // ties are broken by id in the direction of the first key
	limit  int
	page   int
	after  *searchCursor
}

type searchCursor struct {
	vals []kval
	id   string
}

// cmp orders contacts as the search returns them.
func (p *searchPlan) cmp(ra, rb *rec) int {
	for i := range p.keys {
		k := &p.keys[i]
		if c := k.compare(k.value(ra), k.value(rb)); c != 0 {
			return c
		}
	}
	return p.cmpID(ra.id(), rb.id())
}

// cmpCursor compares a contact with the cursor.
func (p *searchPlan) cmpCursor(r *rec) int {
	for i := range p.keys {
		k := &p.keys[i]
		if c := k.compare(k.value(r), p.after.vals[i]); c != 0 {
			return c
		}
	}
	return p.cmpID(r.id(), p.after.id)
}

func (p *searchPlan) cmpID(a, b string) int {
	c := strings.Compare(a, b)
	if p.idDesc {
		c = -c
	}
	return c
}

func (p *searchPlan) cursorOf(r *rec) []any {
	out := make([]any, 0, len(p.keys)+1)
	for i := range p.keys {
		out = append(out, p.keys[i].cursorValue(r))
	}
	return append(out, r.id())
}

// SearchContacts answers POST /contacts/search.
//
// Filters (top level ANDed, groups AND/OR to any depth up to 16) compare
// strings case-insensitively, ids (id, assignedTo, businessId, followers)
// exactly; tags eq X means the contact has tag X and contains means some tag
// contains the text; a phone eq also tries the value normalized as stored
// phones are; range takes {gt, gte, lt, lte} (low and high are accepted as
// gte and lte) with ms or ISO dates for date fields, numbers for numeric
// custom fields. Query matches like ListContacts' query.
//
// Results are sorted by up to two keys, then by id in the first key's
// direction; the default is dateAdded descending (the list's order). Empty
// strings sort last in both directions. Paging is by Page (Page × PageLimit ≤
// 10,000) or by SearchAfter, the cursor each hit carries: its sort values
// (ms as int64, lower-case strings, bools) followed by its id.
//
// With Options.SearchLag, search sees every contact as it was the lag ago,
// as GHL's index lags writes (see lag.go): one created within the lag is
// not there, one changed or deleted within it is there as it was. Every
// problem of the query is reported at once as EINVALID.
func (s *Store) SearchContacts(ctx context.Context, loc string, q crm.SearchQuery) (crm.SearchPage, error) {
	l, err := s.location(ctx, loc)
	if err != nil {
		return crm.SearchPage{}, err
	}
	p, err := s.plan(&l.info, &q)
	if err != nil {
		return crm.SearchPage{}, err
	}
	lag := s.opts.SearchLag.Milliseconds()

	l.mu.RLock()
	defer l.mu.RUnlock()
	// Now, read under the lock: no earlier than the last write it can see.
	now := max(s.now(), l.lastWrite)
	k := p.page * p.limit
	if p.after != nil {
		k = p.limit
	}
	// Contacts are addressed by their index in l.recs; a superseded version
	// that the lagging index still holds, by -1 - its index in stale.
	var stale []*rec
	at := func(i int32) *rec {
		if i < 0 {
			return stale[-1-i]
		}
		return &l.recs[i]
	}
	top := topK{k: k, tie: func(a, b int32) int { return p.cmp(at(a), at(b)) }}
	first := &p.keys[0]
	total := 0
	consider := func(i int32) {
		r := at(i)
		if i >= 0 && lag > 0 && int64(now-r.updated) < lag {
			return // changed within the lag: the index has an older version, or none
		}
		if !p.filter(r) {
			return
		}
		total++
		if p.after != nil && p.cmpCursor(r) <= 0 {
			return
		}
		top.offer(first.prefix(r), i)
	}
	// Offering contacts roughly in result order lets the heap reject most
	// of them with one comparison.
	desc := p.keys[0].added && p.keys[0].desc
	candidates := l.order
	if len(p.query) > 0 {
		matches := l.hay.collect(p.query)
		defer matches.free()
		candidates = matches.idx
	}
	if desc {
		for n := len(candidates) - 1; n >= 0; n-- {
			consider(candidates[n])
		}
	} else {
		for _, i := range candidates {
			consider(i)
		}
	}
	if lag > 0 {
		seen := now - crm.Millis(lag) // what the index holds is as of then
		for _, vs := range l.past {
			v := seenAt(vs, seen)
			if v == nil || (len(p.query) > 0 && !v.hayMatches(p.query)) {
				continue
			}
			stale = append(stale, &v.r)
			consider(int32(-len(stale)))
		}
	}
	idx := top.sorted()
	if p.after == nil {
		idx = idx[min((p.page-1)*p.limit, len(idx)):]
	}
	out := crm.SearchPage{Contacts: make([]crm.SearchHit, len(idx)), Total: total}
	for n, i := range idx {
		r := at(i)
		out.Contacts[n] = crm.SearchHit{Contact: r.contact(loc), SearchAfter: p.cursorOf(r)}
	}
	return out, nil
}

// plan validates and compiles a search query.
func (s *Store) plan(info *crm.Location, q *crm.SearchQuery) (*searchPlan, error) {
	var msgs []string
	fail := func(format string, args ...any) { msgs = append(msgs, fmt.Sprintf(format, args...)) }
	p := &searchPlan{limit: q.PageLimit, page: max(q.Page, 1)}
	switch {
	case q.PageLimit < 1:
		fail("pageLimit must not be less than 1")
	case q.PageLimit > maxPageLimit:
		fail("pageLimit must not be greater than %d", maxPageLimit)
	}
	if q.Page < 0 {
		fail("page must not be less than 1")
	}
	switch {
	case len(q.SearchAfter) > 0 && p.page > 1:
		fail("searchAfter cannot be used together with page")
	case len(q.SearchAfter) == 0 && q.PageLimit >= 1 && p.page > maxSearchDepth/q.PageLimit:
		fail("page * pageLimit must not be greater than %d; use searchAfter to go deeper", maxSearchDepth)
	}
	query := strings.TrimSpace(q.Query)
	if utf8.RuneCountInString(query) > maxValueLen {
		fail("query must be shorter than or equal to %d characters", maxValueLen)
	}
	p.query = []byte(strings.ToLower(query))

	sortOK := true
	if len(q.Sort) > maxSortFields {
		fail("sort must contain no more than %d elements", maxSortFields)
		sortOK = false
	}
	for i, srt := range q.Sort {
		k, ok := sortFields[srt.Field]
		if !ok {
			fail("sort.%d.field must be one of the following values: %s", i, strings.Join(sortFieldNames, ", "))
			sortOK = false
		}
		switch strings.ToLower(srt.Direction) {
		case "", "asc":
		case "desc":
			k.desc = true
		default:
			fail("sort.%d.direction must be one of the following values: asc, desc", i)
			sortOK = false
		}
		p.keys = append(p.keys, k)
	}
	if len(p.keys) == 0 {
		k := sortFields["dateAdded"]
		k.desc = true
		p.keys = []sortKey{k}
	}
	p.idDesc = p.keys[0].desc

	fc := filterCompiler{info: info, phone: func(v string) string { return s.normPhone(info, v) }}
	p.filter = fc.all(q.Filters, "filters", 0)
	msgs = append(msgs, fc.msgs...)

	if len(q.SearchAfter) > 0 && sortOK {
		var cur searchCursor
		msgs = append(msgs, parseCursor(q.SearchAfter, p.keys, &cur)...)
		p.after = &cur
	}
	if len(msgs) > 0 {
		return nil, crm.Invalid(msgs...)
	}
	return p, nil
}

func parseCursor(sa []any, keys []sortKey, cur *searchCursor) []string {
	if len(sa) != len(keys)+1 {
		return []string{fmt.Sprintf("searchAfter must contain %d elements: the sort values and the contact id", len(keys)+1)}
	}
	var msgs []string
	for i, k := range keys {
		var v kval
		ok := true
		switch k.kind {
		case sortDate:
			v.n, ok = searchAfterNumber(sa[i])
			if !ok {
				msgs = append(msgs, fmt.Sprintf("searchAfter.%d must be a number", i))
			}
		case sortBool:
			v.b, ok = boolOf(sa[i])
			if !ok {
				msgs = append(msgs, fmt.Sprintf("searchAfter.%d must be a boolean value", i))
			}
		default:
			switch x := sa[i].(type) {
			case nil:
			case string:
				v.s = strings.ToLower(x)
			default:
				msgs = append(msgs, fmt.Sprintf("searchAfter.%d must be a string", i))
			}
		}
		cur.vals = append(cur.vals, v)
	}
	id, ok := sa[len(keys)].(string)
	if !ok {
		msgs = append(msgs, fmt.Sprintf("searchAfter.%d must be a string", len(keys)))
	}
	cur.id = id
	return msgs
}

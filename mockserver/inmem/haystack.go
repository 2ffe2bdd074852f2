package inmem

import (
	"bytes"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// haystack is what free-text queries (the list's query, the search's query)
// look through: for every live contact one segment of lower-cased text, its
// display name, full name, email, phone and company separated by NUL bytes,
// all in one buffer. Scanning one contiguous buffer with bytes.Index is what
// keeps a query over 100,000 contacts within a few milliseconds; chasing a
// pointer per contact is several times slower.
//
// Segments are only ever appended; a changed or deleted contact leaves a dead
// segment behind, and compact rewrites the buffer once dead bytes dominate.
type haystack struct {
	buf  []byte
	segs []seg
	dead int
}

// seg is one segment: its end offset in buf (its start is the previous
// segment's end) and the contact it belongs to, or -1 when dead.
type seg struct {
	end uint32
	idx int32
}

func (h *haystack) add(i int32, r *rec) int32 {
	h.buf = appendHay(h.buf, r)
	h.segs = append(h.segs, seg{end: uint32(len(h.buf)), idx: i})
	return int32(len(h.segs) - 1)
}

func (h *haystack) start(si int32) uint32 {
	if si == 0 {
		return 0
	}
	return h.segs[si-1].end
}

func (h *haystack) segment(si int32) []byte { return h.buf[h.start(si):h.segs[si].end] }

func (h *haystack) remove(si int32) {
	h.dead += int(h.segs[si].end - h.start(si))
	h.segs[si].idx = -1
}

func (h *haystack) wasteful() bool { return h.dead > 1<<16 && h.dead > len(h.buf)/2 }

// compact rewrites the buffer without dead segments and renumbers the
// segments of recs.
func (h *haystack) compact(recs []rec) {
	buf := make([]byte, 0, len(h.buf)-h.dead+len(h.buf)/8)
	segs := make([]seg, 0, len(h.segs))
	for si := range h.segs {
		s := h.segs[si]
		if s.idx < 0 {
			continue
		}
		buf = append(buf, h.segment(int32(si))...)
		segs = append(segs, seg{end: uint32(len(buf)), idx: s.idx})
		recs[s.idx].seg = int32(len(segs) - 1)
	}
	h.buf, h.segs, h.dead = buf, segs, 0
}

// scan calls fn once for every live contact whose segment contains q, which
// must be lower case, in buffer order.
func (h *haystack) scan(q []byte, fn func(i int32)) {
	if len(q) == 0 || bytes.IndexByte(q, 0) >= 0 {
		return
	}
	buf, segs := h.buf, h.segs
	pos, si := 0, 0
	for pos < len(buf) {
		j := bytes.Index(buf[pos:], q)
		if j < 0 {
			return
		}
		p := uint32(pos + j)
		for segs[si].end <= p {
			si++
		}
		if i := segs[si].idx; i >= 0 {
			fn(i)
		}
		pos = int(segs[si].end)
	}
}

// hits is a pooled slice of contact indexes; call free when done with it.
type hits struct{ idx []int32 }

var hitsPool = sync.Pool{New: func() any { return &hits{} }}

func (h *hits) free() {
	if cap(h.idx) <= 1<<20 {
		h.idx = h.idx[:0]
		hitsPool.Put(h)
	}
}

// collect returns the contacts whose segment contains q, in buffer order.
func (h *haystack) collect(q []byte) *hits {
	out := hitsPool.Get().(*hits)
	h.scan(q, func(i int32) { out.idx = append(out.idx, i) })
	return out
}

// matches reports whether the contact's segment contains q (lower case).
func (h *haystack) matches(r *rec, q []byte) bool {
	if r.seg < 0 || bytes.IndexByte(q, 0) >= 0 {
		return false
	}
	return bytes.Contains(h.segment(r.seg), q)
}

// appendHay appends the contact's segment, NUL-terminated so that no match
// spans two contacts.
func appendHay(b []byte, r *rec) []byte {
	b = appendLower(b, r.get(fContactName))
	b = append(b, 0)
	if first, last := r.get(fFirst), r.get(fLast); r.get(fName) != "" && (first != "" || last != "") {
		b = appendLower(b, first)
		if first != "" && last != "" {
			b = append(b, ' ')
		}
		b = appendLower(b, last)
		b = append(b, 0)
	}
	for _, f := range [...]int{fEmail, fPhone, fCompany} {
		if v := r.get(f); v != "" {
			b = appendLower(b, v)
			b = append(b, 0)
		}
	}
	return b
}

// appendLower appends strings.ToLower(s) to b without allocating when b has
// room. For valid UTF-8, strings.ToLower is unicode.ToLower of each rune.
func appendLower(b []byte, s string) []byte {
	start := len(b)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			if !utf8.ValidString(s[i:]) {
				return append(b[:start], strings.ToLower(s)...)
			}
			for _, r := range s[i:] {
				b = utf8.AppendRune(b, unicode.ToLower(r))
			}
			return b
		}
		b = append(b, lowerASCII(c))
	}
	return b
}

// hayLen is the length of the segment appendHay writes for r.
func hayLen(r *rec) int {
	n := len(r.get(fContactName)) + 1 // already lower case
	if first, last := r.get(fFirst), r.get(fLast); r.get(fName) != "" && (first != "" || last != "") {
		n += lowerLen(first) + lowerLen(last) + 1
		if first != "" && last != "" {
			n++
		}
	}
	for _, f := range [...]int{fEmail, fPhone, fCompany} {
		if v := r.get(f); v != "" {
			n += lowerLen(v) + 1
		}
	}
	return n
}

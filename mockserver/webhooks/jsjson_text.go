package webhooks

import (
	"math"
	"strconv"
	"unicode/utf8"
)

const lowerHex = "0123456789abcdef"

// jsPlain marks the ASCII bytes that JSON.stringify writes as they are:
// printable ASCII and DEL, but the quote and the backslash.
var jsPlain = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// appendJSString appends s as JSON.stringify writes a string. Only ", \ and
// the control characters are escaped; everything else, U+2028 and U+2029
// included, is written raw. Invalid UTF-8 is written as U+FFFD, one per
// maximal invalid subpart, which is what the string would be in Node after
// Buffer.toString('utf8').
func appendJSString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if jsPlain[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\t':
				b = append(b, '\\', 't')
			case '\n':
				b = append(b, '\\', 'n')
			case '\f':
				b = append(b, '\\', 'f')
			case '\r':
				b = append(b, '\\', 'r')
			default:
				b = append(b, '\\', 'u', '0', '0', lowerHex[c>>4], lowerHex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, "\uFFFD"...)
			i += maximalSubpart(s[i:])
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// maximalSubpart returns the length of the invalid sequence at the start of
// s, as the WHATWG UTF-8 decoder delimits it: a lead byte and the
// continuation bytes that were still acceptable after it. Go's decoder
// reports each byte on its own, which would give "\xe2\x82" two U+FFFD where
// Node reads one.
func maximalSubpart(s string) int {
	need, lo, hi := 0, byte(0x80), byte(0xBF)
	switch c := s[0]; {
	case c >= 0xC2 && c <= 0xDF:
		need = 1
	case c == 0xE0:
		need, lo = 2, 0xA0
	case c == 0xED:
		need, hi = 2, 0x9F
	case c >= 0xE1 && c <= 0xEF:
		need = 2
	case c == 0xF0:
		need, lo = 3, 0x90
	case c == 0xF4:
		need, hi = 3, 0x8F
	case c >= 0xF1 && c <= 0xF3:
		need = 3
	default:
		return 1
	}
	i := 1
	for ; i <= need && i < len(s); i++ {
		if s[i] < lo || s[i] > hi {
			break
		}
		lo, hi = 0x80, 0xBF
	}
	return i
}

// wellFormed returns b with every maximal invalid subpart replaced by U+FFFD,
// as Node decodes bytes to a string; b itself when it is valid UTF-8.
func wellFormed(b []byte) []byte {
	if utf8.Valid(b) {
		return b
	}
	out := make([]byte, 0, len(b)+8)
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			out = append(out, "\uFFFD"...)
			i += maximalSubpart(string(b[i:min(i+4, len(b))]))
			continue
		}
		out = append(out, b[i:i+size]...)
		i += size
	}
	return out
}

// appendJSNumber appends f as JavaScript's Number.prototype.toString writes
// it (ECMA-262 Number::toString): the shortest digits that read back as f,
// in fixed notation for 1e-7 < |f| < 1e21 and exponent notation otherwise,
// which JSON.stringify uses; NaN and ±Inf, which JSON cannot hold, as null.
func appendJSNumber(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	if f == 0 {
		return append(b, '0') // -0 too
	}
	var buf [32]byte
	s := strconv.AppendFloat(buf[:0], f, 'e', -1, 64) // d.ddde±xx, shortest
	if s[0] == '-' {
		b = append(b, '-')
		s = s[1:]
	}
	e := 0
	for s[e] != 'e' {
		e++
	}
	exp, _ := strconv.Atoi(string(s[e+1:]))
	var digits [24]byte
	k := 0
	for _, c := range s[:e] {
		if c != '.' {
			digits[k] = c
			k++
		}
	}
	d := digits[:k]
	n := exp + 1 // f = 0.d × 10^n
	switch {
	case k <= n && n <= 21:
		b = append(b, d...)
		for i := k; i < n; i++ {
			b = append(b, '0')
		}
	case 0 < n && n <= 21:
		b = append(b, d[:n]...)
		b = append(b, '.')
		b = append(b, d[n:]...)
	case -6 < n && n <= 0:
		b = append(b, '0', '.')
		for i := n; i < 0; i++ {
			b = append(b, '0')
		}
		b = append(b, d...)
	default:
		b = append(b, d[0])
		if k > 1 {
			b = append(b, '.')
			b = append(b, d[1:]...)
		}
		b = append(b, 'e')
		if n-1 >= 0 {
			b = append(b, '+')
		}
		b = strconv.AppendInt(b, int64(n-1), 10)
	}
	return b
}

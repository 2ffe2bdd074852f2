package inmem

import (
	"bytes"
	"unicode/utf8"
)

// Case-insensitive means "equal after strings.ToLower" throughout the store.
// These helpers give that answer without allocating for ASCII text, which is
// nearly all of it, and fall back to strings.ToLower otherwise.

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// eqFold reports whether lower(s) == low; low must be lower case.
func eqFold(s, low string) bool {
	if len(s) != len(low) {
		if isASCII(s) {
			return false // lower-casing ASCII keeps the length
		}
	} else {
		i := 0
		for i < len(s) && s[i] < utf8.RuneSelf && lowerASCII(s[i]) == low[i] {
			i++
		}
		switch {
		case i == len(s):
			return true
		case s[i] < utf8.RuneSelf && isASCII(s[i:]):
			return false
		}
	}
	var buf [128]byte
	return string(appendLower(buf[:0], s)) == low
}

// containsFold reports whether lower(s) contains low; low must be lower case.
// One pass over s: a window that matches is a match whatever follows (it
// holds only runes lower-casing leaves alone), and the first non-ASCII byte
// sends the rest to the general path.
func containsFold(s, low string) bool {
	n := len(low)
	if n == 0 {
		return true
	}
	first := low[0]
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			var buf [128]byte
			return bytes.Contains(appendLower(buf[:0], s), []byte(low))
		}
		if lowerASCII(c) != first || i+n > len(s) {
			continue
		}
		j := 1
		for j < n && lowerASCII(s[i+j]) == low[j] {
			j++
		}
		if j == n {
			return true
		}
	}
	return false
}

// cmpFold compares lower(a) with lower(b).
func cmpFold(a, b string) int {
	if !isASCII(a) || !isASCII(b) {
		var x, y [128]byte
		return bytes.Compare(appendLower(x[:0], a), appendLower(y[:0], b))
	}
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		x, y := lowerASCII(a[i]), lowerASCII(b[i])
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return 0
}

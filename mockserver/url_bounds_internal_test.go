package mockserver

import (
	"net/http/httptest"
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
)

// within reports whether s's bytes lie inside line's.
func within(s, line string) bool {
	if len(s) == 0 {
		return false
	}
	p, start := uintptr(unsafe.Pointer(unsafe.StringData(s))), uintptr(unsafe.Pointer(unsafe.StringData(line)))
	return p >= start && p < start+uintptr(len(line))
}

// TestRequestLineKeepsNothingOfALongLine: what the journal keeps of a
// request with a long URL shares no memory with its request line, which
// would otherwise stay alive, a megabyte each, as long as the entry.
func TestRequestLineKeepsNothingOfALongLine(t *testing.T) {
	for _, target := range []string{
		"/contacts/?q=" + strings.Repeat("q", 1<<20), // short path, long query
		"/nope/" + strings.Repeat("p", 1<<20),        // long path
	} {
		r := httptest.NewRequest("GET", target, nil)
		method, path, query := requestLine(r)
		for name, s := range map[string]string{"method": method, "path": path, "query": query} {
			assert.False(t, within(s, r.RequestURI) || within(s, r.URL.Path) || within(s, r.URL.RawQuery) || within(s, r.Method),
				"the %s shares the request's memory", name)
			assert.LessOrEqual(t, len(s), maxURLBytes+32, name)
		}
		assert.Equal(t, "GET", method)
	}
}

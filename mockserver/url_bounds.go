package mockserver

import (
	"net/http"
	"strings"

	"github.com/ghlmock/ghlmock/mockserver/journal"
)

// maxURLBytes bounds a path, a query or a reason wherever the mock keeps or
// repeats one — the journal, the log line, the 404 message — so that a
// request with a 1 MB URL costs each of them 2 KiB, with a marker saying
// how much was cut.
const maxURLBytes = 2048

// clip returns s cut to maxURLBytes, as a string of its own.
func clip(s string) string {
	if len(s) > maxURLBytes {
		return journal.Truncate(s, maxURLBytes) // a new string
	}
	return strings.Clone(s)
}

// requestLine returns the request's method, path and query for the journal
// and the log line, bounded. A request's method, path and query are slices
// of its request line as net/http read it: an entry keeping one of them as
// it is keeps the whole line alive — a megabyte for a 1 MB URL, for as long
// as the journal holds the entry (a thousand of them: a gigabyte). So when
// the line is long, they are copied; a short line costs nothing to keep.
func requestLine(r *http.Request) (method, path, query string) {
	method, path, query = r.Method, r.URL.Path, r.URL.RawQuery
	if len(r.RequestURI) <= maxURLBytes && len(path) <= maxURLBytes && len(query) <= maxURLBytes {
		return method, path, query
	}
	return strings.Clone(method), clip(path), clip(query)
}

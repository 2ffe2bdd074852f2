package dashboard

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ghlmock/ghlmock/mockserver/faults"
	"github.com/ghlmock/ghlmock/mockserver/journal"
	"github.com/ghlmock/ghlmock/mockserver/jsonappend"
)

// The live request stream, GET /_mock/ui/events: server-sent events, one
// "request" event per journal entry (a summary; the request's page has the
// rest), its id the entry's sequence number, so that a reconnecting
// EventSource resumes after the last one it saw (Last-Event-ID, or ?after=
// on the first connect).
//
// It polls the journal a few times a second rather than being told of each
// entry: the API's requests never wait for a dashboard, and a stream sends
// at most streamBatch entries a poll, saying how many it skipped (a "gap"
// event), so that five dashboards on a mock under load cost it next to
// nothing (see BenchmarkGetContactWithDashboards).

const (
	streamPoll  = 250 * time.Millisecond
	streamBatch = 100
	heartbeat   = 15 * time.Second
)

// streamFilters are the query parameters a stream (and the requests page)
// filters by.
var streamFilters = []string{"operationId", "method", "status", "locationId", "path", "fault"}

// streamFilter selects the entries a stream sends.
type streamFilter struct {
	op, method, loc, path string
	status                int // exact, or 1..5 for a class
	class                 bool
	fault                 bool
}

func parseStreamFilter(q map[string][]string) (streamFilter, string) {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
		return ""
	}
	f := streamFilter{op: get("operationId"), method: strings.ToUpper(get("method")), loc: get("locationId"), path: get("path"), fault: get("fault") != ""}
	if s := strings.ToLower(get("status")); s != "" {
		if len(s) == 3 && strings.HasSuffix(s, "xx") && s[0] >= '1' && s[0] <= '5' {
			f.status, f.class = int(s[0]-'0'), true
		} else if n, err := strconv.Atoi(s); err == nil && n >= 0 && n <= 599 {
			f.status = n
		} else {
			return f, "status must be a status (404) or a class (4xx)"
		}
	}
	if f.path != "" && !strings.HasPrefix(f.path, "/") {
		return f, "path must be a glob starting with /"
	}
	return f, ""
}

func (f *streamFilter) match(e *journal.Entry) bool {
	switch {
	case f.op != "" && e.OperationID != f.op,
		f.method != "" && e.Method != f.method,
		f.loc != "" && e.LocationID != f.loc,
		f.fault && e.Fault == "",
		f.path != "" && !faults.GlobMatch(f.path, e.Path):
		return false
	case f.status == 0:
		return true
	case f.class:
		return e.Status/100 == f.status
	}
	return e.Status == f.status
}

func (d *Dashboard) events(w http.ResponseWriter, r *http.Request) {
	p := d.auth.who(r)
	if p.mode == denied {
		// EventSource sends no headers: a script without the cookie trades
		// the admin token for a ticket first (POST api/ticket).
		t := r.URL.Query().Get("ticket")
		if t == "" || !d.auth.redeem(t) {
			d.refuseAccess(w, r, accRead)
			return
		}
	}
	f, bad := parseStreamFilter(r.URL.Query())
	if bad != "" {
		d.fail(w, r, http.StatusBadRequest, bad)
		return
	}
	var after uint64
	if v := r.Header.Get("Last-Event-ID"); v != "" {
		after, _ = strconv.ParseUint(v, 10, 64)
	} else if v := r.URL.Query().Get("after"); v != "" {
		after, _ = strconv.ParseUint(v, 10, 64)
	}
	select {
	case d.streams <- struct{}{}:
		defer func() { <-d.streams }()
	default:
		d.fail(w, r, http.StatusServiceUnavailable, "too many live streams open: close a dashboard tab")
		return
	}
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{}) // a stream outlives any write timeout
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte("retry: 2000\n\n"))
	if rc.Flush() != nil {
		return
	}
	j := d.m.Journal()
	poll := time.NewTicker(streamPoll)
	defer poll.Stop()
	last := time.Now()
	var buf []byte
	for {
		if j.Seq() > after {
			entries, missed := j.AfterWithoutHeaders(after, streamBatch)
			buf = buf[:0]
			if missed > 0 {
				buf = append(buf, "event: gap\ndata: {\"missed\":"...)
				buf = strconv.AppendUint(buf, missed, 10)
				buf = append(buf, "}\n\n"...)
			}
			sentLast := false
			for i := range entries {
				e := &entries[i]
				if sentLast = f.match(e); sentLast {
					buf = appendEvent(buf, e)
				}
			}
			if len(entries) > 0 {
				after, _ = strconv.ParseUint(entries[len(entries)-1].ID, 10, 64)
			} else {
				after = j.Seq()
			}
			if !sentLast && (len(buf) > 0 || missed > 0) {
				// An id line alone moves Last-Event-ID past what the filter skipped.
				buf = append(buf, "id: "...)
				buf = strconv.AppendUint(buf, after, 10)
				buf = append(buf, "\n\n"...)
			}
			if len(buf) > 0 {
				if _, err := w.Write(buf); err != nil || rc.Flush() != nil {
					return
				}
				last = time.Now()
			}
		}
		if time.Since(last) >= heartbeat {
			if _, err := w.Write([]byte(": ping\n\n")); err != nil || rc.Flush() != nil {
				return
			}
			last = time.Now()
		}
		select {
		case <-r.Context().Done():
			return
		case <-d.m.Done():
			return
		case <-poll.C:
		}
	}
}

// appendEvent appends an entry's "request" event: its summary, written by
// hand (a stream writes up to streamBatch of them a poll, and reflection
// was most of a poll's cost); TestStreamEventsDecodeAsEncodingJSONWrites
// holds it to what encoding/json writes of a summary.
func appendEvent(buf []byte, e *journal.Entry) []byte {
	buf = append(buf, "id: "...)
	buf = append(buf, e.ID...)
	buf = append(buf, "\nevent: request\ndata: "...)
	o := jsonappend.Begin(buf)
	o.String("id", e.ID)
	o.Key("time")
	o.B = append(o.B, '"')
	o.B = e.Time.AppendFormat(o.B, time.RFC3339Nano)
	o.B = append(o.B, '"')
	o.String("method", e.Method)
	o.String("path", e.Path)
	o.StringOmit("query", e.Query)
	o.StringOmit("operationId", e.OperationID)
	o.Int("status", int64(e.Status))
	o.Float("durationMs", e.DurationMs)
	o.StringOmit("locationId", e.LocationID)
	o.StringOmit("fault", e.Fault)
	o.StringOmit("reason", journal.Truncate(e.Reason, 300))
	buf = o.End()
	return append(buf, "\n\n"...)
}

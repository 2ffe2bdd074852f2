package dashboard

import (
	"strconv"
	"testing"
	"time"

	"github.com/ghlmock/ghlmock/mockserver/journal"
)

// BenchmarkStreamPoll is one poll of a live stream at its busiest: the
// newest streamBatch entries copied out of a full journal and written as
// events. Five streams poll four times a second, so the API pays 20 of these
// a second at most, whatever its load (BenchmarkGetContactWithDashboards
// measures the same end to end, but on a shared machine its noise is larger
// than the effect).
func BenchmarkStreamPoll(b *testing.B) {
	j := journal.New(1000)
	for i := range 1000 {
		j.Add(journal.Entry{Time: time.Now(), Method: "GET", Path: "/contacts/2NexTNy4UiJ1cLOoua11", OperationID: "get-contact",
			Status: 200, DurationMs: 0.2, LocationID: "O9hFAiOh29oB93c0F6UJ", TraceID: strconv.Itoa(i),
			RequestHeaders: "Authorization\x00Bearer …0001\x00Version\x002021-07-28\x00", ResponseBody: `{"contact":{}}`})
	}
	f := streamFilter{}
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		entries, _ := j.AfterWithoutHeaders(j.Seq()-streamBatch, streamBatch)
		buf = buf[:0]
		for i := range entries {
			if f.match(&entries[i]) {
				buf = appendEvent(buf, &entries[i])
			}
		}
	}
}

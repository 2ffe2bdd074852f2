package dashboard

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/journal"
)

// summary is a journal entry as the stream sends it: the reference that
// appendEvent, which writes it by hand, is held to.
type summary struct {
	ID          string    `json:"id"`
	Time        time.Time `json:"time"`
	Method      string    `json:"method"`
	Path        string    `json:"path"`
	Query       string    `json:"query,omitempty"`
	OperationID string    `json:"operationId,omitempty"`
	Status      int       `json:"status"`
	DurationMs  float64   `json:"durationMs"`
	LocationID  string    `json:"locationId,omitempty"`
	Fault       string    `json:"fault,omitempty"`
	Reason      string    `json:"reason,omitempty"`
}

// TestStreamEventsDecodeAsEncodingJSONWrites: the data line of every event
// appendEvent writes decodes to what encoding/json writes of the entry's
// summary — same keys, same values, the same omitted empties — for entries
// with escapes, U+2028, invalid UTF-8, long reasons and odd durations.
func TestStreamEventsDecodeAsEncodingJSONWrites(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	texts := []string{"", "plain", `Smith & Sons <b>"quoted"</b>`, "line\nbreak\ttab\\", "sep\u2028para\u2029", "bad \xff\xfe utf-8", "zoë ☃ 😀",
		strings.Repeat("long reason ", 60)}
	pick := func() string { return texts[r.IntN(len(texts))] }
	durations := []float64{0, 0.001, 0.2, 12.345, 1e-7, 123456.789, 3e21}
	for i := range 500 {
		e := journal.Entry{ID: strconv.Itoa(i + 1), Time: time.Date(2026, 12, 3, 10, 0, 0, r.IntN(1e9), time.UTC).Add(time.Duration(r.IntN(1e6)) * time.Second),
			Method: []string{"GET", "POST", "PUT", "DELETE"}[r.IntN(4)], Path: "/contacts/" + pick(), Query: pick(), OperationID: pick(),
			Status: r.IntN(600), DurationMs: durations[r.IntN(len(durations))], LocationID: pick(), Fault: pick(), Reason: pick()}
		if r.IntN(4) == 0 {
			e.Time = e.Time.In(time.FixedZone("", -5*3600))
		}
		ev := string(appendEvent(nil, &e))
		require.True(t, strings.HasPrefix(ev, "id: "+e.ID+"\nevent: request\ndata: "), ev)
		require.True(t, strings.HasSuffix(ev, "\n\n"), ev)
		data := strings.TrimSuffix(strings.TrimPrefix(ev, "id: "+e.ID+"\nevent: request\ndata: "), "\n\n")
		require.NotContains(t, data, "\n", "one data line")
		sum := summary{ID: e.ID, Time: e.Time, Method: e.Method, Path: e.Path, Query: e.Query,
			OperationID: e.OperationID, Status: e.Status, DurationMs: e.DurationMs, LocationID: e.LocationID,
			Fault: e.Fault, Reason: journal.Truncate(e.Reason, 300)}
		want, err := json.Marshal(sum)
		require.NoError(t, err)
		var got, exp any
		require.NoError(t, json.Unmarshal([]byte(data), &got), data)
		require.NoError(t, json.Unmarshal(want, &exp))
		require.Equal(t, exp, got, "entry %d: %s", i, data)
		// Beyond the values: encoding/json without HTML escaping writes the
		// same bytes.
		var plain bytes.Buffer
		enc := json.NewEncoder(&plain)
		enc.SetEscapeHTML(false)
		require.NoError(t, enc.Encode(sum))
		assert.Equal(t, strings.TrimSuffix(plain.String(), "\n"), data, "entry %d", i)
	}
}

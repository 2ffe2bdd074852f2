package dashboard_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver"
)

// sseEvent is one server-sent event.
type sseEvent struct {
	id, event, data string
}

// readEvents reads n events (id-only blocks included) from a stream.
func readEvents(t *testing.T, rd *bufio.Reader, n int) []sseEvent {
	t.Helper()
	var out []sseEvent
	var cur sseEvent
	for len(out) < n {
		line, err := rd.ReadString('\n')
		require.NoError(t, err)
		line = strings.TrimSuffix(line, "\n")
		switch {
		case line == "":
			if cur != (sseEvent{}) {
				out = append(out, cur)
			}
			cur = sseEvent{}
		case strings.HasPrefix(line, "id: "):
			cur.id = line[4:]
		case strings.HasPrefix(line, "event: "):
			cur.event = line[7:]
		case strings.HasPrefix(line, "data: "):
			cur.data = line[6:]
		}
	}
	return out
}

func openStream(t *testing.T, url string, hdr map[string]string) *bufio.Reader {
	t.Helper()
	// The deadline only keeps a broken stream from hanging the run.
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	require.NoError(t, err)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { _ = res.Body.Close() })
	require.Equal(t, http.StatusOK, res.StatusCode)
	return bufio.NewReader(res.Body)
}

// TestStreamResumesAndFilters: the stream starts after Last-Event-ID (what
// a reconnecting EventSource sends), and sends only what its filter selects.
func TestStreamResumesAndFilters(t *testing.T) {
	srv := newMock(t, mockserver.Config{})
	ts := serve(t, srv)
	apiGet(t, ts.URL, "/contacts/"+ada)                  // 1
	apiGet(t, ts.URL, "/contacts/nosuchcontact0000000a") // 2: 400
	apiGet(t, ts.URL, "/contacts/"+ada+"/notes")         // 3

	rd := openStream(t, ts.URL+"/_mock/ui/events", map[string]string{"Last-Event-ID": "1"})
	evs := readEvents(t, rd, 2) // 2 and 3
	assert.Equal(t, "request", evs[0].event)
	assert.Equal(t, "2", evs[0].id, "resumes after the last event seen")
	var s struct {
		ID, Path, OperationID string
		Status                int
	}
	require.NoError(t, json.Unmarshal([]byte(evs[0].data), &s))
	assert.Equal(t, "/contacts/nosuchcontact0000000a", s.Path)
	assert.Equal(t, "get-contact", s.OperationID)
	assert.Equal(t, "3", evs[1].id)
	assert.Equal(t, "request", evs[1].event)

	rd = openStream(t, ts.URL+"/_mock/ui/events?after=0&status=4xx", nil)
	evs = readEvents(t, rd, 2) // 2, the batch's id
	assert.Equal(t, "2", evs[0].id, "only the refused request")
	assert.Equal(t, "request", evs[0].event)
	assert.Equal(t, sseEvent{id: "3"}, evs[1], "an id alone moves Last-Event-ID past what the filter skipped")

	// Live: what comes next arrives on the open stream.
	apiGet(t, ts.URL, "/contacts/nosuchcontact0000000b")
	evs = readEvents(t, rd, 1)
	assert.Equal(t, "4", evs[0].id)
	assert.Equal(t, "request", evs[0].event)
	assert.Contains(t, evs[0].data, "nosuchcontact0000000b")
}

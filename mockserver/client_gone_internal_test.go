package mockserver

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/journal"
)

// A request whose client went away while it was served is journalled as
// 499 with the reason, not answered or logged as an internal error.
func TestAClientThatLeftIsNotAnInternalError(t *testing.T) {
	var logs strings.Builder
	s, err := New(Config{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	require.NoError(t, err)
	t.Cleanup(s.Close)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequest(http.MethodGet, "/contacts/2NexTNy4UiJ1cLOoua11", nil).WithContext(ctx)
	req.Header.Set("Authorization", "Bearer pit-1a2b3c4d-0001-4000-8000-000000000001")
	req.Header.Set("Version", "2021-07-28")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	assert.Equal(t, statusClientClosed, rec.Code)
	assert.JSONEq(t, `{"statusCode":499,"message":"Client Closed Request","error":"Client Closed Request"}`,
		withoutTraceID(t, rec.Body.Bytes()))
	assert.NotContains(t, logs.String(), "internal error")
	entries := s.journal.List(journal.Filter{})
	require.NotEmpty(t, entries)
	last := entries[len(entries)-1]
	assert.Equal(t, statusClientClosed, last.Status)
	assert.Equal(t, "the client closed the connection before the answer", last.Reason)
}

func withoutTraceID(t *testing.T, b []byte) string {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	delete(m, "traceId")
	out, err := json.Marshal(m)
	require.NoError(t, err)
	return string(out)
}

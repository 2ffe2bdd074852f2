package mockserver

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/dashboard"
	"github.com/ghlmock/ghlmock/mockserver/webhooks"
)

// feedRecorder keeps the changes the feed delivers.
type feedRecorder struct {
	mu sync.Mutex
	cs []crm.Change
}

func (f *feedRecorder) take() []crm.Change {
	f.mu.Lock()
	defer f.mu.Unlock()
	cs := f.cs
	f.cs = nil
	return cs
}

func recordFeed(t *testing.T, s *Server) *feedRecorder {
	t.Helper()
	rec := &feedRecorder{}
	t.Cleanup(s.feed.Subscribe(func(c crm.Change) {
		rec.mu.Lock()
		rec.cs = append(rec.cs, c)
		rec.mu.Unlock()
	}))
	return rec
}

const (
	uiLoc     = "O9hFAiOh29oB93c0F6UJ"
	uiContact = "2NexTNy4UiJ1cLOoua11" // Ada Lovelace
)

// TestDashboardEditIsAChange: an edit on a contact's page is one change on
// the feed, like the API's update-contact (what webhooks and the durable log
// consume), caused by ui:update-contact.
func TestDashboardEditIsAChange(t *testing.T) {
	s, err := New(Config{})
	require.NoError(t, err)
	rec := recordFeed(t, s)
	ui := uiBackend{s}
	ctx := context.Background()

	c, err := ui.UpdateContact(ctx, uiLoc, uiContact, []byte(`{"firstName":"Augusta","city":"London"}`))
	require.NoError(t, err)
	assert.Equal(t, "Augusta", c.FirstName)
	cs := rec.take()
	require.Len(t, cs, 1)
	ch := cs[0]
	assert.Equal(t, crm.KindContact, ch.Kind)
	assert.Equal(t, uiContact, ch.ID)
	assert.Equal(t, uiLoc, ch.Location)
	assert.Equal(t, "ui:update-contact", ch.Cause.OperationID)
	require.IsType(t, &crm.Contact{}, ch.Before)
	assert.Equal(t, "Ada", ch.Before.(*crm.Contact).FirstName)
	assert.Equal(t, "London", ch.After.(*crm.Contact).City)
	got, err := s.Store().Contact(ctx, uiLoc, uiContact)
	require.NoError(t, err)
	assert.Equal(t, "Augusta", got.FirstName, "the API reads what the dashboard wrote")

	n, err := ui.CreateNote(ctx, uiLoc, uiContact, []byte(`{"body":"called back about the whitening offer"}`))
	require.NoError(t, err)
	cs = rec.take()
	require.Len(t, cs, 1)
	assert.Equal(t, crm.KindNote, cs[0].Kind)
	assert.Equal(t, n.ID, cs[0].ID)
	assert.Equal(t, "ui:create-note", cs[0].Cause.OperationID)
}

// TestDashboardEditValidatesLikeTheAPI: what update-contact refuses, the
// dashboard refuses with the same messages, changing nothing.
func TestDashboardEditValidatesLikeTheAPI(t *testing.T) {
	s, err := New(Config{})
	require.NoError(t, err)
	rec := recordFeed(t, s)
	ui := uiBackend{s}
	ctx := context.Background()
	cases := []struct {
		name   string
		body   string
		status int
	}{
		{"bad email", `{"email":"not an email"}`, http.StatusUnprocessableEntity},
		{"wrong type", `{"firstName":42}`, http.StatusUnprocessableEntity},
		{"not an object", `["firstName"]`, http.StatusBadRequest},
		{"not JSON", `{"firstName":`, http.StatusBadRequest},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ui.UpdateContact(ctx, uiLoc, uiContact, []byte(c.body))
			var de *dashboard.Error
			require.ErrorAs(t, err, &de)
			assert.Equal(t, c.status, de.Status)
			assert.NotEmpty(t, de.Messages)
		})
	}
	_, err = ui.UpdateContact(ctx, "5YtuALNUEJMUUqAsab3w", uiContact, []byte(`{"firstName":"X"}`))
	var de *dashboard.Error
	require.ErrorAs(t, err, &de, "another location's contact")
	assert.Equal(t, http.StatusForbidden, de.Status)
	got, err := s.Store().Contact(ctx, uiLoc, uiContact)
	require.NoError(t, err)
	assert.Equal(t, "Ada", got.FirstName)
	assert.Equal(t, "ada.lovelace@example.com", got.Email)
	assert.Empty(t, rec.take(), "a refused edit is no change")
}

// TestClockFreeze: a frozen clock stands still, moves only when advanced,
// and runs on from where it stood when thawed.
func TestClockFreeze(t *testing.T) {
	base := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	now := base
	tick := func(d time.Duration) {
		mu.Lock()
		now = now.Add(d)
		mu.Unlock()
	}
	c := NewClock(func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	})
	c.Advance(time.Hour)
	c.Freeze(true)
	assert.True(t, c.Frozen())
	at := c.Now()
	assert.Equal(t, base.Add(time.Hour), at)
	tick(5 * time.Minute)
	assert.Equal(t, at, c.Now(), "frozen: real time passing does not move it")
	require.True(t, c.AdvanceWithin(10*time.Second, time.Hour*2))
	assert.Equal(t, at.Add(10*time.Second), c.Now(), "advancing a frozen clock moves it and keeps it frozen")
	c.Freeze(false)
	assert.False(t, c.Frozen())
	assert.Equal(t, at.Add(10*time.Second), c.Now(), "thawed, it runs on from where it stood")
	tick(time.Second)
	assert.Equal(t, at.Add(11*time.Second), c.Now())
	c.Freeze(true)
	c.Reset()
	assert.False(t, c.Frozen(), "a reset thaws it")
	assert.Equal(t, now, c.Now())
}

// TestDashboardEditFiresTheAPIsWebhooks: the same edits made on a contact's
// page and through the API map to the same webhook events, payloads and all
// (webhooks.FromChange, the one table every sender uses).
func TestDashboardEditFiresTheAPIsWebhooks(t *testing.T) {
	at := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	build := func() (*Server, *feedRecorder) {
		s, err := New(Config{Now: func() time.Time { return at }})
		require.NoError(t, err)
		return s, recordFeed(t, s)
	}
	ctx := context.Background()

	viaUI, uiFeed := build()
	ui := uiBackend{viaUI}
	_, err := ui.UpdateContact(ctx, uiLoc, uiContact, []byte(`{"city":"London","lastName":"King"}`))
	require.NoError(t, err)
	require.NoError(t, ui.AddTags(ctx, uiLoc, uiContact, []string{"countess"}))
	_, err = ui.CreateNote(ctx, uiLoc, uiContact, []byte(`{"body":"wrote the first program"}`))
	require.NoError(t, err)

	viaAPI, apiFeed := build()
	ts := httptest.NewServer(viaAPI)
	defer ts.Close()
	for _, c := range []struct{ method, path, body string }{
		{"PUT", "/contacts/" + uiContact, `{"city":"London","lastName":"King"}`},
		{"POST", "/contacts/" + uiContact + "/tags", `{"tags":["countess"]}`},
		{"POST", "/contacts/" + uiContact + "/notes", `{"body":"wrote the first program"}`},
	} {
		req, err := http.NewRequestWithContext(ctx, c.method, ts.URL+c.path, strings.NewReader(c.body))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer pit-1a2b3c4d-0001-4000-8000-000000000001")
		req.Header.Set("Version", "2021-07-28")
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_ = res.Body.Close()
		require.Less(t, res.StatusCode, 300, c.path)
	}

	events := func(cs []crm.Change) []webhooks.Event {
		var out []webhooks.Event
		for _, c := range cs {
			for _, e := range webhooks.FromChange(c, webhooks.DefaultMapOptions()) {
				e.Seq, e.TraceID, e.OperationID = 0, "", "" // what caused it differs, by design
				out = append(out, e)
			}
		}
		return out
	}
	fromUI, fromAPI := events(uiFeed.take()), events(apiFeed.take())
	require.NotEmpty(t, fromUI)
	var types []string
	for _, e := range fromUI {
		types = append(types, e.Type)
	}
	assert.Equal(t, []string{"ContactUpdate", "ContactUpdate", "ContactTagUpdate", "NoteCreate"}, types)
	assert.Equal(t, fromAPI, fromUI, "the dashboard's edits fire exactly the API's webhooks")
}

// TestFaultPreview: the fault form's preview names the operations a rule,
// even half filled in, can match, and what adding it would refuse.
func TestFaultPreview(t *testing.T) {
	s, err := New(Config{})
	require.NoError(t, err)
	ui := uiBackend{s}
	opsOf := func(p dashboard.FaultPreview) []string {
		out := []string{}
		for _, o := range p.Operations {
			out = append(out, o.ID)
		}
		return out
	}
	p := ui.PreviewFault([]byte(`{"method":"get","path":"/contacts/*/notes"}`))
	assert.Equal(t, []string{"get-all-notes"}, opsOf(p))
	assert.Contains(t, p.Error, "a rule needs status", "not addable yet, and it says why")

	p = ui.PreviewFault([]byte(`{"operationId":"get-contact","status":503}`))
	assert.Equal(t, []string{"get-contact"}, opsOf(p))
	assert.Empty(t, p.Error)

	for _, raw := range []string{`{"path":"["}`, `{"path":"contacts"}`, `{"operationId":"nope","status":503}`, `not json`, `{"status":"x"}`, `{"target":"webhook","action":"drop"}`} {
		p := ui.PreviewFault([]byte(raw))
		if raw != `{"target":"webhook","action":"drop"}` {
			assert.NotEmpty(t, p.Error, raw)
		}
		assert.NotNil(t, p.Operations, raw)
	}
	_, err = ui.AddFault([]byte(`{"operationId":"nope","status":503}`))
	var de *dashboard.Error
	require.ErrorAs(t, err, &de)
	assert.Equal(t, http.StatusBadRequest, de.Status)
	assert.Empty(t, s.faults.List(), "a refused rule is not added")
}

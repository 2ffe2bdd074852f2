package mockserver_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver"
	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/faults"
	"github.com/ghlmock/ghlmock/mockserver/seed"
)

func TestFailTwiceThenSucceed(t *testing.T) {
	h := setup(t)
	r := h.admin("POST", "/_mock/faults", map[string]any{"operationId": "get-contact", "status": 503, "times": 2})
	require.Equal(t, 201, r.Status, "%s", r.Body)
	id := r.JSON(t)["id"].(string)
	for i := range 2 {
		r := h.do(call{path: "/contacts/" + ada})
		assert.Equal(t, 503, r.Status, "call %d", i+1)
		assert.Equal(t, "Service Unavailable", errorMessage(t, r))
	}
	assert.Equal(t, 200, h.do(call{path: "/contacts/" + ada}).Status, "then it succeeds")
	assert.Equal(t, 200, h.do(call{path: "/contacts/" + ada + "/tasks"}).Status, "other operations were never touched")

	list := h.admin("GET", "/_mock/faults", nil).JSON(t)["faults"].([]any)
	require.Len(t, list, 1)
	rule := list[0].(map[string]any)
	assert.Equal(t, id, rule["id"])
	assert.EqualValues(t, 2, rule["applied"])
	assert.EqualValues(t, 0, rule["remaining"])

	entries := h.admin("GET", "/_mock/requests?status=503", nil).JSON(t)["requests"].([]any)
	require.Len(t, entries, 2)
	assert.Equal(t, id, entries[0].(map[string]any)["fault"])
}

func TestFaultWithCustomBodyAndMatchers(t *testing.T) {
	h := setup(t)
	require.Equal(t, 201, h.admin("POST", "/_mock/faults", map[string]any{
		"method": "POST", "path": "/contacts/*/tags", "locationId": locationID,
		"status": 502, "body": map[string]any{"message": "upstream exploded"}, "headers": map[string]string{"X-Upstream": "down"},
	}).Status)
	r := h.do(call{method: "POST", path: "/contacts/" + ada + "/tags", body: map[string]any{"tags": []string{"x"}}, unchecked: true})
	assert.Equal(t, 502, r.Status)
	assert.Equal(t, "down", r.Header.Get("X-Upstream"))
	assert.Contains(t, string(r.Body), `"message":"upstream exploded"`)
	r = h.do(call{method: "POST", path: "/contacts/" + grace + "/tags", token: str(h.otherRW), body: map[string]any{"tags": []string{"x"}}})
	assert.Equal(t, 201, r.Status, "another location does not match")
	r = h.do(call{method: "DELETE", path: "/contacts/" + ada + "/tags", body: map[string]any{"tags": []string{"x"}}})
	assert.Equal(t, 200, r.Status, "another method does not match")
}

func TestInjected429LooksLikeGHLs(t *testing.T) {
	h := setup(t)
	require.Equal(t, 201, h.admin("POST", "/_mock/faults", map[string]any{"status": 429, "times": 1}).Status)
	r := h.do(call{path: "/contacts/" + ada})
	assert.Equal(t, 429, r.Status)
	assert.Equal(t, "0", r.Header.Get("X-RateLimit-Remaining"))
}

func TestFaultLatency(t *testing.T) {
	h := setup(t)
	require.Equal(t, 201, h.admin("POST", "/_mock/faults", map[string]any{"operationId": "get-contact", "delayMs": 120}).Status)
	start := time.Now()
	r := h.do(call{path: "/contacts/" + ada})
	assert.Equal(t, 200, r.Status, "a delay answers normally afterwards")
	assert.GreaterOrEqual(t, time.Since(start), 120*time.Millisecond)
}

// rawGet sends one request on a fresh connection and returns what the client
// saw, error included.
func rawGet(t *testing.T, h *harness, path string, timeout time.Duration) (*http.Response, []byte, error) {
	t.Helper()
	client := &http.Client{Timeout: timeout, Transport: &http.Transport{DisableKeepAlives: true}}
	req, err := http.NewRequestWithContext(t.Context(), "GET", h.ts.URL+path, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+h.rw)
	req.Header.Set("Version", "2021-07-28")
	res, err := client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	return res, body, err
}

func TestFaultActionsAsTheClientSeesThem(t *testing.T) {
	t.Run("reset drops the connection", func(t *testing.T) {
		h := setup(t)
		require.Equal(t, 201, h.admin("POST", "/_mock/faults", map[string]any{"operationId": "get-contact", "action": "reset", "times": 1}).Status)
		_, _, err := rawGet(t, h, "/contacts/"+ada, 5*time.Second)
		require.Error(t, err)
		assert.True(t, errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) || strings.Contains(err.Error(), "EOF") || strings.Contains(err.Error(), "reset"), "got %v", err)
		res, _, err := rawGet(t, h, "/contacts/"+ada, 5*time.Second)
		require.NoError(t, err)
		assert.Equal(t, 200, res.StatusCode, "times: 1")
		// The dropped request is journalled before the connection closes, so
		// both are there as soon as the client has its second answer.
		entries := h.admin("GET", "/_mock/requests?operationId=get-contact", nil).JSON(t)["requests"].([]any)
		require.Len(t, entries, 2)
		for _, e := range entries {
			e := e.(map[string]any)
			if e["fault"] != nil {
				assert.EqualValues(t, 0, e["status"], "no answer was sent")
			} else {
				assert.EqualValues(t, 200, e["status"])
			}
		}
	})
	t.Run("timeout holds until the client gives up", func(t *testing.T) {
		h := setup(t)
		require.Equal(t, 201, h.admin("POST", "/_mock/faults", map[string]any{"operationId": "get-contact", "action": "timeout"}).Status)
		start := time.Now()
		_, _, err := rawGet(t, h, "/contacts/"+ada, 300*time.Millisecond)
		require.Error(t, err)
		var ne interface{ Timeout() bool }
		assert.True(t, errors.As(err, &ne) && ne.Timeout(), "a client-side timeout: %v", err)
		assert.GreaterOrEqual(t, time.Since(start), 300*time.Millisecond)
		h.srv.Close() // releases anything still held, as a shutdown does
	})
	t.Run("truncate sends half a body", func(t *testing.T) {
		h := setup(t)
		require.Equal(t, 201, h.admin("POST", "/_mock/faults", map[string]any{"operationId": "get-contact", "action": "truncate"}).Status)
		res, body, err := rawGet(t, h, "/contacts/"+ada, 5*time.Second)
		require.NotNil(t, res, "headers arrive")
		assert.Equal(t, 200, res.StatusCode)
		assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
		assert.Less(t, int64(len(body)), res.ContentLength)
		assert.InDelta(t, res.ContentLength/2, len(body), 1)
	})
}

func TestFaultProbabilityIsReproducible(t *testing.T) {
	pattern := func() string {
		h := setup(t)
		require.Equal(t, 201, h.admin("POST", "/_mock/faults", map[string]any{"operationId": "get-contact", "status": 500, "probability": 0.5}).Status)
		var b strings.Builder
		for range 40 {
			fmt.Fprint(&b, h.do(call{path: "/contacts/" + ada}).Status/100)
		}
		return b.String()
	}
	a, b := pattern(), pattern()
	assert.Equal(t, a, b, "the same seed fails the same requests")
	assert.Contains(t, a, "5")
	assert.Contains(t, a, "2")
}

func TestFaultAdminValidationAndDeletion(t *testing.T) {
	h := setup(t)
	r := h.admin("POST", "/_mock/faults", map[string]any{"operationId": "get-contact"})
	assert.Equal(t, 400, r.Status)
	assert.Contains(t, string(r.Body), "a rule needs status, action, delayMs or latency")
	r = h.admin("POST", "/_mock/faults", map[string]any{"status": 503, "colour": "red"})
	assert.Equal(t, 400, r.Status, "unknown keys are refused")
	a := h.admin("POST", "/_mock/faults", map[string]any{"status": 503}).JSON(t)["id"].(string)
	h.admin("POST", "/_mock/faults", map[string]any{"status": 500})
	assert.Equal(t, 200, h.admin("DELETE", "/_mock/faults/"+a, nil).Status)
	assert.Equal(t, 404, h.admin("DELETE", "/_mock/faults/"+a, nil).Status)
	assert.Equal(t, 500, h.do(call{path: "/contacts/" + ada}).Status)
	assert.Equal(t, 200, h.admin("DELETE", "/_mock/faults", nil).Status)
	assert.Equal(t, 200, h.do(call{path: "/contacts/" + ada}).Status)
}

func TestFaultsFromConfigComeBackOnReset(t *testing.T) {
	h := setup(t, func(c *mockserver.Config) {
		c.Faults = []faults.Rule{{OperationID: "get-contact", Status: 503, Times: 1}}
	})
	assert.Equal(t, 503, h.do(call{path: "/contacts/" + ada}).Status)
	assert.Equal(t, 200, h.do(call{path: "/contacts/" + ada}).Status)
	require.Equal(t, 200, h.admin("POST", "/_mock/reset", nil).Status)
	assert.Equal(t, 503, h.do(call{path: "/contacts/" + ada}).Status, "reset restores the configured rules")
}

func TestJournal(t *testing.T) {
	h := setup(t, func(c *mockserver.Config) { c.JournalSize = 5 })
	h.do(call{path: "/contacts/" + ada})
	h.do(call{path: "/contacts/" + unknownID})
	h.do(call{method: "POST", path: "/contacts/", body: map[string]any{"locationId": locationID, "firstName": "J"}})
	h.do(call{method: "PATCH", path: "/contacts/" + ada})

	m := h.admin("GET", "/_mock/requests", nil).JSON(t)
	reqs := m["requests"].([]any)
	require.Len(t, reqs, 4)
	first := reqs[0].(map[string]any)
	for _, k := range []string{"id", "time", "method", "path", "operationId", "status", "durationMs", "locationId"} {
		assert.Contains(t, first, k)
	}
	assert.Equal(t, "get-contact", first["operationId"])
	assert.Equal(t, locationID, first["locationId"])
	assert.Equal(t, "2026-11-22T09:30:00Z", first["time"], "journal times come from the mock's clock")

	filter := func(q string) int {
		return len(h.admin("GET", "/_mock/requests?"+q, nil).JSON(t)["requests"].([]any))
	}
	assert.Equal(t, 2, filter("operationId=get-contact"))
	assert.Equal(t, 1, filter("method=post"))
	assert.Equal(t, 1, filter("status=400"))
	assert.Equal(t, 1, filter("status=404"), "unrouted requests are journalled too")
	h.clock.Advance(time.Minute)
	h.do(call{path: "/contacts/" + ada})
	assert.Equal(t, 1, filter("since=2026-11-22T09:30:30Z"))
	assert.Equal(t, 400, h.admin("GET", "/_mock/requests?status=abc", nil).Status)

	for range 10 {
		h.do(call{path: "/contacts/" + ada})
	}
	m = h.admin("GET", "/_mock/requests", nil).JSON(t)
	assert.Len(t, m["requests"], 5, "the journal is a ring of the last N")
	assert.EqualValues(t, 10, m["journal"].(map[string]any)["dropped"])

	require.Equal(t, 200, h.admin("DELETE", "/_mock/requests", nil).Status)
	assert.Equal(t, 0, filter(""))
}

func TestResetRestoresTheSeededState(t *testing.T) {
	h := setup(t)
	seeded := export(t, h)
	h.do(call{method: "DELETE", path: "/contacts/" + ada})
	h.do(call{method: "POST", path: "/contacts/", body: map[string]any{"locationId": locationID, "firstName": "Temp"}})
	h.admin("POST", "/_mock/faults", map[string]any{"operationId": "get-all-notes", "status": 500})
	h.admin("POST", "/_mock/clock", map[string]any{"advance": "1h"})
	minted := h.admin("POST", "/_mock/tokens", map[string]any{"locationId": locationID}).JSON(t)["token"].(string)
	require.NotEqual(t, seeded, export(t, h))

	r := h.admin("POST", "/_mock/reset", nil)
	require.Equal(t, 200, r.Status, "%s", r.Body)
	assertUnchanged(t, seeded, export(t, h), "reset gives the seeded state back")
	assert.Equal(t, 200, h.do(call{path: "/contacts/" + ada}).Status)
	assert.Equal(t, 200, h.do(call{path: "/contacts/" + ada + "/notes"}).Status, "faults cleared")
	assert.Equal(t, "0s", h.admin("GET", "/_mock/clock", nil).JSON(t)["offset"])
	assert.Equal(t, 401, h.do(call{path: "/contacts/" + ada, token: &minted}).Status, "minted tokens are gone")
	reqs := h.admin("GET", "/_mock/requests", nil).JSON(t)["requests"].([]any)
	assert.Len(t, reqs, 3, "the journal restarted with the reset")
}

func TestClockMovesRateWindows(t *testing.T) {
	h := setup(t, func(c *mockserver.Config) { c.RateLimits.Burst = 2; c.RateLimits.Window = 10 * time.Second })
	h.do(call{path: "/contacts/" + ada})
	h.do(call{path: "/contacts/" + ada})
	require.Equal(t, 429, h.do(call{path: "/contacts/" + ada}).Status)
	counters := h.admin("GET", "/_mock/ratelimits", nil).JSON(t)["ratelimits"].([]any)
	require.Len(t, counters, 1)
	c := counters[0].(map[string]any)
	assert.EqualValues(t, 2, c["burstUsed"])
	assert.EqualValues(t, 1, c["refused"])

	r := h.admin("POST", "/_mock/clock", map[string]any{"advance": "10s"})
	require.Equal(t, 200, r.Status)
	assert.Equal(t, "10s", r.JSON(t)["offset"])
	assert.Equal(t, 200, h.do(call{path: "/contacts/" + ada}).Status, "the window rolled over without waiting")

	assert.Equal(t, 400, h.admin("POST", "/_mock/clock", map[string]any{"advance": "-5s"}).Status)
	assert.Equal(t, 400, h.admin("POST", "/_mock/clock", map[string]any{"advance": "soon"}).Status)
	// The offset is bounded (a century) rather than left to overflow into the
	// past: the largest duration Go parses, twice, would wrap around.
	assert.Equal(t, 400, h.admin("POST", "/_mock/clock", map[string]any{"advance": "2562047h"}).Status)
	require.Equal(t, 200, h.admin("POST", "/_mock/clock", map[string]any{"advance": "875999h59m"}).Status) // to 50 s short of 100 years
	r = h.admin("POST", "/_mock/clock", map[string]any{"advance": "1m"})
	assert.Equal(t, 400, r.Status, "%s", r.Body)
	assert.Contains(t, string(r.Body), "reset to start over")
	assert.Equal(t, "875999h59m10s", h.admin("GET", "/_mock/clock", nil).JSON(t)["offset"], "a refused advance moves nothing")
	h.srv.Clock().Reset() // back to where the test was: 10 s ahead
	h.srv.Clock().Advance(10 * time.Second)

	h.do(call{path: "/contacts/" + ada})
	require.Equal(t, 429, h.do(call{path: "/contacts/" + ada}).Status)
	require.Equal(t, 200, h.admin("DELETE", "/_mock/ratelimits", nil).Status)
	assert.Equal(t, 200, h.do(call{path: "/contacts/" + ada}).Status, "counters cleared")
}

func TestTokensMintExpireRevoke(t *testing.T) {
	h := setup(t)
	r := h.admin("POST", "/_mock/tokens", map[string]any{"locationId": locationID, "scopes": []string{"contacts.readonly"}, "expiresIn": "1h"})
	require.Equal(t, 201, r.Status, "%s", r.Body)
	tok := r.JSON(t)["token"].(string)
	assert.Regexp(t, `^pit-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, tok)
	assert.Equal(t, 200, h.do(call{path: "/contacts/" + ada, token: &tok}).Status)
	r = h.do(call{method: "DELETE", path: "/contacts/" + ada, token: &tok})
	assert.Equal(t, 401, r.Status, "read-only scope")

	h.admin("POST", "/_mock/clock", map[string]any{"advance": "1h"})
	r = h.do(call{path: "/contacts/" + ada, token: &tok})
	assert.Equal(t, 401, r.Status, "expired")
	assert.Equal(t, "Invalid JWT", errorMessage(t, r))

	tok2 := h.admin("POST", "/_mock/tokens", map[string]any{"locationId": locationID, "expiresIn": 0}).JSON(t)["token"].(string)
	assert.Equal(t, 200, h.do(call{path: "/contacts/" + ada, token: &tok2}).Status)
	require.Equal(t, 200, h.admin("DELETE", "/_mock/tokens/"+tok2, nil).Status)
	r = h.do(call{path: "/contacts/" + ada, token: &tok2})
	assert.Equal(t, 401, r.Status, "revoked")
	assert.Equal(t, "Invalid JWT", errorMessage(t, r))
	assert.Equal(t, 404, h.admin("DELETE", "/_mock/tokens/"+tok2, nil).Status)

	require.Equal(t, 200, h.admin("DELETE", "/_mock/tokens/"+h.ro, nil).Status, "fixture tokens can be revoked")
	assert.Equal(t, 401, h.do(call{path: "/contacts/" + ada, token: &h.ro}).Status)

	assert.Equal(t, 400, h.admin("POST", "/_mock/tokens", map[string]any{"locationId": "nope"}).Status)
	assert.Equal(t, 400, h.admin("POST", "/_mock/tokens", map[string]any{"locationId": locationID, "scopes": []string{"contacts.wrte"}}).Status)
	list := h.admin("GET", "/_mock/tokens", nil).JSON(t)["tokens"].([]any)
	assert.NotEmpty(t, list)
}

// TestStateExportImportRoundTrip: GET /_mock/state, a reset, then PUT
// /_mock/state gives back the data that went in — the seeded dataset with the
// test's own writes — and that is what it is compared with, not with another
// export (an export that lost every note would equal itself).
func TestStateExportImportRoundTrip(t *testing.T) {
	h := setup(t)
	seeded := seededLocation(t, h, locationID)
	r := h.do(call{method: "POST", path: "/contacts/", body: map[string]any{"locationId": locationID, "firstName": "Kept", "email": "kept@example.com", "tags": []string{"a"},
		"inboundDndSettings": map[string]any{"all": map[string]any{"status": "active", "message": "paused"}}}})
	require.Equal(t, 201, r.Status, "%s", r.Body)
	keptID := r.JSON(t)["contact"].(map[string]any)["id"].(string)
	kept, err := h.srv.Store().Contact(t.Context(), locationID, keptID)
	require.NoError(t, err)
	require.Equal(t, 200, h.do(call{method: "DELETE", path: "/contacts/" + babbage}).Status)
	r = h.admin("GET", "/_mock/state?locationId="+locationID, nil)
	require.Equal(t, 200, r.Status)
	state := r.Body
	assert.Contains(t, string(state), `"email":"kept@example.com"`)
	assert.Contains(t, string(state), `"inboundDndSettings":{"all":{"status":"active","message":"paused"}}`)
	assert.NotContains(t, string(state), h.other, "only the location asked for")

	// What went in: the seeded location, less babbage (deleted: its id is
	// kept, and so are its tasks and notes), plus the contact created.
	want := seeded
	want.Contacts = slices.DeleteFunc(want.Contacts, func(c crm.Contact) bool { return c.ID == babbage })
	want.Contacts = append(want.Contacts, kept)
	want.Deleted = append(want.Deleted, babbage)
	want = inExportOrder(crm.Dataset{Locations: []crm.LocationData{want}}).Locations[0]
	require.True(t, slices.ContainsFunc(want.Notes, func(n crm.Note) bool { return n.ContactID == babbage }), "babbage's notes stay with the deleted id")

	h.admin("POST", "/_mock/reset", nil)
	_, err = h.srv.Store().Contact(t.Context(), locationID, keptID)
	require.Error(t, err, "the reset forgot the contact created")
	req, _ := http.NewRequestWithContext(context.Background(), "PUT", h.ts.URL+"/_mock/state", strings.NewReader(string(state)))
	req.Header.Set("Content-Type", "application/json")
	res, err := h.ts.Client().Do(req)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, 200, res.StatusCode)
	assertUnchanged(t, jsonOf(t, want), jsonOf(t, exportLocation(t, h, locationID)), "the imported state is the seeded one with the test's writes")
	assertUnchanged(t, jsonOf(t, seededLocation(t, h, h.other)), jsonOf(t, exportLocation(t, h, h.other)), "a location the state did not name keeps its seeded data")
	assert.Equal(t, 400, h.do(call{path: "/contacts/" + babbage}).Status, "deleted stays deleted")
	got := h.do(call{path: "/contacts/" + keptID})
	require.Equal(t, 200, got.Status)
	assert.Equal(t, "kept@example.com", got.JSON(t)["contact"].(map[string]any)["email"], "the created contact is served again")

	before := export(t, h)
	assert.Equal(t, 400, h.admin("PUT", "/_mock/state", map[string]any{"locations": []any{map[string]any{"location": map[string]any{"id": locationID}, "contacts": []any{map[string]any{"id": "bad id"}}}}}).Status)
	assertUnchanged(t, before, export(t, h), "a refused import changes nothing")
	assert.Equal(t, 400, h.admin("PUT", "/_mock/state", map[string]any{"colour": 1}).Status)
}

// seededLocation generates a location's seeded data as the harness's server
// did, independently of the store: the data that went in.
func seededLocation(t *testing.T, h *harness, loc string) crm.LocationData {
	t.Helper()
	ds, err := seed.Generate(h.fx, seed.Options{Seed: 1, Now: h.clock.Now(), ContactsPerLocation: 20})
	require.NoError(t, err)
	for _, ld := range inExportOrder(ds).Locations {
		if ld.Location.ID == loc {
			return ld
		}
	}
	t.Fatalf("no location %s in the fixtures", loc)
	return crm.LocationData{}
}

// exportLocation is the store's export of one location.
func exportLocation(t *testing.T, h *harness, loc string) crm.LocationData {
	t.Helper()
	ds, err := h.srv.Store().Export(t.Context(), loc)
	require.NoError(t, err)
	require.Len(t, ds.Locations, 1)
	return ds.Locations[0]
}

// inExportOrder sorts d in place into the order the store's Export
// documents: contacts by (dateAdded, id), deleted ids sorted, tasks and notes
// by (dateAdded, id, contactId), appointments by (startTime, id).
func inExportOrder(d crm.Dataset) crm.Dataset {
	for i := range d.Locations {
		ld := &d.Locations[i]
		slices.SortFunc(ld.Contacts, func(a, b crm.Contact) int {
			return cmp.Or(cmp.Compare(a.DateAdded, b.DateAdded), strings.Compare(a.ID, b.ID))
		})
		slices.Sort(ld.Deleted)
		slices.SortFunc(ld.Tasks, func(a, b crm.Task) int {
			return cmp.Or(cmp.Compare(a.DateAdded, b.DateAdded), strings.Compare(a.ID, b.ID), strings.Compare(a.ContactID, b.ContactID))
		})
		slices.SortFunc(ld.Notes, func(a, b crm.Note) int {
			return cmp.Or(cmp.Compare(a.DateAdded, b.DateAdded), strings.Compare(a.ID, b.ID), strings.Compare(a.ContactID, b.ContactID))
		})
		slices.SortFunc(ld.Appointments, func(a, b crm.Appointment) int {
			return cmp.Or(cmp.Compare(a.StartTime, b.StartTime), strings.Compare(a.ID, b.ID))
		})
	}
	return d
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

func TestAdminToken(t *testing.T) {
	h := setup(t, func(c *mockserver.Config) { c.AdminToken = "s3cret" })
	assert.Equal(t, 200, h.admin("GET", "/_mock/health", nil).Status, "health stays open")
	r := h.admin("GET", "/_mock/requests", nil)
	assert.Equal(t, 401, r.Status)
	assert.Equal(t, 401, h.admin("GET", "/_mock/requests", nil, "wrong").Status)
	assert.Equal(t, 200, h.admin("GET", "/_mock/requests", nil, "s3cret").Status)
	assert.Equal(t, 401, h.admin("POST", "/_mock/reset", nil).Status)
	assert.Equal(t, 404, h.admin("GET", "/_mock/nothing", nil, "s3cret").Status)
}

func TestPprofIsAnAdminSwitch(t *testing.T) {
	off := setup(t)
	assert.Equal(t, 404, off.admin("GET", "/_mock/debug/pprof/", nil).Status)
	on := setup(t, func(c *mockserver.Config) { c.Pprof = true; c.AdminToken = "k" })
	assert.Equal(t, 401, on.admin("GET", "/_mock/debug/pprof/", nil).Status)
	r := on.admin("GET", "/_mock/debug/pprof/", nil, "k")
	assert.Equal(t, 200, r.Status)
	assert.Contains(t, string(r.Body), "goroutine")
}

// TestChangesCountsWhatChangesTheState: reads (search included, though it
// is a POST) and refused writes leave Changes alone; successful writes, a
// reset and a state import move it. serve --state saves when it moves.
func TestChangesCountsWhatChangesTheState(t *testing.T) {
	h := setup(t)
	n := h.srv.Changes()
	h.do(call{path: "/contacts/" + ada})
	h.do(call{method: "POST", path: "/contacts/search", body: map[string]any{"locationId": locationID, "pageLimit": 5}})
	h.do(call{method: "PUT", path: "/contacts/" + ada, body: map[string]any{"email": "not an email"}})
	assert.Equal(t, n, h.srv.Changes(), "reads and a refused write")

	require.Equal(t, 200, h.do(call{method: "PUT", path: "/contacts/" + ada, body: map[string]any{"city": "Turin"}}).Status)
	assert.Equal(t, n+1, h.srv.Changes(), "a write")

	state := h.admin("GET", "/_mock/state", nil).Body
	require.Equal(t, 200, h.admin("POST", "/_mock/reset", nil).Status)
	assert.Equal(t, n+2, h.srv.Changes(), "a reset")
	req, _ := http.NewRequestWithContext(t.Context(), "PUT", h.ts.URL+"/_mock/state", bytes.NewReader(state))
	req.Header.Set("Content-Type", "application/json")
	res, err := h.ts.Client().Do(req)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, 200, res.StatusCode)
	assert.Equal(t, n+3, h.srv.Changes(), "an import")
}

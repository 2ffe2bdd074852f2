package mockserver_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver"
	"github.com/ghlmock/ghlmock/mockserver/crm"
)

func TestGetNamedContact(t *testing.T) {
	h := setup(t)
	r := h.do(call{path: "/contacts/" + ada})
	require.Equal(t, 200, r.Status, "%s", r.Body)
	c := r.JSON(t)["contact"].(map[string]any)
	assert.Equal(t, ada, c["id"])
	assert.Equal(t, locationID, c["locationId"])
	assert.Equal(t, "Ada", c["firstName"])
	assert.Equal(t, "ada", c["firstNameLowerCase"])
	assert.Equal(t, "ada lovelace", c["fullNameLowerCase"])
	assert.Equal(t, "ada.lovelace@example.com", c["emailLowerCase"])
	assert.Equal(t, "+12125550101", c["phone"], "stored as E.164")
	assert.Equal(t, "lead", c["type"])
	assert.Equal(t, []any{"vip", "newsletter", "appointment booked"}, c["tags"], "tags are lower case")
	assert.Equal(t, "1815-12-10T00:00:00.000Z", c["dateOfBirth"])
	assert.Regexp(t, `^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$`, c["dateAdded"])
}

func TestCreateContactDerivesFieldsAndNormalizes(t *testing.T) {
	h := setup(t)
	r := h.do(call{method: "POST", path: "/contacts/", body: map[string]any{
		"locationId": locationID, "firstName": "Rosan", "lastName": "Deo", "email": "Rosan@Deos.COM",
		"phone": "+1 888-888-8888", "tags": []string{"Prospect", "prospect", "INBOUND"},
		"customFields": []map[string]any{{"key": "contact.favourite_colour", "field_value": "Gold"}},
	}})
	require.Equal(t, 201, r.Status, "%s", r.Body)
	c := r.JSON(t)["contact"].(map[string]any)
	assert.Equal(t, "Rosan Deo", c["name"])
	assert.Equal(t, "rosan", c["firstNameLowerCase"])
	assert.Equal(t, "deo", c["lastNameLowerCase"])
	assert.Equal(t, "rosan deo", c["fullNameLowerCase"])
	assert.Equal(t, "Rosan@Deos.COM", c["email"])
	assert.Equal(t, "rosan@deos.com", c["emailLowerCase"])
	assert.Equal(t, "+18888888888", c["phone"])
	assert.Equal(t, "lead", c["type"])
	assert.Equal(t, false, c["deleted"])
	assert.Equal(t, []any{"prospect", "inbound"}, c["tags"])
	assert.Equal(t, "2026-11-22T09:30:00.000Z", c["dateAdded"], "dates come from the injected clock")
	assert.Equal(t, []any{map[string]any{"id": "ryyNgXez56XAvmO3nYdT", "value": "Gold"}}, c["customFields"])

	id := c["id"].(string)
	assert.Regexp(t, `^[A-Za-z0-9]{20}$`, id)
	got := h.do(call{path: "/contacts/" + id}).JSON(t)["contact"].(map[string]any)
	assert.Equal(t, c["email"], got["email"], "the contact stays put")
}

func TestCreateDuplicateContactIsRefused(t *testing.T) {
	h := setup(t)
	before := export(t, h)
	for _, tc := range []struct {
		name, field string
		body        map[string]any
	}{
		{"same email, other case", "email", map[string]any{"locationId": locationID, "email": "ADA.LOVELACE@example.com"}},
		{"same phone, other format", "phone", map[string]any{"locationId": locationID, "phone": "(212) 555-0101"}},
	} {
		r := h.do(call{method: "POST", path: "/contacts/", body: tc.body})
		require.Equal(t, 400, r.Status, "%s: %s", tc.name, r.Body)
		m := r.JSON(t)
		assert.Equal(t, "This location does not allow duplicated contacts.", m["message"])
		assert.Equal(t, map[string]any{"contactId": ada, "contactName": "Ada Lovelace", "matchingField": tc.field}, m["meta"], tc.name)
	}
	assertUnchanged(t, before, export(t, h), "a refused duplicate changes nothing")

	// The second location allows duplicates.
	r := h.do(call{method: "POST", path: "/contacts/", token: str(h.otherRW),
		body: map[string]any{"locationId": h.other, "email": "grace.hopper@example.com"}})
	assert.Equal(t, 201, r.Status, "%s", r.Body)
}

func TestUpdateContactReplacesTagsAndKeepsTheRest(t *testing.T) {
	h := setup(t)
	r := h.do(call{method: "PUT", path: "/contacts/" + ada, body: map[string]any{"tags": []string{"Alumni"}, "city": "London", "website": nil}})
	require.Equal(t, 200, r.Status, "%s", r.Body)
	m := r.JSON(t)
	assert.Equal(t, true, m["succeded"])
	c := m["contact"].(map[string]any)
	assert.Equal(t, []any{"alumni"}, c["tags"], "tags in an update replace all tags")
	assert.Equal(t, "London", c["city"])
	assert.NotContains(t, c, "website", "null clears a field")
	assert.Equal(t, "ada.lovelace@example.com", c["email"], "fields not given stay")
}

// TestInboundDndSettingsAreKept: inboundDndSettings given on create, update
// or upsert is stored and answered back; an update that leaves it out keeps
// it; a status other than active or inactive is GHL's 422 and changes nothing.
func TestInboundDndSettingsAreKept(t *testing.T) {
	h := setup(t)
	inbound := func(status, message string) map[string]any {
		all := map[string]any{"status": status}
		if message != "" {
			all["message"] = message
		}
		return map[string]any{"all": all}
	}
	contactOf := func(r *response) map[string]any {
		require.Contains(t, []int{200, 201}, r.Status, "%s", r.Body)
		return r.JSON(t)["contact"].(map[string]any)
	}
	get := func(id string) map[string]any { return contactOf(h.do(call{path: "/contacts/" + id})) }

	created := contactOf(h.do(call{method: "POST", path: "/contacts/", body: map[string]any{
		"locationId": locationID, "firstName": "Quiet", "inboundDndSettings": inbound("active", "Paused during onboarding")}}))
	id := created["id"].(string)
	want := map[string]any{"all": map[string]any{"status": "active", "message": "Paused during onboarding"}}
	assert.Equal(t, want, created["inboundDndSettings"])
	assert.Equal(t, want, get(id)["inboundDndSettings"])

	contactOf(h.do(call{method: "PUT", path: "/contacts/" + id, body: map[string]any{"city": "Leeds"}}))
	assert.Equal(t, want, get(id)["inboundDndSettings"], "an update without it keeps it")

	contactOf(h.do(call{method: "PUT", path: "/contacts/" + id, body: map[string]any{"inboundDndSettings": inbound("inactive", "")}}))
	assert.Equal(t, map[string]any{"all": map[string]any{"status": "inactive"}}, get(id)["inboundDndSettings"], "an update replaces it")

	r := h.do(call{method: "PUT", path: "/contacts/" + id, body: map[string]any{"inboundDndSettings": inbound("permanent", "")}})
	assert.Equal(t, 422, r.Status, "%s", r.Body)
	assert.Equal(t, map[string]any{"all": map[string]any{"status": "inactive"}}, get(id)["inboundDndSettings"], "a refused update changes nothing")

	up := contactOf(h.do(call{method: "POST", path: "/contacts/upsert", body: map[string]any{
		"locationId": locationID, "email": "quiet.upsert@example.com", "inboundDndSettings": inbound("active", "")}}))
	assert.Equal(t, map[string]any{"all": map[string]any{"status": "active"}}, get(up["id"].(string))["inboundDndSettings"])

	assert.NotContains(t, get(ada), "inboundDndSettings", "a contact that never had it leaves it out")
}

func TestDeleteContact(t *testing.T) {
	h := setup(t)
	r := h.do(call{method: "DELETE", path: "/contacts/" + babbage})
	require.Equal(t, 200, r.Status)
	m := r.JSON(t)
	assert.Equal(t, true, m["succeded"])
	assert.Equal(t, true, m["succeeded"])
	r = h.do(call{path: "/contacts/" + babbage})
	assert.Equal(t, 400, r.Status)
	assert.Equal(t, "Contact not found for id:"+babbage, errorMessage(t, r))
	r = h.do(call{method: "DELETE", path: "/contacts/" + babbage})
	assert.Equal(t, 400, r.Status, "deleting twice")
}

func TestTasksLifecycle(t *testing.T) {
	h := setup(t)
	r := h.do(call{method: "POST", path: "/contacts/" + ada + "/tasks", body: map[string]any{
		"title": "Confirm appointment", "body": "By phone", "dueDate": "2026-12-01T10:00:00+02:00", "completed": false, "assignedTo": margaret}})
	require.Equal(t, 201, r.Status, "%s", r.Body)
	task := r.JSON(t)["task"].(map[string]any)
	id := task["id"].(string)
	assert.Equal(t, "2026-12-01T08:00:00.000Z", task["dueDate"], "due dates are returned in UTC with milliseconds")
	assert.Equal(t, ada, task["contactId"])

	list := h.do(call{path: "/contacts/" + ada + "/tasks"}).JSON(t)["tasks"].([]any)
	assert.Len(t, list, 3, "Ada's two fixture tasks and the new one")

	r = h.do(call{method: "PUT", path: "/contacts/" + ada + "/tasks/" + id + "/completed", body: map[string]any{"completed": true}})
	require.Equal(t, 200, r.Status, "%s", r.Body)
	assert.Equal(t, true, r.JSON(t)["task"].(map[string]any)["completed"])

	r = h.do(call{method: "PUT", path: "/contacts/" + ada + "/tasks/" + id, body: map[string]any{"title": "Confirm by SMS"}})
	require.Equal(t, 200, r.Status)
	assert.Equal(t, "Confirm by SMS", r.JSON(t)["task"].(map[string]any)["title"])
	assert.Equal(t, true, r.JSON(t)["task"].(map[string]any)["completed"], "fields not given stay")

	r = h.do(call{method: "DELETE", path: "/contacts/" + ada + "/tasks/" + id})
	require.Equal(t, 200, r.Status)
	assert.Equal(t, true, r.JSON(t)["succeded"])
	r = h.do(call{path: "/contacts/" + ada + "/tasks/" + id})
	assert.Equal(t, 400, r.Status)
	assert.Equal(t, "The task id is invalid.", errorMessage(t, r))
}

func TestTaskOfAnotherContactIsInvalid(t *testing.T) {
	h := setup(t)
	for _, c := range []call{
		{path: "/contacts/" + ada + "/tasks/" + babTask},
		{method: "PUT", path: "/contacts/" + ada + "/tasks/" + babTask, body: map[string]any{"title": "x"}},
		{method: "PUT", path: "/contacts/" + ada + "/tasks/" + babTask + "/completed", body: map[string]any{"completed": true}},
		{method: "DELETE", path: "/contacts/" + ada + "/tasks/" + babTask},
	} {
		r := h.do(c)
		assert.Equal(t, 400, r.Status, "%s %s", c.method, c.path)
		assert.Equal(t, "The task id is invalid.", errorMessage(t, r))
	}
	r := h.do(call{path: "/contacts/" + babbage + "/tasks/" + babTask})
	assert.Equal(t, 200, r.Status, "the task is still there, on its own contact")
}

func TestCreateTaskValidation(t *testing.T) {
	h := setup(t)
	r := h.do(call{method: "POST", path: "/contacts/" + ada + "/tasks", body: map[string]any{"title": "No due date"}})
	require.Equal(t, 422, r.Status)
	msg := errorMessage(t, r)
	assert.Contains(t, msg, "dueDate should not be empty")
	assert.Contains(t, msg, "completed should not be empty")
	r = h.do(call{method: "POST", path: "/contacts/" + ada + "/tasks", body: map[string]any{"title": "x", "dueDate": "tomorrow", "completed": "no"}})
	require.Equal(t, 422, r.Status)
	assert.Contains(t, errorMessage(t, r), "dueDate must be a valid ISO 8601 date string")
	assert.Contains(t, errorMessage(t, r), "completed must be a boolean value")
}

func TestNotesLifecycle(t *testing.T) {
	h := setup(t)
	r := h.do(call{method: "POST", path: "/contacts/" + ada + "/notes", body: map[string]any{
		"body": "Asked about Saturday slots.", "userId": alan, "title": "Scheduling", "color": "#00FF00", "pinned": true}})
	require.Equal(t, 201, r.Status, "%s", r.Body)
	note := r.JSON(t)["note"].(map[string]any)
	id := note["id"].(string)
	assert.Equal(t, "Scheduling", note["title"])
	assert.Equal(t, "#00FF00", note["color"])
	assert.Equal(t, true, note["pinned"])
	assert.Equal(t, alan, note["userId"])

	notes := h.do(call{path: "/contacts/" + ada + "/notes"}).JSON(t)["notes"].([]any)
	assert.Len(t, notes, 3)

	r = h.do(call{method: "PUT", path: "/contacts/" + ada + "/notes/" + id, body: map[string]any{"body": "Saturday 10am works."}})
	require.Equal(t, 200, r.Status)
	assert.Equal(t, "Saturday 10am works.", r.JSON(t)["note"].(map[string]any)["body"])
	assert.Equal(t, "Scheduling", r.JSON(t)["note"].(map[string]any)["title"])

	r = h.do(call{method: "DELETE", path: "/contacts/" + ada + "/notes/" + id})
	require.Equal(t, 200, r.Status)
	r = h.do(call{path: "/contacts/" + ada + "/notes/" + id})
	assert.Equal(t, 400, r.Status)

	r = h.do(call{method: "POST", path: "/contacts/" + ada + "/notes", body: map[string]any{"title": "no body"}})
	assert.Equal(t, 422, r.Status)
	assert.Contains(t, errorMessage(t, r), "body should not be empty")

	r = h.do(call{path: "/contacts/" + ada + "/notes/" + babNote})
	assert.Equal(t, 400, r.Status, "a note of another contact")
}

func TestAppointments(t *testing.T) {
	h := setup(t)
	r := h.do(call{path: "/contacts/" + ada + "/appointments"})
	require.Equal(t, 200, r.Status, "%s", r.Body)
	events := r.JSON(t)["events"].([]any)
	require.Len(t, events, 1)
	e := events[0].(map[string]any)
	assert.Equal(t, "8K70Fwhd0eHt4BkVbJeN", e["id"])
	assert.Equal(t, "LLLsBoGwxcwalFG2hBb2", e["calendarId"])
	assert.Equal(t, "confirmed", e["appointmentStatus"])
	assert.Equal(t, "booked", e["status"])
	assert.Equal(t, ada, e["contactId"])
	assert.Regexp(t, `^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$`, e["startTime"], "the spec's format by default")
}

func TestAppointmentTimesInISO(t *testing.T) {
	h := setup(t, func(c *mockserver.Config) { c.Fixtures.Settings.AppointmentTimeFormat = "iso" })
	e := h.do(call{path: "/contacts/" + ada + "/appointments"}).JSON(t)["events"].([]any)[0].(map[string]any)
	assert.Regexp(t, `^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-0[45]:00$`, e["startTime"], "New York offset")
}

func TestTagsAddAndRemoveDeltas(t *testing.T) {
	h := setup(t)
	r := h.do(call{method: "POST", path: "/contacts/" + ada + "/tags", body: map[string]any{"tags": []string{"VIP", "Hot Lead", "hot lead"}}})
	require.Equal(t, 201, r.Status, "%s", r.Body)
	m := r.JSON(t)
	assert.Equal(t, []any{"vip", "newsletter", "appointment booked", "hot lead"}, m["tags"])
	assert.Equal(t, []any{"hot lead"}, m["tagsAdded"], "only the genuinely new tags")

	r = h.do(call{method: "DELETE", path: "/contacts/" + ada + "/tags", body: map[string]any{"tags": []string{"Newsletter", "never-had"}}})
	require.Equal(t, 200, r.Status, "%s", r.Body)
	m = r.JSON(t)
	assert.Equal(t, []any{"vip", "appointment booked", "hot lead"}, m["tags"])
	assert.Equal(t, []any{"newsletter"}, m["tagsRemoved"])

	r = h.do(call{method: "DELETE", path: "/contacts/" + ada + "/tags", body: map[string]any{}})
	assert.Equal(t, 422, r.Status, "tags is required")
}

func TestUnknownRoutesAnswerExpress404(t *testing.T) {
	h := setup(t)
	for _, c := range []struct{ method, path string }{
		{"PATCH", "/contacts/" + ada},
		{"GET", "/opportunities/search"},
		{"GET", "/contacts/" + ada + "/campaigns/remove-all"},
	} {
		r := h.do(call{method: c.method, path: c.path})
		assert.Equal(t, 404, r.Status)
		assert.Equal(t, "Cannot "+c.method+" "+c.path, errorMessage(t, r))
		assert.Equal(t, "Not Found", r.JSON(t)["error"])
	}
}

// TestStaticSegmentsAsIDs: like Express, a method that only the {contactId}
// route has treats a static word as an id (400), never as a 404.
func TestStaticSegmentsAsIDs(t *testing.T) {
	h := setup(t)
	r := h.do(call{method: "PUT", path: "/contacts/search", body: map[string]any{"city": "x"}})
	assert.Equal(t, 400, r.Status)
	assert.Equal(t, "Contact not found for id:search", errorMessage(t, r))
}

func TestBothListPathsWork(t *testing.T) {
	h := setup(t)
	for _, p := range []string{"/contacts/", "/contacts"} {
		r := h.do(call{path: p + "?locationId=" + locationID})
		assert.Equal(t, 200, r.Status, p)
		r = h.do(call{method: "POST", path: p, body: map[string]any{"locationId": locationID, "firstName": "Slash" + fmt.Sprint(len(p))}})
		assert.Equal(t, 201, r.Status, p)
	}
}

func TestBodyLimitsAndContentTypes(t *testing.T) {
	h := setup(t)
	huge := `{"locationId":"` + locationID + `","firstName":"` + strings.Repeat("a", 1<<20) + `"}`
	r := h.do(call{method: "POST", path: "/contacts/", body: huge})
	assert.Equal(t, http.StatusRequestEntityTooLarge, r.Status)
	assert.Equal(t, "request entity too large", errorMessage(t, r))

	r = h.do(call{method: "POST", path: "/contacts/", body: `locationId=x`, headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}})
	assert.Equal(t, 400, r.Status)
	assert.Contains(t, errorMessage(t, r), "application/json")

	r = h.do(call{method: "POST", path: "/contacts/", body: `{"locationId": "` + locationID + `",}`})
	assert.Equal(t, 400, r.Status)
	assert.Equal(t, "Unexpected token } in JSON at position 38", errorMessage(t, r))

	r = h.do(call{method: "POST", path: "/contacts/", body: strings.Repeat(`{"a":`, 100) + "1" + strings.Repeat("}", 100)})
	assert.Equal(t, 400, r.Status)

	r = h.do(call{method: "POST", path: "/contacts/", body: map[string]any{"locationId": locationID, "firstName": "Typed"},
		headers: map[string]string{"Content-Type": "application/json; charset=utf-8"}})
	assert.Equal(t, 201, r.Status, "charset parameter accepted")
}

func TestValidationMessagesAreClassValidatorStyle(t *testing.T) {
	h := setup(t)
	cases := []struct {
		path string
		body any
		want []string
	}{
		{"/contacts/", map[string]any{"locationId": locationID, "email": "not-an-email", "isAdmin": true},
			[]string{"email must be an email", "property isAdmin should not exist"}},
		{"/contacts/", map[string]any{"locationId": locationID, "tags": []any{"ok", 5}},
			[]string{"each value in tags must be a string"}},
		{"/contacts/", map[string]any{"locationId": locationID, "dnd": "yes"}, []string{"dnd must be a boolean value"}},
		{"/contacts/search", map[string]any{"locationId": locationID}, []string{"pageLimit should not be empty"}},
		{"/contacts/search", map[string]any{"locationId": locationID, "pageLimit": 501}, []string{"pageLimit must not be greater than 500"}},
	}
	for _, c := range cases {
		r := h.do(call{method: "POST", path: c.path, body: c.body})
		require.Equal(t, 422, r.Status, "%v: %s", c.body, r.Body)
		got := r.JSON(t)["message"].([]any)
		var msgs []string
		for _, m := range got {
			msgs = append(msgs, m.(string))
		}
		assert.Equal(t, c.want, msgs)
		assert.Equal(t, "Unprocessable Entity", r.JSON(t)["error"])
	}
	r := h.do(call{path: "/contacts/?locationId=" + locationID + "&limit=101"})
	assert.Equal(t, 422, r.Status)
	assert.Equal(t, "limit must not be greater than 100", errorMessage(t, r))
	r = h.do(call{path: "/contacts/?locationId=" + locationID + "&limit=abc"})
	assert.Equal(t, 422, r.Status)
}

// TestValidationMessagesHaveOneOrder pins the order of a 422's messages:
// sorted, each once, the same on every request. class-validator's own order
// (the DTO's declaration order) is not known for GHL's DTOs, so the mock
// promises a stable order rather than GHL's; a client or a golden file that
// compares the array must not see it shuffle between runs.
func TestValidationMessagesHaveOneOrder(t *testing.T) {
	h := setup(t)
	body := map[string]any{"locationId": locationID, "zzz": 1, "email": "bad", "dnd": "yes", "tags": []any{1, "ok", 2}, "aaa": true,
		"website": 5, "dateOfBirth": []int{1}, "inboundDndSettings": map[string]any{"all": map[string]any{"status": 3}}}
	want := []string{
		"dateOfBirth must be a string",
		"dnd must be a boolean value",
		"each value in tags must be a string", // two bad tags, one message
		"email must be an email",
		"inboundDndSettings.all.status must be one of the following values: active, inactive",
		"property aaa should not exist",
		"property zzz should not exist",
		"website must be a string",
	}
	messages := func(r *response) []string {
		t.Helper()
		require.Equal(t, 422, r.Status, "%s", r.Body)
		var got []string
		for _, m := range r.JSON(t)["message"].([]any) {
			got = append(got, m.(string))
		}
		return got
	}
	for i := range 20 {
		require.Equal(t, want, messages(h.do(call{method: "POST", path: "/contacts/", body: body})), "request %d", i+1)
	}
	assert.Equal(t, []string{"limit must be an integer number", "startAfter must be an integer number"},
		messages(h.do(call{path: "/contacts/?locationId=" + locationID + "&startAfter=x&limit=abc"})), "query parameters, in another order than sent")
}

func TestPanicBecomesGHL500(t *testing.T) {
	h := setup(t)
	mockserver.PanicOnForTest(h.srv, "get-contact")
	r := h.do(call{path: "/contacts/" + ada})
	assert.Equal(t, 500, r.Status)
	assert.Equal(t, "Internal Server Error", errorMessage(t, r))
	r = h.do(call{path: "/contacts/" + ada + "/tasks"})
	assert.Equal(t, 200, r.Status, "the server keeps serving")
}

// TestConcurrentWritesAndReads runs many goroutines against one server; run
// with -race. Every create is visible afterwards, exactly once.
func TestConcurrentWritesAndReads(t *testing.T) {
	h := setup(t)
	const workers, each = 8, 15
	var wg sync.WaitGroup
	ids := make(chan string, workers*each)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				r := h.do(call{method: "POST", path: "/contacts/", body: map[string]any{
					"locationId": locationID, "email": fmt.Sprintf("w%d.%d@example.com", w, i), "tags": []string{"load"}}})
				if !assert.Equal(t, 201, r.Status) {
					continue
				}
				id := r.JSON(t)["contact"].(map[string]any)["id"].(string)
				ids <- id
				h.do(call{method: "POST", path: "/contacts/" + id + "/tags", body: map[string]any{"tags": []string{fmt.Sprint("w", w)}}})
				h.do(call{path: "/contacts/?locationId=" + locationID + "&query=example.com&limit=5"})
				h.do(call{method: "PUT", path: "/contacts/" + ada, body: map[string]any{"city": fmt.Sprint("City", w)}})
			}
		})
	}
	wg.Wait()
	close(ids)
	seen := map[string]bool{}
	for id := range ids {
		assert.False(t, seen[id], "duplicate id %s", id)
		seen[id] = true
		r := h.do(call{path: "/contacts/" + id})
		assert.Equal(t, 200, r.Status)
		assert.Len(t, r.JSON(t)["contact"].(map[string]any)["tags"], 2)
	}
	assert.Len(t, seen, workers*each)
}

// TestSameSeedSameData: two servers with the same seed and fixtures answer
// byte for byte the same, trace ids aside.
func TestSameSeedSameData(t *testing.T) {
	a, b := setup(t), setup(t)
	c := setup(t, func(c *mockserver.Config) { c.Seed = 2 })
	path := "/contacts/?locationId=" + locationID + "&limit=100"
	ra, rb, rc := a.do(call{path: path}), b.do(call{path: path}), c.do(call{path: path})
	strip := func(r *response) string {
		m := r.JSON(t)
		delete(m, "traceId")
		meta := m["meta"].(map[string]any)
		delete(meta, "nextPageUrl") // names the httptest port
		return fmt.Sprint(m)
	}
	assert.Equal(t, strip(ra), strip(rb))
	assert.NotEqual(t, strip(ra), strip(rc), "another seed gives other data")
	assert.Equal(t, export(t, a), export(t, b))
}

// TestEpochMakesDatesRepeatable: with Config.Epoch, the clock starts at the
// epoch and runs on, the seeded data is the same in every server built with
// it, dates included, and a reset brings the clock and the data back to it
// even after the clock was moved.
func TestEpochMakesDatesRepeatable(t *testing.T) {
	epoch := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	build := func(e time.Time) *mockserver.Server {
		srv, err := mockserver.New(mockserver.Config{Epoch: e, ContactsPerLocation: 5})
		require.NoError(t, err)
		return srv
	}
	exp := func(srv *mockserver.Server) string {
		ds, err := srv.Store().Export(t.Context())
		require.NoError(t, err)
		b, err := json.Marshal(ds)
		require.NoError(t, err)
		return string(b)
	}
	a := build(epoch)
	now := a.Clock().Now()
	assert.False(t, now.Before(epoch), "the clock starts at the epoch")
	assert.Less(t, now.Sub(epoch), time.Minute, "and runs at real speed from there")
	seeded := exp(a)
	assert.Contains(t, seeded, "2026-", "seeded dates are near the epoch")

	b := build(epoch)
	assert.Equal(t, seeded, exp(b), "the same epoch gives the same data, dates included")
	assert.NotEqual(t, seeded, exp(build(epoch.Add(24*time.Hour))), "another epoch moves the dates")

	a.Clock().Advance(48 * time.Hour)
	_, err := a.Store().CreateContact(t.Context(), locationID, crm.ContactInput{FirstName: str("Later")})
	require.NoError(t, err)
	require.NoError(t, a.Reset())
	assert.Less(t, a.Clock().Now().Sub(epoch), time.Minute, "a reset starts the clock at the epoch again")
	assert.Equal(t, seeded, exp(a), "and gives the seeded data back, dates included")

	_, err = mockserver.New(mockserver.Config{Epoch: epoch, Now: time.Now})
	assert.ErrorContains(t, err, "not both")
}

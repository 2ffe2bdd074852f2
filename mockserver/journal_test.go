package mockserver_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver"
	"github.com/ghlmock/ghlmock/mockserver/faults"
	"github.com/ghlmock/ghlmock/mockserver/ratelimit"
)

// journalEntries returns the journal's entries matching query.
func journalEntries(t *testing.T, h *harness, query string) []map[string]any {
	t.Helper()
	r := h.admin("GET", "/_mock/requests?"+query, nil)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	var out struct {
		Requests []map[string]any `json:"requests"`
	}
	require.NoError(t, json.Unmarshal(r.Body, &out))
	return out.Requests
}

func last(t *testing.T, h *harness) map[string]any {
	t.Helper()
	es := journalEntries(t, h, "limit=1")
	require.Len(t, es, 1)
	return es[0]
}

// TestJournalSaysWhyEachRefusalWasRefused: GHL answers many refusals alike
// (every 401 "Invalid JWT"); the journal names the cause in plain words.
func TestJournalSaysWhyEachRefusalWasRefused(t *testing.T) {
	h := setup(t)
	minted := h.admin("POST", "/_mock/tokens", map[string]any{"locationId": h.loc, "expiresIn": "1h"})
	require.Equal(t, http.StatusCreated, minted.Status)
	expiring := minted.JSON(t)["token"].(string)
	require.Equal(t, http.StatusOK, h.admin("DELETE", "/_mock/tokens/"+h.otherRW, nil).Status)
	h.clock.Advance(2 * time.Hour)
	contact := "/contacts/" + h.namedID
	cases := []struct {
		name   string
		call   call
		status int
		reason string
	}{
		{"no header", call{path: contact, token: str("")}, 401, "no Authorization header"},
		{"no Bearer", call{path: contact, headers: map[string]string{"Authorization": "Basic abc"}, token: str("")}, 401, "no Bearer scheme"},
		{"unknown", call{path: contact, token: str("pit-00000000-0000-4000-8000-000000000000")}, 401, "token not found"},
		{"revoked", call{path: contact, token: &h.otherRW}, 401, "token revoked at "},
		{"expired", call{path: contact, token: &expiring}, 401, "token expired at "},
		{"no Version", call{path: contact, version: str("")}, 401, "no Version header"},
		{"unpublished Version", call{path: contact, version: str("2020-01-01")}, 401, "Version 2020-01-01 is not a published version"},
		{"scope", call{method: "DELETE", path: contact, token: &h.ro}, 401, "scope contacts.write missing (the token has contacts.readonly)"},
		{"location", call{path: "/contacts/?locationId=" + h.other}, 403, "locationId " + h.other + " in the query is not the token's location " + h.loc},
		{"validation", call{method: "POST", path: "/contacts/", body: map[string]any{"locationId": h.loc, "email": "nope", "isAdmin": true}}, 422, "email must be an email; property isAdmin should not exist"},
		{"not found", call{path: "/contacts/NoSuchContactxxxxxxx"}, 400, "Contact not found for id:NoSuchContactxxxxxxx"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := h.do(c.call)
			require.Equal(t, c.status, r.Status, "%s %v", r.Body, last(t, h)["reason"])
			e := last(t, h)
			assert.Contains(t, e["reason"], c.reason)
			if c.status == 401 || c.status == 403 {
				assert.NotContains(t, string(r.Body), c.reason[:min(len(c.reason), 12)], "the answer is GHL's, not the reason")
			}
		})
	}
	limited := setup(t, func(c *mockserver.Config) {
		c.RateLimits = ratelimit.Limits{Burst: 1, Window: 10 * time.Second, Daily: 1000}
	})
	limited.do(call{path: contact})
	require.Equal(t, http.StatusTooManyRequests, limited.do(call{path: contact}).Status)
	assert.Contains(t, last(t, limited)["reason"], "rate limit: burst 1/10s of app ")
}

// TestJournalKeepsHeadersAndBodies: a request's and its answer's headers
// (the token redacted) and bodies, bounded.
func TestJournalKeepsHeadersAndBodies(t *testing.T) {
	h := setup(t, func(c *mockserver.Config) { c.JournalBodyBytes = 200 })
	long := strings.Repeat("x", 500)
	r := h.do(call{method: "POST", path: "/contacts/", body: map[string]any{"locationId": h.loc, "firstName": "Rosan", "source": long}})
	require.Equal(t, http.StatusCreated, r.Status)
	e := last(t, h)
	req := e["requestHeaders"].(map[string]any)
	assert.Equal(t, "Bearer …"+h.rw[len(h.rw)-4:], req["Authorization"], "the token is redacted to its scheme and last four characters")
	assert.NotContains(t, string(mustJSON(t, e)), h.rw, "the token appears nowhere")
	assert.Equal(t, "2021-07-28", req["Version"])
	res := e["responseHeaders"].(map[string]any)
	assert.NotEmpty(t, res["X-Ratelimit-Remaining"])
	assert.Contains(t, e["requestBody"], `"firstName":"Rosan"`)
	assert.Contains(t, e["requestBody"], "…[truncated ")
	assert.Contains(t, e["responseBody"], `{"contact":{"id":`)
	assert.Contains(t, e["responseBody"], "…[truncated ")
	assert.LessOrEqual(t, len(e["responseBody"].(string)), 200+40)

	off := setup(t, func(c *mockserver.Config) { c.JournalBodyBytes = -1 })
	off.do(call{path: "/contacts/" + off.namedID})
	assert.NotContains(t, last(t, off), "responseBody", "a negative bound keeps no bodies")
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

// TestVerifyCountsMatchingRequests: one call says how many requests matched
// an operation, a method, a path glob, a status, a location, a body field.
func TestVerifyCountsMatchingRequests(t *testing.T) {
	h := setup(t)
	for i, email := range []string{"a@example.com", "b@example.com", "a@example.com"} {
		body := map[string]any{"locationId": h.loc, "email": email, "tags": []string{"t" + string(rune('0'+i))}}
		h.do(call{method: "POST", path: "/contacts/upsert", body: body})
	}
	h.do(call{path: "/contacts/" + h.namedID})
	h.do(call{path: "/contacts/NoSuchContactxxxxxxx"})
	count := func(method, query string, body any) int {
		t.Helper()
		var r *response
		if method == "GET" {
			r = h.admin("GET", "/_mock/requests/count?"+query, nil)
		} else {
			r = h.admin("POST", "/_mock/requests/count", body)
		}
		require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
		return int(r.JSON(t)["count"].(float64))
	}
	assert.Equal(t, 3, count("GET", "operationId=upsert-contact", nil))
	assert.Equal(t, 2, count("GET", "operationId=upsert-contact&body.email=a@example.com", nil))
	assert.Equal(t, 1, count("GET", "body.tags=t1", nil), "an array matches when an element does")
	assert.Equal(t, 2, count("GET", "method=get&path=/contacts/*", nil))
	assert.Equal(t, 1, count("GET", "path=/contacts/**&status=400", nil))
	assert.Equal(t, 3, count("POST", "", map[string]any{"path": "/contacts/upsert", "locationId": h.loc, "status": 200}))
	assert.Equal(t, 0, count("POST", "", map[string]any{"operationId": "upsert-contact", "body": map[string]string{"email": "c@example.com"}}))
	assert.Equal(t, http.StatusBadRequest, h.admin("POST", "/_mock/requests/count", map[string]any{"nope": 1}).Status)
	assert.Equal(t, http.StatusBadRequest, h.admin("GET", "/_mock/requests/count?path=contacts", nil).Status)
}

// TestFaultRulesThatCanNeverMatchAreRefused: 400 with the reason, and the
// rules in force stay as they were.
func TestFaultRulesThatCanNeverMatchAreRefused(t *testing.T) {
	h := setup(t)
	for _, c := range []struct {
		rule   map[string]any
		reason string
	}{
		{map[string]any{"operationId": "get-contactz", "status": 500}, `operationId "get-contactz" is not an operation`},
		{map[string]any{"path": "/contactz/**", "status": 500}, "no operation of the document is /contactz/**"},
		{map[string]any{"method": "PATCH", "status": 500}, "no operation of the document is PATCH"},
		{map[string]any{"operationId": "get-contact", "method": "POST", "status": 500}, "never matches get-contact, which is GET /contacts/{contactId}"},
		{map[string]any{"operationId": "get-contact", "path": "/contacts/*/tasks", "status": 500}, "never matches get-contact"},
		{map[string]any{"locationId": "NoSuchLocationxxxxxx", "status": 500}, "not a location of the fixtures"},
		{map[string]any{"token": "pit-nobody-has-this-token-0000", "status": 500}, "not a token the mock knows"},
	} {
		r := h.admin("POST", "/_mock/faults", c.rule)
		require.Equal(t, http.StatusBadRequest, r.Status, "%v: %s", c.rule, r.Body)
		assert.Contains(t, r.JSON(t)["message"], c.reason)
	}
	r := h.admin("GET", "/_mock/faults", nil)
	assert.Empty(t, r.JSON(t)["faults"], "no rule was added")
	for _, ok := range []map[string]any{
		{"path": "/contacts/*/tags", "method": "POST", "status": 500},
		{"path": "/contacts", "status": 500},
		{"operationId": "get-contacts", "path": "/contacts/", "status": 500},
		{"locationId": h.loc, "token": h.rw, "status": 500},
	} {
		assert.Equal(t, http.StatusCreated, h.admin("POST", "/_mock/faults", ok).Status, "%v", ok)
	}
	_, err := mockserver.New(mockserver.Config{ContactsPerLocation: 1, Faults: []faults.Rule{{OperationID: "nope", Status: 500}}})
	assert.ErrorContains(t, err, `operationId "nope" is not an operation`, "a rule given at start is checked too")
}

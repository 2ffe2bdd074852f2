package mockserver_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver"
)

// TestListPagesThroughEveryContactOnce follows meta.nextPageUrl from the
// first page to the last while contacts are created between pages: every
// contact that existed at the start comes exactly once, newest first.
func TestListPagesThroughEveryContactOnce(t *testing.T) {
	h := setup(t)
	first := h.do(call{path: "/contacts/?locationId=" + locationID + "&limit=7"})
	require.Equal(t, 200, first.Status)
	total := int(first.JSON(t)["meta"].(map[string]any)["total"].(float64))
	require.Equal(t, 25, total, "20 generated + 5 named")

	seen := map[string]int{}
	var lastAdded string
	r := first
	for page := 1; ; page++ {
		m := r.JSON(t)
		meta := m["meta"].(map[string]any)
		assert.EqualValues(t, page, meta["currentPage"])
		if page == 1 {
			assert.Nil(t, meta["prevPage"])
		} else {
			assert.EqualValues(t, page-1, meta["prevPage"])
		}
		for _, c := range m["contacts"].([]any) {
			c := c.(map[string]any)
			seen[c["id"].(string)]++
			added := c["dateAdded"].(string)
			if lastAdded != "" {
				assert.LessOrEqual(t, added, lastAdded, "newest first")
			}
			lastAdded = added
		}
		// Someone creates a contact between pages.
		h.clock.Advance(1000)
		require.Equal(t, 201, h.do(call{method: "POST", path: "/contacts/", body: map[string]any{
			"locationId": locationID, "email": fmt.Sprintf("between%d@example.com", page)}}).Status)
		next, _ := meta["nextPageUrl"].(string)
		if next == "" {
			assert.Nil(t, meta["nextPage"])
			break
		}
		u, err := url.Parse(next)
		require.NoError(t, err)
		assert.Equal(t, strings.TrimPrefix(h.ts.URL, "http://"), u.Host, "nextPageUrl points at the mock itself")
		assert.Equal(t, locationID, u.Query().Get("locationId"))
		assert.Equal(t, "7", u.Query().Get("limit"))
		r = h.do(call{path: u.RequestURI()})
		require.Equal(t, 200, r.Status)
	}
	assert.Len(t, seen, total)
	for id, n := range seen {
		assert.Equal(t, 1, n, "contact %s seen %d times", id, n)
	}
}

func TestListStartAfterAloneReturnsTheFirstPage(t *testing.T) {
	h := setup(t)
	base := "/contacts/?locationId=" + locationID + "&limit=5"
	first := h.do(call{path: base}).JSON(t)
	meta := first["meta"].(map[string]any)
	sa := fmt.Sprintf("%.0f", meta["startAfter"].(float64))
	again := h.do(call{path: base + "&startAfter=" + sa}).JSON(t)
	assert.Equal(t, ids(first["contacts"]), ids(again["contacts"]), "only startAfter: the same first page")
	next := h.do(call{path: base + "&startAfter=" + sa + "&startAfterId=" + meta["startAfterId"].(string)}).JSON(t)
	assert.NotEqual(t, ids(first["contacts"]), ids(next["contacts"]))
}

func TestListQueryMatchesNameEmailPhoneCompany(t *testing.T) {
	h := setup(t)
	for _, q := range []string{"lovelace", "ADA.LOVELACE@", "+12125550101", "analytical engines"} {
		m := h.do(call{path: "/contacts/?locationId=" + locationID + "&query=" + url.QueryEscape(q)}).JSON(t)
		assert.Contains(t, ids(m["contacts"]), ada, q)
	}
	m := h.do(call{path: "/contacts/?locationId=" + locationID + "&query=zzzzqqq"}).JSON(t)
	assert.Empty(t, m["contacts"])
	assert.EqualValues(t, 0, m["meta"].(map[string]any)["total"])
}

func TestListNeedsItsLocation(t *testing.T) {
	h := setup(t)
	r := h.do(call{path: "/contacts/"})
	assert.Equal(t, 422, r.Status)
	assert.Equal(t, "locationId should not be empty", errorMessage(t, r))
	r = h.do(call{path: "/contacts/?locationId=" + h.other})
	assert.Equal(t, 403, r.Status)
}

func TestSearchFiltersSortAndCursor(t *testing.T) {
	h := setup(t)
	body := map[string]any{"locationId": locationID, "pageLimit": 2,
		"filters": []any{map[string]any{"field": "tags", "operator": "eq", "value": "chatbot"}},
		"sort":    []any{map[string]any{"field": "dateAdded", "direction": "desc"}}}
	r := h.do(call{method: "POST", path: "/contacts/search", body: body})
	require.Equal(t, 200, r.Status, "%s", r.Body)
	m := r.JSON(t)
	total := int(m["total"].(float64))
	require.Greater(t, total, 2)
	all := ids(m["contacts"])
	last := m["contacts"].([]any)[1].(map[string]any)
	for len(all) < total {
		body["searchAfter"] = last["searchAfter"]
		m = h.do(call{method: "POST", path: "/contacts/search", body: body}).JSON(t)
		cs := m["contacts"].([]any)
		require.NotEmpty(t, cs)
		all = append(all, ids(cs)...)
		last = cs[len(cs)-1].(map[string]any)
	}
	assert.Len(t, all, total)
	for _, c := range m["contacts"].([]any) {
		assert.Contains(t, c.(map[string]any)["tags"], "chatbot")
	}

	r = h.do(call{method: "POST", path: "/contacts/search", body: map[string]any{"locationId": locationID, "pageLimit": 10,
		"filters": []any{map[string]any{"field": "favouriteFood", "operator": "eq", "value": "x"}}}})
	assert.Equal(t, 422, r.Status, "unknown field")
	r = h.do(call{method: "POST", path: "/contacts/search", body: map[string]any{"locationId": locationID, "pageLimit": 500, "page": 21}})
	assert.Equal(t, 422, r.Status, "page × pageLimit over 10,000")

	r = h.do(call{method: "POST", path: "/contacts/search", body: map[string]any{"locationId": locationID, "pageLimit": 5,
		"filters": []any{map[string]any{"field": "phone", "operator": "eq", "value": "+12125550101"}}}})
	m = r.JSON(t)
	assert.EqualValues(t, 1, m["total"])
	hit := m["contacts"].([]any)[0].(map[string]any)
	assert.Equal(t, "ada lovelace", hit["contactName"])
	assert.NotContains(t, hit, "dndSettings", "search leaves dndSettings out")
}

// TestSearchLagOverHTTP: with settings.searchLag, POST /contacts/search
// finds an updated contact as it was until the lag has passed on the mock's
// clock, and a deleted one still, while GET contact sees both writes at once.
func TestSearchLagOverHTTP(t *testing.T) {
	h := setup(t, func(c *mockserver.Config) { c.Fixtures.Settings.SearchLag = 2 * time.Second })
	byCity := func(city string) []string {
		r := h.do(call{method: "POST", path: "/contacts/search", body: map[string]any{"locationId": locationID, "pageLimit": 10,
			"filters": []any{map[string]any{"field": "city", "operator": "eq", "value": city}}}})
		require.Equal(t, 200, r.Status, "%s", r.Body)
		var ids []string
		for _, c := range r.JSON(t)["contacts"].([]any) {
			ids = append(ids, c.(map[string]any)["id"].(string))
		}
		return ids
	}
	require.Contains(t, byCity("New York"), ada)
	require.Equal(t, 200, h.do(call{method: "PUT", path: "/contacts/" + ada, body: map[string]any{"city": "Zurich"}}).Status)
	assert.Contains(t, byCity("New York"), ada, "the index still has the old city")
	assert.Empty(t, byCity("Zurich"))
	assert.Equal(t, "Zurich", h.do(call{path: "/contacts/" + ada}).JSON(t)["contact"].(map[string]any)["city"])

	require.Equal(t, 200, h.admin("POST", "/_mock/clock", map[string]any{"advance": "2s"}).Status)
	assert.NotContains(t, byCity("New York"), ada)
	assert.Equal(t, []string{ada}, byCity("Zurich"))

	require.Equal(t, 200, h.do(call{method: "DELETE", path: "/contacts/" + ada}).Status)
	assert.Equal(t, []string{ada}, byCity("Zurich"), "deleted, but not yet out of the index")
	assert.Equal(t, 400, h.do(call{path: "/contacts/" + ada}).Status)
	require.Equal(t, 200, h.admin("POST", "/_mock/clock", map[string]any{"advance": "2s"}).Status)
	assert.Empty(t, byCity("Zurich"))
}

// TestSearchNestedOverHTTP: the document's nested operator is accepted on
// opportunities and, the mock holding no opportunities, matches nobody.
func TestSearchNestedOverHTTP(t *testing.T) {
	h := setup(t)
	r := h.do(call{method: "POST", path: "/contacts/search", body: map[string]any{"locationId": locationID, "pageLimit": 10,
		"filters": []any{map[string]any{"field": "opportunities", "operator": "nested",
			"filters": []any{map[string]any{"field": "status", "operator": "eq", "value": "open"}}}}}})
	require.Equal(t, 200, r.Status, "%s", r.Body)
	assert.EqualValues(t, 0, r.JSON(t)["total"])
	r = h.do(call{method: "POST", path: "/contacts/search", body: map[string]any{"locationId": locationID, "pageLimit": 10,
		"filters": []any{map[string]any{"field": "email", "operator": "nested", "filters": []any{}}}}})
	assert.Equal(t, 422, r.Status, "%s", r.Body)
}

// TestV3RemoveAllCampaignsPath: Version v3 names remove-from-every-campaign
// /campaigns/remove-all (the official Python SDK always sends v3); under
// other versions that is a campaign id like any other, which none has.
func TestV3RemoveAllCampaignsPath(t *testing.T) {
	h := setup(t)
	campaigns := func() []string { // GET contact does not show them; the store does
		c, err := h.srv.Store().Contact(t.Context(), locationID, ada)
		require.NoError(t, err)
		return c.Campaigns
	}
	require.Equal(t, 201, h.do(call{method: "POST", path: "/contacts/" + ada + "/campaigns/" + campaign, body: map[string]any{}}).Status)
	require.NotEmpty(t, campaigns())
	r := h.do(call{method: "DELETE", path: "/contacts/" + ada + "/campaigns/remove-all"})
	assert.Equal(t, 400, r.Status, "not under 2021-07-28: %s", r.Body)
	require.NotEmpty(t, campaigns())
	r = h.do(call{method: "DELETE", path: "/contacts/" + ada + "/campaigns/remove-all", version: str("v3")})
	require.Equal(t, 200, r.Status, "%s", r.Body)
	assert.Equal(t, true, r.JSON(t)["succeeded"])
	assert.Empty(t, campaigns())
}

func TestDuplicateLookup(t *testing.T) {
	h := setup(t)
	base := "/contacts/search/duplicate?locationId=" + locationID
	m := h.do(call{path: base + "&email=ADA.LOVELACE%40example.com"}).JSON(t)
	assert.Equal(t, ada, m["contact"].(map[string]any)["id"])
	m = h.do(call{path: base + "&number=%2B12125550102"}).JSON(t)
	assert.Equal(t, babbage, m["contact"].(map[string]any)["id"])
	r1 := h.do(call{path: base + "&number=+12125550102"})
	require.Equal(t, 200, r1.Status)
	assert.Contains(t, string(r1.Body), `"contact":null`, "an unencoded + arrives as a space: no match, as the spec's must-encode implies")
	r0 := h.do(call{path: base + "&number=2125550102"})
	assert.Contains(t, string(r0.Body), `"contact":null`, "a bare national number is no match: GHL wants E.164")
	m = h.do(call{path: base + "&email=ada.lovelace%40example.com&number=%2B12125550102"}).JSON(t)
	assert.Equal(t, ada, m["contact"].(map[string]any)["id"], "email first")
	r := h.do(call{path: base + "&email=nobody%40example.com"})
	require.Equal(t, 200, r.Status)
	assert.Contains(t, string(r.Body), `"contact":null`)
	r = h.do(call{path: base})
	assert.Equal(t, 400, r.Status)
	assert.Equal(t, "Pass at least one of number, email query parameter", errorMessage(t, r))
}

// TestUpsertByAdditionalEmail: an upsert with a contact's additional email
// updates that contact, the email becoming its primary and the old primary
// lost (GHL highlevel-api-docs#337); upsertMatchesAdditionalEmails: false
// makes it create instead.
func TestUpsertByAdditionalEmail(t *testing.T) {
	withAdditional := func(on bool) func(*mockserver.Config) {
		return func(c *mockserver.Config) {
			c.Fixtures.Settings.UpsertMatchesAdditionalEmails = on
			named := &c.Fixtures.Locations[0].NamedContacts[0]
			require.Equal(t, ada, named.ID)
			named.AdditionalEmails = []string{"countess@example.com"}
		}
	}
	h := setup(t, withAdditional(true))
	before := h.do(call{path: "/contacts/" + ada}).JSON(t)["contact"].(map[string]any)
	require.Equal(t, []any{map[string]any{"email": "countess@example.com"}}, before["additionalEmails"])
	r := h.do(call{method: "POST", path: "/contacts/upsert", body: map[string]any{"locationId": locationID, "email": "countess@example.com"}})
	require.Equal(t, 200, r.Status, "%s", r.Body)
	assert.Equal(t, false, r.JSON(t)["new"])
	c := r.JSON(t)["contact"].(map[string]any)
	assert.Equal(t, ada, c["id"])
	assert.Equal(t, "countess@example.com", c["email"])
	assert.NotContains(t, c, "additionalEmails", "the old primary is not kept")

	h = setup(t, withAdditional(false))
	r = h.do(call{method: "POST", path: "/contacts/upsert", body: map[string]any{"locationId": locationID, "email": "countess@example.com"}})
	require.Equal(t, 200, r.Status, "%s", r.Body)
	assert.Equal(t, true, r.JSON(t)["new"])
	assert.Equal(t, "ada.lovelace@example.com", h.do(call{path: "/contacts/" + ada}).JSON(t)["contact"].(map[string]any)["email"])
}

func TestUpsert(t *testing.T) {
	h := setup(t)
	r := h.do(call{method: "POST", path: "/contacts/upsert", body: map[string]any{"locationId": locationID, "email": "ada.lovelace@example.com", "city": "London"}})
	require.Equal(t, 200, r.Status, "%s", r.Body)
	m := r.JSON(t)
	assert.Equal(t, false, m["new"])
	assert.Equal(t, ada, m["contact"].(map[string]any)["id"])
	assert.Equal(t, "London", m["contact"].(map[string]any)["city"])

	// Email matches Ada, phone matches Babbage: Ada is updated and the phone ignored.
	r = h.do(call{method: "POST", path: "/contacts/upsert", body: map[string]any{"locationId": locationID,
		"email": "ada.lovelace@example.com", "phone": "+12125550102"}})
	m = r.JSON(t)
	assert.Equal(t, ada, m["contact"].(map[string]any)["id"])
	assert.Equal(t, "+12125550101", m["contact"].(map[string]any)["phone"], "the second field is ignored")

	r = h.do(call{method: "POST", path: "/contacts/upsert", body: map[string]any{"locationId": locationID, "email": "brand.new@example.com"}})
	m = r.JSON(t)
	assert.Equal(t, true, m["new"])
	assert.Equal(t, 200, r.Status, "the spec's status by default")
	assert.Contains(t, string(r.Body), `"traceId"`)
}

func TestBusinessListingAndBulkBusiness(t *testing.T) {
	h := setup(t)
	m := h.do(call{path: "/contacts/business/" + business + "?locationId=" + locationID}).JSON(t)
	before := int(m["count"].(float64))
	assert.Contains(t, ids(m["contacts"]), ada)

	r := h.do(call{method: "POST", path: "/contacts/bulk/business", body: map[string]any{"locationId": locationID, "ids": []string{babbage}, "businessId": business}})
	require.Equal(t, 200, r.Status, "%s", r.Body)
	assert.Equal(t, map[string]any{"success": true, "ids": []any{babbage}}, withoutTrace(r.JSON(t)))
	m = h.do(call{path: "/contacts/business/" + business + "?locationId=" + locationID}).JSON(t)
	assert.EqualValues(t, before+1, m["count"])

	r = h.do(call{method: "POST", path: "/contacts/bulk/business", body: map[string]any{"locationId": locationID, "ids": []string{babbage, ada}, "businessId": nil}})
	require.Equal(t, 200, r.Status, "%s", r.Body)
	m = h.do(call{path: "/contacts/business/" + business + "?locationId=" + locationID}).JSON(t)
	assert.EqualValues(t, before-1, m["count"], "null clears the business")
	c := h.do(call{path: "/contacts/" + ada}).JSON(t)["contact"].(map[string]any)
	assert.NotContains(t, c, "businessId")
}

func TestBulkTagsPartialFailures(t *testing.T) {
	h := setup(t)
	require.Equal(t, 200, h.do(call{method: "DELETE", path: "/contacts/" + babbage}).Status)
	r := h.do(call{method: "POST", path: "/contacts/bulk/tags/update/add", body: map[string]any{
		"locationId": locationID, "tags": []string{"Webinar"},
		"contacts": []string{ada, "not-an-id", babbage, grace}}})
	require.Equal(t, 201, r.Status, "%s", r.Body)
	m := r.JSON(t)
	assert.Equal(t, true, m["succeded"])
	assert.EqualValues(t, 3, m["errorCount"])
	out := m["responses"].([]any)
	require.Len(t, out, 4)
	msgs := []string{}
	for _, o := range out {
		msgs = append(msgs, o.(map[string]any)["message"].(string))
	}
	assert.Equal(t, []string{"Tags updated", "contact id is not a valid firebase id", "contact is deleted", "contact does not belong to location"}, msgs)
	assert.Equal(t, []any{"webinar"}, out[0].(map[string]any)["tagsAdded"])

	r = h.do(call{method: "POST", path: "/contacts/bulk/tags/update/remove", body: map[string]any{
		"locationId": locationID, "tags": []string{}, "contacts": []string{ada}, "removeAllTags": true}})
	require.Equal(t, 201, r.Status, "%s", r.Body)
	c := h.do(call{path: "/contacts/" + ada}).JSON(t)["contact"].(map[string]any)
	assert.Empty(t, c["tags"])

	r = h.do(call{method: "POST", path: "/contacts/bulk/tags/update/rename", body: map[string]any{"locationId": locationID, "tags": []string{"x"}, "contacts": []string{ada}}})
	assert.Equal(t, 422, r.Status, "type is add or remove")
}

func TestFollowersCampaignsWorkflows(t *testing.T) {
	h := setup(t)
	r := h.do(call{method: "POST", path: "/contacts/" + ada + "/followers", body: map[string]any{"followers": []string{margaret, alan}}})
	require.Equal(t, 201, r.Status, "%s", r.Body)
	m := r.JSON(t)
	assert.ElementsMatch(t, []any{alan, margaret}, m["followers"])
	assert.Equal(t, []any{margaret}, m["followersAdded"], "Alan already followed Ada")
	r = h.do(call{method: "DELETE", path: "/contacts/" + ada + "/followers", body: map[string]any{"followers": []string{alan}}})
	require.Equal(t, 200, r.Status)
	assert.Equal(t, []any{alan}, r.JSON(t)["followersRemoved"])
	c := h.do(call{path: "/contacts/" + ada}).JSON(t)["contact"].(map[string]any)
	assert.Equal(t, []any{margaret}, c["followers"], "followers show on GET")

	assert.Equal(t, 201, h.do(call{method: "POST", path: "/contacts/" + ada + "/campaigns/" + campaign, body: map[string]any{}}).Status)
	assert.Equal(t, 200, h.do(call{method: "DELETE", path: "/contacts/" + ada + "/campaigns/" + campaign}).Status)
	assert.Equal(t, 200, h.do(call{method: "DELETE", path: "/contacts/" + ada + "/campaigns/removeAll"}).Status)
	r = h.do(call{method: "POST", path: "/contacts/" + ada + "/campaigns/" + unknownID, body: map[string]any{}})
	assert.Equal(t, 400, r.Status, "an unknown campaign")

	r = h.do(call{method: "POST", path: "/contacts/" + ada + "/workflow/" + workflow, body: map[string]any{"eventStartTime": "2026-12-01T09:00:00+01:00"}})
	assert.Equal(t, 201, r.Status, "workflow add is 201, as measured live")
	assert.Equal(t, 200, h.do(call{method: "DELETE", path: "/contacts/" + ada + "/workflow/" + workflow, body: map[string]any{}}).Status)
	state := export(t, h)
	assert.NotContains(t, state, `"WorkflowID":"`+workflow+`"`)
}

func ids(list any) []string {
	var out []string
	for _, c := range list.([]any) {
		out = append(out, c.(map[string]any)["id"].(string))
	}
	return out
}

func withoutTrace(m map[string]any) map[string]any {
	delete(m, "traceId")
	return m
}

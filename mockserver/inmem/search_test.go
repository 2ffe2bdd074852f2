package inmem_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/inmem"
)

func TestSearchContactsRejectsInvalidQueries(t *testing.T) {
	long := strings.Repeat("x", 76)
	eq := func(field string, v any) []crm.Filter { return []crm.Filter{{Field: field, Operator: "eq", Value: v}} }
	cases := []struct {
		name string
		q    crm.SearchQuery
		want []string
	}{
		{"pageLimit missing", crm.SearchQuery{}, []string{"pageLimit must not be less than 1"}},
		{"pageLimit too big", crm.SearchQuery{PageLimit: 501}, []string{"pageLimit must not be greater than 500"}},
		{"negative page", crm.SearchQuery{PageLimit: 10, Page: -1}, []string{"page must not be less than 1"}},
		{"too deep", crm.SearchQuery{PageLimit: 500, Page: 21}, []string{"page * pageLimit must not be greater than 10000; use searchAfter to go deeper"}},
		{"searchAfter with page", crm.SearchQuery{PageLimit: 10, Page: 2, SearchAfter: []any{float64(1), "x"}}, []string{"searchAfter cannot be used together with page"}},
		{"searchAfter too short", crm.SearchQuery{PageLimit: 10, SearchAfter: []any{float64(1)}}, []string{"searchAfter must contain 2 elements: the sort values and the contact id"}},
		{"searchAfter of the wrong types", crm.SearchQuery{PageLimit: 10, SearchAfter: []any{"soon", 7}}, []string{"searchAfter.0 must be a number", "searchAfter.1 must be a string"}},
		{"searchAfter string key", crm.SearchQuery{PageLimit: 10, Sort: []crm.Sort{{Field: "email"}}, SearchAfter: []any{1.0, "x"}}, []string{"searchAfter.0 must be a string"}},
		{"query too long", crm.SearchQuery{PageLimit: 10, Query: long}, []string{"query must be shorter than or equal to 75 characters"}},
		{"three sorts", crm.SearchQuery{PageLimit: 10, Sort: []crm.Sort{{Field: "email"}, {Field: "dnd"}, {Field: "source"}}}, []string{"sort must contain no more than 2 elements"}},
		{"unknown sort field", crm.SearchQuery{PageLimit: 10, Sort: []crm.Sort{{Field: "city"}}},
			[]string{"sort.0.field must be one of the following values: businessName, companyName, contactName, dateAdded, dateUpdated, dnd, email, firstNameLowerCase, lastNameLowerCase, source"}},
		{"bad direction", crm.SearchQuery{PageLimit: 10, Sort: []crm.Sort{{Field: "email", Direction: "up"}}}, []string{"sort.0.direction must be one of the following values: asc, desc"}},
		{"unknown field", crm.SearchQuery{PageLimit: 10, Filters: eq("shoeSize", "9")}, []string{"filters.0.field shoeSize is not a supported search field"}},
		{"unknown custom field", crm.SearchQuery{PageLimit: 10, Filters: eq("customFields.nope", "9")}, []string{"filters.0.field customFields.nope is not a supported search field"}},
		{"no field", crm.SearchQuery{PageLimit: 10, Filters: []crm.Filter{{Operator: "eq", Value: "x"}}}, []string{"filters.0.field should not be empty"}},
		{"unknown operator", crm.SearchQuery{PageLimit: 10, Filters: []crm.Filter{{Field: "email", Operator: "like", Value: "x"}}},
			[]string{"filters.0.operator must be one of the following values: eq, not_eq, contains, not_contains, exists, not_exists, range, nested"}},
		{"nested on another field", crm.SearchQuery{PageLimit: 10, Filters: []crm.Filter{{Field: "tags", Operator: "nested", Filters: eq("status", "open")}}},
			[]string{"filters.0.field must be opportunities for the nested operator"}},
		{"nested without filters", crm.SearchQuery{PageLimit: 10, Filters: []crm.Filter{{Field: "opportunities", Operator: "nested"}}},
			[]string{"filters.0.filters should not be empty"}},
		{"nested with a bad condition", crm.SearchQuery{PageLimit: 10, Filters: []crm.Filter{{Field: "opportunities", Operator: "nested",
			Filters: []crm.Filter{{Field: "status", Operator: "like"}, {Operator: "eq"}, {Group: "OR", Filters: eq("status", "won")}}}}},
			[]string{"filters.0.filters.0.operator must be one of the following values: eq, not_eq, contains, not_contains, exists, not_exists, range",
				"filters.0.filters.1.field should not be empty", "filters.0.filters.2 must be a single condition on an opportunity field"}},
		{"operator not for the field", crm.SearchQuery{PageLimit: 10, Filters: []crm.Filter{{Field: "email", Operator: "range", Value: map[string]any{"gt": 1.0}}}},
			[]string{"filters.0.operator range is not supported for field email"}},
		{"contains on an id", crm.SearchQuery{PageLimit: 10, Filters: []crm.Filter{{Field: "id", Operator: "contains", Value: "x"}}},
			[]string{"filters.0.operator contains is not supported for field id"}},
		{"eq on a date", crm.SearchQuery{PageLimit: 10, Filters: eq("dateAdded", 1.0)}, []string{"filters.0.operator eq is not supported for field dateAdded"}},
		{"value too long", crm.SearchQuery{PageLimit: 10, Filters: eq("email", long)}, []string{"filters.0.value must be shorter than or equal to 75 characters"}},
		{"one long value in a list", crm.SearchQuery{PageLimit: 10, Filters: eq("tags", []any{"a", long})}, []string{"filters.0.value must be shorter than or equal to 75 characters"}},
		{"bool for a string", crm.SearchQuery{PageLimit: 10, Filters: eq("email", true)}, []string{"filters.0.value must be a string"}},
		{"list for contains", crm.SearchQuery{PageLimit: 10, Filters: []crm.Filter{{Field: "tags", Operator: "contains", Value: []any{"a"}}}}, []string{"filters.0.value must be a string"}},
		{"string for a boolean", crm.SearchQuery{PageLimit: 10, Filters: eq("dnd", "maybe")}, []string{"filters.0.value must be a boolean value"}},
		{"text for a number", crm.SearchQuery{PageLimit: 10, Filters: eq("customFields."+cfScore, "lots")}, []string{"filters.0.value must be a number"}},
		{"range without bounds", crm.SearchQuery{PageLimit: 10, Filters: []crm.Filter{{Field: "dateAdded", Operator: "range", Value: map[string]any{}}}},
			[]string{"filters.0.value must contain at least one of gt, gte, lt, lte"}},
		{"range not an object", crm.SearchQuery{PageLimit: 10, Filters: []crm.Filter{{Field: "dateAdded", Operator: "range", Value: "2026"}}},
			[]string{"filters.0.value must be an object with gt, gte, lt or lte"}},
		{"range with an unknown bound", crm.SearchQuery{PageLimit: 10, Filters: []crm.Filter{{Field: "dateAdded", Operator: "range", Value: map[string]any{"gt": 1.0, "near": 2.0}}}},
			[]string{"filters.0.value.near should not exist"}},
		{"range with a bad date", crm.SearchQuery{PageLimit: 10, Filters: []crm.Filter{{Field: "dateAdded", Operator: "range", Value: map[string]any{"gte": "last tuesday"}}}},
			[]string{"filters.0.value.gte must be a number of milliseconds or an ISO 8601 date"}},
		{"bad group", crm.SearchQuery{PageLimit: 10, Filters: []crm.Filter{{Group: "XOR", Filters: eq("email", "x")}}}, []string{"filters.0.group must be one of the following values: AND, OR"}},
		{"empty group", crm.SearchQuery{PageLimit: 10, Filters: []crm.Filter{{Group: "OR"}}}, []string{"filters.0.filters should not be empty"}},
		{"nested problem", crm.SearchQuery{PageLimit: 10, Filters: []crm.Filter{
			{Field: "email", Operator: "exists"},
			{Group: "OR", Filters: []crm.Filter{{Field: "email", Operator: "exists"}, {Field: "nope", Operator: "eq", Value: "x"}}},
		}}, []string{"filters.1.filters.1.field nope is not a supported search field"}},
		{"every problem at once", crm.SearchQuery{PageLimit: 0, Query: long, Filters: eq("nope", "x")},
			[]string{"pageLimit must not be less than 1", "query must be shorter than or equal to 75 characters", "filters.0.field nope is not a supported search field"}},
	}
	s, clk := newStore(t)
	create(t, s, clk, locA, person("A", "B", "a@x.com", ""))
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.SearchContacts(t.Context(), locA, tc.q)
			e := requireCode(t, err, crm.EINVALID)
			assert.Equal(t, tc.want, e.Messages)
		})
	}
}

func TestSearchContactsTooDeeplyNested(t *testing.T) {
	s, _ := newStore(t)
	f := crm.Filter{Field: "email", Operator: "exists"}
	for range 20 {
		f = crm.Filter{Group: "AND", Filters: []crm.Filter{f}}
	}
	_, err := s.SearchContacts(t.Context(), locA, crm.SearchQuery{PageLimit: 1, Filters: []crm.Filter{f}})
	e := requireCode(t, err, crm.EINVALID)
	require.Len(t, e.Messages, 1)
	assert.Contains(t, e.Messages[0], "must not be nested more than 16 levels deep")
}

// TestSearchContactsSemantics spells out, on a tiny location, what the
// oracle test checks at scale.
func TestSearchContactsSemantics(t *testing.T) {
	s, clk := newStore(t)
	ctx := t.Context()
	mk := func(first, last, email, phone string, edit func(*crm.ContactInput)) crm.Contact {
		in := person(first, last, email, phone)
		if edit != nil {
			edit(&in)
		}
		return create(t, s, clk, locA, in)
	}
	ann := mk("Ann", "Lee", "Ann@Example.com", "+14155550101", func(in *crm.ContactInput) {
		in.Tags = tags("VIP", "newsletter")
		in.CompanyName = ptr("Acme Corp")
		in.DND = ptr(true)
		in.DateOfBirth = ptr("1990-09-25")
		in.CustomFields = []crm.CustomFieldInput{{ID: cfScore, Value: 7.5}, {ID: cfColour, Value: "Teal"}, {ID: cfInterests, Value: []string{"golf", "chess"}}}
		in.AssignedTo = ptr(userA1)
	})
	bob := mk("Bob", "Stone", "bob@example.com", "", func(in *crm.ContactInput) {
		in.Tags = tags("customer")
		in.DateOfBirth = ptr("2001-01-01")
		in.CustomFields = []crm.CustomFieldInput{{ID: cfScore, Value: "12"}, {ID: cfRenewal, Value: "2026-07-01"}}
	})
	cy := mk("", "Young", "", "+14155550103", nil)
	_, _, err := s.AddFollowers(ctx, locA, cy.ID, []string{userA2})
	require.NoError(t, err)
	cy, err = s.Contact(ctx, locA, cy.ID)
	require.NoError(t, err)

	f := func(field, op string, v any) crm.Filter { return crm.Filter{Field: field, Operator: op, Value: v} }
	cases := []struct {
		name    string
		filters []crm.Filter
		query   string
		want    []string // default order: newest first
	}{
		{"no filters", nil, "", []string{cy.ID, bob.ID, ann.ID}},
		{"email eq ignores case", []crm.Filter{f("email", "eq", "ann@EXAMPLE.com")}, "", []string{ann.ID}},
		{"eq with a list means any of", []crm.Filter{f("firstNameLowerCase", "eq", []any{"ann", "bob"})}, "", []string{bob.ID, ann.ID}},
		{"not_eq keeps contacts without the field", []crm.Filter{f("firstName", "not_eq", "ann")}, "", []string{cy.ID, bob.ID}},
		{"phone eq normalizes the value", []crm.Filter{f("phone", "eq", "(415) 555-0101")}, "", []string{ann.ID}},
		{"phone contains digits", []crm.Filter{f("phone", "contains", "5550103")}, "", []string{cy.ID}},
		{"tags eq is membership", []crm.Filter{f("tags", "eq", "vip")}, "", []string{ann.ID}},
		{"tags contains a piece of a tag", []crm.Filter{f("tags", "contains", "LETT")}, "", []string{ann.ID}},
		{"tags not_contains", []crm.Filter{f("tags", "not_contains", "cust")}, "", []string{cy.ID, ann.ID}},
		{"tags not_exists", []crm.Filter{f("tags", "not_exists", nil)}, "", []string{cy.ID}},
		{"businessName is the company", []crm.Filter{f("businessName", "contains", "acme")}, "", []string{ann.ID}},
		{"contactName", []crm.Filter{f("contactName", "eq", "ann lee")}, "", []string{ann.ID}},
		{"firstName exists", []crm.Filter{f("firstName", "exists", nil)}, "", []string{bob.ID, ann.ID}},
		{"dnd", []crm.Filter{f("dnd", "eq", true)}, "", []string{ann.ID}},
		{"dnd as a string", []crm.Filter{f("dnd", "not_eq", "true")}, "", []string{cy.ID, bob.ID}},
		{"assignedTo", []crm.Filter{f("assignedTo", "eq", userA1)}, "", []string{ann.ID}},
		{"followers", []crm.Filter{f("followers", "eq", userA2)}, "", []string{cy.ID}},
		{"id", []crm.Filter{f("id", "eq", bob.ID)}, "", []string{bob.ID}},
		{"id is case-sensitive", []crm.Filter{f("id", "eq", strings.ToLower(bob.ID))}, "", nil},
		{"dateAdded range in ms", []crm.Filter{f("dateAdded", "range", map[string]any{"gt": float64(ann.DateAdded), "lte": float64(bob.DateAdded)})}, "", []string{bob.ID}},
		{"dateAdded range in ISO", []crm.Filter{f("dateAdded", "range", map[string]any{"gte": ann.DateAdded.String(), "lt": bob.DateAdded.String()})}, "", []string{ann.ID}},
		{"low and high", []crm.Filter{f("dateAdded", "range", map[string]any{"low": float64(bob.DateAdded), "high": float64(cy.DateAdded)})}, "", []string{cy.ID, bob.ID}},
		{"dateOfBirth range", []crm.Filter{f("dateOfBirth", "range", map[string]any{"lt": "2000-01-01"})}, "", []string{ann.ID}},
		{"numeric custom field range", []crm.Filter{f("customFields."+cfScore, "range", map[string]any{"gte": 7.5, "lt": 12.0})}, "", []string{ann.ID}},
		{"numeric custom field as text", []crm.Filter{f("customFields."+cfScore, "eq", 12.0)}, "", []string{bob.ID}},
		{"custom field by key", []crm.Filter{f("customFields.contact.favourite_colour", "eq", "teal")}, "", []string{ann.ID}},
		{"date custom field", []crm.Filter{f("customFields."+cfRenewal, "range", map[string]any{"gt": "2026-06-30"})}, "", []string{bob.ID}},
		{"multiple options", []crm.Filter{f("customFields."+cfInterests, "eq", "chess")}, "", []string{ann.ID}},
		{"custom field not_exists", []crm.Filter{f("customFields."+cfColour, "not_exists", nil)}, "", []string{cy.ID, bob.ID}},
		{"OR group", []crm.Filter{{Group: "OR", Filters: []crm.Filter{f("firstName", "eq", "bob"), f("lastName", "eq", "young")}}}, "", []string{cy.ID, bob.ID}},
		{"AND inside OR", []crm.Filter{{Group: "or", Filters: []crm.Filter{
			{Group: "AND", Filters: []crm.Filter{f("tags", "exists", nil), f("dnd", "eq", false)}},
			f("phone", "eq", "+14155550103"),
		}}}, "", []string{cy.ID, bob.ID}},
		{"top level is AND", []crm.Filter{f("email", "exists", nil), f("dnd", "eq", false)}, "", []string{bob.ID}},
		{"query", nil, "STONE", []string{bob.ID}},
		{"query and filters", []crm.Filter{f("tags", "exists", nil)}, "example", []string{bob.ID, ann.ID}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := s.SearchContacts(ctx, locA, crm.SearchQuery{PageLimit: 10, Filters: tc.filters, Query: tc.query})
			require.NoError(t, err)
			if tc.want == nil {
				tc.want = []string{}
			}
			assert.Equal(t, tc.want, hitIDs(res.Contacts))
			assert.Equal(t, len(tc.want), res.Total)
		})
	}

	t.Run("sort and cursor values", func(t *testing.T) {
		res, err := s.SearchContacts(ctx, locA, crm.SearchQuery{PageLimit: 10, Sort: []crm.Sort{{Field: "firstNameLowerCase", Direction: "desc"}, {Field: "dnd"}}})
		require.NoError(t, err)
		assert.Equal(t, []string{bob.ID, ann.ID, cy.ID}, hitIDs(res.Contacts), "no first name sorts last, also descending")
		assert.Equal(t, []any{"bob", false, bob.ID}, res.Contacts[0].SearchAfter)
		assert.Equal(t, []any{"", false, cy.ID}, res.Contacts[2].SearchAfter)

		res, err = s.SearchContacts(ctx, locA, crm.SearchQuery{PageLimit: 10})
		require.NoError(t, err)
		assert.Equal(t, []any{int64(cy.DateAdded), cy.ID}, res.Contacts[0].SearchAfter)
	})
	t.Run("a page past the end is empty", func(t *testing.T) {
		res, err := s.SearchContacts(ctx, locA, crm.SearchQuery{PageLimit: 2, Page: 3})
		require.NoError(t, err)
		assert.Empty(t, res.Contacts)
		assert.Equal(t, 3, res.Total)
	})
}

func TestSearchContactsLag(t *testing.T) {
	s, clk := newStore(t, withOptions(func(o *inmem.Options) { o.SearchLag = 5 * time.Second }))
	ctx := t.Context()
	search := func(q crm.SearchQuery) crm.SearchPage {
		t.Helper()
		q.PageLimit = 10
		res, err := s.SearchContacts(ctx, locA, q)
		require.NoError(t, err)
		return res
	}
	all := func() []string { return hitIDs(search(crm.SearchQuery{}).Contacts) }
	inCity := func(city string) []string {
		return hitIDs(search(crm.SearchQuery{Filters: []crm.Filter{{Field: "city", Operator: "eq", Value: city}}}).Contacts)
	}

	in := person("Zed", "Old", "", "")
	in.City = ptr("Lisbon")
	a := create(t, s, clk, locA, in)
	assert.Empty(t, all(), "just created: not indexed yet")
	_, err := s.Contact(ctx, locA, a.ID)
	require.NoError(t, err, "every other read sees it at once")
	page, err := s.ListContacts(ctx, locA, crm.ListQuery{})
	require.NoError(t, err)
	assert.Equal(t, 1, page.Total)

	clk.Advance(4999 * time.Millisecond)
	assert.Empty(t, all())
	clk.Advance(time.Millisecond)
	assert.Equal(t, []string{a.ID}, all())

	// Changed within the lag: search sees the previous version, and matches
	// on it, until the lag has passed.
	_, err = s.UpdateContact(ctx, locA, a.ID, crm.ContactInput{City: ptr("Paris"), FirstName: ptr("Quinn")})
	require.NoError(t, err)
	res := search(crm.SearchQuery{})
	require.Equal(t, []string{a.ID}, hitIDs(res.Contacts), "just updated: the index has the old version")
	assert.Equal(t, 1, res.Total)
	assert.Equal(t, "Lisbon", res.Contacts[0].Contact.City)
	assert.Equal(t, []string{a.ID}, inCity("Lisbon"))
	assert.Empty(t, inCity("Paris"))
	assert.Equal(t, []string{a.ID}, hitIDs(search(crm.SearchQuery{Query: "zed"}).Contacts), "the query reads the old text")
	assert.Empty(t, hitIDs(search(crm.SearchQuery{Query: "quinn"}).Contacts))
	got, err := s.Contact(ctx, locA, a.ID)
	require.NoError(t, err)
	assert.Equal(t, "Paris", got.City, "a read by id sees the write at once")

	// Two more writes within the lag: each is seen the lag after it was made.
	clk.Advance(2 * time.Second)
	_, _, err = s.AddTags(ctx, locA, a.ID, []string{"vip"})
	require.NoError(t, err)
	clk.Advance(2 * time.Second)
	_, err = s.UpdateContact(ctx, locA, a.ID, crm.ContactInput{City: ptr("Rome")})
	require.NoError(t, err)
	assert.Equal(t, []string{a.ID}, inCity("Lisbon"), "4 s after the first update: still the original")
	clk.Advance(time.Second)
	assert.Equal(t, []string{a.ID}, inCity("Paris"), "the first update is indexed, not yet the tags")
	assert.Empty(t, search(crm.SearchQuery{Filters: []crm.Filter{{Field: "tags", Operator: "eq", Value: "vip"}}}).Contacts)
	clk.Advance(2 * time.Second)
	hit := search(crm.SearchQuery{Filters: []crm.Filter{{Field: "tags", Operator: "eq", Value: "vip"}}}).Contacts
	require.Len(t, hit, 1, "the tags are indexed")
	assert.Equal(t, "Paris", hit[0].Contact.City, "but not yet the last update")
	clk.Advance(2 * time.Second)
	assert.Equal(t, []string{a.ID}, inCity("Rome"))
	assert.Empty(t, inCity("Paris"))

	// Deleted within the lag: still found, as it was, until the lag passes.
	b := create(t, s, clk, locA, person("Bea", "Gone", "", ""))
	clk.Advance(5 * time.Second)
	require.NoError(t, s.DeleteContact(ctx, locA, b.ID))
	assert.ElementsMatch(t, []string{a.ID, b.ID}, all(), "just deleted: still in the index")
	_, err = s.Contact(ctx, locA, b.ID)
	requireNotFound(t, err, crm.ResourceContact, b.ID)
	clk.Advance(5 * time.Second)
	assert.Equal(t, []string{a.ID}, all())
}

// TestSearchLagAgreesWithAnIndexAsOfTheLagAgo: after random writes at random
// times, a search with the lag returns exactly what a search without one
// returned, at the time the lag ago, over the same contacts (a store with
// no lag replaying the same writes, queried at each past instant).
func TestSearchLagAgreesWithAnIndexAsOfTheLagAgo(t *testing.T) {
	const lag = 3 * time.Second
	lagged, clk := newStore(t, withOptions(func(o *inmem.Options) { o.SearchLag = lag }))
	plain, plainClk := newStore(t)
	ctx := t.Context()
	rnd := rand.New(rand.NewPCG(7, 7))
	queries := []crm.SearchQuery{
		{PageLimit: 100},
		{PageLimit: 100, Query: "a"},
		{PageLimit: 100, Filters: []crm.Filter{{Field: "city", Operator: "eq", Value: "paris"}}},
		{PageLimit: 100, Filters: []crm.Filter{{Field: "tags", Operator: "contains", Value: "t"}}},
		{PageLimit: 5, Page: 2, Sort: []crm.Sort{{Field: "firstNameLowerCase", Direction: "asc"}}},
	}
	// snapshots[k] is what plain answered to each query at instant k (one
	// instant a write, a second apart).
	var snapshots [][]string
	answer := func(s *inmem.Store) []string {
		var out []string
		for _, q := range queries {
			res, err := s.SearchContacts(ctx, locA, q)
			require.NoError(t, err)
			out = append(out, fmt.Sprint(res.Total, hitIDs(res.Contacts)))
		}
		return out
	}
	var live []string
	cities := []string{"Paris", "Lisbon", "Rome"}
	names := []string{"Ana", "Bo", "Cy", "Dee", "Eli"}
	for step := range 120 {
		for _, c := range []*clock{clk, plainClk} {
			c.Advance(time.Second)
		}
		// The same write to both stores: chosen once, then done to each.
		op, id := rnd.IntN(10), ""
		if len(live) == 0 {
			op = 0
		} else {
			id = live[step%len(live)]
		}
		var created []string
		do := func(s *inmem.Store) {
			var err error
			switch {
			case op < 3:
				in := person(names[step%len(names)], "X", "", "")
				in.City = ptr(cities[step%len(cities)])
				var c crm.Contact
				c, err = s.CreateContact(ctx, locA, in)
				created = append(created, c.ID)
			case op < 6:
				_, err = s.UpdateContact(ctx, locA, id, crm.ContactInput{City: ptr(cities[(step+1)%len(cities)]), FirstName: ptr(names[(step+2)%len(names)])})
			case op < 8:
				_, _, err = s.AddTags(ctx, locA, id, []string{fmt.Sprintf("t%d", step%4)})
			default:
				err = s.DeleteContact(ctx, locA, id)
			}
			require.NoError(t, err)
		}
		do(plain)
		do(lagged)
		switch {
		case op < 3:
			require.Equal(t, created[0], created[1], "both stores make the same ids")
			live = append(live, created[0])
		case op >= 8:
			live = slices.DeleteFunc(live, func(x string) bool { return x == id })
		}
		snapshots = append(snapshots, answer(plain))
		if back := int(lag / time.Second); step >= back {
			require.Equal(t, snapshots[step-back], answer(lagged), "step %d: the lagged search sees step %d", step, step-back)
		}
	}
}

// TestSearchNestedOpportunities: GHL's nested operator filters on a
// contact's opportunities; the mock holds none, so it matches no contact,
// alone or ANDed, and leaves an OR to its other members.
func TestSearchNestedOpportunities(t *testing.T) {
	s, clk := newStore(t)
	ctx := t.Context()
	a := create(t, s, clk, locA, person("Ana", "A", "ana@x.com", ""))
	create(t, s, clk, locA, person("Bo", "B", "bo@x.com", ""))
	nested := crm.Filter{Field: "opportunities", Operator: "nested", Filters: []crm.Filter{{Field: "status", Operator: "eq", Value: "open"}}}
	isAna := crm.Filter{Field: "email", Operator: "eq", Value: "ana@x.com"}
	search := func(fs ...crm.Filter) crm.SearchPage {
		t.Helper()
		res, err := s.SearchContacts(ctx, locA, crm.SearchQuery{PageLimit: 10, Filters: fs})
		require.NoError(t, err)
		return res
	}
	assert.Zero(t, search(nested).Total)
	assert.Zero(t, search(nested, isAna).Total, "ANDed")
	or := search(crm.Filter{Group: "OR", Filters: []crm.Filter{nested, isAna}})
	assert.Equal(t, []string{a.ID}, hitIDs(or.Contacts), "ORed: the other member decides")
	assert.Equal(t, 2, search().Total)
}

// TestSearchLagWithWritesOutOfClockOrder: two requests read the clock a
// millisecond apart and take the lock in the other order. Writes are timed in
// lock order (a write never gets a time before the location's last one), so
// the lagging search still finds the contact exactly once, and its
// DateUpdated does not go back.
func TestSearchLagWithWritesOutOfClockOrder(t *testing.T) {
	s, clk := newStore(t, withOptions(func(o *inmem.Options) { o.SearchLag = time.Second }))
	ctx := t.Context()
	c := create(t, s, clk, locA, person("Ana", "A", "", ""))
	clk.Advance(5 * time.Second)
	clk.Advance(101 * time.Millisecond)
	later, err := s.UpdateContact(ctx, locA, c.ID, crm.ContactInput{City: ptr("Paris")})
	require.NoError(t, err)
	clk.Advance(-time.Millisecond) // the other request read the clock first
	earlier, err := s.UpdateContact(ctx, locA, c.ID, crm.ContactInput{City: ptr("Rome")})
	require.NoError(t, err)
	assert.Equal(t, later.DateUpdated, earlier.DateUpdated, "timed in lock order: not before the write it followed")
	for _, step := range []time.Duration{0, 999 * time.Millisecond, time.Millisecond, 5 * time.Millisecond} {
		clk.Advance(step)
		res, err := s.SearchContacts(ctx, locA, crm.SearchQuery{PageLimit: 10})
		require.NoError(t, err)
		assert.Equal(t, []string{c.ID}, hitIDs(res.Contacts), "once, %v on", step)
		assert.Equal(t, 1, res.Total)
	}
}

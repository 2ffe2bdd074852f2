package inmem_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/inmem"
)

func TestListContactsNewestFirstTiesByIDDescending(t *testing.T) {
	s, clk := newStore(t)
	old := create(t, s, clk, locA, person("Old", "One", "", ""))
	clk.Advance(time.Second)
	var same []string
	for i := range 5 { // same millisecond
		c, err := s.CreateContact(t.Context(), locA, person(fmt.Sprint("Same", i), "X", "", ""))
		require.NoError(t, err)
		same = append(same, c.ID)
	}
	slices.Sort(same)
	slices.Reverse(same)

	page, err := s.ListContacts(t.Context(), locA, crm.ListQuery{})
	require.NoError(t, err)
	assert.Equal(t, append(same, old.ID), ids(page.Contacts))
	assert.Equal(t, crm.ListPage{Contacts: page.Contacts, Total: 6, Page: 1, More: false}, page)
}

func TestListContactsQuery(t *testing.T) {
	s, clk := newStore(t)
	rosan := create(t, s, clk, locA, person("Rosan", "Deo", "rosan@deos.com", "+18887772222"))
	named := person("Grace", "Hopper", "", "")
	named.Name = ptr("Admiral Hopper")
	grace := create(t, s, clk, locA, named)
	company := person("Zoë", "Smith", "", "")
	company.CompanyName = ptr("Acme Corp")
	zoe := create(t, s, clk, locA, company)
	create(t, s, clk, locB, person("Rosan", "Deo", "rosan@deos.com", ""))

	cases := []struct {
		query string
		want  []string
	}{
		{"rosan", []string{rosan.ID}},
		{"ROSAN DEO", []string{rosan.ID}},
		{"deos.com", []string{rosan.ID}},
		{"8887772222", []string{rosan.ID}},
		{"admiral", []string{grace.ID}},
		{"grace hopper", []string{grace.ID}},
		{"acme", []string{zoe.ID}},
		{"ZOË", []string{zoe.ID}},
		{"  smith ", []string{zoe.ID}},
		{"o", []string{zoe.ID, grace.ID, rosan.ID}},
		{"nobody", nil},
		{"rosandeo", nil}, // fields do not run into each other
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			page, err := s.ListContacts(t.Context(), locA, crm.ListQuery{Query: tc.query})
			require.NoError(t, err)
			assert.Equal(t, len(tc.want), page.Total)
			if tc.want == nil {
				tc.want = []string{}
			}
			assert.Equal(t, tc.want, ids(page.Contacts))
		})
	}
}

func TestListContactsLimitAndCursor(t *testing.T) {
	s, clk := newStore(t)
	var all []crm.Contact // newest first
	for i := range 130 {
		all = slices.Insert(all, 0, create(t, s, clk, locA, person(fmt.Sprint("C", i), "X", "", "")))
	}
	ctx := t.Context()

	t.Run("limit defaults to 20 and is capped at 100", func(t *testing.T) {
		for limit, want := range map[int]int{0: 20, -1: 20, 7: 7, 100: 100, 500: 100} {
			page, err := s.ListContacts(ctx, locA, crm.ListQuery{Limit: limit})
			require.NoError(t, err)
			assert.Len(t, page.Contacts, want, "limit %d", limit)
		}
	})
	t.Run("startAfter alone returns the first page", func(t *testing.T) {
		page, err := s.ListContacts(ctx, locA, crm.ListQuery{Limit: 10, StartAfter: all[50].DateAdded})
		require.NoError(t, err)
		assert.Equal(t, ids(all[:10]), ids(page.Contacts))
		assert.Equal(t, 1, page.Page)
	})
	t.Run("startAfterId alone returns the first page", func(t *testing.T) {
		page, err := s.ListContacts(ctx, locA, crm.ListQuery{Limit: 10, StartAfterID: all[50].ID})
		require.NoError(t, err)
		assert.Equal(t, ids(all[:10]), ids(page.Contacts))
	})
	t.Run("both move on", func(t *testing.T) {
		page, err := s.ListContacts(ctx, locA, crm.ListQuery{Limit: 10, StartAfter: all[19].DateAdded, StartAfterID: all[19].ID})
		require.NoError(t, err)
		assert.Equal(t, ids(all[20:30]), ids(page.Contacts))
		assert.Equal(t, crm.ListPage{Contacts: page.Contacts, Total: 130, Page: 3, More: true}, page)
	})
	t.Run("the last page", func(t *testing.T) {
		page, err := s.ListContacts(ctx, locA, crm.ListQuery{Limit: 100, StartAfter: all[99].DateAdded, StartAfterID: all[99].ID})
		require.NoError(t, err)
		assert.Equal(t, ids(all[100:]), ids(page.Contacts))
		assert.Equal(t, 2, page.Page)
		assert.False(t, page.More)
	})
	t.Run("a deleted cursor contact still marks the place", func(t *testing.T) {
		require.NoError(t, s.DeleteContact(ctx, locA, all[39].ID))
		page, err := s.ListContacts(ctx, locA, crm.ListQuery{Limit: 5, StartAfter: all[39].DateAdded, StartAfterID: all[39].ID})
		require.NoError(t, err)
		assert.Equal(t, ids(all[40:45]), ids(page.Contacts))
		assert.Equal(t, 129, page.Total)
	})
	t.Run("with a query", func(t *testing.T) {
		// C1, C10..C19, C100..C129 match "c1": newest first.
		var want []crm.Contact
		for _, c := range all {
			if strings.HasPrefix(c.FirstName, "C1") && c.ID != all[39].ID {
				want = append(want, c)
			}
		}
		page, err := s.ListContacts(ctx, locA, crm.ListQuery{Query: "c1", Limit: 4, StartAfter: want[3].DateAdded, StartAfterID: want[3].ID})
		require.NoError(t, err)
		assert.Equal(t, ids(want[4:8]), ids(page.Contacts))
		assert.Equal(t, crm.ListPage{Contacts: page.Contacts, Total: len(want), Page: 2, More: true}, page)
	})
}

// TestListContactsPagingSeesEveryContactOnce pages through a location while
// contacts are created between pages: every contact that existed when
// paging began comes back exactly once, in order.
func TestListContactsPagingSeesEveryContactOnce(t *testing.T) {
	for _, query := range []string{"", "x"} {
		t.Run("query "+query, func(t *testing.T) {
			s, clk := newStore(t)
			var want []string
			for i := range 97 {
				c := create(t, s, clk, locA, person(fmt.Sprint("P", i), "X", "", ""))
				want = slices.Insert(want, 0, c.ID)
			}
			var got []string
			q := crm.ListQuery{Limit: 10, Query: query}
			for pages := 0; ; pages++ {
				require.Less(t, pages, 20, "paging does not end")
				page, err := s.ListContacts(t.Context(), locA, q)
				require.NoError(t, err)
				got = append(got, ids(page.Contacts)...)
				// Meanwhile someone else keeps creating contacts.
				create(t, s, clk, locA, person("Late", "X", "", ""))
				create(t, s, clk, locA, person("Later", "X", "", ""))
				if !page.More {
					break
				}
				last := page.Contacts[len(page.Contacts)-1]
				q.StartAfter, q.StartAfterID = last.DateAdded, last.ID
			}
			assert.Equal(t, want, got)
		})
	}
}

func TestContactsByBusiness(t *testing.T) {
	s, clk := newStore(t)
	ctx := t.Context()
	in := func(first, last string) crm.ContactInput {
		p := person(first, last, "", "")
		p.BusinessID = ptr(businessA)
		return p
	}
	zed := create(t, s, clk, locA, in("Zed", "Zulu"))
	amy := create(t, s, clk, locA, in("amy", "Alpha"))
	bob := create(t, s, clk, locA, in("Bob", "Bravo"))
	unnamed := create(t, s, clk, locA, crm.ContactInput{Email: ptr("x@x.com"), BusinessID: ptr(businessA)})
	create(t, s, clk, locA, person("Not", "Member", "", ""))

	cs, total, err := s.ContactsByBusiness(ctx, locA, businessA, crm.BusinessQuery{})
	require.NoError(t, err)
	assert.Equal(t, 4, total)
	assert.Equal(t, []string{amy.ID, bob.ID, zed.ID, unnamed.ID}, ids(cs), "by name, unnamed last")

	cs, total, err = s.ContactsByBusiness(ctx, locA, businessA, crm.BusinessQuery{Skip: 1, Limit: 2})
	require.NoError(t, err)
	assert.Equal(t, 4, total)
	assert.Equal(t, []string{bob.ID, zed.ID}, ids(cs))

	cs, total, err = s.ContactsByBusiness(ctx, locA, businessA, crm.BusinessQuery{Query: "BRAVO"})
	require.NoError(t, err)
	assert.Equal(t, 1, total)
	assert.Equal(t, []string{bob.ID}, ids(cs))

	cs, total, err = s.ContactsByBusiness(ctx, locA, businessA, crm.BusinessQuery{Skip: 10})
	require.NoError(t, err)
	assert.Equal(t, 4, total)
	assert.Empty(t, cs)

	cs, total, err = s.ContactsByBusiness(ctx, locA, "000000000000000000000000", crm.BusinessQuery{})
	require.NoError(t, err)
	assert.Zero(t, total)
	assert.Empty(t, cs)

	cs, total, err = s.ContactsByBusiness(ctx, locB, businessA, crm.BusinessQuery{})
	require.NoError(t, err)
	assert.Zero(t, total, "another location sees none of them")
	assert.Empty(t, cs)
}

func TestContactsByBusinessLimit(t *testing.T) {
	s, clk := newStore(t)
	for i := range 130 {
		in := person(fmt.Sprintf("N%03d", i), "X", "", "")
		in.BusinessID = ptr(businessA)
		create(t, s, clk, locA, in)
	}
	for limit, want := range map[int]int{0: 25, 10: 10, 100: 100, 1000: 100} {
		cs, total, err := s.ContactsByBusiness(t.Context(), locA, businessA, crm.BusinessQuery{Limit: limit})
		require.NoError(t, err)
		assert.Equal(t, 130, total)
		assert.Len(t, cs, want, "limit %d", limit)
	}
}

// listAll is the whole location in list order.
func listAll(t *testing.T, s *inmem.Store, loc string) []crm.Contact {
	t.Helper()
	var out []crm.Contact
	q := crm.ListQuery{Limit: 100}
	for {
		page, err := s.ListContacts(t.Context(), loc, q)
		require.NoError(t, err)
		out = append(out, page.Contacts...)
		if !page.More {
			return out
		}
		last := page.Contacts[len(page.Contacts)-1]
		q.StartAfter, q.StartAfterID = last.DateAdded, last.ID
	}
}

// TestQueriesSurviveHaystackCompaction rewrites contacts until the query
// buffer has been compacted several times, then checks that queries still
// find exactly the right contacts.
func TestQueriesSurviveHaystackCompaction(t *testing.T) {
	s, clk := newStore(t)
	ctx := t.Context()
	var cs []crm.Contact
	for i := range 100 {
		cs = append(cs, create(t, s, clk, locA, person(fmt.Sprintf("Name%03d", i), "X", "", "")))
	}
	company := strings.Repeat("filler ", 60) // 420 bytes per rewrite: megabytes of dead segments
	for round := range 30 {
		for i, c := range cs {
			in := crm.ContactInput{CompanyName: ptr(fmt.Sprintf("%s round%02d", company, round))}
			if i%10 == 0 && round == 29 {
				in.LastName = ptr("Marked")
			}
			_, err := s.UpdateContact(ctx, locA, c.ID, in)
			require.NoError(t, err)
		}
		require.NoError(t, s.DeleteContact(ctx, locA, cs[len(cs)-1].ID))
		cs = cs[:len(cs)-1]
	}
	for query, want := range map[string]int{"marked": 7, "round29": len(cs), "round28": 0, "name003": 1, "name099": 0, "filler": len(cs)} {
		page, err := s.ListContacts(ctx, locA, crm.ListQuery{Query: query, Limit: 100})
		require.NoError(t, err)
		assert.Equal(t, want, page.Total, query)
		assert.Len(t, page.Contacts, want, query)
		res, err := s.SearchContacts(ctx, locA, crm.SearchQuery{PageLimit: 100, Query: query})
		require.NoError(t, err)
		assert.Equal(t, want, res.Total, query)
	}
	cs2, total, err := s.ContactsByBusiness(ctx, locA, businessA, crm.BusinessQuery{Query: "marked"})
	require.NoError(t, err)
	assert.Zero(t, total, "none has the business")
	assert.Empty(t, cs2)
}

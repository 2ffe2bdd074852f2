package inmem_test

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/inmem"
)

// The oracle answers searches by brute force over exported contacts, written
// from the documented semantics without the store's code: strings compared
// after strings.ToLower (ids exactly), multi-valued fields matching when any
// value does, missing values sorted last, ties broken by id in the first
// key's direction.

type oracleKind int

const (
	okString oracleKind = iota // case-insensitive
	okExact                    // ids
	okBool
	okNumber // ranges on numbers, ms or dates
)

type oracleField struct {
	kind   oracleKind
	values func(c *crm.Contact) []string        // okString, okExact
	number func(c *crm.Contact) (float64, bool) // okNumber
	phone  bool
	dates  bool
}

func one(f func(c *crm.Contact) string) func(c *crm.Contact) []string {
	return func(c *crm.Contact) []string { return []string{f(c)} }
}

func customValue(c *crm.Contact, id string) any {
	for _, f := range c.CustomFields {
		if f.ID == id {
			return f.Value
		}
	}
	return nil
}

func oracleDate(s string) (float64, bool) {
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return float64(t.UnixMilli()), true
	}
	return 0, false
}

var oracleFields = map[string]oracleField{
	"id":                 {kind: okExact, values: one(func(c *crm.Contact) string { return c.ID })},
	"contactName":        {kind: okString, values: one(func(c *crm.Contact) string { return c.DisplayName() })},
	"firstName":          {kind: okString, values: one(func(c *crm.Contact) string { return c.FirstName })},
	"firstNameLowerCase": {kind: okString, values: one(func(c *crm.Contact) string { return c.FirstName })},
	"lastName":           {kind: okString, values: one(func(c *crm.Contact) string { return c.LastName })},
	"lastNameLowerCase":  {kind: okString, values: one(func(c *crm.Contact) string { return c.LastName })},
	"email":              {kind: okString, values: one(func(c *crm.Contact) string { return c.Email })},
	"phone":              {kind: okString, values: one(func(c *crm.Contact) string { return c.Phone }), phone: true},
	"companyName":        {kind: okString, values: one(func(c *crm.Contact) string { return c.CompanyName })},
	"businessName":       {kind: okString, values: one(func(c *crm.Contact) string { return c.CompanyName })},
	"type":               {kind: okString, values: one(func(c *crm.Contact) string { return c.Type })},
	"source":             {kind: okString, values: one(func(c *crm.Contact) string { return c.Source })},
	"city":               {kind: okString, values: one(func(c *crm.Contact) string { return c.City })},
	"state":              {kind: okString, values: one(func(c *crm.Contact) string { return c.State })},
	"postalCode":         {kind: okString, values: one(func(c *crm.Contact) string { return c.PostalCode })},
	"address1":           {kind: okString, values: one(func(c *crm.Contact) string { return c.Address1 })},
	"website":            {kind: okString, values: one(func(c *crm.Contact) string { return c.Website })},
	"timezone":           {kind: okString, values: one(func(c *crm.Contact) string { return c.Timezone })},
	"tags":               {kind: okString, values: func(c *crm.Contact) []string { return c.Tags }},
	"assignedTo":         {kind: okExact, values: one(func(c *crm.Contact) string { return c.AssignedTo })},
	"businessId":         {kind: okExact, values: one(func(c *crm.Contact) string { return c.BusinessID })},
	"followers":          {kind: okExact, values: func(c *crm.Contact) []string { return c.Followers }},
	"dnd":                {kind: okBool},
	"dateAdded":          {kind: okNumber, dates: true, number: func(c *crm.Contact) (float64, bool) { return float64(c.DateAdded), true }},
	"dateUpdated":        {kind: okNumber, dates: true, number: func(c *crm.Contact) (float64, bool) { return float64(c.DateUpdated), true }},
	"lastActivity": {kind: okNumber, dates: true, number: func(c *crm.Contact) (float64, bool) {
		return float64(c.LastActivity), c.LastActivity != 0
	}},
	"dateOfBirth": {kind: okNumber, dates: true, number: func(c *crm.Contact) (float64, bool) { return oracleDate(c.DateOfBirth) }},
	"customFields." + cfColour: {kind: okString, values: func(c *crm.Contact) []string {
		if s, ok := customValue(c, cfColour).(string); ok {
			return []string{s}
		}
		return nil // no value: no values, like an empty tag list
	}},
	"customFields." + cfInterests: {kind: okString, values: func(c *crm.Contact) []string {
		s, _ := customValue(c, cfInterests).([]string)
		return s
	}},
	"customFields." + cfScore: {kind: okNumber, number: func(c *crm.Contact) (float64, bool) {
		f, ok := customValue(c, cfScore).(float64)
		return f, ok
	}},
	"customFields." + cfRenewal: {kind: okNumber, dates: true, number: func(c *crm.Contact) (float64, bool) {
		s, _ := customValue(c, cfRenewal).(string)
		return oracleDate(s)
	}},
}

func oracleFilters(c *crm.Contact, fs []crm.Filter) bool {
	for _, f := range fs {
		if !oracleFilter(c, f) {
			return false
		}
	}
	return true
}

func oracleFilter(c *crm.Contact, f crm.Filter) bool {
	switch f.Group {
	case "AND":
		return oracleFilters(c, f.Filters)
	case "OR":
		for _, g := range f.Filters {
			if oracleFilter(c, g) {
				return true
			}
		}
		return false
	}
	spec := oracleFields[f.Field]
	switch f.Operator {
	case "not_eq":
		return !oracleFilter(c, crm.Filter{Field: f.Field, Operator: "eq", Value: f.Value})
	case "not_contains":
		return !oracleFilter(c, crm.Filter{Field: f.Field, Operator: "contains", Value: f.Value})
	case "not_exists":
		return !oracleFilter(c, crm.Filter{Field: f.Field, Operator: "exists"})
	}
	switch spec.kind {
	case okBool:
		return f.Operator == "exists" || c.DND == f.Value.(bool)
	case okNumber:
		v, ok := spec.number(c)
		if f.Operator == "exists" || !ok {
			return ok
		}
		if f.Operator == "eq" {
			return v == f.Value.(float64)
		}
		for bound, b := range f.Value.(map[string]any) {
			x := oracleBound(b)
			if bound == "gt" && !(v > x) || bound == "gte" && !(v >= x) || bound == "lt" && !(v < x) || bound == "lte" && !(v <= x) {
				return false
			}
		}
		return true
	}
	norm := strings.ToLower
	if spec.kind == okExact {
		norm = func(s string) string { return s }
	}
	for _, v := range spec.values(c) {
		switch f.Operator {
		case "exists":
			if v != "" {
				return true
			}
		case "contains":
			if strings.Contains(norm(v), norm(f.Value.(string))) {
				return true
			}
		case "eq":
			want := f.Value.(string)
			if norm(v) == norm(want) || spec.phone && v == crm.NormalizePhone(want, "US") {
				return true
			}
		}
	}
	return false
}

func oracleBound(b any) float64 {
	switch x := b.(type) {
	case float64:
		return x
	case string:
		if m, ok := crm.ParseMillis(x); ok {
			return float64(m)
		}
	}
	panic(fmt.Sprintf("oracle: bound %v", b))
}

func oracleQuery(c *crm.Contact, q string) bool {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" {
		return true
	}
	full := strings.TrimSpace(c.FirstName + " " + c.LastName)
	for _, v := range []string{c.DisplayName(), full, c.Email, c.Phone, c.CompanyName} {
		if strings.Contains(strings.ToLower(v), q) {
			return true
		}
	}
	return false
}

// oracleSortValue is a contact's value for a sort field.
func oracleSortValue(c *crm.Contact, field string) any {
	switch field {
	case "dateAdded":
		return int64(c.DateAdded)
	case "dateUpdated":
		return int64(c.DateUpdated)
	case "dnd":
		return c.DND
	case "firstNameLowerCase":
		return strings.ToLower(c.FirstName)
	case "lastNameLowerCase":
		return strings.ToLower(c.LastName)
	case "contactName":
		return strings.ToLower(c.DisplayName())
	case "businessName", "companyName":
		return strings.ToLower(c.CompanyName)
	case "email":
		return strings.ToLower(c.Email)
	case "source":
		return strings.ToLower(c.Source)
	}
	panic("oracle: sort " + field)
}

func oracleCompareValues(a, b any, desc bool) int {
	var c int
	switch x := a.(type) {
	case int64:
		c = cmp.Compare(x, b.(int64))
	case bool:
		y := b.(bool)
		switch {
		case x == y:
		case !x:
			c = -1
		default:
			c = 1
		}
	case string:
		y := b.(string)
		switch {
		case x == y:
			return 0
		case x == "":
			return 1 // missing last, whatever the direction
		case y == "":
			return -1
		}
		c = strings.Compare(x, y)
	}
	if desc {
		c = -c
	}
	return c
}

func oracleSorts(sorts []crm.Sort) []crm.Sort {
	if len(sorts) == 0 {
		return []crm.Sort{{Field: "dateAdded", Direction: "desc"}}
	}
	return sorts
}

// oracleCursor is the searchAfter of a contact.
func oracleCursor(c *crm.Contact, sorts []crm.Sort) []any {
	var out []any
	for _, s := range oracleSorts(sorts) {
		out = append(out, oracleSortValue(c, s.Field))
	}
	return append(out, c.ID)
}

func oracleCompareCursors(a, b []any, sorts []crm.Sort) int {
	sorts = oracleSorts(sorts)
	for i, s := range sorts {
		if c := oracleCompareValues(a[i], b[i], s.Direction == "desc"); c != 0 {
			return c
		}
	}
	c := strings.Compare(a[len(sorts)].(string), b[len(sorts)].(string))
	if sorts[0].Direction == "desc" {
		c = -c
	}
	return c
}

// oracleSearch returns every match in order.
func oracleSearch(cs []crm.Contact, q crm.SearchQuery) []crm.Contact {
	type row struct {
		c   *crm.Contact
		cur []any
	}
	var rows []row
	for i := range cs {
		if oracleFilters(&cs[i], q.Filters) && oracleQuery(&cs[i], q.Query) {
			rows = append(rows, row{&cs[i], oracleCursor(&cs[i], q.Sort)})
		}
	}
	slices.SortFunc(rows, func(a, b row) int { return oracleCompareCursors(a.cur, b.cur, q.Sort) })
	out := make([]crm.Contact, len(rows))
	for i, r := range rows {
		out[i] = *r.c
	}
	return out
}

// filterGen makes random, valid filters whose values come from the data, so
// that they match some contacts and not others.
type filterGen struct {
	r  *rand.Rand
	cs []crm.Contact
}

func (g *filterGen) contact() *crm.Contact { return &g.cs[g.r.IntN(len(g.cs))] }

func (g *filterGen) randomCase(s string) string {
	switch g.r.IntN(3) {
	case 0:
		return strings.ToUpper(s)
	case 1:
		return strings.ToLower(s)
	}
	return s
}

func (g *filterGen) filter(depth int) crm.Filter {
	if depth < 3 && g.r.IntN(5) == 0 {
		group := crm.Filter{Group: []string{"AND", "OR"}[g.r.IntN(2)]}
		for range 1 + g.r.IntN(3) {
			group.Filters = append(group.Filters, g.filter(depth+1))
		}
		return group
	}
	names := make([]string, 0, len(oracleFields))
	for name := range oracleFields {
		names = append(names, name)
	}
	slices.Sort(names)
	name := names[g.r.IntN(len(names))]
	spec := oracleFields[name]
	f := crm.Filter{Field: name}
	if g.r.IntN(6) == 0 {
		f.Operator = []string{"exists", "not_exists"}[g.r.IntN(2)]
		return f
	}
	switch spec.kind {
	case okBool:
		f.Operator = []string{"eq", "not_eq"}[g.r.IntN(2)]
		f.Value = g.r.IntN(2) == 0
	case okNumber:
		v, ok := spec.number(g.contact())
		w, ok2 := spec.number(g.contact())
		if !ok || !ok2 {
			f.Operator = "exists"
			return f
		}
		if !spec.dates && g.r.IntN(3) == 0 {
			f.Operator, f.Value = []string{"eq", "not_eq"}[g.r.IntN(2)], v
			return f
		}
		lo, hi := min(v, w), max(v, w)
		bound := func(x float64) any {
			if spec.dates && g.r.IntN(2) == 0 {
				return crm.Millis(x).String()
			}
			return x
		}
		m := map[string]any{}
		switch g.r.IntN(4) {
		case 0:
			m["gte"], m["lte"] = bound(lo), bound(hi)
		case 1:
			m["gt"], m["lt"] = bound(lo), bound(hi)
		case 2:
			m["gt"] = bound(lo)
		default:
			m["lte"] = bound(hi)
		}
		f.Operator, f.Value = "range", m
	default:
		vals := spec.values(g.contact())
		v := ""
		if len(vals) > 0 {
			v = vals[g.r.IntN(len(vals))]
		}
		ops := []string{"eq", "not_eq"}
		if spec.kind == okString && !strings.HasPrefix(name, "customFields."+cfInterests) {
			ops = append(ops, "contains", "not_contains")
		}
		f.Operator = ops[g.r.IntN(len(ops))]
		if strings.Contains(f.Operator, "contains") {
			if r := []rune(v); len(r) > 0 {
				start := g.r.IntN(len(r))
				v = string(r[start:min(len(r), start+1+g.r.IntN(4))])
			}
		}
		if spec.kind == okString {
			v = g.randomCase(v)
		}
		f.Value = v
	}
	return f
}

var oracleSortFields = []string{"firstNameLowerCase", "lastNameLowerCase", "contactName", "businessName", "companyName", "email", "dnd", "source", "dateAdded", "dateUpdated"}

func (g *filterGen) query() crm.SearchQuery {
	q := crm.SearchQuery{PageLimit: 1 + g.r.IntN(60)}
	for range g.r.IntN(4) {
		q.Filters = append(q.Filters, g.filter(0))
	}
	for range g.r.IntN(3) {
		q.Sort = append(q.Sort, crm.Sort{Field: oracleSortFields[g.r.IntN(len(oracleSortFields))], Direction: []string{"asc", "desc"}[g.r.IntN(2)]})
	}
	if g.r.IntN(4) == 0 {
		c := g.contact()
		src := []string{c.FirstName, c.LastName, c.Email, c.Phone, c.CompanyName}[g.r.IntN(5)]
		if r := []rune(src); len(r) > 0 {
			start := g.r.IntN(len(r))
			q.Query = g.randomCase(string(r[start:min(len(r), start+2+g.r.IntN(4))]))
		}
	}
	return q
}

func TestSearchContactsAgreesWithOracle(t *testing.T) {
	d := newGen(7).location(fixtureLocation(locA), 3000, false)
	clk := newClock()
	s, err := inmem.New(crm.Dataset{Locations: []crm.LocationData{d}}, inmem.Options{Now: clk.Now, IDs: crm.NewIDGen(1), NormalizePhones: true})
	require.NoError(t, err)
	// Some live changes, so the oracle also judges a store that was written to.
	ctx := t.Context()
	for i, c := range d.Contacts[:200] {
		switch i % 4 {
		case 0:
			require.NoError(t, s.DeleteContact(ctx, locA, c.ID))
		case 1:
			_, err := s.UpdateContact(ctx, locA, c.ID, crm.ContactInput{FirstName: ptr("Updated"), CompanyName: ptr("")})
			require.NoError(t, err)
		case 2:
			_, _, err := s.AddTags(ctx, locA, c.ID, []string{"added later"})
			require.NoError(t, err)
		}
	}
	cs := export(t, s, locA).Locations[0].Contacts
	g := &filterGen{r: rand.New(rand.NewPCG(11, 13)), cs: cs}

	t.Run("random queries", func(t *testing.T) {
		matched := 0
		for n := range 400 {
			q := g.query()
			want := oracleSearch(cs, q)
			if len(want) > 0 {
				matched++
			}
			pages := max(1, (len(want)+q.PageLimit-1)/q.PageLimit)
			q.Page = 1 + g.r.IntN(min(pages, 10_000/q.PageLimit))
			res, err := s.SearchContacts(ctx, locA, q)
			require.NoError(t, err, "query %d: %+v", n, q)
			require.Equal(t, len(want), res.Total, "query %d: %+v", n, q)
			from := min((q.Page-1)*q.PageLimit, len(want))
			wantPage := want[from:min(from+q.PageLimit, len(want))]
			require.Equal(t, ids(wantPage), hitIDs(res.Contacts), "query %d: %+v", n, q)
			for k, h := range res.Contacts {
				require.Equal(t, oracleCursor(&wantPage[k], q.Sort), h.SearchAfter, "query %d: cursor of hit %d", n, k)
			}
		}
		assert.Greater(t, matched, 200, "too many queries match nothing to be telling")
	})

	t.Run("paging through everything", func(t *testing.T) {
		for n := range 12 {
			q := g.query()
			q.PageLimit = 1 + g.r.IntN(300)
			want := ids(oracleSearch(cs, q))

			var byCursor []string
			cur := q
			for guard := 0; ; guard++ {
				require.Less(t, guard, 5000)
				res, err := s.SearchContacts(ctx, locA, cur)
				require.NoError(t, err)
				require.Equal(t, len(want), res.Total)
				if len(res.Contacts) == 0 {
					break
				}
				byCursor = append(byCursor, hitIDs(res.Contacts)...)
				cur.SearchAfter = res.Contacts[len(res.Contacts)-1].SearchAfter
			}
			assert.Equal(t, want, byCursor, "searchAfter, query %d: %+v", n, q)

			var byPage []string
			for page := 1; (page-1)*q.PageLimit < len(want); page++ {
				q.Page = page
				res, err := s.SearchContacts(ctx, locA, q)
				require.NoError(t, err)
				byPage = append(byPage, hitIDs(res.Contacts)...)
			}
			assert.Equal(t, want, byPage, "page, query %d: %+v", n, q)
		}
	})

	t.Run("cursors survive JSON", func(t *testing.T) {
		// A cursor comes back from clients as JSON: numbers as float64.
		q := crm.SearchQuery{PageLimit: 50, Sort: []crm.Sort{{Field: "dateUpdated", Direction: "asc"}, {Field: "email", Direction: "desc"}}}
		res, err := s.SearchContacts(ctx, locA, q)
		require.NoError(t, err)
		last := res.Contacts[len(res.Contacts)-1].SearchAfter
		q.SearchAfter = []any{float64(last[0].(int64)), last[1], last[2]}
		next, err := s.SearchContacts(ctx, locA, q)
		require.NoError(t, err)
		want := oracleSearch(cs, q)
		assert.Equal(t, ids(want[50:100]), hitIDs(next.Contacts))
		q.SearchAfter = []any{strconv.FormatInt(last[0].(int64), 10), last[1], last[2]}
		next, err = s.SearchContacts(ctx, locA, q)
		require.NoError(t, err)
		assert.Equal(t, ids(want[50:100]), hitIDs(next.Contacts), "ms as a decimal string")
	})
}

func hitIDs(hs []crm.SearchHit) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = h.ID
	}
	return out
}

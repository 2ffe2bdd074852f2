package inmem_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/inmem"
)

func TestCreateContactStoresNormalizedFields(t *testing.T) {
	s, clk := newStore(t)
	ctx := t.Context()
	in := person("  Rosan ", "Deo", "Rosan@Deos.com", "+1 888-888-8888")
	in.Tags = tags("VIP", " new lead ", "vip", "")
	in.DateOfBirth = ptr("09/25/1990")
	in.AssignedTo = ptr(userA1)
	in.BusinessID = ptr(businessA)
	in.DND = ptr(true)
	in.DNDSettings = map[string]crm.DNDSetting{"SMS": {Status: "active", Message: "stop"}}
	in.CustomFields = []crm.CustomFieldInput{
		{ID: cfColour, Value: "teal"},
		{Key: "contact.score", Value: 42},
		{Key: "interests", Value: []any{"golf", "chess"}},
	}
	in.Attribution = &crm.Attribution{Medium: "manual"}

	c, err := s.CreateContact(ctx, locA, in)
	require.NoError(t, err)

	assert.True(t, crm.IsID(c.ID), c.ID)
	assert.Equal(t, locA, c.LocationID)
	assert.Equal(t, "Rosan", c.FirstName, "trimmed")
	assert.Equal(t, "Rosan@Deos.com", c.Email, "case kept")
	assert.Equal(t, "+18888888888", c.Phone)
	assert.Equal(t, []string{"vip", "new lead"}, c.Tags)
	assert.Equal(t, "1990-09-25", c.DateOfBirth)
	assert.Equal(t, "lead", c.Type)
	assert.Equal(t, userA1, c.AssignedTo)
	assert.Equal(t, businessA, c.BusinessID)
	assert.True(t, c.DND)
	assert.Equal(t, map[string]crm.DNDSetting{"SMS": {Status: "active", Message: "stop"}}, c.DNDSettings)
	assert.Equal(t, []crm.CustomFieldValue{
		{ID: cfColour, Value: "teal"},
		{ID: cfScore, Value: float64(42)},
		{ID: cfInterests, Value: []string{"golf", "chess"}},
	}, c.CustomFields)
	assert.Equal(t, &crm.Attribution{Medium: "manual"}, c.Attribution)
	assert.Equal(t, clk.Millis(), c.DateAdded)
	assert.Equal(t, clk.Millis(), c.DateUpdated)

	got, err := s.Contact(ctx, locA, c.ID)
	require.NoError(t, err)
	assert.Equal(t, c, got)
}

func TestCreateContactKeepsPhonesVerbatimWhenNotNormalizing(t *testing.T) {
	s, _ := newStore(t, withOptions(func(o *inmem.Options) { o.NormalizePhones = false }))
	c, err := s.CreateContact(t.Context(), locA, person("A", "B", "", " +1 888-888-8888 "))
	require.NoError(t, err)
	assert.Equal(t, "+1 888-888-8888", c.Phone)

	_, found, err := s.DuplicateContact(t.Context(), locA, "", "+1 888-888-8888")
	require.NoError(t, err)
	assert.True(t, found, "the same verbatim phone is a duplicate")
	_, found, err = s.DuplicateContact(t.Context(), locA, "", "+18888888888")
	require.NoError(t, err)
	assert.False(t, found, "without normalization, formats differ")
}

func TestCreateContactUsesTheLocationCountryForPhones(t *testing.T) {
	s, _ := newStore(t)
	c, err := s.CreateContact(t.Context(), locB, person("Alan", "T", "", "020 7946 0958"))
	require.NoError(t, err)
	assert.Equal(t, "+442079460958", c.Phone)
}

func TestCreateContactRejectsInvalidInput(t *testing.T) {
	cases := []struct {
		name string
		in   crm.ContactInput
		want []string
	}{
		{"date of birth", crm.ContactInput{DateOfBirth: ptr("25th of September")}, []string{"dateOfBirth must be a valid date"}},
		{"assigned to a stranger", crm.ContactInput{AssignedTo: ptr(userB1)}, []string{"assignedTo must be a valid user id"}},
		{"unknown business", crm.ContactInput{BusinessID: ptr(businessB)}, []string{"businessId must be a valid business id"}},
		{"unknown custom field", crm.ContactInput{CustomFields: []crm.CustomFieldInput{{ID: "nope", Value: "x"}}}, []string{"customField nope does not exist"}},
		{"custom field without id", crm.ContactInput{CustomFields: []crm.CustomFieldInput{{Value: "x"}}}, []string{"customFields.0.id should not be empty"}},
		{"object custom field value", crm.ContactInput{CustomFields: []crm.CustomFieldInput{{ID: cfColour, Value: map[string]any{"a": 1}}}},
			[]string{"customFields.0.field_value must be a string, a number, a boolean or an array of strings"}},
		{"unknown dnd channel", crm.ContactInput{DNDSettings: map[string]crm.DNDSetting{"Fax": {Status: "active"}}}, []string{"dndSettings.Fax should not exist"}},
		{"permanent inbound dnd", crm.ContactInput{InboundDNDSettings: &crm.InboundDNDSettings{All: crm.DNDSetting{Status: "permanent"}}},
			[]string{"inboundDndSettings.all.status must be one of the following values: active, inactive"}},
		{"bad dnd status", crm.ContactInput{DNDSettings: map[string]crm.DNDSetting{"SMS": {Status: "on"}}},
			[]string{"dndSettings.SMS.status must be one of the following values: active, inactive, permanent"}},
		{"every problem at once", crm.ContactInput{DateOfBirth: ptr("x"), AssignedTo: ptr("x")},
			[]string{"assignedTo must be a valid user id", "dateOfBirth must be a valid date"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := newStore(t)
			unchanged(t, s, func() {
				_, err := s.CreateContact(t.Context(), locA, tc.in)
				e := requireCode(t, err, crm.EINVALID)
				assert.Equal(t, tc.want, e.Messages)
			})
		})
	}
}

func TestCreateContactRefusesDuplicates(t *testing.T) {
	s, clk := newStore(t)
	ctx := t.Context()
	first := create(t, s, clk, locA, person("Rosan", "Deo", "rosan@deos.com", "+1 888-888-8888"))

	cases := []struct {
		name, email, phone, field string
	}{
		{"same email, other case", "ROSAN@deos.com", "", "email"},
		{"same phone, other format", "", "(888) 888-8888", "phone"},
		{"both: email comes first", "rosan@deos.com", "+18888888888", "email"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			unchanged(t, s, func() {
				_, err := s.CreateContact(ctx, locA, person("X", "Y", tc.email, tc.phone))
				e := requireCode(t, err, crm.EDUPLICATE)
				require.NotNil(t, e.Duplicate)
				assert.Equal(t, crm.DuplicateMatch{ContactID: first.ID, ContactName: "Rosan Deo", MatchingField: tc.field}, *e.Duplicate)
			})
		})
	}

	t.Run("the same values in another location are no duplicates", func(t *testing.T) {
		_, err := s.CreateContact(ctx, locB, person("X", "Y", "rosan@deos.com", "+18888888888"))
		require.NoError(t, err)
	})
	t.Run("a deleted contact's values are free again", func(t *testing.T) {
		require.NoError(t, s.DeleteContact(ctx, locA, first.ID))
		_, err := s.CreateContact(ctx, locA, person("X", "Y", "rosan@deos.com", "+18888888888"))
		require.NoError(t, err)
	})
}

func TestCreateContactDuplicatePriorityPhoneFirst(t *testing.T) {
	s, clk := newStore(t, priority(locA, "phone", "email"))
	byEmail := create(t, s, clk, locA, person("E", "Mail", "e@x.com", ""))
	byPhone := create(t, s, clk, locA, person("P", "Hone", "", "+14155550101"))
	_, err := s.CreateContact(t.Context(), locA, person("X", "Y", "e@x.com", "+14155550101"))
	e := requireCode(t, err, crm.EDUPLICATE)
	assert.Equal(t, byPhone.ID, e.Duplicate.ContactID)
	assert.Equal(t, "phone", e.Duplicate.MatchingField)
	assert.NotEqual(t, byEmail.ID, e.Duplicate.ContactID)
}

func TestCreateContactAllowsDuplicatesWhenTheLocationDoes(t *testing.T) {
	s, clk := newStore(t, allowDuplicates(locA))
	a := create(t, s, clk, locA, person("A", "A", "same@x.com", "+14155550101"))
	b := create(t, s, clk, locA, person("B", "B", "same@x.com", "+14155550101"))
	assert.NotEqual(t, a.ID, b.ID)
	dup, found, err := s.DuplicateContact(t.Context(), locA, "same@x.com", "")
	require.NoError(t, err)
	require.True(t, found)
	assert.Equal(t, a.ID, dup.ID, "the oldest holder is the duplicate")

	require.NoError(t, s.DeleteContact(t.Context(), locA, a.ID))
	dup, found, err = s.DuplicateContact(t.Context(), locA, "same@x.com", "")
	require.NoError(t, err)
	require.True(t, found)
	assert.Equal(t, b.ID, dup.ID, "the next holder once the first is gone")
}

func TestContactUnknownIDs(t *testing.T) {
	s, clk := newStore(t)
	c := create(t, s, clk, locA, person("A", "B", "", ""))
	for _, id := range []string{"", "nope", "ocQHyuzHvysMo5N5VsXc", "has spaces in it", string(make([]byte, 65)), c.ID + "x"} {
		_, err := s.Contact(t.Context(), locA, id)
		requireNotFound(t, err, crm.ResourceContact, id)
	}
}

func TestUpdateContactAppliesOnlyGivenFields(t *testing.T) {
	s, clk := newStore(t)
	ctx := t.Context()
	in := person("Rosan", "Deo", "rosan@deos.com", "+18888888888")
	in.Tags = tags("a", "b")
	in.City = ptr("Dolomite")
	in.CustomFields = []crm.CustomFieldInput{{ID: cfColour, Value: "red"}, {ID: cfScore, Value: 1.5}}
	in.DNDSettings = map[string]crm.DNDSetting{"SMS": {Status: "active"}, "Email": {Status: "inactive"}}
	in.InboundDNDSettings = &crm.InboundDNDSettings{All: crm.DNDSetting{Status: "active", Message: "paused"}}
	c := create(t, s, clk, locA, in)
	assert.Equal(t, &crm.InboundDNDSettings{All: crm.DNDSetting{Status: "active", Message: "paused"}}, c.InboundDNDSettings)

	clk.Advance(time.Minute)
	up, err := s.UpdateContact(ctx, locA, c.ID, crm.ContactInput{
		FirstName:    ptr("Rosa"),
		City:         ptr(""),
		Tags:         tags("C"),
		Type:         ptr(""),
		CustomFields: []crm.CustomFieldInput{{Key: "favourite_colour", Value: "blue"}, {ID: cfScore, Value: nil}},
		DNDSettings:  map[string]crm.DNDSetting{"SMS": {Status: "inactive"}},
	})
	require.NoError(t, err)

	want := c
	want.FirstName = "Rosa"
	want.City = ""
	want.Tags = []string{"c"}
	want.CustomFields = []crm.CustomFieldValue{{ID: cfColour, Value: "blue"}}
	want.DNDSettings = map[string]crm.DNDSetting{"SMS": {Status: "inactive"}, "Email": {Status: "inactive"}}
	want.DateUpdated = clk.Millis()
	assert.Equal(t, want, up)
	assert.Equal(t, c.DateAdded, up.DateAdded)

	got, err := s.Contact(ctx, locA, c.ID)
	require.NoError(t, err)
	assert.Equal(t, up, got)
}

func TestUpdateContactNameIsFoundByQuery(t *testing.T) {
	s, clk := newStore(t)
	c := create(t, s, clk, locA, person("Rosan", "Deo", "", ""))
	_, err := s.UpdateContact(t.Context(), locA, c.ID, crm.ContactInput{LastName: ptr("Quintero")})
	require.NoError(t, err)
	for query, want := range map[string]int{"quintero": 1, "deo": 0} {
		page, err := s.ListContacts(t.Context(), locA, crm.ListQuery{Query: query})
		require.NoError(t, err)
		assert.Equal(t, want, page.Total, query)
	}
}

func TestUpdateContactRefusesDuplicates(t *testing.T) {
	s, clk := newStore(t)
	ctx := t.Context()
	a := create(t, s, clk, locA, person("A", "A", "a@x.com", "+14155550101"))
	b := create(t, s, clk, locA, person("B", "B", "b@x.com", "+14155550102"))

	unchanged(t, s, func() {
		_, err := s.UpdateContact(ctx, locA, b.ID, crm.ContactInput{Email: ptr("A@X.COM"), City: ptr("Nowhere")})
		e := requireCode(t, err, crm.EDUPLICATE)
		assert.Equal(t, crm.DuplicateMatch{ContactID: a.ID, ContactName: "A A", MatchingField: "email"}, *e.Duplicate)
	})
	unchanged(t, s, func() {
		_, err := s.UpdateContact(ctx, locA, b.ID, crm.ContactInput{Phone: ptr("415-555-0101")})
		e := requireCode(t, err, crm.EDUPLICATE)
		assert.Equal(t, "phone", e.Duplicate.MatchingField)
	})
	t.Run("keeping one's own values is fine", func(t *testing.T) {
		_, err := s.UpdateContact(ctx, locA, a.ID, crm.ContactInput{Email: ptr("A@x.com"), Phone: ptr("+14155550101")})
		require.NoError(t, err)
	})
	t.Run("invalid input changes nothing", func(t *testing.T) {
		unchanged(t, s, func() {
			_, err := s.UpdateContact(ctx, locA, a.ID, crm.ContactInput{FirstName: ptr("Z"), AssignedTo: ptr("stranger")})
			requireCode(t, err, crm.EINVALID)
		})
	})
}

func TestDeleteContactIsSoft(t *testing.T) {
	s, clk := newStore(t)
	ctx := t.Context()
	c := create(t, s, clk, locA, person("A", "B", "a@x.com", ""))
	task, err := s.CreateTask(ctx, locA, c.ID, crm.TaskInput{Title: ptr("call"), DueDate: ptr(clk.Millis()), Completed: ptr(false)})
	require.NoError(t, err)

	require.NoError(t, s.DeleteContact(ctx, locA, c.ID))

	_, err = s.Contact(ctx, locA, c.ID)
	requireNotFound(t, err, crm.ResourceContact, c.ID)
	requireNotFound(t, s.DeleteContact(ctx, locA, c.ID), crm.ResourceContact, c.ID)
	_, err = s.Tasks(ctx, locA, c.ID)
	requireNotFound(t, err, crm.ResourceContact, c.ID)

	page, err := s.ListContacts(ctx, locA, crm.ListQuery{})
	require.NoError(t, err)
	assert.Zero(t, page.Total)
	res, err := s.SearchContacts(ctx, locA, crm.SearchQuery{PageLimit: 10})
	require.NoError(t, err)
	assert.Zero(t, res.Total)
	_, found, err := s.DuplicateContact(ctx, locA, "a@x.com", "")
	require.NoError(t, err)
	assert.False(t, found)

	loc, ok := inmem.LocationOf(ctx, s, c.ID)
	assert.True(t, ok)
	assert.Equal(t, locA, loc)

	d := export(t, s, locA).Locations[0]
	assert.Empty(t, d.Contacts)
	assert.Equal(t, []string{c.ID}, d.Deleted)
	assert.Equal(t, []crm.Task{task}, d.Tasks, "tasks survive their contact")
}

func TestReturnedContactsAreCopies(t *testing.T) {
	s, clk := newStore(t)
	ctx := t.Context()
	in := person("A", "B", "a@x.com", "")
	in.Tags = tags("one")
	in.CustomFields = []crm.CustomFieldInput{{ID: cfInterests, Value: []string{"golf"}}}
	in.DNDSettings = map[string]crm.DNDSetting{"SMS": {Status: "active"}}
	in.Attribution = &crm.Attribution{Medium: "manual"}
	c := create(t, s, clk, locA, in)
	_, _, err := s.AddFollowers(ctx, locA, c.ID, []string{userA1})
	require.NoError(t, err)
	require.NoError(t, s.AddToWorkflow(ctx, locA, c.ID, workflowA, ""))
	require.NoError(t, s.AddToCampaign(ctx, locA, c.ID, campaignA))

	before, err := s.Contact(ctx, locA, c.ID)
	require.NoError(t, err)
	want := before.Clone()
	scribble := func(c crm.Contact) {
		c.Tags[0] = "scribbled"
		c.CustomFields[0].Value.([]string)[0] = "scribbled"
		c.CustomFields[0].ID = "scribbled"
		c.DNDSettings["SMS"] = crm.DNDSetting{Status: "scribbled"}
		c.Attribution.Medium = "scribbled"
		c.Followers[0] = "scribbled"
		c.Workflows[0].WorkflowID = "scribbled"
		c.Campaigns[0] = "scribbled"
	}
	scribble(before)
	page, err := s.ListContacts(ctx, locA, crm.ListQuery{})
	require.NoError(t, err)
	scribble(page.Contacts[0])
	res, err := s.SearchContacts(ctx, locA, crm.SearchQuery{PageLimit: 1})
	require.NoError(t, err)
	scribble(res.Contacts[0].Contact)
	d := export(t, s)
	scribble(d.Locations[0].Contacts[0])

	after, err := s.Contact(ctx, locA, c.ID)
	require.NoError(t, err)
	assert.Equal(t, want, after)

	// The input is not kept either.
	(*in.Tags)[0] = "scribbled"
	after, err = s.Contact(ctx, locA, c.ID)
	require.NoError(t, err)
	assert.Equal(t, []string{"one"}, after.Tags)
}

func TestContextCancelled(t *testing.T) {
	s, _ := newStore(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := s.CreateContact(ctx, locA, person("A", "B", "", ""))
	require.ErrorIs(t, err, context.Canceled)
	_, err = s.Export(ctx)
	require.ErrorIs(t, err, context.Canceled)
}

// TestDuplicateLookupNeedsE164: a phone with its country code matches in any
// format; a bare national number does not, as live GHL's lookup does not.
func TestDuplicateLookupNeedsE164(t *testing.T) {
	s, _ := newStore(t)
	c, err := s.CreateContact(t.Context(), locA, person("Pat", "Q", "", "(212) 555-0150"))
	require.NoError(t, err)
	require.Equal(t, "+12125550150", c.Phone)
	for _, q := range []string{"+12125550150", "+1 212-555-0150", " +1 (212) 555 0150 "} {
		got, found, err := s.DuplicateContact(t.Context(), locA, "", q)
		require.NoError(t, err)
		assert.True(t, found, q)
		assert.Equal(t, c.ID, got.ID, q)
	}
	for _, q := range []string{"2125550150", "12125550150", "(212) 555-0150"} {
		_, found, err := s.DuplicateContact(t.Context(), locA, "", q)
		require.NoError(t, err)
		assert.False(t, found, "%q is not E.164", q)
	}
}

// TestViewContactSeesWhatContactReturns: the copy-free read gives the same
// contact, and the same errors, as Contact.
func TestViewContactSeesWhatContactReturns(t *testing.T) {
	s, clk := newStore(t)
	c := create(t, s, clk, locA, person("Vi", "Ew", "vi@x.com", "+14155550123"))
	var seen crm.Contact
	_, err := s.ViewContact(t.Context(), locA, c.ID, 0, func(v *crm.Contact, _ uint64) { seen = v.Clone() })
	require.NoError(t, err)
	got, err := s.Contact(t.Context(), locA, c.ID)
	require.NoError(t, err)
	assert.Equal(t, got, seen)

	called := false
	_, err = s.ViewContact(t.Context(), locB, c.ID, 0, func(*crm.Contact, uint64) { called = true })
	requireCode(t, err, crm.EFORBIDDEN)
	_, err = s.ViewContact(t.Context(), locA, "zzzzzzzzzzzzzzzzzzzz", 0, func(*crm.Contact, uint64) { called = true })
	requireCode(t, err, crm.ENOTFOUND)
	assert.False(t, called)
}

// A location's version stays while only reads happen, moves with every
// write (one that fails too: it took the write lock), and is never one
// another location, or the same location before a reset, had.
func TestViewContactVersionMovesWithEveryWrite(t *testing.T) {
	s, clk := newStore(t)
	a := create(t, s, clk, locA, person("Ve", "Rsion", "ve@x.com", "+14155550124"))
	b := create(t, s, clk, locB, person("Ot", "Her", "ot@x.com", "+14155550125"))
	version := func(loc, id string) uint64 {
		t.Helper()
		var v uint64
		got, err := s.ViewContact(t.Context(), loc, id, 0, func(_ *crm.Contact, version uint64) { v = version })
		require.NoError(t, err)
		require.NotZero(t, v)
		require.Equal(t, v, got, "the version returned is the one fn saw")
		return v
	}
	seen := map[uint64]bool{}
	v := version(locA, a.ID)
	seen[v] = true
	_, err := s.Contact(t.Context(), locA, a.ID)
	require.NoError(t, err)
	_, err = s.ListContacts(t.Context(), locA, crm.ListQuery{Limit: 10})
	require.NoError(t, err)
	assert.Equal(t, v, version(locA, a.ID), "reads keep the version")

	vb := version(locB, b.ID)
	assert.False(t, seen[vb], "another location's version")
	seen[vb] = true

	city := "Boston"
	writes := []func() error{
		func() error {
			_, err := s.UpdateContact(t.Context(), locA, a.ID, crm.ContactInput{City: &city})
			return err
		},
		func() error { _, _, err := s.AddTags(t.Context(), locA, a.ID, []string{"new"}); return err },
		func() error {
			_, err := s.CreateNote(t.Context(), locA, a.ID, crm.NoteInput{Body: ptr("n")})
			return err
		},
		func() error {
			_, err := s.CreateContact(t.Context(), locA, person("Th", "Ird", "th@x.com", ""))
			return err
		},
		func() error { return s.DeleteContact(t.Context(), locA, "zzzzzzzzzzzzzzzzzzzz") }, // fails: not there
	}
	for i, w := range writes {
		_ = w()
		nv := version(locA, a.ID)
		assert.False(t, seen[nv], "write %d left a version seen before", i)
		seen[nv] = true
	}
	assert.Equal(t, vb, version(locB, b.ID), "a write to one location leaves the other's version")
}

// Viewing at a known version: fn is not called while the location is still
// at it, and is called again, with the new version, after any write; a
// missing contact is not found whatever the caller knew.
func TestViewContactAtAKnownVersion(t *testing.T) {
	s, clk := newStore(t)
	c := create(t, s, clk, locA, person("Kn", "Own", "kn@x.com", "+14155550126"))
	calls := 0
	view := func(known uint64) uint64 {
		t.Helper()
		v, err := s.ViewContact(t.Context(), locA, c.ID, known, func(*crm.Contact, uint64) { calls++ })
		require.NoError(t, err)
		return v
	}
	v := view(0)
	require.Equal(t, 1, calls)
	assert.Equal(t, v, view(v), "still at the known version")
	assert.Equal(t, 1, calls, "not viewed again at a known version")
	view(v + 1)
	assert.Equal(t, 2, calls, "viewed at a version the caller did not know")

	city := "Paris"
	_, err := s.UpdateContact(t.Context(), locA, c.ID, crm.ContactInput{City: &city})
	require.NoError(t, err)
	nv := view(v)
	assert.NotEqual(t, v, nv)
	assert.Equal(t, 3, calls, "viewed again after a write")

	_, err = s.ViewContact(t.Context(), locA, "zzzzzzzzzzzzzzzzzzzz", nv, func(*crm.Contact, uint64) { calls++ })
	requireCode(t, err, crm.ENOTFOUND)
	assert.Equal(t, 3, calls)
}

package inmem_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/inmem"
)

func TestUpsertContact(t *testing.T) {
	const (
		emailOnly = "email-only@x.com"
		phoneOnly = "+14155550102"
	)
	// Each case starts from the same two contacts: one known by email only,
	// one by phone only.
	cases := []struct {
		name      string
		opts      []storeOption
		in        crm.ContactInput
		createNew bool
		wantNew   bool
		// wantMatch names the updated contact: "email" or "phone" one.
		wantMatch string
		check     func(t *testing.T, c crm.Contact)
	}{
		{
			name: "email match updates that contact", in: person("New", "Name", "EMAIL-ONLY@x.com", ""),
			wantMatch: "email",
			check: func(t *testing.T, c crm.Contact) {
				assert.Equal(t, "New", c.FirstName)
				assert.Equal(t, "EMAIL-ONLY@x.com", c.Email, "the email as given now")
			},
		},
		{
			name: "phone match updates that contact", in: person("New", "Name", "", "(415) 555-0102"),
			wantMatch: "phone",
			check:     func(t *testing.T, c crm.Contact) { assert.Equal(t, "New", c.FirstName) },
		},
		{
			name: "email and phone of two contacts: the email one wins, the phone is ignored",
			in:   person("New", "Name", emailOnly, phoneOnly), wantMatch: "email",
			check: func(t *testing.T, c crm.Contact) {
				assert.Equal(t, "New", c.FirstName)
				assert.Empty(t, c.Phone, "the phone belongs to another contact: not applied")
			},
		},
		{
			name: "phone-first priority: the phone one wins, the email is ignored",
			opts: []storeOption{priority(locA, "phone", "email")},
			in:   person("New", "Name", emailOnly, phoneOnly), wantMatch: "phone",
			check: func(t *testing.T, c crm.Contact) { assert.Empty(t, c.Email) },
		},
		{
			name: "email match with a new phone applies the phone",
			in:   person("New", "Name", emailOnly, "+14155550199"), wantMatch: "email",
			check: func(t *testing.T, c crm.Contact) { assert.Equal(t, "+14155550199", c.Phone) },
		},
		{
			name: "no match creates", in: person("New", "Name", "fresh@x.com", "+14155550177"), wantNew: true,
			check: func(t *testing.T, c crm.Contact) { assert.Equal(t, "fresh@x.com", c.Email) },
		},
		{
			name: "neither email nor phone creates", in: crm.ContactInput{FirstName: ptr("Anon")}, wantNew: true,
			check: func(t *testing.T, c crm.Contact) { assert.Equal(t, "Anon", c.FirstName) },
		},
		{
			name: "createNewIfDuplicateAllowed is ignored when duplicates are not allowed",
			in:   person("New", "Name", emailOnly, ""), createNew: true, wantMatch: "email",
		},
		{
			name: "duplicates allowed and createNewIfDuplicateAllowed: always creates",
			opts: []storeOption{allowDuplicates(locA)},
			in:   person("New", "Name", emailOnly, phoneOnly), createNew: true, wantNew: true,
			check: func(t *testing.T, c crm.Contact) {
				assert.Equal(t, emailOnly, c.Email)
				assert.Equal(t, phoneOnly, c.Phone, "duplicates are allowed")
			},
		},
		{
			name: "duplicates allowed without createNewIfDuplicateAllowed: still matches and updates",
			opts: []storeOption{allowDuplicates(locA)},
			in:   person("New", "Name", emailOnly, phoneOnly), wantMatch: "email",
			check: func(t *testing.T, c crm.Contact) { assert.Equal(t, phoneOnly, c.Phone, "a duplicate phone is allowed") },
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, clk := newStore(t, tc.opts...)
			byEmail := create(t, s, clk, locA, person("E", "Mail", emailOnly, ""))
			byPhone := create(t, s, clk, locA, person("P", "Hone", "", phoneOnly))
			clk.Advance(time.Second)

			c, created, err := s.UpsertContact(t.Context(), locA, tc.in, tc.createNew)
			require.NoError(t, err)
			assert.Equal(t, tc.wantNew, created)
			page, err := s.ListContacts(t.Context(), locA, crm.ListQuery{})
			require.NoError(t, err)
			switch {
			case tc.wantNew:
				assert.NotContains(t, []string{byEmail.ID, byPhone.ID}, c.ID)
				assert.Equal(t, 3, page.Total)
			case tc.wantMatch == "email":
				assert.Equal(t, byEmail.ID, c.ID)
				assert.Equal(t, 2, page.Total)
			case tc.wantMatch == "phone":
				assert.Equal(t, byPhone.ID, c.ID)
				assert.Equal(t, 2, page.Total)
			}
			if !tc.wantNew {
				assert.Equal(t, clk.Millis(), c.DateUpdated)
			}
			got, err := s.Contact(t.Context(), locA, c.ID)
			require.NoError(t, err)
			assert.Equal(t, c, got)
			if tc.check != nil {
				tc.check(t, c)
			}
		})
	}
}

func TestUpsertContactInvalidInputChangesNothing(t *testing.T) {
	s, clk := newStore(t)
	create(t, s, clk, locA, person("E", "Mail", "a@x.com", ""))
	for _, in := range []crm.ContactInput{
		{Email: ptr("a@x.com"), DateOfBirth: ptr("never")},
		{Email: ptr("new@x.com"), AssignedTo: ptr("stranger")},
	} {
		unchanged(t, s, func() {
			_, _, err := s.UpsertContact(t.Context(), locA, in, false)
			requireCode(t, err, crm.EINVALID)
		})
	}
}

func TestDuplicateContact(t *testing.T) {
	s, clk := newStore(t)
	ctx := t.Context()
	a := create(t, s, clk, locA, person("A", "A", "a@x.com", "+14155550101"))
	b := create(t, s, clk, locA, person("B", "B", "b@x.com", "+14155550102"))

	cases := []struct {
		name, email, phone string
		want               string // "" for no match
	}{
		{"by email, any case", "A@X.com", "", a.ID},
		{"by phone in E.164", "", "+14155550102", b.ID},
		{"a national number is no match (GHL matches E.164 only)", "", "415-555-0102", ""},
		{"by phone with country code, formatted", "", "+1 415-555-0102", b.ID},
		{"email before phone", "a@x.com", "+14155550102", a.ID},
		{"unknown email falls back to phone", "nobody@x.com", "+14155550102", b.ID},
		{"nothing matches", "nobody@x.com", "+14155550199", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, found, err := s.DuplicateContact(ctx, locA, tc.email, tc.phone)
			require.NoError(t, err)
			assert.Equal(t, tc.want != "", found)
			assert.Equal(t, tc.want, c.ID)
		})
	}

	t.Run("neither email nor phone", func(t *testing.T) {
		_, _, err := s.DuplicateContact(ctx, locA, " ", "")
		e := requireCode(t, err, crm.EBADINPUT)
		assert.Equal(t, []string{"Pass at least one of number, email query parameter"}, e.Messages)
	})
	t.Run("another location's contacts are not seen", func(t *testing.T) {
		_, found, err := s.DuplicateContact(ctx, locB, "a@x.com", "+14155550101")
		require.NoError(t, err)
		assert.False(t, found)
	})
	t.Run("an updated email is found by its new value only", func(t *testing.T) {
		_, err := s.UpdateContact(ctx, locA, a.ID, crm.ContactInput{Email: ptr("renamed@x.com")})
		require.NoError(t, err)
		_, found, err := s.DuplicateContact(ctx, locA, "a@x.com", "")
		require.NoError(t, err)
		assert.False(t, found)
		c, found, err := s.DuplicateContact(ctx, locA, "RENAMED@x.com", "")
		require.NoError(t, err)
		assert.True(t, found)
		assert.Equal(t, a.ID, c.ID)
	})
}

func TestDuplicateContactPhonePriority(t *testing.T) {
	s, clk := newStore(t, priority(locA, "phone", "email"))
	a := create(t, s, clk, locA, person("A", "A", "a@x.com", ""))
	b := create(t, s, clk, locA, person("B", "B", "", "+14155550102"))
	c, found, err := s.DuplicateContact(t.Context(), locA, "a@x.com", "+14155550102")
	require.NoError(t, err)
	require.True(t, found)
	assert.Equal(t, b.ID, c.ID)
	assert.NotEqual(t, a.ID, c.ID)
}

// TestUpsertMatchesAdditionalEmails models GHL highlevel-api-docs#337: an
// upsert with an email that is no contact's primary email but one contact's
// additional email updates that contact; the email becomes its primary and
// leaves the additional ones, and the old primary is gone.
func TestUpsertMatchesAdditionalEmails(t *testing.T) {
	on := withOptions(func(o *inmem.Options) { o.UpsertMatchesAdditionalEmails = true })
	setup := func(t *testing.T, opts ...storeOption) (*inmem.Store, *clock, crm.Contact) {
		s, clk := newStore(t, opts...)
		in := person("John", "Doe", "john@doe.mail", "")
		in.AdditionalEmails = &[]string{"jane@doe.mail", "jo@doe.mail"}
		return s, clk, create(t, s, clk, locA, in)
	}
	count := func(t *testing.T, s *inmem.Store) int {
		page, err := s.ListContacts(t.Context(), locA, crm.ListQuery{})
		require.NoError(t, err)
		return page.Total
	}

	t.Run("the additional email's contact is updated", func(t *testing.T) {
		s, _, x := setup(t, on)
		c, created, err := s.UpsertContact(t.Context(), locA, crm.ContactInput{Email: ptr(" JANE@doe.mail ")}, false)
		require.NoError(t, err)
		assert.False(t, created)
		assert.Equal(t, x.ID, c.ID)
		assert.Equal(t, "JANE@doe.mail", c.Email, "the email is the primary now")
		assert.Equal(t, []string{"jo@doe.mail"}, c.AdditionalEmails, "it left the additional ones; the old primary is gone")
		assert.Equal(t, 1, count(t, s))
		_, found, err := s.DuplicateContact(t.Context(), locA, "john@doe.mail", "")
		require.NoError(t, err)
		assert.False(t, found, "nobody has john@doe.mail any more")

		again, created, err := s.UpsertContact(t.Context(), locA, crm.ContactInput{Email: ptr("jo@doe.mail"), FirstName: ptr("Jo")}, false)
		require.NoError(t, err)
		assert.False(t, created)
		assert.Equal(t, x.ID, again.ID, "the index follows the change")
		assert.Equal(t, "jo@doe.mail", again.Email)
		assert.Empty(t, again.AdditionalEmails)
	})
	t.Run("a primary match wins over it", func(t *testing.T) {
		s, clk, x := setup(t, on)
		y := create(t, s, clk, locA, person("Y", "Phone", "", "+14155550111"))
		c, created, err := s.UpsertContact(t.Context(), locA, crm.ContactInput{Email: ptr("jane@doe.mail"), Phone: ptr("+14155550111")}, false)
		require.NoError(t, err)
		assert.False(t, created)
		assert.Equal(t, y.ID, c.ID, "the phone is y's primary")
		got, err := s.Contact(t.Context(), locA, x.ID)
		require.NoError(t, err)
		assert.Equal(t, x, got, "x is untouched")
	})
	t.Run("switched off, or email not a matching field: it creates", func(t *testing.T) {
		for name, opts := range map[string][]storeOption{
			"off":        nil,
			"phone only": {on, priority(locA, "phone")},
		} {
			s, _, x := setup(t, opts...)
			c, created, err := s.UpsertContact(t.Context(), locA, crm.ContactInput{Email: ptr("jane@doe.mail")}, false)
			require.NoError(t, err, name)
			assert.True(t, created, name)
			assert.NotEqual(t, x.ID, c.ID, name)
			assert.Equal(t, 2, count(t, s), name)
		}
	})
	t.Run("deleted contacts are not matched", func(t *testing.T) {
		s, _, x := setup(t, on)
		require.NoError(t, s.DeleteContact(t.Context(), locA, x.ID))
		_, created, err := s.UpsertContact(t.Context(), locA, crm.ContactInput{Email: ptr("jane@doe.mail")}, false)
		require.NoError(t, err)
		assert.True(t, created)
	})
}

// TestUpsertMatchesAdditionalEmailsOfADataset: contacts that come with the
// dataset (seeded, fixtures, a state import) are matched too.
func TestUpsertMatchesAdditionalEmailsOfADataset(t *testing.T) {
	clk := newClock()
	d := crm.Dataset{Locations: []crm.LocationData{{
		Location: fixtureLocation(locA),
		Contacts: []crm.Contact{{ID: "Contact1aaaaaaaaaaaa", Email: "john@doe.mail", AdditionalEmails: []string{"Jane@Doe.mail"}}},
	}}}
	s, err := inmem.New(d, inmem.Options{Now: clk.Now, IDs: crm.NewIDGen(1), UpsertMatchesAdditionalEmails: true})
	require.NoError(t, err)
	c, created, err := s.UpsertContact(t.Context(), locA, crm.ContactInput{Email: ptr("jane@doe.mail")}, false)
	require.NoError(t, err)
	assert.False(t, created)
	assert.Equal(t, "Contact1aaaaaaaaaaaa", c.ID)
	assert.Equal(t, "jane@doe.mail", c.Email)
	assert.Empty(t, c.AdditionalEmails)
}

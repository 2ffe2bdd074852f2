package inmem_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/inmem"
)

// Locations of the small test fixture. A and B are two sub-accounts of the
// same agency; every test that writes to A checks B is untouched.
const (
	locA = "LocationAAAAAAAAAAA1"
	locB = "LocationBBBBBBBBBBB2"

	userA1 = "UserA1aaaaaaaaaaaaaa"
	userA2 = "UserA2aaaaaaaaaaaaaa"
	userB1 = "UserB1bbbbbbbbbbbbbb"

	businessA = "641c094001436dbc2081e642"
	businessB = "641c094001436dbc2081e643"

	campaignA = "CampaignAaaaaaaaaaa1"
	workflowA = "WorkflowAaaaaaaaaaa1"
	campaignB = "CampaignBbbbbbbbbbb2"
	workflowB = "WorkflowBbbbbbbbbbb2"

	cfColour    = "CfColouraaaaaaaaaaa1" // TEXT, key contact.favourite_colour
	cfScore     = "CfScoreaaaaaaaaaaaa1" // NUMERICAL, key contact.score
	cfRenewal   = "CfRenewalaaaaaaaaaa1" // DATE, key contact.renewal
	cfInterests = "CfInterestsaaaaaaaa1" // MULTIPLE_OPTIONS, key contact.interests
)

// clock is a fake clock; tests move it, never sleep.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock {
	return &clock{t: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func (c *clock) Millis() crm.Millis { return crm.MillisOf(c.Now()) }

func fixtureLocation(id string) crm.Location {
	l := crm.Location{ID: id, Name: "Location " + id, Timezone: "America/New_York", Country: "US"}
	switch id {
	case locA:
		l.Users = []crm.User{{ID: userA1, Name: "Ada"}, {ID: userA2, Name: "Grace"}}
		l.Businesses = []crm.Business{{ID: businessA, Name: "Acme"}}
		l.Campaigns = []crm.Campaign{{ID: campaignA, Name: "Spring"}}
		l.Workflows = []crm.Workflow{{ID: workflowA, Name: "Welcome"}}
		l.CustomFields = []crm.CustomField{
			{ID: cfColour, Key: "contact.favourite_colour", Name: "Favourite colour", DataType: "TEXT"},
			{ID: cfScore, Key: "contact.score", Name: "Score", DataType: "NUMERICAL"},
			{ID: cfRenewal, Key: "contact.renewal", Name: "Renewal", DataType: "DATE"},
			{ID: cfInterests, Key: "contact.interests", Name: "Interests", DataType: "MULTIPLE_OPTIONS", Options: []string{"golf", "tennis", "chess"}},
		}
	case locB:
		l.Country = "GB"
		l.Users = []crm.User{{ID: userB1, Name: "Alan"}}
		l.Businesses = []crm.Business{{ID: businessB, Name: "Bletchley"}}
		l.Campaigns = []crm.Campaign{{ID: campaignB, Name: "Autumn"}}
		l.Workflows = []crm.Workflow{{ID: workflowB, Name: "Enigma"}}
	}
	return l
}

type storeOption func(*inmem.Options, *crm.Dataset)

func allowDuplicates(loc string) storeOption {
	return func(_ *inmem.Options, d *crm.Dataset) {
		for i := range d.Locations {
			if d.Locations[i].Location.ID == loc {
				d.Locations[i].Location.AllowDuplicateContact = true
			}
		}
	}
}

func priority(loc string, fields ...string) storeOption {
	return func(_ *inmem.Options, d *crm.Dataset) {
		for i := range d.Locations {
			if d.Locations[i].Location.ID == loc {
				d.Locations[i].Location.DuplicatePriority = fields
			}
		}
	}
}

func withOptions(f func(*inmem.Options)) storeOption {
	return func(o *inmem.Options, _ *crm.Dataset) { f(o) }
}

// newStore returns an empty store with locations A and B and its clock.
func newStore(t testing.TB, opts ...storeOption) (*inmem.Store, *clock) {
	t.Helper()
	clk := newClock()
	o := inmem.Options{Now: clk.Now, IDs: crm.NewIDGen(42), NormalizePhones: true}
	d := crm.Dataset{Locations: []crm.LocationData{{Location: fixtureLocation(locA)}, {Location: fixtureLocation(locB)}}}
	for _, opt := range opts {
		opt(&o, &d)
	}
	s, err := inmem.New(d, o)
	require.NoError(t, err)
	return s, clk
}

// ref picks location A's or B's reference id.
func ref(loc, a, b string) string {
	if loc == locB {
		return b
	}
	return a
}

func ptr[T any](v T) *T { return &v }

func tags(t ...string) *[]string { return &t }

// create makes a contact in loc and fails the test on error. The clock moves
// by a second first, so contacts have distinct DateAdded.
func create(t testing.TB, s *inmem.Store, clk *clock, loc string, in crm.ContactInput) crm.Contact {
	t.Helper()
	clk.Advance(time.Second)
	c, err := s.CreateContact(context.Background(), loc, in)
	require.NoError(t, err)
	return c
}

func person(first, last, email, phone string) crm.ContactInput {
	in := crm.ContactInput{FirstName: &first, LastName: &last}
	if email != "" {
		in.Email = &email
	}
	if phone != "" {
		in.Phone = &phone
	}
	return in
}

// requireCode checks that err is a *crm.Error with the code.
func requireCode(t testing.TB, err error, code string) *crm.Error {
	t.Helper()
	require.Error(t, err)
	var e *crm.Error
	require.Truef(t, errors.As(err, &e), "got %T %v, want a *crm.Error", err, err)
	require.Equalf(t, code, e.Code, "error %v", err)
	return e
}

func requireNotFound(t testing.TB, err error, resource, id string) {
	t.Helper()
	e := requireCode(t, err, crm.ENOTFOUND)
	require.Equal(t, resource, e.Resource)
	require.Equal(t, id, e.ID)
}

func requireForbidden(t testing.TB, err error, id string) {
	t.Helper()
	e := requireCode(t, err, crm.EFORBIDDEN)
	require.Equal(t, crm.ResourceContact, e.Resource)
	require.Equal(t, id, e.ID)
}

func export(t testing.TB, s *inmem.Store, locs ...string) crm.Dataset {
	t.Helper()
	d, err := s.Export(context.Background(), locs...)
	require.NoError(t, err)
	return d
}

// unchanged runs fn and checks that the store's whole state is the same
// afterwards: failed calls must change nothing.
func unchanged(t testing.TB, s *inmem.Store, fn func()) {
	t.Helper()
	before := export(t, s)
	fn()
	require.Equal(t, before, export(t, s), "state changed")
}

func ids(cs []crm.Contact) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

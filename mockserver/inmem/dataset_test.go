package inmem_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/inmem"
)

func TestNewRequiresClockAndIDs(t *testing.T) {
	_, err := inmem.New(crm.Dataset{}, inmem.Options{IDs: crm.NewIDGen(1)})
	assert.ErrorContains(t, err, "Options.Now is required")
	_, err = inmem.New(crm.Dataset{}, inmem.Options{Now: time.Now})
	assert.ErrorContains(t, err, "Options.IDs is required")
}

func TestNewRejectsInconsistentDatasets(t *testing.T) {
	const (
		c1 = "Contact1aaaaaaaaaaaa"
		c2 = "Contact2aaaaaaaaaaaa"
	)
	valid := func() crm.Dataset {
		return crm.Dataset{Locations: []crm.LocationData{
			{
				Location: fixtureLocation(locA),
				Contacts: []crm.Contact{{ID: c1, FirstName: "A"}},
				Tasks:    []crm.Task{{ID: "Task1aaaaaaaaaaaaaaa", ContactID: c1, Title: "t"}},
				Notes:    []crm.Note{{ID: "Note1aaaaaaaaaaaaaaa", ContactID: c1, Body: "b"}},
			},
			{Location: fixtureLocation(locB)},
		}}
	}
	cases := []struct {
		name   string
		mutate func(d *crm.Dataset)
		want   string
	}{
		{"location without id", func(d *crm.Dataset) { d.Locations[1].Location.ID = "" }, "locations.1: the location id should not be empty"},
		{"location twice", func(d *crm.Dataset) { d.Locations[1].Location.ID = locA }, "location " + locA + " appears twice"},
		{"malformed contact id", func(d *crm.Dataset) { d.Locations[0].Contacts[0].ID = "not an id" }, `contact id "not an id" is not 1 to 64 ASCII letters and digits`},
		{"contact twice", func(d *crm.Dataset) {
			d.Locations[0].Contacts = append(d.Locations[0].Contacts, crm.Contact{ID: c1})
		}, "contact " + c1 + " appears twice"},
		{"deleted id of a live contact", func(d *crm.Dataset) { d.Locations[0].Deleted = []string{c1} }, "contact " + c1 + " appears twice"},
		{"contact in two locations", func(d *crm.Dataset) {
			d.Locations[1].Contacts = []crm.Contact{{ID: c1}}
		}, "contact " + c1 + " also belongs to location"},
		{"contact of another location", func(d *crm.Dataset) { d.Locations[0].Contacts[0].LocationID = locB }, "contact " + c1 + " has locationId " + locB},
		{"unparseable birth date", func(d *crm.Dataset) { d.Locations[0].Contacts[0].DateOfBirth = "someday" }, "dateOfBirth must be a valid date"},
		{"permanent inbound dnd", func(d *crm.Dataset) {
			d.Locations[0].Contacts[0].InboundDNDSettings = &crm.InboundDNDSettings{All: crm.DNDSetting{Status: "permanent"}}
		}, "inboundDndSettings.all.status must be one of the following values: active, inactive"},
		{"unknown custom field", func(d *crm.Dataset) {
			d.Locations[0].Contacts[0].CustomFields = []crm.CustomFieldValue{{ID: "nope", Value: "x"}}
		}, "customField nope does not exist"},
		{"custom field twice", func(d *crm.Dataset) {
			d.Locations[0].Contacts[0].CustomFields = []crm.CustomFieldValue{{ID: cfColour, Value: "x"}, {ID: cfColour, Value: "y"}}
		}, "customField " + cfColour + " appears twice"},
		{"task of a missing contact", func(d *crm.Dataset) { d.Locations[0].Tasks[0].ContactID = c2 }, `task Task1aaaaaaaaaaaaaaa: contact "` + c2 + `" does not exist`},
		{"task of another location's contact", func(d *crm.Dataset) {
			d.Locations[1].Tasks = []crm.Task{{ID: "Task2aaaaaaaaaaaaaaa", ContactID: c1}}
		}, `task Task2aaaaaaaaaaaaaaa: contact "` + c1 + `" does not exist`},
		{"task twice", func(d *crm.Dataset) {
			d.Locations[0].Tasks = append(d.Locations[0].Tasks, d.Locations[0].Tasks[0])
		}, "task Task1aaaaaaaaaaaaaaa appears twice"},
		{"malformed task id", func(d *crm.Dataset) { d.Locations[0].Tasks[0].ID = "" }, `task id "" is not 1 to 64 ASCII letters and digits`},
		{"note of a missing contact", func(d *crm.Dataset) { d.Locations[0].Notes[0].ContactID = c2 }, "does not exist"},
		{"note of another location", func(d *crm.Dataset) { d.Locations[0].Notes[0].LocationID = locB }, "note Note1aaaaaaaaaaaaaaa has locationId " + locB},
		{"appointment of a missing contact", func(d *crm.Dataset) {
			d.Locations[0].Appointments = []crm.Appointment{{ID: "Appt1", ContactID: c2}}
		}, `appointment Appt1: contact "` + c2 + `" does not exist`},
	}
	clk := newClock()
	opts := inmem.Options{Now: clk.Now, IDs: crm.NewIDGen(1)}
	_, err := inmem.New(valid(), opts)
	require.NoError(t, err, "the base dataset is valid")
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := valid()
			tc.mutate(&d)
			_, err := inmem.New(d, opts)
			e := requireCode(t, err, crm.EINVALID)
			require.Len(t, e.Messages, 1)
			assert.Contains(t, e.Messages[0], tc.want)
		})
	}
}

func TestNewCanonicalizesDatasetContacts(t *testing.T) {
	clk := newClock()
	d := crm.Dataset{Locations: []crm.LocationData{{
		Location: fixtureLocation(locA),
		Contacts: []crm.Contact{{
			ID: "Contact1aaaaaaaaaaaa", Email: " a@x.com ", Phone: "(415) 555-0101", Tags: []string{"VIP", "vip"},
			DateOfBirth: "09/25/1990", CustomFields: []crm.CustomFieldValue{{ID: "contact.score", Value: 3}},
			InboundDNDSettings: &crm.InboundDNDSettings{All: crm.DNDSetting{Status: "active", Code: "x"}},
		}},
		Tasks: []crm.Task{{ID: "Task1aaaaaaaaaaaaaaa", ContactID: "Contact1aaaaaaaaaaaa", Title: "t"}},
	}}}
	s, err := inmem.New(d, inmem.Options{Now: clk.Now, IDs: crm.NewIDGen(1), NormalizePhones: true})
	require.NoError(t, err)
	c, err := s.Contact(t.Context(), locA, "Contact1aaaaaaaaaaaa")
	require.NoError(t, err)
	assert.Equal(t, crm.Contact{
		ID: "Contact1aaaaaaaaaaaa", LocationID: locA, Email: "a@x.com", Phone: "+14155550101", Type: "lead",
		Tags: []string{"vip"}, DateOfBirth: "1990-09-25", CustomFields: []crm.CustomFieldValue{{ID: cfScore, Value: float64(3)}},
		InboundDNDSettings: &crm.InboundDNDSettings{All: crm.DNDSetting{Status: "active"}}, // no code inbound
		DateAdded:          clk.Millis(), DateUpdated: clk.Millis(),
	}, c)
	task, err := s.Task(t.Context(), locA, c.ID, "Task1aaaaaaaaaaaaaaa")
	require.NoError(t, err)
	assert.Equal(t, locA, task.LocationID)

	d.Locations[0].Contacts[0].Tags[0] = "scribbled"
	d.Locations[0].Contacts[0].InboundDNDSettings.All.Status = "scribbled"
	c, err = s.Contact(t.Context(), locA, c.ID)
	require.NoError(t, err)
	assert.Equal(t, []string{"vip"}, c.Tags, "the store keeps no part of the dataset it was given")
	assert.Equal(t, "active", c.InboundDNDSettings.All.Status, "the store keeps no part of the dataset it was given")
}

// busyStore is a store with two generated locations after a round of API
// writes of every kind, so that round trips cover what the API produces.
func busyStore(t *testing.T) (*inmem.Store, *clock) {
	t.Helper()
	g := newGen(3)
	a := g.location(fixtureLocation(locA), 300, true)
	b := g.location(fixtureLocation(locB), 50, true)
	a.Appointments = []crm.Appointment{
		{ID: "Appt1", ContactID: a.Contacts[0].ID, StartTime: 2000, Users: []string{userA1}},
		{ID: "Appt2", ContactID: a.Contacts[0].ID, StartTime: 1000},
		{ID: "Appt3", ContactID: a.Contacts[1].ID, StartTime: 1000},
	}
	clk := newClock()
	s, err := inmem.New(crm.Dataset{Locations: []crm.LocationData{a, b}}, inmem.Options{Now: clk.Now, IDs: crm.NewIDGen(5), NormalizePhones: true})
	require.NoError(t, err)
	ctx := t.Context()
	for i, c := range a.Contacts[:40] {
		clk.Advance(time.Second)
		switch i % 8 {
		case 0:
			require.NoError(t, s.DeleteContact(ctx, locA, c.ID))
		case 1:
			_, err = s.UpdateContact(ctx, locA, c.ID, crm.ContactInput{City: ptr("Paris"), Tags: tags("x")})
		case 2:
			_, _, err = s.AddFollowers(ctx, locA, c.ID, []string{userA2})
		case 3:
			err = s.AddToWorkflow(ctx, locA, c.ID, workflowA, "2021-06-23T03:30:00+01:00")
		case 4:
			_, err = s.CreateTask(ctx, locA, c.ID, crm.TaskInput{Title: ptr("t"), DueDate: ptr(clk.Millis()), Completed: ptr(false)})
		case 5:
			_, err = s.CreateNote(ctx, locA, c.ID, crm.NoteInput{Body: ptr("n"), Pinned: ptr(true)})
		case 6:
			err = s.AddToCampaign(ctx, locA, c.ID, campaignA)
		case 7:
			in := person("New", "Contact", "", fmt.Sprintf("+1415555%04d", i))
			in.DNDSettings = map[string]crm.DNDSetting{"SMS": {Status: "active"}}
			in.InboundDNDSettings = &crm.InboundDNDSettings{All: crm.DNDSetting{Status: "inactive", Message: "m"}}
			in.Attribution = &crm.Attribution{Medium: "manual"}
			in.CreatedBy = &crm.CreatedBy{Source: "INTEGRATION", Channel: "OAUTH"}
			in.AdditionalEmails = &[]string{"other@x.com"}
			_, err = s.CreateContact(ctx, locA, in)
		}
		require.NoError(t, err)
	}
	return s, clk
}

func TestExportImportRoundTrip(t *testing.T) {
	s, clk := busyStore(t)
	first := export(t, s)
	require.Len(t, first.Locations, 2)
	assert.Equal(t, locA, first.Locations[0].Location.ID, "locations sorted by id")
	assert.NotEmpty(t, first.Locations[0].Deleted)
	assert.NotEmpty(t, first.Locations[0].Appointments)

	t.Run("New", func(t *testing.T) {
		again, err := inmem.New(first, inmem.Options{Now: clk.Now, IDs: crm.NewIDGen(77), NormalizePhones: true})
		require.NoError(t, err)
		assert.Equal(t, first, export(t, again))
	})
	t.Run("Import into another store", func(t *testing.T) {
		other, _ := newStore(t)
		create(t, other, clk, locA, person("Replaced", "Soon", "", ""))
		require.NoError(t, other.Import(t.Context(), first))
		assert.Equal(t, first, export(t, other))
	})
	t.Run("export is a deep copy", func(t *testing.T) {
		d := export(t, s)
		d.Locations[0].Contacts[0].Tags = append(d.Locations[0].Contacts[0].Tags[:0], "scribbled")
		d.Locations[0].Location.Users[0].ID = "scribbled"
		for _, a := range d.Locations[0].Appointments {
			if len(a.Users) > 0 {
				a.Users[0] = "scribbled"
			}
		}
		assert.Equal(t, first, export(t, s))
	})
	t.Run("selected locations", func(t *testing.T) {
		d := export(t, s, locB, locB)
		require.Len(t, d.Locations, 1)
		assert.Equal(t, first.Locations[1], d.Locations[0])
		_, err := s.Export(t.Context(), "NoSuchLocationxxxxxx")
		requireCode(t, err, crm.ELOCATION)
	})
}

func TestImport(t *testing.T) {
	ctx := t.Context()
	t.Run("replaces the locations given, keeps the others", func(t *testing.T) {
		s, clk := newStore(t)
		old := create(t, s, clk, locA, person("Old", "A", "", ""))
		keep := create(t, s, clk, locB, person("Keep", "B", "", ""))
		const newLoc = "LocationCCCCCCCCCCC3"
		fresh := crm.Contact{ID: "FreshContactaaaaaaaa", FirstName: "Fresh", DateAdded: 5}
		err := s.Import(ctx, crm.Dataset{Locations: []crm.LocationData{
			{Location: fixtureLocation(locA), Contacts: []crm.Contact{fresh}},
			{Location: crm.Location{ID: newLoc}},
		}})
		require.NoError(t, err)
		assert.Equal(t, []string{locA, locB, newLoc}, s.Locations())
		_, err = s.Contact(ctx, locA, old.ID)
		requireNotFound(t, err, crm.ResourceContact, old.ID)
		_, ok := inmem.LocationOf(ctx, s, old.ID)
		assert.False(t, ok, "the replaced state is gone, deleted ids too")
		_, err = s.Contact(ctx, locA, fresh.ID)
		require.NoError(t, err)
		_, err = s.Contact(ctx, locB, keep.ID)
		require.NoError(t, err)
		_, err = s.CreateContact(ctx, newLoc, person("In", "C", "", ""))
		require.NoError(t, err)
	})
	t.Run("an invalid dataset changes nothing", func(t *testing.T) {
		s, clk := newStore(t)
		create(t, s, clk, locA, person("Old", "A", "", ""))
		unchanged(t, s, func() {
			err := s.Import(ctx, crm.Dataset{Locations: []crm.LocationData{
				{Location: fixtureLocation(locA)},
				{Location: fixtureLocation(locB), Contacts: []crm.Contact{{ID: "bad id"}}},
			}})
			requireCode(t, err, crm.EINVALID)
		})
	})
	t.Run("a contact id of a location not replaced", func(t *testing.T) {
		s, clk := newStore(t)
		b := create(t, s, clk, locB, person("B", "B", "", ""))
		unchanged(t, s, func() {
			err := s.Import(ctx, crm.Dataset{Locations: []crm.LocationData{
				{Location: fixtureLocation(locA), Contacts: []crm.Contact{{ID: b.ID}}},
			}})
			e := requireCode(t, err, crm.EINVALID)
			assert.Contains(t, e.Messages[0], "already belongs to location "+locB)
		})
	})
}

func TestLocationsStatsAndLocation(t *testing.T) {
	s, _ := busyStore(t)
	assert.Equal(t, []string{locA, locB}, s.Locations())
	d := export(t, s)
	st := s.Stats()
	require.Len(t, st, 2)
	for i, ld := range d.Locations {
		assert.Equal(t, inmem.LocationStats{
			ID: ld.Location.ID, Contacts: len(ld.Contacts), Deleted: len(ld.Deleted),
			Tasks: len(ld.Tasks), Notes: len(ld.Notes), Appointments: len(ld.Appointments),
		}, st[i])
	}

	l, err := s.Location(t.Context(), locA)
	require.NoError(t, err)
	assert.Equal(t, fixtureLocation(locA), l)
	l.Users[0].ID = "scribbled"
	l.CustomFields[3].Options[0] = "scribbled"
	again, err := s.Location(t.Context(), locA)
	require.NoError(t, err)
	assert.Equal(t, fixtureLocation(locA), again, "a copy")
}

// TestNewIDsSkipTakenOnes gives the store the generator that made the
// dataset's ids: new contacts must still get fresh ones.
func TestNewIDsSkipTakenOnes(t *testing.T) {
	gen := crm.NewIDGen(99)
	var cs []crm.Contact
	for range 5 {
		cs = append(cs, crm.Contact{ID: gen.ID(), DateAdded: 1})
	}
	clk := newClock()
	s, err := inmem.New(crm.Dataset{Locations: []crm.LocationData{{Location: fixtureLocation(locA), Contacts: cs}}},
		inmem.Options{Now: clk.Now, IDs: crm.NewIDGen(99)})
	require.NoError(t, err)
	c, err := s.CreateContact(t.Context(), locA, person("New", "One", "", ""))
	require.NoError(t, err)
	assert.NotContains(t, ids(cs), c.ID)
	page, err := s.ListContacts(t.Context(), locA, crm.ListQuery{})
	require.NoError(t, err)
	assert.Equal(t, 6, page.Total)
}

package inmem_test

import (
	"cmp"
	"encoding/json"
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

// busyDataset is two generated locations with tasks, notes, appointments
// and deleted contacts (one of them with a task and a note left behind), as
// a dataset that goes into a store.
func busyDataset() crm.Dataset {
	g := newGen(3)
	a := g.location(fixtureLocation(locA), 300, true)
	b := g.location(fixtureLocation(locB), 50, true)
	a.Appointments = []crm.Appointment{
		{ID: "Appt1", LocationID: locA, ContactID: a.Contacts[0].ID, StartTime: 2000, Users: []string{userA1}},
		{ID: "Appt2", LocationID: locA, ContactID: a.Contacts[0].ID, StartTime: 1000},
		{ID: "Appt3", LocationID: locA, ContactID: a.Contacts[1].ID, StartTime: 1000},
	}
	gone := g.ids.ID()
	a.Deleted = []string{gone, g.ids.ID()}
	a.Tasks = append(a.Tasks, crm.Task{ID: g.ids.ID(), LocationID: locA, ContactID: gone, Title: "orphan", DateAdded: 5})
	a.Notes = append(a.Notes, crm.Note{ID: g.ids.ID(), LocationID: locA, ContactID: gone, Body: "orphan", DateAdded: 5, DateUpdated: 5})
	return crm.Dataset{Locations: []crm.LocationData{a, b}}
}

// inExportOrder sorts d in place into the order Export documents and
// returns it: locations by id, contacts by (DateAdded, id), deleted ids
// sorted, tasks and notes by (DateAdded, id, contact id), appointments by
// (StartTime, id).
func inExportOrder(d crm.Dataset) crm.Dataset {
	slices.SortFunc(d.Locations, func(a, b crm.LocationData) int { return strings.Compare(a.Location.ID, b.Location.ID) })
	for i := range d.Locations {
		ld := &d.Locations[i]
		slices.SortFunc(ld.Contacts, func(a, b crm.Contact) int {
			return cmp.Or(cmp.Compare(a.DateAdded, b.DateAdded), strings.Compare(a.ID, b.ID))
		})
		slices.Sort(ld.Deleted)
		slices.SortFunc(ld.Tasks, func(a, b crm.Task) int {
			return cmp.Or(cmp.Compare(a.DateAdded, b.DateAdded), strings.Compare(a.ID, b.ID), strings.Compare(a.ContactID, b.ContactID))
		})
		slices.SortFunc(ld.Notes, func(a, b crm.Note) int {
			return cmp.Or(cmp.Compare(a.DateAdded, b.DateAdded), strings.Compare(a.ID, b.ID), strings.Compare(a.ContactID, b.ContactID))
		})
		slices.SortFunc(ld.Appointments, func(a, b crm.Appointment) int {
			return cmp.Or(cmp.Compare(a.StartTime, b.StartTime), strings.Compare(a.ID, b.ID))
		})
	}
	return d
}

// assertSameData compares two values as JSON and shows where they first
// differ (a whole dataset would print thousands of lines).
func assertSameData(t *testing.T, want, got any, msg string) {
	t.Helper()
	w, err := json.Marshal(want)
	require.NoError(t, err)
	g, err := json.Marshal(got)
	require.NoError(t, err)
	if string(w) == string(g) {
		return
	}
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	lo := max(i-120, 0)
	t.Errorf("%s: differs at byte %d of %d:\nwant: …%s…\ngot:  …%s…", msg, i, len(w),
		w[lo:min(i+120, len(w))], g[lo:min(i+120, len(g))])
}

// writes is what busyStore wrote through the store's API, by kind.
type writes struct {
	deleted, created, updated []string // contact ids
	tasks, notes              []string // ids of the tasks and notes created
}

// busyStore is a store built from busyDataset after a round of API writes of
// every kind, so that round trips cover what the API produces.
func busyStore(t *testing.T) (*inmem.Store, *clock, writes) {
	t.Helper()
	d := busyDataset()
	a := d.Locations[0]
	clk := newClock()
	s, err := inmem.New(d, inmem.Options{Now: clk.Now, IDs: crm.NewIDGen(5), NormalizePhones: true})
	require.NoError(t, err)
	ctx := t.Context()
	var w writes
	for i, c := range a.Contacts[:40] {
		clk.Advance(time.Second)
		switch i % 8 {
		case 0:
			require.NoError(t, s.DeleteContact(ctx, locA, c.ID))
			w.deleted = append(w.deleted, c.ID)
		case 1:
			_, err = s.UpdateContact(ctx, locA, c.ID, crm.ContactInput{City: ptr("Paris"), Tags: tags("x")})
			w.updated = append(w.updated, c.ID)
		case 2:
			_, _, err = s.AddFollowers(ctx, locA, c.ID, []string{userA2})
		case 3:
			err = s.AddToWorkflow(ctx, locA, c.ID, workflowA, "2021-06-23T03:30:00+01:00")
		case 4:
			var task crm.Task
			task, err = s.CreateTask(ctx, locA, c.ID, crm.TaskInput{Title: ptr("t"), DueDate: ptr(clk.Millis()), Completed: ptr(false)})
			w.tasks = append(w.tasks, task.ID)
		case 5:
			var note crm.Note
			note, err = s.CreateNote(ctx, locA, c.ID, crm.NoteInput{Body: ptr("n"), Pinned: ptr(true)})
			w.notes = append(w.notes, note.ID)
		case 6:
			err = s.AddToCampaign(ctx, locA, c.ID, campaignA)
		case 7:
			in := person("New", "Contact", "", fmt.Sprintf("+1415555%04d", i))
			in.DNDSettings = map[string]crm.DNDSetting{"SMS": {Status: "active"}}
			in.InboundDNDSettings = &crm.InboundDNDSettings{All: crm.DNDSetting{Status: "inactive", Message: "m"}}
			in.Attribution = &crm.Attribution{Medium: "manual"}
			in.CreatedBy = &crm.CreatedBy{Source: "INTEGRATION", Channel: "OAUTH"}
			in.AdditionalEmails = &[]string{"other@x.com"}
			var created crm.Contact
			created, err = s.CreateContact(ctx, locA, in)
			w.created = append(w.created, created.ID)
		}
		require.NoError(t, err)
	}
	return s, clk, w
}

// served is a store's data as its read API serves it, contact by contact:
// what a round trip must give back whatever Export and Import do.
type served struct {
	Contacts     map[string]crm.Contact
	Tasks        map[string][]crm.Task
	Notes        map[string][]crm.Note
	Appointments map[string][]crm.Appointment
}

func serve(t *testing.T, s *inmem.Store) map[string]served {
	t.Helper()
	ctx := t.Context()
	out := map[string]served{}
	for _, loc := range s.Locations() {
		v := served{Contacts: map[string]crm.Contact{}, Tasks: map[string][]crm.Task{}, Notes: map[string][]crm.Note{}, Appointments: map[string][]crm.Appointment{}}
		for _, listed := range listAll(t, s, loc) {
			id := listed.ID
			c, err := s.Contact(ctx, loc, id)
			require.NoError(t, err)
			v.Contacts[id] = c
			v.Tasks[id], err = s.Tasks(ctx, loc, id)
			require.NoError(t, err)
			v.Notes[id], err = s.Notes(ctx, loc, id)
			require.NoError(t, err)
			v.Appointments[id], err = s.Appointments(ctx, loc, id)
			require.NoError(t, err)
		}
		out[loc] = v
	}
	return out
}

// TestExportImportRoundTrip compares what comes out of a store with what
// went in, never an export with another export alone: an export that lost
// every note would equal itself after a round trip.
func TestExportImportRoundTrip(t *testing.T) {
	in := busyDataset()
	want := inExportOrder(busyDataset()) // the same data, built again: nothing a store does can change it
	require.NotEmpty(t, want.Locations[0].Notes)
	require.NotEmpty(t, want.Locations[0].Tasks)
	require.NotEmpty(t, want.Locations[0].Deleted)

	t.Run("New exports the dataset it was given", func(t *testing.T) {
		clk := newClock()
		s, err := inmem.New(in, inmem.Options{Now: clk.Now, IDs: crm.NewIDGen(77), NormalizePhones: true})
		require.NoError(t, err)
		assertSameData(t, want, export(t, s), "export of a new store")
	})
	t.Run("Import into another store exports the dataset imported", func(t *testing.T) {
		other, clk := newStore(t)
		create(t, other, clk, locA, person("Replaced", "Soon", "", ""))
		require.NoError(t, other.Import(t.Context(), in))
		assertSameData(t, want, export(t, other), "export after an import")
	})

	s, clk, w := busyStore(t)
	first := export(t, s)
	require.Len(t, first.Locations, 2)
	assert.Equal(t, locA, first.Locations[0].Location.ID, "locations sorted by id")
	t.Run("the export holds what the API wrote", func(t *testing.T) {
		a := first.Locations[0]
		assert.Subset(t, a.Deleted, append(w.deleted, in.Locations[0].Deleted...))
		var live, tasks, notes []string
		for _, c := range a.Contacts {
			live = append(live, c.ID)
			if slices.Contains(w.updated, c.ID) {
				assert.Equal(t, "Paris", c.City, c.ID)
			}
		}
		for _, x := range a.Tasks {
			tasks = append(tasks, x.ID)
		}
		for _, x := range a.Notes {
			notes = append(notes, x.ID)
		}
		assert.Subset(t, live, w.created)
		assert.Subset(t, tasks, append(w.tasks, taskIDs(want.Locations[0].Tasks)...), "created and seeded tasks, those of deleted contacts too")
		assert.Subset(t, notes, append(w.notes, noteIDs(want.Locations[0].Notes)...), "created and seeded notes, those of deleted contacts too")
		assertSameData(t, want.Locations[1], first.Locations[1], "location B, which no write touched, exports as it went in")
	})
	source := serve(t, s)
	t.Run("New from the export serves the same data", func(t *testing.T) {
		again, err := inmem.New(first, inmem.Options{Now: clk.Now, IDs: crm.NewIDGen(77), NormalizePhones: true})
		require.NoError(t, err)
		assertSameData(t, source, serve(t, again), "a new store's reads")
		assertSameData(t, first, export(t, again), "a new store's export")
	})
	t.Run("Import of the export serves the same data", func(t *testing.T) {
		other, _ := newStore(t)
		require.NoError(t, other.Import(t.Context(), first))
		assertSameData(t, source, serve(t, other), "reads after an import")
		for _, id := range w.deleted {
			_, err := other.Contact(t.Context(), locA, id)
			requireNotFound(t, err, crm.ResourceContact, id)
		}
		assertSameData(t, first, export(t, other), "export after an import")
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

func taskIDs(ts []crm.Task) []string {
	out := make([]string, len(ts))
	for i, x := range ts {
		out[i] = x.ID
	}
	return out
}

func noteIDs(ns []crm.Note) []string {
	out := make([]string, len(ns))
	for i, x := range ns {
		out[i] = x.ID
	}
	return out
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
	s, _, _ := busyStore(t)
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

package inmem_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/inmem"
)

// contactCalls are the methods that take a contact id, called with loc and
// the id of a contact, task and note.
var contactCalls = []struct {
	name string
	call func(ctx context.Context, s *inmem.Store, loc, contactID, taskID, noteID string) error
}{
	{"Contact", func(ctx context.Context, s *inmem.Store, loc, c, _, _ string) error {
		_, err := s.Contact(ctx, loc, c)
		return err
	}},
	{"UpdateContact", func(ctx context.Context, s *inmem.Store, loc, c, _, _ string) error {
		_, err := s.UpdateContact(ctx, loc, c, crm.ContactInput{FirstName: ptr("Mallory")})
		return err
	}},
	{"DeleteContact", func(ctx context.Context, s *inmem.Store, loc, c, _, _ string) error {
		return s.DeleteContact(ctx, loc, c)
	}},
	{"AddTags", func(ctx context.Context, s *inmem.Store, loc, c, _, _ string) error {
		_, _, err := s.AddTags(ctx, loc, c, []string{"x"})
		return err
	}},
	{"RemoveTags", func(ctx context.Context, s *inmem.Store, loc, c, _, _ string) error {
		_, _, err := s.RemoveTags(ctx, loc, c, []string{"b"})
		return err
	}},
	{"AddFollowers", func(ctx context.Context, s *inmem.Store, loc, c, _, _ string) error {
		_, _, err := s.AddFollowers(ctx, loc, c, []string{ref(loc, userA1, userB1)})
		return err
	}},
	{"RemoveFollowers", func(ctx context.Context, s *inmem.Store, loc, c, _, _ string) error {
		_, _, err := s.RemoveFollowers(ctx, loc, c, []string{userB1})
		return err
	}},
	{"AddToCampaign", func(ctx context.Context, s *inmem.Store, loc, c, _, _ string) error {
		return s.AddToCampaign(ctx, loc, c, ref(loc, campaignA, campaignB))
	}},
	{"RemoveFromCampaign", func(ctx context.Context, s *inmem.Store, loc, c, _, _ string) error {
		return s.RemoveFromCampaign(ctx, loc, c, ref(loc, campaignA, campaignB))
	}},
	{"RemoveFromAllCampaigns", func(ctx context.Context, s *inmem.Store, loc, c, _, _ string) error {
		return s.RemoveFromAllCampaigns(ctx, loc, c)
	}},
	{"AddToWorkflow", func(ctx context.Context, s *inmem.Store, loc, c, _, _ string) error {
		return s.AddToWorkflow(ctx, loc, c, ref(loc, workflowA, workflowB), "")
	}},
	{"RemoveFromWorkflow", func(ctx context.Context, s *inmem.Store, loc, c, _, _ string) error {
		return s.RemoveFromWorkflow(ctx, loc, c, ref(loc, workflowA, workflowB))
	}},
	{"Tasks", func(ctx context.Context, s *inmem.Store, loc, c, _, _ string) error {
		_, err := s.Tasks(ctx, loc, c)
		return err
	}},
	{"Task", func(ctx context.Context, s *inmem.Store, loc, c, task, _ string) error {
		_, err := s.Task(ctx, loc, c, task)
		return err
	}},
	{"CreateTask", func(ctx context.Context, s *inmem.Store, loc, c, _, _ string) error {
		_, err := s.CreateTask(ctx, loc, c, crm.TaskInput{Title: ptr("t"), DueDate: ptr(crm.Millis(1)), Completed: ptr(false)})
		return err
	}},
	{"UpdateTask", func(ctx context.Context, s *inmem.Store, loc, c, task, _ string) error {
		_, err := s.UpdateTask(ctx, loc, c, task, crm.TaskInput{Completed: ptr(true)})
		return err
	}},
	{"DeleteTask", func(ctx context.Context, s *inmem.Store, loc, c, task, _ string) error {
		return s.DeleteTask(ctx, loc, c, task)
	}},
	{"Notes", func(ctx context.Context, s *inmem.Store, loc, c, _, _ string) error {
		_, err := s.Notes(ctx, loc, c)
		return err
	}},
	{"Note", func(ctx context.Context, s *inmem.Store, loc, c, _, note string) error {
		_, err := s.Note(ctx, loc, c, note)
		return err
	}},
	{"CreateNote", func(ctx context.Context, s *inmem.Store, loc, c, _, _ string) error {
		_, err := s.CreateNote(ctx, loc, c, crm.NoteInput{Body: ptr("n")})
		return err
	}},
	{"UpdateNote", func(ctx context.Context, s *inmem.Store, loc, c, _, note string) error {
		_, err := s.UpdateNote(ctx, loc, c, note, crm.NoteInput{Body: ptr("changed")})
		return err
	}},
	{"DeleteNote", func(ctx context.Context, s *inmem.Store, loc, c, _, note string) error {
		return s.DeleteNote(ctx, loc, c, note)
	}},
	{"Appointments", func(ctx context.Context, s *inmem.Store, loc, c, _, _ string) error {
		_, err := s.Appointments(ctx, loc, c)
		return err
	}},
}

// victim is a contact of location B with a task and a note.
func victim(t *testing.T, s *inmem.Store, clk *clock) (c crm.Contact, taskID, noteID string) {
	t.Helper()
	in := person("Victor", "Victim", "victor@b.com", "+442079460958")
	in.Tags = tags("b")
	c = create(t, s, clk, locB, in)
	_, _, err := s.AddFollowers(t.Context(), locB, c.ID, []string{userB1})
	require.NoError(t, err)
	task, err := s.CreateTask(t.Context(), locB, c.ID, crm.TaskInput{Title: ptr("t"), DueDate: ptr(crm.Millis(1)), Completed: ptr(false)})
	require.NoError(t, err)
	note, err := s.CreateNote(t.Context(), locB, c.ID, crm.NoteInput{Body: ptr("n")})
	require.NoError(t, err)
	return c, task.ID, note.ID
}

func TestAnotherLocationsContactIsForbidden(t *testing.T) {
	for _, tc := range contactCalls {
		t.Run(tc.name, func(t *testing.T) {
			s, clk := newStore(t)
			create(t, s, clk, locA, person("Mallory", "A", "", ""))
			c, task, note := victim(t, s, clk)
			unchanged(t, s, func() {
				requireForbidden(t, tc.call(t.Context(), s, locA, c.ID, task, note), c.ID)
			})
			// The owner still can: the contact was never the problem.
			require.NoError(t, tc.call(t.Context(), s, locB, c.ID, task, note))
		})
	}
}

func TestDeletedAndUnknownContactsAreNotFound(t *testing.T) {
	for _, tc := range contactCalls {
		t.Run(tc.name, func(t *testing.T) {
			s, clk := newStore(t)
			c, task, note := victim(t, s, clk)
			require.NoError(t, s.DeleteContact(t.Context(), locB, c.ID))
			unchanged(t, s, func() {
				requireNotFound(t, tc.call(t.Context(), s, locB, c.ID, task, note), crm.ResourceContact, c.ID)
				requireNotFound(t, tc.call(t.Context(), s, locB, "NobodyHasThisIdxxxxx", task, note), crm.ResourceContact, "NobodyHasThisIdxxxxx")
				requireForbidden(t, tc.call(t.Context(), s, locA, c.ID, task, note), c.ID)
			})
		})
	}
}

func TestUnknownLocation(t *testing.T) {
	const nowhere = "NoSuchLocationxxxxxx"
	s, clk := newStore(t)
	c, task, note := victim(t, s, clk)
	ctx := t.Context()
	requireLocation := func(t *testing.T, err error) {
		t.Helper()
		e := requireCode(t, err, crm.ELOCATION)
		assert.Equal(t, nowhere, e.ID)
	}
	unchanged(t, s, func() {
		for _, tc := range contactCalls {
			t.Run(tc.name, func(t *testing.T) { requireLocation(t, tc.call(ctx, s, nowhere, c.ID, task, note)) })
		}
		others := map[string]func() error{
			"Location":      func() error { _, err := s.Location(ctx, nowhere); return err },
			"CreateContact": func() error { _, err := s.CreateContact(ctx, nowhere, person("A", "B", "", "")); return err },
			"UpsertContact": func() error {
				_, _, err := s.UpsertContact(ctx, nowhere, person("A", "B", "a@x.com", ""), false)
				return err
			},
			"DuplicateContact": func() error {
				_, _, err := s.DuplicateContact(ctx, nowhere, "a@x.com", "")
				return err
			},
			"ListContacts":   func() error { _, err := s.ListContacts(ctx, nowhere, crm.ListQuery{}); return err },
			"SearchContacts": func() error { _, err := s.SearchContacts(ctx, nowhere, crm.SearchQuery{PageLimit: 1}); return err },
			"ContactsByBusiness": func() error {
				_, _, err := s.ContactsByBusiness(ctx, nowhere, businessB, crm.BusinessQuery{})
				return err
			},
			"SetBusiness": func() error { _, err := s.SetBusiness(ctx, nowhere, []string{c.ID}, ""); return err },
			"BulkTags": func() error {
				_, err := s.BulkTags(ctx, nowhere, crm.BulkTagOp{ContactIDs: []string{c.ID}, Tags: []string{"x"}})
				return err
			},
			"Export": func() error { _, err := s.Export(ctx, nowhere); return err },
		}
		for name, call := range others {
			t.Run(name, func(t *testing.T) { requireLocation(t, call()) })
		}
	})
	_, ok := inmem.LocationOf(ctx, s, "NobodyHasThisIdxxxxx")
	assert.False(t, ok)
}

// TestLocationWideCallsSeeOnlyTheirLocation covers the methods that take no
// contact id: what location A does never reads or changes location B.
func TestLocationWideCallsSeeOnlyTheirLocation(t *testing.T) {
	s, clk := newStore(t)
	ctx := t.Context()
	c, _, _ := victim(t, s, clk)
	_, err := s.SetBusiness(ctx, locB, []string{c.ID}, businessB)
	require.NoError(t, err)
	before := export(t, s, locB)

	page, err := s.ListContacts(ctx, locA, crm.ListQuery{Query: "victor"})
	require.NoError(t, err)
	assert.Zero(t, page.Total)
	res, err := s.SearchContacts(ctx, locA, crm.SearchQuery{PageLimit: 10, Filters: []crm.Filter{{Field: "id", Operator: "eq", Value: c.ID}}})
	require.NoError(t, err)
	assert.Zero(t, res.Total)
	cs, total, err := s.ContactsByBusiness(ctx, locA, businessB, crm.BusinessQuery{})
	require.NoError(t, err)
	assert.Zero(t, total)
	assert.Empty(t, cs)
	_, found, err := s.DuplicateContact(ctx, locA, "victor@b.com", "+442079460958")
	require.NoError(t, err)
	assert.False(t, found)

	up, created, err := s.UpsertContact(ctx, locA, person("Mallory", "A", "victor@b.com", ""), false)
	require.NoError(t, err)
	assert.True(t, created, "B's contact is not A's to update")
	assert.Equal(t, locA, up.LocationID)
	changed, err := s.SetBusiness(ctx, locA, []string{c.ID}, "")
	require.NoError(t, err)
	assert.Empty(t, changed)
	results, err := s.BulkTags(ctx, locA, crm.BulkTagOp{ContactIDs: []string{c.ID}, Tags: []string{"pwned"}})
	require.NoError(t, err)
	assert.Equal(t, []crm.BulkTagResult{{ContactID: c.ID, Message: "contact does not belong to location"}}, results)
	results, err = s.BulkTags(ctx, locA, crm.BulkTagOp{Remove: true, RemoveAll: true, ContactIDs: []string{c.ID}})
	require.NoError(t, err)
	assert.False(t, results[0].OK)

	a := export(t, s, locA).Locations[0]
	for _, x := range a.Contacts {
		assert.NotEqual(t, c.ID, x.ID)
	}
	assert.Equal(t, before, export(t, s, locB), "location B untouched")
	loc, ok := inmem.LocationOf(ctx, s, c.ID)
	assert.True(t, ok)
	assert.Equal(t, locB, loc)
}

package inmem_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/inmem"
)

func TestTasks(t *testing.T) {
	s, clk := newStore(t)
	ctx := t.Context()
	c := create(t, s, clk, locA, person("A", "A", "", ""))
	other := create(t, s, clk, locA, person("B", "B", "", ""))
	due := crm.MillisOf(time.Date(2026, 6, 1, 11, 0, 0, 0, time.UTC))

	first, err := s.CreateTask(ctx, locA, c.ID, crm.TaskInput{Title: ptr(" Call back "), Body: ptr("about the quote"), DueDate: &due, Completed: ptr(false), AssignedTo: ptr(userA1)})
	require.NoError(t, err)
	assert.True(t, crm.IsID(first.ID))
	assert.Equal(t, crm.Task{
		ID: first.ID, LocationID: locA, ContactID: c.ID, Title: "Call back", Body: "about the quote",
		AssignedTo: userA1, DueDate: due, Completed: false, DateAdded: clk.Millis(),
	}, first)
	clk.Advance(time.Second)
	second, err := s.CreateTask(ctx, locA, c.ID, crm.TaskInput{Title: ptr("Send proposal"), DueDate: &due, Completed: ptr(true)})
	require.NoError(t, err)

	list, err := s.Tasks(ctx, locA, c.ID)
	require.NoError(t, err)
	assert.Equal(t, []crm.Task{first, second}, list, "by DateAdded")
	none, err := s.Tasks(ctx, locA, other.ID)
	require.NoError(t, err)
	assert.Empty(t, none)

	got, err := s.Task(ctx, locA, c.ID, second.ID)
	require.NoError(t, err)
	assert.Equal(t, second, got)

	upd, err := s.UpdateTask(ctx, locA, c.ID, first.ID, crm.TaskInput{Completed: ptr(true), AssignedTo: ptr("")})
	require.NoError(t, err)
	want := first
	want.Completed, want.AssignedTo = true, ""
	assert.Equal(t, want, upd)
	got, err = s.Task(ctx, locA, c.ID, first.ID)
	require.NoError(t, err)
	assert.Equal(t, want, got)

	t.Run("another contact's task is not found", func(t *testing.T) {
		_, err := s.Task(ctx, locA, other.ID, first.ID)
		requireNotFound(t, err, crm.ResourceTask, first.ID)
		_, err = s.UpdateTask(ctx, locA, other.ID, first.ID, crm.TaskInput{Title: ptr("x")})
		requireNotFound(t, err, crm.ResourceTask, first.ID)
		requireNotFound(t, s.DeleteTask(ctx, locA, other.ID, first.ID), crm.ResourceTask, first.ID)
	})
	t.Run("invalid input changes nothing", func(t *testing.T) {
		unchanged(t, s, func() {
			_, err := s.CreateTask(ctx, locA, c.ID, crm.TaskInput{Title: ptr("x")})
			e := requireCode(t, err, crm.EINVALID)
			assert.Equal(t, []string{"dueDate should not be empty", "completed should not be empty"}, e.Messages)
			_, err = s.CreateTask(ctx, locA, c.ID, crm.TaskInput{Title: ptr(" "), DueDate: &due, Completed: ptr(false), AssignedTo: ptr(userB1)})
			e = requireCode(t, err, crm.EINVALID)
			assert.Equal(t, []string{"title should not be empty", "assignedTo must be a valid user id"}, e.Messages)
			_, err = s.UpdateTask(ctx, locA, c.ID, first.ID, crm.TaskInput{AssignedTo: ptr(userB1), Completed: ptr(false)})
			requireCode(t, err, crm.EINVALID)
			_, err = s.UpdateTask(ctx, locA, c.ID, first.ID, crm.TaskInput{Title: ptr("")})
			requireCode(t, err, crm.EINVALID)
		})
	})

	require.NoError(t, s.DeleteTask(ctx, locA, c.ID, first.ID))
	_, err = s.Task(ctx, locA, c.ID, first.ID)
	requireNotFound(t, err, crm.ResourceTask, first.ID)
	requireNotFound(t, s.DeleteTask(ctx, locA, c.ID, first.ID), crm.ResourceTask, first.ID)
	list, err = s.Tasks(ctx, locA, c.ID)
	require.NoError(t, err)
	assert.Equal(t, []crm.Task{second}, list)

	t.Run("a contact's tasks do not touch it", func(t *testing.T) {
		got, err := s.Contact(ctx, locA, c.ID)
		require.NoError(t, err)
		assert.Equal(t, c.DateUpdated, got.DateUpdated)
	})
}

func TestNotes(t *testing.T) {
	s, clk := newStore(t)
	ctx := t.Context()
	c := create(t, s, clk, locA, person("A", "A", "", ""))
	other := create(t, s, clk, locA, person("B", "B", "", ""))

	first, err := s.CreateNote(ctx, locA, c.ID, crm.NoteInput{Body: ptr("lorem ipsum"), UserID: ptr(userA1), Title: ptr("Summary"), Color: ptr("#FFAA00"), Pinned: ptr(true)})
	require.NoError(t, err)
	assert.Equal(t, crm.Note{
		ID: first.ID, LocationID: locA, ContactID: c.ID, Body: "lorem ipsum", UserID: userA1, Title: "Summary",
		Color: "#FFAA00", Pinned: true, DateAdded: clk.Millis(), DateUpdated: clk.Millis(),
	}, first)
	clk.Advance(time.Second)
	second, err := s.CreateNote(ctx, locA, c.ID, crm.NoteInput{Body: ptr("dolor")})
	require.NoError(t, err)

	list, err := s.Notes(ctx, locA, c.ID)
	require.NoError(t, err)
	assert.Equal(t, []crm.Note{second, first}, list, "newest first")

	clk.Advance(time.Second)
	upd, err := s.UpdateNote(ctx, locA, c.ID, first.ID, crm.NoteInput{Body: ptr("changed"), Pinned: ptr(false)})
	require.NoError(t, err)
	want := first
	want.Body, want.Pinned, want.DateUpdated = "changed", false, clk.Millis()
	assert.Equal(t, want, upd)
	got, err := s.Note(ctx, locA, c.ID, first.ID)
	require.NoError(t, err)
	assert.Equal(t, want, got)

	t.Run("another contact's note is not found", func(t *testing.T) {
		_, err := s.Note(ctx, locA, other.ID, first.ID)
		requireNotFound(t, err, crm.ResourceNote, first.ID)
		_, err = s.UpdateNote(ctx, locA, other.ID, first.ID, crm.NoteInput{Body: ptr("x")})
		requireNotFound(t, err, crm.ResourceNote, first.ID)
		requireNotFound(t, s.DeleteNote(ctx, locA, other.ID, first.ID), crm.ResourceNote, first.ID)
	})
	t.Run("invalid input changes nothing", func(t *testing.T) {
		unchanged(t, s, func() {
			_, err := s.CreateNote(ctx, locA, c.ID, crm.NoteInput{UserID: ptr(userB1)})
			e := requireCode(t, err, crm.EINVALID)
			assert.Equal(t, []string{"body should not be empty", "userId must be a valid user id"}, e.Messages)
			_, err = s.UpdateNote(ctx, locA, c.ID, first.ID, crm.NoteInput{Body: ptr(" ")})
			requireCode(t, err, crm.EINVALID)
			_, err = s.UpdateNote(ctx, locA, c.ID, first.ID, crm.NoteInput{UserID: ptr("stranger"), Title: ptr("t")})
			requireCode(t, err, crm.EINVALID)
		})
	})

	require.NoError(t, s.DeleteNote(ctx, locA, c.ID, second.ID))
	_, err = s.Note(ctx, locA, c.ID, second.ID)
	requireNotFound(t, err, crm.ResourceNote, second.ID)
	list, err = s.Notes(ctx, locA, c.ID)
	require.NoError(t, err)
	assert.Equal(t, []crm.Note{want}, list)
}

func TestAppointments(t *testing.T) {
	clk := newClock()
	contact := crm.Contact{ID: "ContactWithAppts0001", FirstName: "A", DateAdded: 1}
	at := func(id string, start crm.Millis) crm.Appointment {
		return crm.Appointment{ID: id, ContactID: contact.ID, CalendarID: "Cal", Title: id, StartTime: start, EndTime: start + 1800_000, Users: []string{userA1}}
	}
	d := crm.Dataset{Locations: []crm.LocationData{{
		Location:     fixtureLocation(locA),
		Contacts:     []crm.Contact{contact, {ID: "ContactWithoutAppts1", DateAdded: 2}},
		Appointments: []crm.Appointment{at("Later", 3000), at("Sooner", 1000), at("Middle", 2000)},
	}}}
	s, err := inmem.New(d, inmem.Options{Now: clk.Now, IDs: crm.NewIDGen(1)})
	require.NoError(t, err)

	as, err := s.Appointments(t.Context(), locA, contact.ID)
	require.NoError(t, err)
	require.Len(t, as, 3)
	assert.Equal(t, []string{"Sooner", "Middle", "Later"}, []string{as[0].ID, as[1].ID, as[2].ID})
	assert.Equal(t, locA, as[0].LocationID)

	as[0].Users[0] = "scribbled"
	again, err := s.Appointments(t.Context(), locA, contact.ID)
	require.NoError(t, err)
	assert.Equal(t, []string{userA1}, again[0].Users, "a copy")

	none, err := s.Appointments(t.Context(), locA, "ContactWithoutAppts1")
	require.NoError(t, err)
	assert.Empty(t, none)
}

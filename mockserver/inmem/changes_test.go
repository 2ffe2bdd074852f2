package inmem_test

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/inmem"
)

// recorder is a crm.Publisher that keeps what it is given.
type recorder struct {
	mu      sync.Mutex
	changes []crm.Change
	off     bool
}

func (r *recorder) Active() bool { return !r.off }

func (r *recorder) Publish(_ context.Context, c crm.Change) {
	r.mu.Lock()
	r.changes = append(r.changes, c)
	r.mu.Unlock()
}

// take returns the changes recorded since the last take.
func (r *recorder) take() []crm.Change {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.changes
	r.changes = nil
	return out
}

func publishing(rec *recorder) storeOption {
	return withOptions(func(o *inmem.Options) { o.Publisher = rec })
}

// onlyChange asserts that exactly one change of kind and id was published and
// returns it.
func onlyChange(t *testing.T, rec *recorder, kind crm.Kind, id string) crm.Change {
	t.Helper()
	cs := rec.take()
	require.Len(t, cs, 1, "changes: %+v", cs)
	assert.Equal(t, kind, cs[0].Kind)
	assert.Equal(t, id, cs[0].ID)
	assert.NotZero(t, cs[0].Time)
	return cs[0]
}

func contactOf(t *testing.T, o crm.Object) *crm.Contact {
	t.Helper()
	c, ok := o.(*crm.Contact)
	require.True(t, ok, "%T is not a contact", o)
	return c
}

// TestEveryWritePublishesItsChange: each write method publishes one change
// per object it changed, with the object before and after; what changes
// nothing publishes nothing.
func TestEveryWritePublishesItsChange(t *testing.T) {
	rec := &recorder{}
	s, clk := newStore(t, publishing(rec))
	ctx := context.Background()

	c := create(t, s, clk, locA, person("Ada", "Lovelace", "ada@example.com", "+12125550101"))
	ch := onlyChange(t, rec, crm.KindContact, c.ID)
	assert.Nil(t, ch.Before)
	assert.Equal(t, locA, ch.Location)
	assert.Equal(t, c, *contactOf(t, ch.After))

	up, err := s.UpdateContact(ctx, locA, c.ID, crm.ContactInput{City: ptr("London")})
	require.NoError(t, err)
	ch = onlyChange(t, rec, crm.KindContact, c.ID)
	assert.Equal(t, c, *contactOf(t, ch.Before))
	assert.Equal(t, up, *contactOf(t, ch.After))

	_, _, err = s.AddTags(ctx, locA, c.ID, []string{"VIP"})
	require.NoError(t, err)
	ch = onlyChange(t, rec, crm.KindContact, c.ID)
	assert.Empty(t, contactOf(t, ch.Before).Tags)
	assert.Equal(t, []string{"vip"}, contactOf(t, ch.After).Tags)

	_, _, err = s.AddTags(ctx, locA, c.ID, []string{"vip"}) // already there: nothing changes
	require.NoError(t, err)
	assert.Empty(t, rec.take(), "a write that changes nothing publishes nothing")

	require.NoError(t, s.AddToCampaign(ctx, locA, c.ID, campaignA))
	assert.Equal(t, []string{campaignA}, contactOf(t, onlyChange(t, rec, crm.KindContact, c.ID).After).Campaigns)
	require.NoError(t, s.AddToWorkflow(ctx, locA, c.ID, workflowA, ""))
	onlyChange(t, rec, crm.KindContact, c.ID)
	_, _, err = s.AddFollowers(ctx, locA, c.ID, []string{userA1})
	require.NoError(t, err)
	onlyChange(t, rec, crm.KindContact, c.ID)

	_, err = s.UpdateContact(ctx, locA, c.ID, crm.ContactInput{Email: ptr("not an email")})
	_ = err // whatever the store says of it, a refused write publishes nothing
	_, err = s.UpdateContact(ctx, locA, c.ID, crm.ContactInput{AssignedTo: ptr("NoSuchUserxxxxxxxxxx")})
	require.Error(t, err)
	rec.take()
	_, err = s.UpdateContact(ctx, locA, c.ID, crm.ContactInput{AssignedTo: ptr("NoSuchUserxxxxxxxxxx")})
	require.Error(t, err)
	assert.Empty(t, rec.take(), "a refused write publishes nothing")

	// Tasks and notes are changes of their own; the contact does not change.
	task, err := s.CreateTask(ctx, locA, c.ID, crm.TaskInput{Title: ptr("Call"), DueDate: ptr(clk.Millis()), Completed: ptr(false)})
	require.NoError(t, err)
	ch = onlyChange(t, rec, crm.KindTask, task.ID)
	assert.Nil(t, ch.Before)
	assert.Equal(t, task, *ch.After.(*crm.Task))
	done, err := s.UpdateTask(ctx, locA, c.ID, task.ID, crm.TaskInput{Completed: ptr(true)})
	require.NoError(t, err)
	ch = onlyChange(t, rec, crm.KindTask, task.ID)
	assert.False(t, ch.Before.(*crm.Task).Completed)
	assert.Equal(t, done, *ch.After.(*crm.Task))
	require.NoError(t, s.DeleteTask(ctx, locA, c.ID, task.ID))
	ch = onlyChange(t, rec, crm.KindTask, task.ID)
	assert.Equal(t, done, *ch.Before.(*crm.Task))
	assert.Nil(t, ch.After)

	note, err := s.CreateNote(ctx, locA, c.ID, crm.NoteInput{Body: ptr("Prefers mornings")})
	require.NoError(t, err)
	assert.Equal(t, note, *onlyChange(t, rec, crm.KindNote, note.ID).After.(*crm.Note))
	_, err = s.UpdateNote(ctx, locA, c.ID, note.ID, crm.NoteInput{Pinned: ptr(true)})
	require.NoError(t, err)
	assert.True(t, onlyChange(t, rec, crm.KindNote, note.ID).After.(*crm.Note).Pinned)
	require.NoError(t, s.DeleteNote(ctx, locA, c.ID, note.ID))
	assert.Nil(t, onlyChange(t, rec, crm.KindNote, note.ID).After)

	// Bulk operations: one change per contact that changed.
	c2 := create(t, s, clk, locA, person("Grace", "Hopper", "grace@example.com", "+12125550102"))
	rec.take()
	_, err = s.BulkTags(ctx, locA, crm.BulkTagOp{ContactIDs: []string{c.ID, c2.ID, "NoSuchContactxxxxxxx"}, Tags: []string{"webinar"}})
	require.NoError(t, err)
	cs := rec.take()
	require.Len(t, cs, 2)
	assert.ElementsMatch(t, []string{c.ID, c2.ID}, []string{cs[0].ID, cs[1].ID})
	_, err = s.SetBusiness(ctx, locA, []string{c.ID, c2.ID}, businessA)
	require.NoError(t, err)
	assert.Len(t, rec.take(), 2)

	// Upsert: an update of the contact it matched, or a create.
	_, created, err := s.UpsertContact(ctx, locA, crm.ContactInput{Email: ptr("grace@example.com"), City: ptr("Arlington")}, false)
	require.NoError(t, err)
	require.False(t, created)
	assert.Equal(t, "Arlington", contactOf(t, onlyChange(t, rec, crm.KindContact, c2.ID).After).City)
	n, created, err := s.UpsertContact(ctx, locA, crm.ContactInput{Email: ptr("new@example.com")}, false)
	require.NoError(t, err)
	require.True(t, created)
	assert.Nil(t, onlyChange(t, rec, crm.KindContact, n.ID).Before)

	require.NoError(t, s.DeleteContact(ctx, locA, c.ID))
	ch = onlyChange(t, rec, crm.KindContact, c.ID)
	assert.NotNil(t, ch.Before)
	assert.Nil(t, ch.After, "a delete's After is nil")

	// Seq numbers are the publisher's business: the store leaves them 0.
	for _, c := range cs {
		assert.Zero(t, c.Seq)
	}
}

// TestNoPublisherNoImages: a store whose publisher is inactive publishes
// nothing.
func TestNoPublisherNoImages(t *testing.T) {
	rec := &recorder{off: true}
	s, clk := newStore(t, publishing(rec))
	c := create(t, s, clk, locA, person("Ada", "Lovelace", "ada@example.com", ""))
	_, _, err := s.AddTags(context.Background(), locA, c.ID, []string{"x"})
	require.NoError(t, err)
	assert.Empty(t, rec.take())
}

// TestRestoreUndoesEachChange: restoring the changes of a series of writes,
// newest first, gives back exactly the state before them — the property a
// write whose change could not be made durable relies on.
func TestRestoreUndoesEachChange(t *testing.T) {
	rec := &recorder{}
	s, clk := newStore(t, publishing(rec))
	ctx := context.Background()
	keep := create(t, s, clk, locA, person("Ada", "Lovelace", "ada@example.com", "+12125550101"))
	task, err := s.CreateTask(ctx, locA, keep.ID, crm.TaskInput{Title: ptr("Call"), DueDate: ptr(clk.Millis()), Completed: ptr(false)})
	require.NoError(t, err)
	note, err := s.CreateNote(ctx, locA, keep.ID, crm.NoteInput{Body: ptr("Prefers mornings")})
	require.NoError(t, err)
	rec.take()
	before, err := s.Export(ctx)
	require.NoError(t, err)

	// A series of writes of every kind.
	clk.Advance(1e9)
	_, err = s.UpdateContact(ctx, locA, keep.ID, crm.ContactInput{City: ptr("London"), Tags: tags("a", "b")})
	require.NoError(t, err)
	added := create(t, s, clk, locA, person("Grace", "Hopper", "grace@example.com", ""))
	_, err = s.CreateTask(ctx, locA, added.ID, crm.TaskInput{Title: ptr("New"), DueDate: ptr(clk.Millis()), Completed: ptr(false)})
	require.NoError(t, err)
	_, err = s.UpdateTask(ctx, locA, keep.ID, task.ID, crm.TaskInput{Completed: ptr(true)})
	require.NoError(t, err)
	require.NoError(t, s.DeleteNote(ctx, locA, keep.ID, note.ID))
	_, err = s.CreateNote(ctx, locA, keep.ID, crm.NoteInput{Body: ptr("Another")})
	require.NoError(t, err)
	_, err = s.BulkTags(ctx, locA, crm.BulkTagOp{ContactIDs: []string{keep.ID, added.ID}, Tags: []string{"bulk"}})
	require.NoError(t, err)
	require.NoError(t, s.DeleteContact(ctx, locA, keep.ID))
	require.NoError(t, s.Import(ctx, crm.Dataset{Locations: []crm.LocationData{{Location: fixtureLocation("LocationCCCCCCCCCCC3")}}}))
	cs := rec.take()
	require.GreaterOrEqual(t, len(cs), 10)

	for _, c := range slices.Backward(cs) {
		require.NoError(t, s.Restore(ctx, c))
	}
	after, err := s.Export(ctx)
	require.NoError(t, err)
	assert.Equal(t, before, after, "restoring every change, newest first, gives back the state before them")
	_, err = s.Contact(ctx, locA, added.ID)
	assert.Equal(t, crm.ENOTFOUND, crm.ErrorCode(err), "an undone create never existed")
	assert.Empty(t, rec.take(), "Restore publishes nothing")
}

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

func TestAddAndRemoveTags(t *testing.T) {
	s, clk := newStore(t)
	ctx := t.Context()
	in := person("A", "B", "", "")
	in.Tags = tags("vip")
	c := create(t, s, clk, locA, in)

	clk.Advance(time.Minute)
	got, added, err := s.AddTags(ctx, locA, c.ID, []string{"VIP", "New Lead", " new lead ", ""})
	require.NoError(t, err)
	assert.Equal(t, []string{"vip", "new lead"}, got.Tags)
	assert.Equal(t, []string{"new lead"}, added, "only the genuinely new")
	assert.Equal(t, clk.Millis(), got.DateUpdated)

	clk.Advance(time.Minute)
	got, added, err = s.AddTags(ctx, locA, c.ID, []string{"vip"})
	require.NoError(t, err)
	assert.Equal(t, []string{}, added)
	assert.Equal(t, clk.Millis()-60_000, got.DateUpdated, "nothing changed: DateUpdated stays")

	got, removed, err := s.RemoveTags(ctx, locA, c.ID, []string{"VIP", "never had it"})
	require.NoError(t, err)
	assert.Equal(t, []string{"new lead"}, got.Tags)
	assert.Equal(t, []string{"vip"}, removed)
	assert.Equal(t, clk.Millis(), got.DateUpdated)

	clk.Advance(time.Minute)
	got, removed, err = s.RemoveTags(ctx, locA, c.ID, []string{"vip"})
	require.NoError(t, err)
	assert.Equal(t, []string{}, removed)
	assert.Equal(t, clk.Millis()-60_000, got.DateUpdated)

	stored, err := s.Contact(ctx, locA, c.ID)
	require.NoError(t, err)
	assert.Equal(t, []string{"new lead"}, stored.Tags)
}

func TestBulkTags(t *testing.T) {
	s, clk := newStore(t)
	ctx := t.Context()
	in := person("A", "B", "", "")
	in.Tags = tags("old", "keep")
	a := create(t, s, clk, locA, in)
	b := create(t, s, clk, locA, person("B", "B", "", ""))
	gone := create(t, s, clk, locA, person("Gone", "B", "", ""))
	require.NoError(t, s.DeleteContact(ctx, locA, gone.ID))
	foreign := create(t, s, clk, locB, person("Foreign", "B", "", ""))
	const unknown = "ZZZZZZZZZZZZZZZZZZZZ"

	clk.Advance(time.Minute)
	res, err := s.BulkTags(ctx, locA, crm.BulkTagOp{
		ContactIDs: []string{a.ID, "abcdef", gone.ID, foreign.ID, unknown, b.ID, a.ID},
		Tags:       []string{"New", "OLD"},
	})
	require.NoError(t, err)
	assert.Equal(t, []crm.BulkTagResult{
		{ContactID: a.ID, OK: true, Message: "Tags updated", OldTags: []string{"old", "keep"}, TagsAdded: []string{"new"}, TagsRemoved: []string{}},
		{ContactID: "abcdef", Message: "contact id is not a valid firebase id"},
		{ContactID: gone.ID, Message: "contact is deleted"},
		{ContactID: foreign.ID, Message: "contact does not belong to location"},
		{ContactID: unknown, Message: "contact does not belong to location"},
		{ContactID: b.ID, OK: true, Message: "Tags updated", OldTags: []string{}, TagsAdded: []string{"new", "old"}, TagsRemoved: []string{}},
		{ContactID: a.ID, OK: true, Message: "Tags updated", OldTags: []string{"old", "keep", "new"}, TagsAdded: []string{}, TagsRemoved: []string{}},
	}, res)
	got, err := s.Contact(ctx, locA, a.ID)
	require.NoError(t, err)
	assert.Equal(t, []string{"old", "keep", "new"}, got.Tags)
	assert.Equal(t, clk.Millis(), got.DateUpdated)
	f, err := s.Contact(ctx, locB, foreign.ID)
	require.NoError(t, err)
	assert.Empty(t, f.Tags, "another location's contact is untouched")

	res, err = s.BulkTags(ctx, locA, crm.BulkTagOp{Remove: true, ContactIDs: []string{a.ID}, Tags: []string{"KEEP", "absent"}})
	require.NoError(t, err)
	assert.Equal(t, []string{"keep"}, res[0].TagsRemoved)

	res, err = s.BulkTags(ctx, locA, crm.BulkTagOp{Remove: true, RemoveAll: true, ContactIDs: []string{a.ID, b.ID}})
	require.NoError(t, err)
	assert.Equal(t, []string{"old", "new"}, res[0].TagsRemoved)
	assert.Equal(t, []string{"new", "old"}, res[1].TagsRemoved)
	got, err = s.Contact(ctx, locA, a.ID)
	require.NoError(t, err)
	assert.Empty(t, got.Tags)

	res, err = s.BulkTags(ctx, locA, crm.BulkTagOp{RemoveAll: true, ContactIDs: []string{a.ID}, Tags: []string{"x"}})
	require.NoError(t, err)
	assert.Equal(t, []string{"x"}, res[0].TagsAdded, "removeAll only means something when removing")
}

func TestBulkTagsLimit(t *testing.T) {
	many := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("C%019d", i)
		}
		return out
	}
	s, _ := newStore(t)
	res, err := s.BulkTags(t.Context(), locA, crm.BulkTagOp{ContactIDs: many(100), Tags: []string{"x"}})
	require.NoError(t, err)
	assert.Len(t, res, 100)
	_, err = s.BulkTags(t.Context(), locA, crm.BulkTagOp{ContactIDs: many(101), Tags: []string{"x"}})
	e := requireCode(t, err, crm.EINVALID)
	assert.Equal(t, []string{"contacts must contain no more than 100 elements"}, e.Messages)

	uncapped, _ := newStore(t, withOptions(func(o *inmem.Options) { o.MaxBulkTagContacts = -1 }))
	res, err = uncapped.BulkTags(t.Context(), locA, crm.BulkTagOp{ContactIDs: many(500), Tags: []string{"x"}})
	require.NoError(t, err)
	assert.Len(t, res, 500)
}

func TestSetBusiness(t *testing.T) {
	s, clk := newStore(t)
	ctx := t.Context()
	a := create(t, s, clk, locA, person("A", "A", "", ""))
	b := create(t, s, clk, locA, person("B", "B", "", ""))
	gone := create(t, s, clk, locA, person("Gone", "B", "", ""))
	require.NoError(t, s.DeleteContact(ctx, locA, gone.ID))
	foreign := create(t, s, clk, locB, person("F", "F", "", ""))

	clk.Advance(time.Minute)
	changed, err := s.SetBusiness(ctx, locA, []string{a.ID, gone.ID, foreign.ID, "bogus", b.ID, a.ID}, businessA)
	require.NoError(t, err)
	assert.Equal(t, []string{a.ID, b.ID}, changed)
	got, err := s.Contact(ctx, locA, a.ID)
	require.NoError(t, err)
	assert.Equal(t, businessA, got.BusinessID)
	assert.Equal(t, clk.Millis(), got.DateUpdated)
	cs, total, err := s.ContactsByBusiness(ctx, locA, businessA, crm.BusinessQuery{})
	require.NoError(t, err)
	assert.Equal(t, 2, total)
	assert.ElementsMatch(t, []string{a.ID, b.ID}, ids(cs))
	f, err := s.Contact(ctx, locB, foreign.ID)
	require.NoError(t, err)
	assert.Empty(t, f.BusinessID)

	changed, err = s.SetBusiness(ctx, locA, []string{a.ID}, businessA)
	require.NoError(t, err)
	assert.Equal(t, []string{}, changed, "already there")

	changed, err = s.SetBusiness(ctx, locA, []string{a.ID}, "")
	require.NoError(t, err)
	assert.Equal(t, []string{a.ID}, changed)
	got, err = s.Contact(ctx, locA, a.ID)
	require.NoError(t, err)
	assert.Empty(t, got.BusinessID)

	unchanged(t, s, func() {
		_, err := s.SetBusiness(ctx, locA, []string{b.ID}, businessB)
		e := requireCode(t, err, crm.EINVALID)
		assert.Equal(t, []string{"businessId must be a valid business id"}, e.Messages)
	})
	unchanged(t, s, func() {
		_, err := s.SetBusiness(ctx, locA, make([]string, 51), businessA)
		e := requireCode(t, err, crm.EINVALID)
		assert.Equal(t, []string{"ids must contain no more than 50 elements"}, e.Messages)
	})
}

func TestFollowers(t *testing.T) {
	s, clk := newStore(t)
	ctx := t.Context()
	c := create(t, s, clk, locA, person("A", "A", "", ""))

	clk.Advance(time.Minute)
	all, added, err := s.AddFollowers(ctx, locA, c.ID, []string{userA1, userA1})
	require.NoError(t, err)
	assert.Equal(t, []string{userA1}, all)
	assert.Equal(t, []string{userA1}, added)

	all, added, err = s.AddFollowers(ctx, locA, c.ID, []string{userA2, userA1})
	require.NoError(t, err)
	assert.Equal(t, []string{userA1, userA2}, all)
	assert.Equal(t, []string{userA2}, added)

	unchanged(t, s, func() {
		_, _, err := s.AddFollowers(ctx, locA, c.ID, []string{userA1, userB1})
		e := requireCode(t, err, crm.EINVALID)
		assert.Equal(t, []string{"followers must contain valid user ids"}, e.Messages)
	})

	all, removed, err := s.RemoveFollowers(ctx, locA, c.ID, []string{userA1, userB1})
	require.NoError(t, err)
	assert.Equal(t, []string{userA2}, all)
	assert.Equal(t, []string{userA1}, removed)

	got, err := s.Contact(ctx, locA, c.ID)
	require.NoError(t, err)
	assert.Equal(t, []string{userA2}, got.Followers)
	assert.Equal(t, clk.Millis(), got.DateUpdated)

	all, removed, err = s.RemoveFollowers(ctx, locA, c.ID, []string{userA2})
	require.NoError(t, err)
	assert.Empty(t, all)
	assert.Equal(t, []string{userA2}, removed)
}

func TestCampaigns(t *testing.T) {
	s, clk := newStore(t)
	ctx := t.Context()
	c := create(t, s, clk, locA, person("A", "A", "", ""))

	require.NoError(t, s.AddToCampaign(ctx, locA, c.ID, campaignA))
	require.NoError(t, s.AddToCampaign(ctx, locA, c.ID, campaignA), "idempotent")
	got, err := s.Contact(ctx, locA, c.ID)
	require.NoError(t, err)
	assert.Equal(t, []string{campaignA}, got.Campaigns)
	assert.Equal(t, c.DateUpdated, got.DateUpdated, "membership does not touch DateUpdated")

	unchanged(t, s, func() {
		requireNotFound(t, s.AddToCampaign(ctx, locA, c.ID, "NoSuchCampaignxxxxxx"), crm.ResourceCampaign, "NoSuchCampaignxxxxxx")
		requireNotFound(t, s.RemoveFromCampaign(ctx, locA, c.ID, "NoSuchCampaignxxxxxx"), crm.ResourceCampaign, "NoSuchCampaignxxxxxx")
		requireNotFound(t, s.AddToCampaign(ctx, locA, c.ID, campaignB), crm.ResourceCampaign, campaignB)
	})

	require.NoError(t, s.RemoveFromCampaign(ctx, locA, c.ID, campaignA))
	require.NoError(t, s.RemoveFromCampaign(ctx, locA, c.ID, campaignA), "not in it: fine")
	got, err = s.Contact(ctx, locA, c.ID)
	require.NoError(t, err)
	assert.Empty(t, got.Campaigns)

	require.NoError(t, s.AddToCampaign(ctx, locA, c.ID, campaignA))
	require.NoError(t, s.RemoveFromAllCampaigns(ctx, locA, c.ID))
	got, err = s.Contact(ctx, locA, c.ID)
	require.NoError(t, err)
	assert.Empty(t, got.Campaigns)
}

func TestWorkflows(t *testing.T) {
	s, clk := newStore(t)
	ctx := t.Context()
	c := create(t, s, clk, locA, person("A", "A", "", ""))
	added := clk.Millis()

	require.NoError(t, s.AddToWorkflow(ctx, locA, c.ID, workflowA, "2021-06-23T03:30:00+01:00"))
	clk.Advance(time.Minute)
	require.NoError(t, s.AddToWorkflow(ctx, locA, c.ID, workflowA, "later"), "idempotent: the first enrollment stays")
	got, err := s.Contact(ctx, locA, c.ID)
	require.NoError(t, err)
	assert.Equal(t, []crm.WorkflowEnrollment{{WorkflowID: workflowA, EventStartTime: "2021-06-23T03:30:00+01:00", AddedAt: added}}, got.Workflows)

	unchanged(t, s, func() {
		requireNotFound(t, s.AddToWorkflow(ctx, locA, c.ID, "NoSuchWorkflowxxxxxx", ""), crm.ResourceWorkflow, "NoSuchWorkflowxxxxxx")
		requireNotFound(t, s.RemoveFromWorkflow(ctx, locA, c.ID, "NoSuchWorkflowxxxxxx"), crm.ResourceWorkflow, "NoSuchWorkflowxxxxxx")
		requireNotFound(t, s.AddToWorkflow(ctx, locA, c.ID, workflowB, ""), crm.ResourceWorkflow, workflowB)
	})

	require.NoError(t, s.RemoveFromWorkflow(ctx, locA, c.ID, workflowA))
	require.NoError(t, s.RemoveFromWorkflow(ctx, locA, c.ID, workflowA), "not in it: fine")
	got, err = s.Contact(ctx, locA, c.ID)
	require.NoError(t, err)
	assert.Empty(t, got.Workflows)
}

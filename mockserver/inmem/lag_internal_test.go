package inmem

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// TestSearchLagKeepsOnlyWhatSearchCanSee: the versions kept for a lagging
// search are swept once no search can see them, so a long-running mock with
// a lag holds about a lag's worth of writes, not every write it ever took.
func TestSearchLagKeepsOnlyWhatSearchCanSee(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	const loc = "LocationAaaaaaaaaaaa"
	s, err := New(crm.Dataset{Locations: []crm.LocationData{{Location: crm.Location{ID: loc, Country: "US", Timezone: "UTC"}}}},
		Options{Now: func() time.Time { return now }, IDs: crm.NewIDGen(1), SearchLag: time.Second})
	require.NoError(t, err)
	ctx := context.Background()
	var ids []string
	for range 500 {
		c, err := s.CreateContact(ctx, loc, crm.ContactInput{FirstName: new("A")})
		require.NoError(t, err)
		ids = append(ids, c.ID)
	}
	l, err := s.location(ctx, loc)
	require.NoError(t, err)
	// Each contact is written once, 2 s after the one before: a version is
	// out of sight by the next write, but only a sweep removes it, since its
	// own contact is never written again.
	most := 0
	for _, id := range ids {
		now = now.Add(2 * time.Second)
		_, err := s.UpdateContact(ctx, loc, id, crm.ContactInput{City: new("Paris")})
		require.NoError(t, err)
		most = max(most, len(l.past))
	}
	assert.LessOrEqual(t, most, 64, "swept whenever it reaches 64 contacts (it would reach 500)")
	assert.Greater(t, most, 1, "and it did keep versions between sweeps")
}

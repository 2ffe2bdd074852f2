package inmem_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/inmem"
)

// TestConcurrentUse runs every kind of call at once from many goroutines
// (under -race this is the data race check), then checks the indexes still
// agree with the data.
func TestConcurrentUse(t *testing.T) {
	d := crm.Dataset{Locations: []crm.LocationData{
		newGen(21).location(fixtureLocation(locA), 300, true),
		newGen(22).location(fixtureLocation(locB), 300, true),
	}}
	clk := newClock()
	s, err := inmem.New(d, inmem.Options{Now: clk.Now, IDs: crm.NewIDGen(3), NormalizePhones: true, SearchLag: time.Second})
	require.NoError(t, err)
	ctx := t.Context()
	seeded := map[string][]string{}
	for _, ld := range d.Locations {
		seeded[ld.Location.ID] = ids(ld.Contacts)
	}

	const workers, rounds = 8, 150
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds+5)
	for w := range workers {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 1))
			loc := []string{locA, locB}[w%2]
			other := []string{locA, locB}[(w+1)%2]
			pick := func(l string) string { return seeded[l][r.IntN(len(seeded[l]))] }
			// Client errors are expected here (a contact another worker
			// deleted, a duplicate); anything else is a failure.
			check := func(err error) {
				if err != nil && crm.ErrorCode(err) == "" {
					errs <- err
				}
			}
			for i := range rounds {
				clk.Advance(time.Millisecond)
				id := pick(loc)
				switch r.IntN(16) {
				case 0:
					_, err := s.CreateContact(ctx, loc, person("W", fmt.Sprint(w), fmt.Sprintf("w%d-%d@x.com", w, i), ""))
					check(err)
				case 1:
					_, err := s.UpdateContact(ctx, loc, id, crm.ContactInput{City: ptr(fmt.Sprint("City", i)), Email: ptr(fmt.Sprintf("u%d-%d@x.com", w, i))})
					check(err)
				case 2:
					check(s.DeleteContact(ctx, loc, id))
				case 3:
					_, _, err := s.AddTags(ctx, loc, id, []string{"t", fmt.Sprint(i)})
					check(err)
				case 4:
					_, err := s.BulkTags(ctx, loc, crm.BulkTagOp{Remove: true, ContactIDs: []string{id, pick(loc), pick(other)}, Tags: []string{"t"}})
					check(err)
				case 5:
					_, err := s.ListContacts(ctx, loc, crm.ListQuery{Query: "an", Limit: 50})
					check(err)
				case 6:
					_, err := s.SearchContacts(ctx, loc, crm.SearchQuery{PageLimit: 20, Query: "e", Filters: []crm.Filter{{Field: "tags", Operator: "contains", Value: "v"}}, Sort: []crm.Sort{{Field: "email"}}})
					check(err)
				case 7:
					_, _, err := s.UpsertContact(ctx, loc, person("Up", "Sert", fmt.Sprintf("w%d-%d@x.com", w, i/2), ""), false)
					check(err)
				case 8:
					_, _, err := s.DuplicateContact(ctx, loc, fmt.Sprintf("w%d-%d@x.com", w, i-1), "")
					check(err)
				case 9:
					_, err := s.CreateTask(ctx, loc, id, crm.TaskInput{Title: ptr("t"), DueDate: ptr(crm.Millis(1)), Completed: ptr(false)})
					check(err)
				case 10:
					_, err := s.CreateNote(ctx, loc, id, crm.NoteInput{Body: ptr("n")})
					check(err)
				case 11:
					_, err := s.Contact(ctx, loc, pick(other))
					check(err)
				case 12:
					_, err := s.SetBusiness(ctx, loc, []string{id}, "")
					check(err)
				case 13:
					_, err := s.Export(ctx, loc)
					check(err)
				case 14:
					inmem.LocationOf(ctx, s, pick(other))
					_ = s.Stats()
				case 15:
					_, _, err := s.AddFollowers(ctx, loc, id, []string{ref(loc, userA1, userB1)})
					check(err)
				}
			}
		})
	}
	wg.Go(func() { // meanwhile an admin resets location B to what it is now
		for range 5 {
			d, err := s.Export(ctx, locB)
			if err != nil {
				errs <- err
				return
			}
			if err := s.Import(ctx, d); err != nil {
				errs <- err
			}
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	// The indexes agree with the data.
	clk.Advance(time.Minute) // past the search lag
	for _, loc := range []string{locA, locB} {
		all := listAll(t, s, loc)
		res, err := s.SearchContacts(ctx, loc, crm.SearchQuery{PageLimit: 1})
		require.NoError(t, err)
		assert.Equal(t, len(all), res.Total, loc)
		seen := map[string]bool{}
		for _, c := range all {
			assert.False(t, seen[c.ID], "listed twice: %s", c.ID)
			seen[c.ID] = true
			if c.Email != "" {
				dup, found, err := s.DuplicateContact(ctx, loc, c.Email, "")
				require.NoError(t, err)
				if assert.True(t, found, c.Email) {
					assert.Equal(t, emailLower(c.Email), emailLower(dup.Email))
				}
			}
		}
	}
	// And the whole state still makes a valid dataset.
	_, err = inmem.New(export(t, s), inmem.Options{Now: clk.Now, IDs: crm.NewIDGen(4)})
	require.NoError(t, err)
}

func emailLower(s string) string { return strings.ToLower(s) }

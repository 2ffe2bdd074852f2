package ghlmocktest_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver"
	"github.com/ghlmock/ghlmock/mockserver/faults"
	"github.com/ghlmock/ghlmock/mockserver/ghlmocktest"
)

// recorder is a TB that records what the helpers report.
type recorder struct {
	cleanups []func()
	errors   []string
	fatal    bool
}

func (r *recorder) Helper()          {}
func (r *recorder) Cleanup(f func()) { r.cleanups = append(r.cleanups, f) }
func (r *recorder) Errorf(format string, a ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, a...))
}
func (r *recorder) Fatalf(format string, a ...any) { r.Errorf(format, a...); r.fatal = true }
func (r *recorder) runCleanups() {
	for i := len(r.cleanups) - 1; i >= 0; i-- {
		r.cleanups[i]()
	}
}

func TestNewStopsTheMockWhenTheTestEnds(t *testing.T) {
	var r recorder
	m := ghlmocktest.New(&r)
	status, _ := getContact(m.URL, m.Token, m.ContactID("Ada Lovelace"))
	require.Equal(t, 200, status)
	require.Len(t, r.cleanups, 1)
	r.runCleanups()
	status, _ = getContact(m.URL, m.Token, m.ContactID("Ada Lovelace"))
	assert.Equal(t, 0, status, "the mock is gone once the test's cleanups ran")
}

func TestNewFailsTheTestWhenTheMockCannotStart(t *testing.T) {
	var r recorder
	ghlmocktest.New(&r, ghlmocktest.WithFaults(faults.Rule{OperationID: "no-such-operation", Status: 503}))
	assert.True(t, r.fatal)
	require.Len(t, r.errors, 1)
	assert.Contains(t, r.errors[0], "ghlmocktest:")
}

func TestVerifyReportsAMismatchWithTheJournal(t *testing.T) {
	m := ghlmocktest.New(t)
	require.Equal(t, 201, createContact(m.URL, m.Token, m.LocationID, "one@example.com"))
	var r recorder
	m.Verify(&r, ghlmocktest.Query{OperationID: "create-contact"}, 1)
	assert.Empty(t, r.errors, "one create, one expected")
	m.Verify(&r, ghlmocktest.Query{OperationID: "create-contact"}, 2)
	require.Len(t, r.errors, 1)
	assert.Contains(t, r.errors[0], "1 requests match")
	assert.Contains(t, r.errors[0], "want 2")
	assert.Contains(t, r.errors[0], "POST /contacts/ → 201")
	r.errors = nil
	m.Verify(&r, ghlmocktest.Query{OperationID: "create-contact", Body: map[string]string{"email": "two@example.com"}}, 1)
	assert.Len(t, r.errors, 1, "the body filter is applied")
}

func TestLocationsTokensAndReset(t *testing.T) {
	m := ghlmocktest.New(t, ghlmocktest.WithContacts(2))
	require.Len(t, m.Locations, 2)
	acme, bright := m.Location(m.LocationID), m.Location("5YtuALNUEJMUUqAsab3w")
	assert.Equal(t, "pit-1a2b3c4d-0001-4000-8000-000000000002", acme.ReadonlyToken)
	assert.Equal(t, m.ReadonlyToken, acme.ReadonlyToken)
	assert.Equal(t, "pit-1a2b3c4d-0002-4000-8000-000000000001", bright.Token)
	assert.Equal(t, "5xU7Tu1bwfKWCuvQxqTh", acme.Users["Margaret Hamilton"])
	assert.Equal(t, "JuCmbfKfhM5f2YjtNrps", bright.Contacts["Charles Babbage"], "each location's own named contacts")
	assert.Equal(t, "RirZoUIYap0BJidC295M", m.ContactID("Charles Babbage"), "ContactID looks in the first location first")
	assert.Panics(t, func() { m.ContactID("Nobody") })

	status, _ := getContact(m.URL, acme.ReadonlyToken, m.ContactID("Ada Lovelace"))
	assert.Equal(t, 200, status)
	id, err := m.AddFault(faults.Rule{OperationID: "get-contact", Status: 503})
	require.NoError(t, err)
	assert.NotEmpty(t, id)
	status, _ = getContact(m.URL, m.Token, m.ContactID("Ada Lovelace"))
	assert.Equal(t, 503, status)
	require.NoError(t, m.Reset())
	status, _ = getContact(m.URL, m.Token, m.ContactID("Ada Lovelace"))
	assert.Equal(t, 200, status, "Reset removed the fault")
	n, err := m.Count(ghlmocktest.Query{})
	require.NoError(t, err)
	assert.Equal(t, 1, n, "Reset cleared the journal")
}

func TestHelpersUseTheAdminToken(t *testing.T) {
	m := ghlmocktest.New(t, ghlmocktest.WithConfig(func(c *mockserver.Config) { c.AdminToken = "s3cret" }))
	res, err := http.Get(m.URL + "/_mock/requests")
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, 401, res.StatusCode, "the admin API is closed without the token")
	_, err = m.Requests(ghlmocktest.Query{})
	assert.NoError(t, err, "the helpers send it")
}

package mockserver_test

import (
	"errors"
	"net/http"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver"
)

// withState gives the mock a state database at path.
func withState(path string) func(*mockserver.Config) {
	return func(c *mockserver.Config) { c.StatePath = path }
}

// restart closes h's state (as serve does at shutdown) and starts a new mock
// on the same database.
func restart(t *testing.T, h *harness, path string, mutate ...func(*mockserver.Config)) *harness {
	t.Helper()
	h.ts.Close()
	require.NoError(t, h.srv.CloseState())
	return setup(t, append([]func(*mockserver.Config){withState(path)}, mutate...)...)
}

// TestStateSurvivesARestart: everything written — contacts, a delete, tasks,
// notes, a minted token, a revoked one — is there after a restart, the
// export byte for byte what it was.
func TestStateSurvivesARestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	h := setup(t, withState(path))
	created := h.do(call{method: "POST", path: "/contacts/", body: map[string]any{"locationId": h.loc, "firstName": "Rosan", "email": "rosan@example.com"}})
	require.Equal(t, http.StatusCreated, created.Status, "%s", created.Body)
	id := created.JSON(t)["contact"].(map[string]any)["id"].(string)
	require.Equal(t, http.StatusCreated, h.do(call{method: "POST", path: "/contacts/" + id + "/tasks", body: map[string]any{"title": "Call", "dueDate": "2026-12-01T10:00:00Z", "completed": false}}).Status)
	require.Equal(t, http.StatusCreated, h.do(call{method: "POST", path: "/contacts/" + id + "/notes", body: map[string]any{"body": "Prefers mornings"}}).Status)
	require.Equal(t, http.StatusOK, h.do(call{method: "DELETE", path: "/contacts/" + h.namedID}).Status)
	minted := h.admin("POST", "/_mock/tokens", map[string]any{"locationId": h.loc, "expiresIn": 0})
	require.Equal(t, http.StatusCreated, minted.Status, "%s", minted.Body)
	mintedToken := minted.JSON(t)["token"].(string)
	require.Equal(t, http.StatusOK, h.admin("DELETE", "/_mock/tokens/"+h.ro, nil).Status)
	before := export(t, h)

	h2 := restart(t, h, path)
	assert.Equal(t, before, export(t, h2), "the state after the restart is the state before it")
	assert.Equal(t, http.StatusOK, h2.do(call{path: "/contacts/" + id}).Status)
	assert.Equal(t, http.StatusBadRequest, h2.do(call{path: "/contacts/" + h.namedID}).Status, "the delete survived")
	assert.Equal(t, http.StatusOK, h2.do(call{path: "/contacts/" + id, token: &mintedToken}).Status, "the minted token survived")
	assert.Equal(t, http.StatusUnauthorized, h2.do(call{path: "/contacts/" + id, token: &h.ro}).Status, "the revocation survived")
}

// TestIDsNeverRepeatAcrossRestarts: a fresh mock with the same seed hands
// out the same ids in the same order; one restarted on its database goes on
// from where it was instead.
func TestIDsNeverRepeatAcrossRestarts(t *testing.T) {
	newContact := func(h *harness) string {
		t.Helper()
		r := h.do(call{method: "POST", path: "/contacts/", body: map[string]any{"locationId": h.loc, "firstName": "X"}})
		require.Equal(t, http.StatusCreated, r.Status, "%s", r.Body)
		return r.JSON(t)["contact"].(map[string]any)["id"].(string)
	}
	path := filepath.Join(t.TempDir(), "state.db")
	h := setup(t, withState(path))
	first := newContact(h)
	again := newContact(setup(t, withState(filepath.Join(t.TempDir(), "other.db"))))
	require.Equal(t, first, again, "the same seed gives the same first id: what a restart must not repeat")

	h2 := restart(t, h, path)
	next := newContact(h2)
	assert.NotEqual(t, first, next)
	assert.Equal(t, http.StatusOK, h2.do(call{path: "/contacts/" + first}).Status, "and the first contact is still there")
}

// TestAWriteThatCannotBeCommittedIsRefusedAndNotApplied: while the database
// cannot commit, a write answers GHL's 503 and changes nothing (API writes,
// token mints and revocations, imports, resets alike), reads are served,
// the health check says why; once commits work again, so do writes.
func TestAWriteThatCannotBeCommittedIsRefusedAndNotApplied(t *testing.T) {
	var failing atomic.Bool
	path := filepath.Join(t.TempDir(), "state.db")
	h := setup(t, withState(path), func(c *mockserver.Config) {
		mockserver.FailCommitsForTest(c, func() error {
			if failing.Load() {
				return errors.New("no space left on device (test)")
			}
			return nil
		})
	})
	before := export(t, h)
	failing.Store(true)

	r := h.do(call{method: "PUT", path: "/contacts/" + h.namedID, body: map[string]any{"city": "Atlantis"}})
	require.Equal(t, http.StatusServiceUnavailable, r.Status, "%s", r.Body)
	assertErrorShape(t, r)
	assert.Equal(t, before, export(t, h), "the refused write is not applied")

	assert.Equal(t, http.StatusOK, h.do(call{path: "/contacts/" + h.namedID}).Status, "reads are served")
	health := h.admin("GET", "/_mock/health", nil)
	assert.Equal(t, http.StatusServiceUnavailable, health.Status)
	assert.Equal(t, "degraded", health.JSON(t)["status"])
	assert.Contains(t, health.JSON(t)["reason"], "no space left on device")

	// Every later write is refused at once, without being applied.
	for _, c := range []call{
		{method: "POST", path: "/contacts/", body: map[string]any{"locationId": h.loc, "firstName": "Nobody"}},
		{method: "DELETE", path: "/contacts/" + h.namedID},
		{method: "POST", path: "/contacts/" + h.namedID + "/tags", body: map[string]any{"tags": []string{"x"}}},
	} {
		assert.Equal(t, http.StatusServiceUnavailable, h.do(c).Status, "%s %s", c.method, c.path)
	}
	assert.Equal(t, http.StatusServiceUnavailable, h.admin("POST", "/_mock/tokens", map[string]any{"locationId": h.loc}).Status)
	assert.Equal(t, http.StatusServiceUnavailable, h.admin("POST", "/_mock/reset", nil).Status)
	assert.Equal(t, before, export(t, h), "nothing refused was applied")

	failing.Store(false)
	require.Eventually(t, func() bool { return h.admin("GET", "/_mock/health", nil).Status == http.StatusOK }, 10*time.Second, 20*time.Millisecond)
	r = h.do(call{method: "PUT", path: "/contacts/" + h.namedID, body: map[string]any{"city": "London"}})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	h2 := restart(t, h, path)
	got := h2.do(call{path: "/contacts/" + h.namedID}).JSON(t)["contact"].(map[string]any)
	assert.Equal(t, "London", got["city"], "the write after the recovery is durable")
}

// TestAFailedResetIsUndone: a reset whose commit fails leaves the state, and
// the writes made before it, as they were.
func TestAFailedResetIsUndone(t *testing.T) {
	var failing atomic.Bool
	path := filepath.Join(t.TempDir(), "state.db")
	h := setup(t, withState(path), func(c *mockserver.Config) {
		mockserver.FailCommitsForTest(c, func() error {
			if failing.Load() {
				return errors.New("I/O error (test)")
			}
			return nil
		})
	})
	require.Equal(t, http.StatusOK, h.do(call{method: "DELETE", path: "/contacts/" + h.namedID}).Status)
	minted := h.admin("POST", "/_mock/tokens", map[string]any{"locationId": h.loc})
	require.Equal(t, http.StatusCreated, minted.Status)
	before := export(t, h)
	failing.Store(true)
	require.Equal(t, http.StatusServiceUnavailable, h.admin("POST", "/_mock/reset", nil).Status)
	assert.Equal(t, before, export(t, h))
	tok := minted.JSON(t)["token"].(string)
	failing.Store(false)
	require.Eventually(t, func() bool { return h.admin("GET", "/_mock/health", nil).Status == http.StatusOK }, 10*time.Second, 20*time.Millisecond)
	assert.Equal(t, http.StatusBadRequest, h.do(call{path: "/contacts/" + h.namedID, token: &tok}).Status, "the minted token still works, the delete still holds")

	// A reset that commits is durable: the seeded contact is back after a restart.
	require.Equal(t, http.StatusOK, h.admin("POST", "/_mock/reset", nil).Status)
	h2 := restart(t, h, path)
	assert.Equal(t, http.StatusOK, h2.do(call{path: "/contacts/" + h.namedID}).Status)
	assert.Equal(t, http.StatusUnauthorized, h2.do(call{path: "/contacts/" + h.namedID, token: &tok}).Status, "a reset drops minted tokens")
}

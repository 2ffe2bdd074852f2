package mockserver_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver"
	"github.com/ghlmock/ghlmock/mockserver/ratelimit"
)

// wsInfo is the answer of POST /_mock/workspaces.
type wsInfo struct {
	ID        string            `json:"id"`
	Name      string            `json:"name"`
	Seed      int64             `json:"seed"`
	ExpiresAt string            `json:"expiresAt"`
	Admin     string            `json:"admin"`
	Contract  map[string]string `json:"contract"`
	Locations []struct {
		ID     string `json:"id"`
		Tokens []struct {
			Token  string   `json:"token"`
			Scopes []string `json:"scopes"`
		} `json:"tokens"`
		NamedContacts []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"namedContacts"`
	} `json:"locations"`
}

func createWorkspace(t *testing.T, h *harness, body any) wsInfo {
	t.Helper()
	r := h.admin("POST", "/_mock/workspaces", body)
	require.Equal(t, http.StatusCreated, r.Status, "%s", r.Body)
	var ws wsInfo
	require.NoError(t, json.Unmarshal(r.Body, &ws))
	return ws
}

// asWS is a call with the workspace's read-write token.
func asWS(ws wsInfo, c call) call {
	c.token = str(ws.Contract["token"])
	return c
}

func duplicateOf(loc, email string) string {
	return "/contacts/search/duplicate?locationId=" + loc + "&email=" + url.QueryEscape(email)
}

func TestWorkspaceIsAFreshCopyWithNewIDsAndTokens(t *testing.T) {
	h := setup(t)
	a := createWorkspace(t, h, map[string]any{"name": "job-a", "seed": 7, "ttl": "30m"})
	b := createWorkspace(t, h, map[string]any{"name": "job-b"})
	assert.Regexp(t, `^ws_[0-9a-f]{16}$`, a.ID)
	assert.Equal(t, "/_mock/workspaces/"+a.ID+"/", a.Admin)
	assert.Equal(t, int64(7), a.Seed)
	assert.NotZero(t, b.Seed, "a seed is picked and reported")
	require.Len(t, a.Locations, len(h.fx.Locations), "every location of the fixtures")

	seen := map[string]string{}
	for i, l := range h.fx.Locations {
		seen[l.ID] = "main"
		for _, tok := range l.Tokens {
			seen[tok.Token] = "main"
		}
		for _, nc := range l.NamedContacts {
			seen[nc.ID] = "main"
		}
		for _, ws := range []wsInfo{a, b} {
			wl := ws.Locations[i]
			require.Len(t, wl.Tokens, len(l.Tokens))
			require.Len(t, wl.NamedContacts, len(l.NamedContacts))
			for _, id := range append([]string{wl.ID}, func() (out []string) {
				for _, tk := range wl.Tokens {
					out = append(out, tk.Token)
				}
				for _, nc := range wl.NamedContacts {
					out = append(out, nc.ID)
				}
				return out
			}()...) {
				assert.Empty(t, seen[id], "%s is new (also in %s)", id, seen[id])
				seen[id] = ws.ID
			}
			assert.Equal(t, l.NamedContacts[0].FirstName+" "+l.NamedContacts[0].LastName, wl.NamedContacts[0].Name, "the same people")
		}
	}

	// The workspace's Ada, by her new id and its token, is Ada; the main
	// mock's Ada id means nothing there.
	adaWS := a.Locations[0].NamedContacts[0].ID
	r := h.do(asWS(a, call{path: "/contacts/" + adaWS}))
	require.Equal(t, 200, r.Status, "%s", r.Body)
	contact := r.JSON(t)["contact"].(map[string]any)
	assert.Equal(t, "Ada", contact["firstName"])
	assert.Equal(t, a.Contract["locationId"], contact["locationId"])
	assert.NotEqual(t, 200, h.do(asWS(a, call{path: "/contacts/" + ada})).Status, "not the main mock's contact")
	assert.NotEqual(t, 200, h.do(call{path: "/contacts/" + adaWS}).Status, "nor the workspace's on the main mock")
	assert.Equal(t, 403, h.do(asWS(a, call{path: "/contacts/?locationId=" + h.loc})).Status, "the main mock's location is not the workspace token's")
}

// TestParallelJobsNeverSeeEachOthersContacts: two jobs, each with its own
// workspace on one mock, create, search and delete at once.
func TestParallelJobsNeverSeeEachOthersContacts(t *testing.T) {
	h := setup(t)
	jobs := []wsInfo{createWorkspace(t, h, map[string]any{"name": "job-1"}), createWorkspace(t, h, map[string]any{"name": "job-2"})}
	var wg sync.WaitGroup
	for j, ws := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10 {
				email := fmt.Sprintf("job%d-%d@example.org", j, i)
				r := h.do(asWS(ws, call{method: "POST", path: "/contacts/", body: map[string]any{"locationId": ws.Contract["locationId"], "email": email}}))
				assert.Equal(t, 201, r.Status, "%s", r.Body)
			}
		}()
	}
	wg.Wait()
	for j, ws := range jobs {
		other := jobs[1-j]
		for i := range 10 {
			mine := fmt.Sprintf("job%d-%d@example.org", j, i)
			theirs := fmt.Sprintf("job%d-%d@example.org", 1-j, i)
			assert.NotNil(t, h.do(asWS(ws, call{path: duplicateOf(ws.Contract["locationId"], mine)})).JSON(t)["contact"], "job %d finds its contact", j)
			assert.Nil(t, h.do(asWS(ws, call{path: duplicateOf(ws.Contract["locationId"], theirs)})).JSON(t)["contact"], "job %d never sees job %d's", j, 1-j)
			assert.Equal(t, 403, h.do(asWS(ws, call{path: duplicateOf(other.Contract["locationId"], theirs)})).Status, "nor reaches its location")
			assert.Nil(t, h.do(call{path: duplicateOf(h.loc, mine)}).JSON(t)["contact"], "the main mock holds none of them")
		}
	}
	// Each workspace's journal holds its own requests only; the main one
	// none of theirs.
	for _, ws := range jobs {
		j := h.admin("GET", ws.Admin+"requests?operationId=create-contact", nil).JSON(t)
		assert.Len(t, j["requests"], 10)
	}
	j := h.admin("GET", "/_mock/requests?operationId=create-contact", nil).JSON(t)
	assert.Empty(t, j["requests"])
}

func TestWorkspaceFaultsAndRateLimitsAreItsOwn(t *testing.T) {
	h := setup(t, func(c *mockserver.Config) {
		c.RateLimits = ratelimit.Limits{Burst: 3, Window: 10 * time.Second, Daily: 1000}
	})
	a := createWorkspace(t, h, map[string]any{"name": "a"})
	b := createWorkspace(t, h, map[string]any{"name": "b"})
	adaA, adaB := a.Locations[0].NamedContacts[0].ID, b.Locations[0].NamedContacts[0].ID

	r := h.admin("POST", a.Admin+"faults", map[string]any{"operationId": "get-contact", "status": 503})
	require.Equal(t, 201, r.Status, "%s", r.Body)
	assert.Equal(t, 503, h.do(asWS(a, call{path: "/contacts/" + adaA, unchecked: true})).Status)
	assert.Equal(t, 200, h.do(asWS(b, call{path: "/contacts/" + adaB})).Status, "not in another workspace")
	assert.Equal(t, 200, h.do(call{path: "/contacts/" + ada}).Status, "nor on the main mock")
	assert.Len(t, h.admin("GET", "/_mock/faults", nil).JSON(t)["faults"], 0)
	require.Equal(t, 200, h.admin("DELETE", a.Admin+"faults", nil).Status)

	for range 3 { // the burst of 3 (a request a fault answers is not rated)
		require.Equal(t, 200, h.do(asWS(a, call{path: "/contacts/" + adaA})).Status)
	}
	assert.Equal(t, 429, h.do(asWS(a, call{path: "/contacts/" + adaA})).Status, "a's burst is spent")
	assert.Equal(t, 200, h.do(asWS(b, call{path: "/contacts/" + adaB})).Status, "b's budget is its own")
	assert.Equal(t, 200, h.do(call{path: "/contacts/" + ada}).Status, "and the main mock's")

	// Its reset and clock are its own too.
	require.Equal(t, 200, h.admin("POST", a.Admin+"clock", map[string]any{"advance": "11s"}).Status)
	assert.Equal(t, 200, h.do(asWS(a, call{path: "/contacts/" + adaA})).Status, "a's window moved on")
	assert.Equal(t, "0s", h.admin("GET", "/_mock/clock", nil).JSON(t)["offset"])
}

func TestWorkspaceEndsAtItsTTLOrOnDelete(t *testing.T) {
	h := setup(t)
	a := createWorkspace(t, h, map[string]any{"name": "a", "ttl": "10m"})
	b := createWorkspace(t, h, map[string]any{"name": "b", "ttl": 3600})
	adaA := a.Locations[0].NamedContacts[0].ID
	require.Equal(t, 200, h.do(asWS(a, call{path: "/contacts/" + adaA})).Status)
	list := h.admin("GET", "/_mock/workspaces", nil).JSON(t)["workspaces"].([]any)
	assert.Len(t, list, 2)

	h.clock.Advance(10 * time.Minute)
	r := h.do(asWS(a, call{path: "/contacts/" + adaA}))
	assert.Equal(t, 401, r.Status, "its tokens die with it: %s", r.Body)
	assert.Equal(t, 404, h.admin("GET", "/_mock/workspaces/"+a.ID, nil).Status)
	assert.Equal(t, 404, h.admin("GET", a.Admin+"requests", nil).Status)
	assert.Equal(t, 200, h.admin("GET", "/_mock/workspaces/"+b.ID, nil).Status, "b lives on")

	require.Equal(t, 200, h.admin("DELETE", "/_mock/workspaces/"+b.ID, nil).Status)
	assert.Equal(t, 401, h.do(asWS(b, call{path: "/contacts/" + b.Locations[0].NamedContacts[0].ID})).Status)
	assert.Equal(t, 404, h.admin("DELETE", "/_mock/workspaces/"+b.ID, nil).Status)
	assert.Empty(t, h.admin("GET", "/_mock/workspaces", nil).JSON(t)["workspaces"])
}

func TestWorkspaceRequestsCountInTheMainMetrics(t *testing.T) {
	h := setup(t, withMetrics)
	a := createWorkspace(t, h, nil)
	require.Equal(t, 200, h.do(asWS(a, call{path: "/contacts/" + a.Locations[0].NamedContacts[0].ID})).Status)
	require.Equal(t, 200, h.do(call{path: "/contacts/" + ada}).Status)
	f := scrape(t, h)
	assert.Equal(t, 2.0, value(f, "ghlmock_requests_total", map[string]string{"operation_id": "get-contact", "status": "200"}))
	assert.Equal(t, 1.0, value(f, "ghlmock_workspaces", nil))
	assert.Equal(t, 404, h.admin("GET", a.Admin+"metrics", nil).Status, "a workspace has no metrics endpoint of its own")
}

func TestWorkspaceTokensMintedInItServeIt(t *testing.T) {
	h := setup(t)
	a := createWorkspace(t, h, nil)
	r := h.admin("POST", a.Admin+"tokens", map[string]any{"locationId": a.Contract["locationId"], "scopes": []string{"contacts.readonly"}})
	require.Equal(t, 201, r.Status, "%s", r.Body)
	tok := r.JSON(t)["token"].(string)
	r = h.do(call{path: "/contacts/" + a.Locations[0].NamedContacts[0].ID, token: &tok})
	assert.Equal(t, 200, r.Status, "%s", r.Body)
}

func TestWorkspaceRefusesBadInput(t *testing.T) {
	h := setup(t, func(c *mockserver.Config) { c.MaxWorkspaces = 2 })
	for _, c := range []struct {
		body any
		msg  string
	}{
		{map[string]any{"ttl": "forever"}, "ttl must be a duration"},
		{map[string]any{"ttl": "200h"}, "ttl must be between"},
		{map[string]any{"ttl": -5}, "positive whole number"},
		{map[string]any{"ttl": true}, "ttl must be a duration"},
		{map[string]any{"nmae": "typo"}, "unknown field"},
		{map[string]any{"name": string(make([]byte, 101))}, "at most 100"},
		{"not json", ""},
	} {
		r := h.admin("POST", "/_mock/workspaces", c.body)
		assert.Equal(t, 400, r.Status, "%v: %s", c.body, r.Body)
		assert.Contains(t, string(r.Body), c.msg)
	}
	createWorkspace(t, h, nil)
	a := createWorkspace(t, h, nil)
	r := h.admin("POST", "/_mock/workspaces", nil)
	assert.Equal(t, 409, r.Status, "at most MaxWorkspaces: %s", r.Body)
	assert.Equal(t, 404, h.admin("POST", a.Admin+"workspaces", nil).Status, "a workspace has no workspaces")
	assert.Empty(t, h.admin("GET", "/_mock/requests", nil).JSON(t)["requests"], "nothing reached the API")
}

// TestWorkspaceGoAPI: Go users (the test helper) make one without HTTP.
func TestWorkspaceGoAPI(t *testing.T) {
	h := setup(t)
	ws, err := h.srv.CreateWorkspace(t.Context(), mockserver.WorkspaceOptions{Name: "go", Seed: 3, TTL: time.Minute})
	require.NoError(t, err)
	require.NotEmpty(t, ws.Contract["token"])
	assert.Equal(t, 200, h.do(call{path: "/contacts/" + ws.Locations[0].NamedContacts[0].ID, token: str(ws.Contract["token"])}).Status)
	assert.Len(t, h.srv.Workspaces(), 1)
	assert.True(t, h.srv.DeleteWorkspace(ws.ID))
	_, err = h.srv.CreateWorkspace(t.Context(), mockserver.WorkspaceOptions{TTL: time.Millisecond})
	assert.Error(t, err)
}

// TestWorkspaceAdminBehindTheAdminToken: with an admin token, a workspace's
// admin API needs it as the main one does, and passes with it.
func TestWorkspaceAdminBehindTheAdminToken(t *testing.T) {
	h := setup(t, func(c *mockserver.Config) { c.AdminToken = "s3cret" })
	assert.Equal(t, 401, h.admin("POST", "/_mock/workspaces", nil).Status)
	r := h.admin("POST", "/_mock/workspaces", map[string]any{"name": "x"}, "s3cret")
	require.Equal(t, 201, r.Status, "%s", r.Body)
	var ws wsInfo
	require.NoError(t, json.Unmarshal(r.Body, &ws))
	assert.Equal(t, 401, h.admin("GET", ws.Admin+"requests", nil).Status)
	assert.Equal(t, 200, h.admin("GET", ws.Admin+"requests", nil, "s3cret").Status)
}

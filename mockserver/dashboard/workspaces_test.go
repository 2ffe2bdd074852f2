package dashboard_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver"
)

// TestStatePageWorkspaces: the state page creates a workspace (the same as
// POST /_mock/workspaces), lists it with its token, and ends it.
func TestStatePageWorkspaces(t *testing.T) {
	srv := newMock(t, mockserver.Config{})
	ts := serve(t, srv)
	get := func(path string) string {
		t.Helper()
		res, err := http.Get(ts.URL + path)
		require.NoError(t, err)
		defer res.Body.Close()
		return text(t, res)
	}
	send := func(method, path, body string, csrf string) *http.Response {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), method, ts.URL+path, strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", csrf)
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		t.Cleanup(func() { _ = res.Body.Close() })
		return res
	}
	page := get("/_mock/ui/state")
	assert.Contains(t, page, `id="workspace-form"`)
	csrf := csrfOf(t, page)

	res := send("POST", "/_mock/ui/api/workspaces", `{"name":"ci-job-42","ttl":"30m"}`, csrf)
	require.Equal(t, http.StatusCreated, res.StatusCode)
	ws := jsonOf(t, res)
	id, _ := ws["id"].(string)
	require.NotEmpty(t, id)
	token, _ := ws["contract"].(map[string]any)["token"].(string)
	require.NotEmpty(t, token)
	assert.Contains(t, get("/_mock/workspaces"), id, "the admin API sees it")
	page = get("/_mock/ui/state")
	assert.Contains(t, page, `data-workspace="`+id+`"`)
	assert.Contains(t, page, "ci-job-42")
	assert.Contains(t, page, token)

	assert.Equal(t, http.StatusBadRequest, send("POST", "/_mock/ui/api/workspaces", `{"ttl":"30 days"}`, csrf).StatusCode)
	assert.Equal(t, http.StatusBadRequest, send("POST", "/_mock/ui/api/workspaces", `{"ttl":"800h"}`, csrf).StatusCode, "beyond the 7 days a workspace may live")
	assert.Equal(t, http.StatusForbidden, send("POST", "/_mock/ui/api/workspaces", `{}`, "forged").StatusCode)

	require.Equal(t, http.StatusOK, send("DELETE", "/_mock/ui/api/workspaces/"+id, "", csrf).StatusCode)
	assert.NotContains(t, get("/_mock/workspaces"), id, "ended")
	assert.Equal(t, http.StatusNotFound, send("DELETE", "/_mock/ui/api/workspaces/"+id, "", csrf).StatusCode)
}

package ghlmocktest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver"
	"github.com/ghlmock/ghlmock/mockserver/faults"
	"github.com/ghlmock/ghlmock/mockserver/ghlmocktest"
)

// Two CI jobs on one shared mock, each in a workspace of its own: new
// locations and tokens, contacts, journal, faults and clock their own, and
// the workspace gone once the job's cleanup ran.
func TestWorkspacesOnASharedMock(t *testing.T) {
	shared := ghlmocktest.New(t, ghlmocktest.WithContacts(2))
	var ended string
	t.Run("job", func(t *testing.T) {
		a := ghlmocktest.Workspace(t, shared.URL, "", mockserver.WorkspaceOptions{Name: "job-a", TTL: 10 * time.Minute})
		b := ghlmocktest.Workspace(t, shared.URL, "", mockserver.WorkspaceOptions{Name: "job-b"})
		require.NotEmpty(t, a.WorkspaceID)
		assert.Nil(t, a.Server)
		assert.NotEqual(t, shared.LocationID, a.LocationID, "new location ids")
		assert.NotEqual(t, a.LocationID, b.LocationID)
		assert.NotEqual(t, shared.Token, a.Token, "new tokens")
		assert.NotEqual(t, shared.ContactID("Ada Lovelace"), a.ContactID("Ada Lovelace"), "new ids for the named contacts")

		id := wsCreateContact(t, a, "Grace", "grace@example.com")
		status, _ := wsCall(t, a, a.Token, http.MethodGet, "/contacts/"+id, "")
		assert.Equal(t, http.StatusOK, status)
		status, _ = wsCall(t, b, b.Token, http.MethodGet, "/contacts/"+id, "")
		assert.NotEqual(t, http.StatusOK, status, "job b cannot read job a's contact")

		a.Verify(t, ghlmocktest.Query{OperationID: "create-contact"}, 1)
		b.Verify(t, ghlmocktest.Query{OperationID: "create-contact"}, 0)
		shared.Verify(t, ghlmocktest.Query{OperationID: "create-contact"}, 0)

		_, err := b.AddFault(faults.Rule{OperationID: "get-contact", Status: 503, Times: 1})
		require.NoError(t, err)
		status, _ = wsCall(t, a, a.Token, http.MethodGet, "/contacts/"+id, "")
		assert.Equal(t, http.StatusOK, status, "b's fault is b's")
		status, _ = wsCall(t, b, b.Token, http.MethodGet, "/contacts/"+b.ContactID("Ada Lovelace"), "")
		assert.Equal(t, http.StatusServiceUnavailable, status)

		a.Advance(time.Hour)
		require.NoError(t, a.Reset())
		status, _ = wsCall(t, a, a.Token, http.MethodGet, "/contacts/"+id, "")
		assert.NotEqual(t, http.StatusOK, status, "a reset of the workspace removed its contact")
		ended = a.WorkspaceID
	})
	status, body := wsCall(t, shared, "", http.MethodGet, "/_mock/workspaces/"+ended, "")
	assert.Equal(t, http.StatusNotFound, status, "the job's cleanup ended its workspace: %s", body)
}

func wsCreateContact(t *testing.T, m *ghlmocktest.Mock, name, email string) string {
	t.Helper()
	status, body := wsCall(t, m, m.Token, http.MethodPost, "/contacts/",
		`{"locationId":"`+m.LocationID+`","firstName":"`+name+`","email":"`+email+`"}`)
	require.Equal(t, http.StatusCreated, status, "%s", body)
	var out struct {
		Contact struct{ ID string } `json:"contact"`
	}
	require.NoError(t, json.Unmarshal(body, &out))
	return out.Contact.ID
}

func wsCall(t *testing.T, m *ghlmocktest.Mock, token, method, path, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, m.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Version", "2021-07-28")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	var buf strings.Builder
	_, _ = io.Copy(&buf, res.Body)
	return res.StatusCode, []byte(buf.String())
}

package contracttest_test

import (
	"net/http"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/contracttest"
)

// TestTheRunnerDeletesWhatItCreated: the runner's own registry, filled from
// the answers, removes what a scenario created even when the scenario has no
// cleanup step, fails before capturing an id, or leaves a task behind.
func TestTheRunnerDeletesWhatItCreated(t *testing.T) {
	t.Parallel()
	file := `scenarios:
  - name: forgetful
    tags: [write]
    steps:
      - name: create a contact and never delete it
        request: {method: POST, path: /contacts/, body: {locationId: "{{locationId}}", email: "{{email.a}}"}}
        expect: {status: 201}
        capture: {contactId: contact.id}
      - name: give it a task
        request:
          method: POST
          path: /contacts/{{contactId}}/tasks
          body: {title: Call, dueDate: "{{now+24h}}", completed: false}
        expect: {status: 201}
      - name: upsert another contact into being
        request: {method: POST, path: /contacts/upsert, body: {locationId: "{{locationId}}", email: "{{email.b}}"}}
        expect: {status: [200, 201]}
  - name: failing
    tags: [write]
    steps:
      - name: create a contact but expect the wrong status
        request: {method: POST, path: /contacts/, body: {locationId: "{{locationId}}", email: "{{email.a}}"}}
        expect: {status: 200}
        capture: {contactId: contact.id}
    cleanup:
      - name: never runs, for contactId was not captured
        request: {method: DELETE, path: "/contacts/{{contactId}}"}
        expect: {status: 200}
`
	s, err := contracttest.Load(fstest.MapFS{"forgetful.yaml": {Data: []byte(file)}})
	require.NoError(t, err)
	var contacts, tasks, deletedTasks []string
	tg := mock(t, drift(t, func(r *http.Request, a *answer) {
		if a.status >= 300 {
			return
		}
		switch a.opID {
		case "delete-task":
			deletedTasks = append(deletedTasks, r.URL.Path)
		case "create-contact", "upsert-contact":
			contacts = append(contacts, a.body["contact"].(map[string]any)["id"].(string))
		case "create-task":
			tasks = append(tasks, r.URL.Path+"/"+a.body["task"].(map[string]any)["id"].(string))
		}
	}))
	rep := run(t, s, tg, contracttest.Options{})

	forgetful, _ := rep.Scenario("forgetful")
	assert.Equal(t, contracttest.StatusPass, forgetful.Status, failuresText(rep))
	failing, _ := rep.Scenario("failing")
	assert.Equal(t, contracttest.StatusFail, failing.Status)
	require.Len(t, failing.Steps, 2)
	assert.Contains(t, failing.Steps[1].NotRun, "{{contactId}} was not captured")

	require.Len(t, contacts, 3)
	require.Len(t, tasks, 1)
	assert.Equal(t, 4, rep.Cleanup.Created)
	assert.Equal(t, 4, rep.Cleanup.Deleted)
	assert.Empty(t, rep.Cleanup.LeftBehind)
	for _, id := range contacts {
		status, _ := get(t, tg, "/contacts/"+id)
		assert.Equal(t, http.StatusBadRequest, status, "contact %s was left behind", id)
	}
	// GHL keeps the tasks of a deleted contact: the task is deleted first.
	assert.Equal(t, tasks, deletedTasks)
}

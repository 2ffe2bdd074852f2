package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// TestStateExportAndImport: export reads a database a running mock is
// using; import is refused while it runs, and what it imported is what the
// next start serves.
func TestStateExportAndImport(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "state.db")
	base, stop := startServe(t, nil, "--addr", "127.0.0.1:0", "--contacts", "5", "--state", state)
	require.Equal(t, 200, send(t, "PUT", base+"/contacts/2NexTNy4UiJ1cLOoua11", `{"city":"Paris"}`))

	out, _, err := runCmd(t, "state", "export", "--state", state, "--location-id", "O9hFAiOh29oB93c0F6UJ")
	require.NoError(t, err, "export while the mock runs")
	var ds crm.Dataset
	require.NoError(t, json.Unmarshal([]byte(out), &ds))
	require.Len(t, ds.Locations, 1)
	_, body := get(t, base+"/_mock/state?locationId=O9hFAiOh29oB93c0F6UJ")
	assert.JSONEq(t, body, out, "the export is what GET /_mock/state answers")
	var ada *crm.Contact
	for i, c := range ds.Locations[0].Contacts {
		if c.ID == "2NexTNy4UiJ1cLOoua11" {
			ada = &ds.Locations[0].Contacts[i]
		}
	}
	require.NotNil(t, ada)
	assert.Equal(t, "Paris", ada.City)

	ada.City = "Rome"
	edited, err := json.Marshal(ds)
	require.NoError(t, err)
	file := filepath.Join(dir, "edited.json")
	require.NoError(t, os.WriteFile(file, edited, 0o644))
	_, _, err = runCmd(t, "state", "import", "--state", state, file)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "another ghlmock is using it")

	require.NoError(t, stop())
	out, _, err = runCmd(t, "state", "import", "--state", state, file)
	require.NoError(t, err)
	assert.Contains(t, out, "imported 1 location(s)")
	base, _ = startServe(t, nil, "--addr", "127.0.0.1:0", "--contacts", "5", "--state", state)
	_, body = get(t, base+"/contacts/2NexTNy4UiJ1cLOoua11")
	assert.Contains(t, body, `"city":"Rome"`)

	_, _, err = runCmd(t, "state", "export", "--state", filepath.Join(dir, "missing.db"))
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "does not exist"), err.Error())
}

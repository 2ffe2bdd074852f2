package sqlite

import (
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

var nasty = []string{"", "Ada", "Smith & Sons <b>", "\u2028\u2029", "tab\t\"q\"\\", "Élodie 😀", "\x01\x1f", "日本語"}

func randomContact(r *rand.Rand) crm.Contact {
	p := func() string { return nasty[r.IntN(len(nasty))] }
	c := crm.Contact{ID: "2NexTNy4UiJ1cLOoua11", LocationID: "O9hFAiOh29oB93c0F6UJ", FirstName: p(), LastName: p(), Email: p(),
		City: p(), Tags: []string{p(), p()}, DND: r.IntN(2) == 0, DateAdded: crm.Millis(r.Int64N(1e13)),
		CustomFields: []crm.CustomFieldValue{{ID: p(), Value: p()}, {ID: "n", Value: float64(r.IntN(1000)) / 8}, {ID: "l", Value: []any{p()}}, {ID: "b", Value: true}},
		DNDSettings:  map[string]crm.DNDSetting{"SMS": {Status: "active", Message: p()}},
		Workflows:    []crm.WorkflowEnrollment{{WorkflowID: "w", EventStartTime: p(), AddedAt: 5}},
		Attribution:  &crm.Attribution{URL: p()}, CreatedBy: &crm.CreatedBy{Source: "WEB_USER", Timestamp: 9},
		InboundDNDSettings: &crm.InboundDNDSettings{All: crm.DNDSetting{Status: "inactive"}},
	}
	if r.IntN(2) == 0 {
		c.Tags = nil
	}
	return c
}

// TestCodecAgreesWithEncodingJSON: the rows written with goccy/go-json read
// back the same with it and with encoding/json, and what encoding/json
// writes (the JSON state files, GET /_mock/state) reads the same with it.
func TestCodecAgreesWithEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 500 {
		c := randomContact(r)
		ours, err := jsonOf(&c)
		require.NoError(t, err)
		std, err := json.Marshal(&c)
		require.NoError(t, err)
		var a, b, x crm.Contact
		require.NoError(t, fromJSON([]byte(ours), &a))
		require.NoError(t, json.Unmarshal([]byte(ours), &b))
		require.NoError(t, fromJSON(std, &x))
		var want crm.Contact
		require.NoError(t, json.Unmarshal(std, &want))
		if !assert.Equal(t, want, a, "#%d ours→ours", i) || !assert.Equal(t, want, b, "#%d ours→encoding/json", i) ||
			!assert.Equal(t, want, x, "#%d encoding/json→ours", i) {
			return
		}
		task := crm.Task{ID: "t", Title: c.FirstName, Body: c.City, DueDate: c.DateAdded, Completed: c.DND}
		tj, err := jsonOf(&task)
		require.NoError(t, err)
		var tt crm.Task
		require.NoError(t, json.Unmarshal([]byte(tj), &tt))
		assert.Equal(t, task, tt)
	}
}

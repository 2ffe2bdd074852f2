package openapi_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidateWebhook(t *testing.T) {
	spec := load(t)
	good := `{"timestamp":"2026-12-02T10:00:00.000Z","webhookId":"3f5b2c1e-8d4a-4b7e-9c2f-1a6d8e0b7c4d","type":"NoteCreate",` +
		`"locationId":"ve9EPM428h8vShlRW1KT","id":"nmFmQEsNgz6AVpgLVUJ0","body":"Hi","contactId":"ocQHyuzHvysMo5N5VsXc","extra":1}`
	require.NoError(t, spec.ValidateWebhook("NoteCreate", []byte(good)), "extra properties are fine")
	for name, body := range map[string]string{
		"no webhookId":    `{"timestamp":"2026-12-02T10:00:00.000Z","type":"NoteCreate","locationId":"ve9EPM428h8vShlRW1KT","id":"nmFmQEsNgz6AVpgLVUJ0","body":"Hi","contactId":"ocQHyuzHvysMo5N5VsXc"}`,
		"wrong type":      `{"timestamp":"2026-12-02T10:00:00.000Z","webhookId":"3f5b2c1e-8d4a-4b7e-9c2f-1a6d8e0b7c4d","type":"TaskCreate","locationId":"ve9EPM428h8vShlRW1KT","id":"nmFmQEsNgz6AVpgLVUJ0","body":"Hi","contactId":"ocQHyuzHvysMo5N5VsXc"}`,
		"bad timestamp":   `{"timestamp":"yesterday","webhookId":"3f5b2c1e-8d4a-4b7e-9c2f-1a6d8e0b7c4d","type":"NoteCreate","locationId":"ve9EPM428h8vShlRW1KT","id":"nmFmQEsNgz6AVpgLVUJ0","body":"Hi","contactId":"ocQHyuzHvysMo5N5VsXc"}`,
		"not JSON at all": `{`,
	} {
		assert.Error(t, spec.ValidateWebhook("NoteCreate", []byte(body)), name)
	}
	assert.Error(t, spec.ValidateWebhook("FormSubmit", []byte(good)), "an event type the mock does not send")
	_, ok := spec.WebhookSchema("WorkflowWebhook")
	assert.True(t, ok)
}

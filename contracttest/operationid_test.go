package contracttest_test

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/contracttest"
)

// TestAStepRoutedElsewhereFails: a step names get-contact but its request is
// GET /contacts/ (get-contacts). The document has both operations, so the
// file loads; the run fails that step, saying where it routed, and does not
// send it.
func TestAStepRoutedElsewhereFails(t *testing.T) {
	t.Parallel()
	file := `scenarios:
  - name: misrouted
    tags: [readonly]
    steps:
      - name: list, claimed to be a read
        operationId: get-contact
        request: {method: GET, path: /contacts/, query: {locationId: "{{locationId}}"}}
        expect: {status: 200}
      - name: list, rightly named
        operationId: get-contacts
        request: {method: GET, path: /contacts/, query: {locationId: "{{locationId}}"}}
        expect: {status: 200}
`
	s, err := contracttest.Load(fstest.MapFS{"misrouted.yaml": {Data: []byte(file)}})
	require.NoError(t, err)
	rc := &recorder{}
	rep := run(t, s, mock(t, rc.wrap), contracttest.Options{})
	require.False(t, rep.OK())
	fails := rep.AllFailures()
	require.Len(t, fails, 1, failuresText(rep))
	f := fails[0]
	assert.Equal(t, "list, claimed to be a read", f.Step)
	assert.Equal(t, "request", f.Where)
	assert.Equal(t, contracttest.SourceRunner, f.Source)
	assert.Equal(t, "a request routed to operationId get-contact (GET /contacts/{contactId})", f.Expected)
	assert.Equal(t, "it routes to get-contacts (GET /contacts/)", f.Found)
	assert.Empty(t, rc.all(), "a misrouted step is not sent, and the scenario stops there")
}

// TestEveryScenarioStepNamesItsOperation: the embedded scenarios name the
// operation of every step (cleanup included), and it is the one the step's
// request routes to, so a reader can go from a step to its handler.
func TestEveryScenarioStepNamesItsOperation(t *testing.T) {
	t.Parallel()
	for _, s := range steps(t) {
		assert.Equal(t, s.op.ID, s.st.OperationID, "%s: step %q: %s %s", s.sc.Name, s.st.Name, s.st.Method(), s.st.RawPath())
	}
}

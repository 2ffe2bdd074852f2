package dashboard

import (
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ghlmock/ghlmock/mockserver/journal"
)

// TestCurlOf: a journalled request as a command that sends it again, quoted
// for the shell, with the token (which the journal redacted) as a variable.
func TestCurlOf(t *testing.T) {
	r := httptest.NewRequest("GET", "/_mock/ui/requests/1", nil)
	r.Host = "127.0.0.1:8080"
	names := []string{"Authorization", "Content-Type", "Version"}
	vals := map[string][]string{"Authorization": {"Bearer …0001"}, "Content-Type": {"application/json"}, "Version": {"2021-07-28"}}
	e := journal.Entry{Method: "PUT", Path: "/contacts/abc", Query: "x=1",
		RequestHeaders: journal.PackHeaders(names, func(k string) []string { return vals[k] }, 100, nil),
		RequestBody:    `{"city":"O'Hare"}`}
	assert.Equal(t, `curl -X PUT 'http://127.0.0.1:8080/contacts/abc?x=1' \
  -H "Authorization: Bearer $GHL_TOKEN" \
  -H 'Version: 2021-07-28' \
  -H 'Content-Type: application/json' \
  --data '{"city":"O'\''Hare"}'`, curlOf(r, &e))
	e.RequestBody = `{"a":"b…[truncated 10 bytes]`
	assert.NotContains(t, curlOf(r, &e), "--data", "a cut body is not sent as if it were whole")
}

package contracttest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/contracttest"
)

// walkFile walks GET /contacts/ by meta.nextPageUrl.
const walkFile = `scenarios:
  - name: walk
    tags: [readonly]
    steps:
      - name: walk the list
        operationId: get-contacts
        request: {method: GET, path: /contacts/, query: {locationId: "{{locationId}}", limit: 1}}
        walk:
          items: contacts
          total: meta.total
          next: {link: meta.nextPageUrl}
        expect:
          status: 200
          body:
            contacts: {length: 1}
`

// pagedTarget serves a list of n contacts one per page under base (a path
// prefix of the target's base URL); link writes page p's next link.
func pagedTarget(t *testing.T, n int, base string, link func(origin string, p int) string) *contracttest.Target {
	t.Helper()
	var ts *httptest.Server
	ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := strconv.Atoi(r.URL.Query().Get("page"))
		p = max(p, 1)
		next := "null"
		if p < n {
			next = strconv.Quote(link(ts.URL, p+1))
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"contacts":[{"id":"c%d"}],"meta":{"total":%d,"nextPageUrl":%s}}`, p, n, next)
	}))
	t.Cleanup(ts.Close)
	return &contracttest.Target{Name: "paged", BaseURL: ts.URL + base, Client: ts.Client(), Clock: contracttest.NewFakeClock(start, 0),
		Vars: map[string]string{"token": "t", "locationId": "loc"}}
}

func walkFailures(t *testing.T, tg *contracttest.Target) []contracttest.Failure {
	t.Helper()
	s, err := contracttest.Load(fstest.MapFS{"w.yaml": {Data: []byte(walkFile)}})
	require.NoError(t, err)
	rep := run(t, s, tg, contracttest.Options{})
	var out []contracttest.Failure
	for _, f := range rep.AllFailures() {
		if f.Source == contracttest.SourceWalk {
			out = append(out, f)
		}
	}
	res, _ := rep.Scenario("walk")
	require.Len(t, res.Steps, 1)
	return out
}

// TestWalkFollowsLinksUnderTheBasePath: a target whose base URL has a path
// (/api) gets links under it; the walk follows them to the last page.
func TestWalkFollowsLinksUnderTheBasePath(t *testing.T) {
	t.Parallel()
	tg := pagedTarget(t, 4, "/api", func(origin string, p int) string {
		return fmt.Sprintf("%s/api/contacts/?locationId=loc&limit=1&page=%d", origin, p)
	})
	assert.Empty(t, walkFailures(t, tg))
}

// TestWalkRefusesALinkOutsideTheTarget: the same list, but its links leave
// out the base path: they would not reach the API being judged.
func TestWalkRefusesALinkOutsideTheTarget(t *testing.T) {
	t.Parallel()
	tg := pagedTarget(t, 4, "/api", func(origin string, p int) string {
		return fmt.Sprintf("%s/contacts/?locationId=loc&limit=1&page=%d", origin, p)
	})
	fs := walkFailures(t, tg)
	require.Len(t, fs, 1)
	assert.Equal(t, "meta.nextPageUrl", fs[0].Where)
	assert.Contains(t, fs[0].Found, "its path is outside the target's /api")
	assert.Contains(t, fs[0].Found, "(page 1:")
}

// TestWalkStopsAtMaxPages: a list of 25 pages is no list the walk reaches the
// end of within its default 10 pages; it stops there and says so, without
// judging a total it never finished counting.
func TestWalkStopsAtMaxPages(t *testing.T) {
	t.Parallel()
	var requests atomic.Int32
	tg := pagedTarget(t, 25, "", func(origin string, p int) string {
		requests.Add(1)
		return fmt.Sprintf("%s/contacts/?locationId=loc&limit=1&page=%d", origin, p)
	})
	fs := walkFailures(t, tg)
	require.Len(t, fs, 1)
	assert.Equal(t, "walk", fs[0].Where)
	assert.Equal(t, "the last page within 10 pages", fs[0].Expected)
	assert.True(t, strings.HasPrefix(fs[0].Found, "page 10 still has a next page"), fs[0].Found)
	assert.Equal(t, int32(10), requests.Load(), "ten pages were asked for, no more")
}

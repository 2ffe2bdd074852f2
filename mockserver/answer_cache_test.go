package mockserver_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver"
)

// withoutTraceID is an answer's body without its trailing traceId member.
func withoutTraceID(t *testing.T, body []byte) []byte {
	t.Helper()
	i := bytes.LastIndex(body, []byte(`,"traceId":"`))
	require.Positive(t, i, "%s", body)
	return append(append([]byte(nil), body[:i]...), '}')
}

// GET contact answers from its cache only while nothing of the location
// changed: after every write operation of the document (each run between
// reads that left Ada's answer cached), a reset and a write through the
// admin API, the answer is what rendering the store's contact gives.
func TestGetContactIsNeverAnsweredFromBeforeAWrite(t *testing.T) {
	read := func(h *harness) *response {
		r := h.do(call{path: "/contacts/" + ada})
		return r
	}
	cacheAda := func(t *testing.T, h *harness) {
		t.Helper()
		first, second := read(h), read(h)
		require.Equal(t, http.StatusOK, first.Status)
		require.Equal(t, 1, mockserver.CachedAnswers(h.srv), "two reads at one version keep the answer")
		third := read(h) // from the cache
		assert.Equal(t, withoutTraceID(t, first.Body), withoutTraceID(t, third.Body))
		assert.Equal(t, withoutTraceID(t, second.Body), withoutTraceID(t, third.Body))
	}
	check := func(t *testing.T, h *harness) {
		t.Helper()
		got := read(h)
		want, err := mockserver.RenderContactForTest(h.srv, h.loc, ada)
		if err != nil { // deleted
			assert.NotEqual(t, http.StatusOK, got.Status, "%s", got.Body)
			return
		}
		require.Equal(t, http.StatusOK, got.Status, "%s", got.Body)
		assert.Equal(t, string(want), string(withoutTraceID(t, got.Body)))
	}
	changed := 0
	for _, c := range opCases() {
		if !c.write {
			continue
		}
		t.Run(c.id, func(t *testing.T) {
			h := setup(t)
			cacheAda(t, h)
			before := withoutTraceID(t, read(h).Body)
			r := h.do(c.build(ada))
			require.Equal(t, c.status, r.Status, "%s", r.Body)
			check(t, h)
			if after := read(h); after.Status != http.StatusOK || !bytes.Equal(before, withoutTraceID(t, after.Body)) {
				changed++
			}
		})
	}
	// Most writes change Ada's answer: the test sees the cache miss them.
	assert.GreaterOrEqual(t, changed, 5)

	t.Run("reset", func(t *testing.T) {
		h := setup(t)
		require.Equal(t, http.StatusOK, h.do(call{method: "PUT", path: "/contacts/" + ada, body: map[string]any{"city": "Paris"}}).Status)
		cacheAda(t, h)
		require.Equal(t, http.StatusOK, h.admin("POST", "/_mock/reset", nil).Status)
		check(t, h)
		assert.NotContains(t, string(read(h).Body), "Paris")
	})

	// An import replaces the locations with new ones, as a reset does: the
	// answer cached of the location before (which no write touched since
	// the reset that made it) is not the new location's.
	t.Run("import", func(t *testing.T) {
		h := setup(t)
		require.Equal(t, http.StatusOK, h.do(call{method: "PUT", path: "/contacts/" + ada, body: map[string]any{"city": "Paris"}}).Status)
		state := h.admin("GET", "/_mock/state?locationId="+locationID, nil)
		require.Equal(t, http.StatusOK, state.Status)
		require.Equal(t, http.StatusOK, h.admin("POST", "/_mock/reset", nil).Status)
		cacheAda(t, h)
		require.NotContains(t, string(read(h).Body), "Paris")
		require.Equal(t, http.StatusOK, h.admin("PUT", "/_mock/state", json.RawMessage(state.Body)).Status)
		check(t, h)
		assert.Contains(t, string(read(h).Body), "Paris")
	})
}

// One read keeps nothing (reads spread over many contacts cost no copy);
// the second at the same version keeps the answer; a read of another
// location's contact does not see it.
func TestGetContactCachesOnTheSecondRead(t *testing.T) {
	h := setup(t)
	require.Equal(t, http.StatusOK, h.do(call{path: "/contacts/" + ada}).Status)
	assert.Equal(t, 0, mockserver.CachedAnswers(h.srv))
	require.Equal(t, http.StatusOK, h.do(call{path: "/contacts/" + ada}).Status)
	assert.Equal(t, 1, mockserver.CachedAnswers(h.srv))
	other := h.do(call{path: "/contacts/" + ada, token: &h.otherRW})
	assert.NotEqual(t, http.StatusOK, other.Status, "%s", other.Body)
}

// A kept answer is sent by reference, and journalled by reference too: what
// the journal shows of each read is exactly what the client received, the
// answer's own traceId included, cut where the journal's bound cuts any
// body; a HEAD read sends the headers the GET sends.
func TestAKeptAnswerIsSentAndJournalledAsItWas(t *testing.T) {
	for _, bound := range []int{0, 200, 1300, 5000} {
		t.Run(fmt.Sprint(bound), func(t *testing.T) {
			h := setup(t, func(c *mockserver.Config) { c.JournalBodyBytes = bound })
			for i := range 4 { // rendered, rendered and kept, then twice from the cache
				r := h.do(call{path: "/contacts/" + ada})
				require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
				assert.Equal(t, strconv.Itoa(len(r.Body)), r.Header.Get("Content-Length"))
				var v map[string]any
				require.NoError(t, json.Unmarshal(r.Body, &v), "read %d: %s", i, r.Body)
				assert.Empty(t, r.Header.Get("traceId"), "the traceId is in the body, not a header")
				assert.Regexp(t, `,"traceId":"[0-9a-f-]{36}"}$`, string(r.Body), "read %d", i)
				want, limit := string(r.Body), bound
				if limit == 0 {
					limit = 4096 // the default bound
				}
				if len(want) > limit {
					want = want[:limit] + "…[truncated " + strconv.Itoa(len(r.Body)-limit) + " bytes]"
				}
				assert.Equal(t, want, last(t, h)["responseBody"], "read %d", i)
			}
			require.Equal(t, 1, mockserver.CachedAnswers(h.srv))
			get := h.do(call{path: "/contacts/" + ada})
			head := h.do(call{method: "HEAD", path: "/contacts/" + ada})
			require.Equal(t, http.StatusOK, head.Status)
			assert.Empty(t, head.Body)
			assert.Equal(t, strconv.Itoa(len(get.Body)), head.Header.Get("Content-Length"))
		})
	}
}

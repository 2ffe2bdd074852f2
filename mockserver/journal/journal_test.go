package journal_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/journal"
)

var t0 = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

func TestRingKeepsTheNewest(t *testing.T) {
	j := journal.New(3)
	for i := range 5 {
		j.Add(journal.Entry{Time: t0.Add(time.Duration(i) * time.Second), Status: 200 + i})
	}
	got := j.List(journal.Filter{})
	require.Len(t, got, 3)
	assert.Equal(t, []string{"3", "4", "5"}, []string{got[0].ID, got[1].ID, got[2].ID}, "oldest first, ids keep counting")
	size, held, dropped := j.Stats()
	assert.Equal(t, 3, size)
	assert.Equal(t, 3, held)
	assert.EqualValues(t, 2, dropped)
}

func TestFilters(t *testing.T) {
	j := journal.New(10)
	j.Add(journal.Entry{Time: t0, Method: "GET", OperationID: "get-contact", Status: 200, LocationID: "a"})
	j.Add(journal.Entry{Time: t0.Add(time.Second), Method: "POST", OperationID: "create-contact", Status: 201, LocationID: "a"})
	j.Add(journal.Entry{Time: t0.Add(2 * time.Second), Method: "GET", OperationID: "get-contact", Status: 400, LocationID: "b"})
	cases := []struct {
		name string
		f    journal.Filter
		want []string
	}{
		{"all", journal.Filter{}, []string{"1", "2", "3"}},
		{"operation", journal.Filter{OperationID: "get-contact"}, []string{"1", "3"}},
		{"method", journal.Filter{Method: "POST"}, []string{"2"}},
		{"status", journal.Filter{Status: 400}, []string{"3"}},
		{"since", journal.Filter{Since: t0.Add(time.Second)}, []string{"2", "3"}},
		{"location", journal.Filter{LocationID: "a"}, []string{"1", "2"}},
		{"limit keeps the newest", journal.Filter{Limit: 2}, []string{"2", "3"}},
		{"none", journal.Filter{OperationID: "delete-contact"}, []string{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := []string{}
			for _, e := range j.List(c.f) {
				got = append(got, e.ID)
			}
			assert.Equal(t, c.want, got)
		})
	}
}

func TestClearAndConcurrency(t *testing.T) {
	j := journal.New(50)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				j.Add(journal.Entry{Status: 200})
				j.List(journal.Filter{Status: 200})
			}
		})
	}
	wg.Wait()
	_, held, dropped := j.Stats()
	assert.Equal(t, 50, held)
	assert.EqualValues(t, 750, dropped)
	j.Clear()
	assert.Empty(t, j.List(journal.Filter{}))
	assert.Equal(t, "801", j.Add(journal.Entry{}), "ids are never reused")
}

func TestTruncateSaysHowMuchItCut(t *testing.T) {
	assert.Equal(t, "short", journal.Truncate("short", 10))
	long := strings.Repeat("a", 1<<20)
	got := journal.Truncate(long, 100)
	assert.Equal(t, strings.Repeat("a", 100)+"…[truncated 1048476 bytes]", got)
	assert.Equal(t, "é…[truncated 2 bytes]", journal.Truncate("éé", 3), "never in the middle of a rune")
}

func TestHeadersPackAndRedact(t *testing.T) {
	h := http.Header{"Authorization": {"Bearer secret-0001"}, "Version": {"2021-07-28"}, "X-Many": {"a", "b"}}
	packed := journal.PackHeaders([]string{"Authorization", "Version", "X-Many"}, func(k string) []string { return h[k] }, 1000,
		func(k, v string) string {
			if k == "Authorization" {
				return "Bearer …0001"
			}
			return v
		})
	assert.Equal(t, "Bearer …0001", packed.Get("authorization"))
	assert.Equal(t, "a, b", packed.Get("X-Many"))
	raw, err := json.Marshal(packed)
	require.NoError(t, err)
	assert.JSONEq(t, `{"Authorization":"Bearer …0001","Version":"2021-07-28","X-Many":"a, b"}`, string(raw))
}

func TestCount(t *testing.T) {
	j := journal.New(3)
	for i := range 5 {
		j.Add(journal.Entry{Time: t0, Method: "GET", Status: 200 + i%2})
	}
	assert.Equal(t, 3, j.Count(journal.Filter{}), "what the ring holds")
	assert.Equal(t, 1, j.Count(journal.Filter{Status: 201}))
	assert.Equal(t, 2, j.Count(journal.Filter{Match: func(e *journal.Entry) bool { return e.Status == 200 }}))
}

func TestHeadersAreBoundedInAll(t *testing.T) {
	h := http.Header{}
	var names []string
	for i := range 16 {
		k := fmt.Sprintf("X-Pad-%02d", i)
		h[k] = []string{strings.Repeat("h", 4000)}
		names = append(names, k)
	}
	packed := journal.PackHeaders(names, func(k string) []string { return h[k] }, 4096, nil)
	assert.Less(t, len(packed), journal.HeaderBudget(4096)+4096+200, "16 headers of 4,000 bytes keep about the budget")
	assert.Equal(t, strings.Repeat("h", 4000), packed.Get("X-Pad-00"))
	assert.Contains(t, packed.Get("…"), "more headers left out")
	raw, err := json.Marshal(packed)
	require.NoError(t, err)
	assert.Contains(t, string(raw), `"…":"`)
}

func TestKeptHeadersArePackedWhenRead(t *testing.T) {
	redact := func(k, v string) string {
		if k == "Authorization" {
			return "Bearer …" + v[len(v)-4:]
		}
		return v
	}
	j := journal.New(4)
	e := journal.Entry{Time: t0, Method: "GET", Status: 200}
	e.KeepHeaders(http.Header{"Version": {"2021-07-28"}, "Authorization": {"Bearer secret-0001"}},
		http.Header{"Content-Type": {"application/json"}, "X-Many": {"a", "b"}}, 1000, redact)
	id := j.Add(e)

	// Every way of reading an entry reads it packed: Count's Match, List, Find.
	var seen journal.Headers
	assert.Equal(t, 1, j.Count(journal.Filter{Match: func(e *journal.Entry) bool { seen = e.RequestHeaders; return true }}))
	assert.Equal(t, journal.Headers("Authorization\x00Bearer …0001\x00Version\x002021-07-28\x00"), seen, "sorted and redacted")
	list := j.List(journal.Filter{})
	require.Len(t, list, 1)
	assert.Equal(t, seen, list[0].RequestHeaders)
	assert.Equal(t, "a, b", list[0].ResponseHeaders.Get("X-Many"))
	found, ok := j.Find(id)
	require.True(t, ok)
	assert.Equal(t, "application/json", found.ResponseHeaders.Get("Content-Type"))
	after, _ := j.After(0, 0)
	require.Len(t, after, 1)
	assert.Equal(t, seen, after[0].RequestHeaders)

	fresh := journal.Entry{Time: t0, Method: "GET", Status: 201}
	fresh.KeepHeaders(http.Header{"Version": {"v"}}, nil, 1000, nil)
	j.Add(fresh)
	list = j.List(journal.Filter{Status: 201})
	require.Len(t, list, 1)
	assert.Equal(t, "v", list[0].RequestHeaders.Get("Version"), "an entry that did not match a filter before is packed too")
	assert.Empty(t, list[0].ResponseHeaders)
}

func TestKeptHeadersOverTheBudgetArePackedAtOnce(t *testing.T) {
	big := http.Header{}
	for i := range 16 {
		big[fmt.Sprintf("X-Pad-%02d", i)] = []string{strings.Repeat("h", 4000)}
	}
	j := journal.New(2)
	e := journal.Entry{Time: t0, Method: "GET", Status: 200}
	e.KeepHeaders(big, nil, 4096, nil)
	j.Add(e)
	// Had the ring kept the map, it would hold all 64 KB of it, and this
	// change would show when the entry is read.
	big["X-Pad-00"] = []string{"changed"}
	list := j.List(journal.Filter{})
	require.Len(t, list, 1)
	assert.Equal(t, strings.Repeat("h", 4000), list[0].RequestHeaders.Get("X-Pad-00"))
	assert.Less(t, len(list[0].RequestHeaders), journal.HeaderBudget(4096)+4096+200)
}

// AfterWithoutHeaders hands out entries without headers and leaves headers
// kept by reference unpacked (a later read still packs them right), and
// already packed ones in the ring as they were.
func TestAfterWithoutHeadersLeavesTheHeadersAlone(t *testing.T) {
	j := journal.New(4)
	kept := journal.Entry{Time: t0, Method: "GET", Status: 200}
	kept.KeepHeaders(http.Header{"Version": {"2021-07-28"}}, http.Header{"Content-Type": {"application/json"}}, 1000, nil)
	j.Add(kept)
	j.Add(journal.Entry{Time: t0, Method: "POST", Status: 201, RequestHeaders: "Version\x00v\x00"})

	brief, missed := j.AfterWithoutHeaders(0, 0)
	require.Len(t, brief, 2)
	assert.Zero(t, missed)
	for _, e := range brief {
		assert.Empty(t, e.RequestHeaders)
		assert.Empty(t, e.ResponseHeaders)
	}
	assert.Equal(t, []string{"GET", "POST"}, []string{brief[0].Method, brief[1].Method})
	b, err := json.Marshal(brief[0])
	require.NoError(t, err)
	assert.NotContains(t, string(b), "Headers", "no headers in what the brief entries write")

	full, _ := j.After(0, 0)
	require.Len(t, full, 2)
	assert.Equal(t, "2021-07-28", full[0].RequestHeaders.Get("Version"), "still kept, packed when read in full")
	assert.Equal(t, "application/json", full[0].ResponseHeaders.Get("Content-Type"))
	assert.Equal(t, journal.Headers("Version\x00v\x00"), full[1].RequestHeaders, "a packed entry keeps its headers in the ring")
}

// A body kept by reference reads as its two parts joined, cut with the
// mark of what was left out, by every way of reading the journal; a Match
// sees it too.
func TestKeptBodiesReadAsSent(t *testing.T) {
	shared := []byte(`{"contact":{"id":"a"}`)
	for _, c := range []struct {
		rest  string
		total int
		want  string
	}{
		{`,"traceId":"t"}`, 36, `{"contact":{"id":"a"},"traceId":"t"}`},
		{`,"tr`, 36, `{"contact":{"id":"a"},"tr…[truncated 11 bytes]`},
		{``, 40, `{"contact":{"id":"a"}…[truncated 19 bytes]`},
	} {
		j := journal.New(4)
		e := journal.Entry{Time: t0, Status: 200}
		e.KeepResponseBody(shared, []byte(c.rest), c.total)
		id := j.Add(e)
		got := j.List(journal.Filter{})
		require.Len(t, got, 1)
		assert.Equal(t, c.want, got[0].ResponseBody, "List")
		f, ok := j.Find(id)
		require.True(t, ok)
		assert.Equal(t, c.want, f.ResponseBody, "Find")
		for _, after := range []func(uint64, int) ([]journal.Entry, uint64){j.After, j.AfterWithoutHeaders} {
			es, _ := after(0, 0)
			require.Len(t, es, 1)
			assert.Equal(t, c.want, es[0].ResponseBody, "After")
		}
		assert.Equal(t, 1, j.Count(journal.Filter{Match: func(e *journal.Entry) bool { return e.ResponseBody == c.want }}))
	}
	// Read first without headers, the body is settled all the same.
	j := journal.New(2)
	e := journal.Entry{Time: t0}
	e.KeepResponseBody(shared, nil, len(shared))
	j.Add(e)
	es, _ := j.AfterWithoutHeaders(0, 0)
	require.Len(t, es, 1)
	assert.Equal(t, string(shared), es[0].ResponseBody)
	assert.Equal(t, string(shared), j.List(journal.Filter{})[0].ResponseBody)
	assert.Equal(t, "abc", journal.Truncated("abc", 0))
	assert.Equal(t, "ab…[truncated 1 bytes]", journal.Truncated("ab", 1))
}

package contracttest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/contracttest"
)

const fixedContact = `{"contact":{"id":"abcdefghij0123456789","locationId":"loc","type":"lead",
"dateAdded":"2026-06-01T12:00:00.000Z","tags":["vip","new lead"],"n":3,"f":1.5,"nul":null,"s":"Hello World","low":"hello world",
"followers":[]},"list":[{"k":1},{"k":2}]}`

// TestMatchers runs one step per matcher against a fixed answer: each either
// holds or is reported, with the path, what was expected and what was found.
func TestMatchers(t *testing.T) {
	t.Parallel()
	cases := []struct {
		path, matcher string
		holds         bool
		found         string // a substring of Found when it does not hold
	}{
		{"contact.id", `abcdefghij0123456789`, true, ""},
		{"contact.id", `other`, false, `"abcdefghij0123456789"`},
		{"contact.n", `3`, true, ""},
		{"contact.n", `3.0`, true, ""},
		{"contact.n", `"3"`, false, "3"},
		{"contact.tags", `[vip, new lead]`, true, ""},
		{"contact.tags", `[new lead, vip]`, false, `["vip","new lead"]`},
		{"contact.tags", `{contains: vip}`, true, ""},
		{"contact.tags", `{contains: VIP}`, false, ""},
		{"contact.tags", `{notContains: cold}`, true, ""},
		{"contact.tags", `{length: 2}`, true, ""},
		{"contact.tags", `{length: 3}`, false, ""},
		{"contact.s", `{contains: World}`, true, ""},
		{"contact.s", `{matches: '^Hello'}`, true, ""},
		{"contact.s", `{matches: '^World'}`, false, `"Hello World"`},
		{"contact.nul", `null`, true, ""},
		{"contact.nul", `{type: "null"}`, true, ""},
		{"contact.missing", `null`, false, "missing"},
		{"contact.missing", `{absent: true}`, true, ""},
		{"contact.missing", `{present: false}`, true, ""},
		{"contact.id", `{absent: true}`, false, ""},
		{"contact.id", `{present: true, type: string}`, true, ""},
		{"contact.n", `{type: integer}`, true, ""},
		{"contact.n", `{type: number}`, true, ""},
		{"contact.f", `{type: integer}`, false, "1.5"},
		{"contact.n", `{gte: 3, lte: 3}`, true, ""},
		{"contact.n", `{gte: 4}`, false, "3"},
		{"contact.type", `{in: [lead, customer]}`, true, ""},
		{"contact.type", `{notIn: [lead, customer]}`, false, `"lead"`},
		{"contact.followers", `{type: array, length: 0}`, true, ""},
		{"list[*].k", `[1, 2]`, true, ""},
		{"list[*].k", `{each: {type: integer, lte: 2}}`, true, ""},
		{"list[*].k", `{each: {gte: 2}}`, false, "element [0] is 1"},
		{"list[-1].k", `2`, true, ""},
		{"contact.id", `"{{runId}}"`, false, ""},
		{"contact.locationId", `"{{locationId}}"`, true, ""},
		{"contact.s", `"{{locationId | upper}}"`, false, ""},
		{"contact.n", `{gt: 2, lt: 4}`, true, ""},
		{"contact.n", `{gt: 3}`, false, "3"},
		{"contact.n", `{lt: 3}`, false, "3"},
		{"contact.n", `{lt: "{{nowMs}}"}`, true, ""},
		{"contact.s", `{gt: 1}`, false, `"Hello World"`},
		{"contact.tags", `{containsAll: [new lead, vip]}`, true, ""},
		{"contact.tags", `{containsAll: [vip, cold]}`, false, `["vip","new lead"]`},
		{"contact.s", `{containsAll: [World, Hello]}`, true, ""},
		{"contact.dateAdded", `{after: "2026-06-01T11:59:59.999Z", before: "{{now+1ms}}"}`, true, ""},
		{"contact.dateAdded", `{after: "{{now}}"}`, false, `"2026-06-01T12:00:00.000Z"`},
		{"contact.dateAdded", `{before: "2026-06-01T12:00:00.000Z"}`, false, `"2026-06-01T12:00:00.000Z"`},
		{"contact.dateAdded", `{after: 1780315199999}`, true, ""},
		{"contact.s", `{after: "{{now-1h}}"}`, false, `"Hello World"`},
		{"contact.low", `{lowerCaseOf: Hello World}`, true, ""},
		{"contact.s", `{lowerCaseOf: Hello World}`, false, `"Hello World"`},
		{"contact.low", `{lowerCaseOf: "{{locationId}}"}`, false, `"hello world"`},
	}
	var b strings.Builder
	b.WriteString("scenarios:\n  - name: matchers\n    tags: [readonly]\n    steps:\n")
	for i, c := range cases {
		fmt.Fprintf(&b, "      - name: case %d\n        request: {method: GET, path: /contacts/abcdefghij0123456789}\n", i)
		fmt.Fprintf(&b, "        expect:\n          status: 200\n          body:\n            %s: %s\n", c.path, c.matcher)
	}
	s, err := contracttest.Load(fstest.MapFS{"m.yaml": {Data: []byte(b.String())}})
	require.NoError(t, err)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(fixedContact))
	}))
	t.Cleanup(ts.Close)
	tg := &contracttest.Target{Name: "fixed", BaseURL: ts.URL, Client: ts.Client(), Clock: contracttest.NewFakeClock(start, 0),
		Vars: map[string]string{"token": "t", "locationId": "loc"}}
	rep := run(t, s, tg, contracttest.Options{})
	byStep := map[string][]contracttest.Failure{}
	for _, f := range rep.AllFailures() {
		if f.Source == contracttest.SourceExpect {
			byStep[f.Step] = append(byStep[f.Step], f)
		}
	}
	for i, c := range cases {
		fs := byStep[fmt.Sprintf("case %d", i)]
		if c.holds {
			assert.Empty(t, fs, "%s: %s should hold", c.path, c.matcher)
			continue
		}
		if assert.Len(t, fs, 1, "%s: %s should fail", c.path, c.matcher) {
			assert.Equal(t, c.path, fs[0].Where)
			assert.Contains(t, fs[0].Found, c.found)
			assert.NotEmpty(t, fs[0].Expected)
		}
	}
}

// TestTypedTemplates: a string that is exactly one {{variable}} keeps the
// captured value's JSON type in a request body (a searchAfter cursor is sent
// as an array, a count as a number); elsewhere it is written into the text.
func TestTypedTemplates(t *testing.T) {
	t.Parallel()
	var (
		mu     sync.Mutex
		bodies []string
	)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		buf := new(strings.Builder)
		_, _ = fmt.Fprint(buf, r.URL.RawQuery, " ")
		b := make([]byte, 1024)
		n, _ := r.Body.Read(b)
		buf.Write(b[:n])
		bodies = append(bodies, buf.String())
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"contacts":[{"id":"x","searchAfter":[1775447668835,"x"]}],"total":7}`))
	}))
	t.Cleanup(ts.Close)
	file := `scenarios:
  - name: typed
    tags: [readonly]
    steps:
      - name: first page
        request: {method: POST, path: /contacts/search, body: {locationId: "{{locationId}}", pageLimit: 1}}
        expect: {status: 200}
        capture: {cursor: "contacts[0].searchAfter", total: total}
      - name: next page
        request:
          method: POST
          path: /contacts/search
          query: {note: "{{total}} in all, phone {{phone.a}}"}
          body: {locationId: "{{locationId}}", pageLimit: "{{total}}", searchAfter: "{{cursor}}", query: "n={{total}}"}
        expect: {status: 200}
`
	s, err := contracttest.Load(fstest.MapFS{"t.yaml": {Data: []byte(file)}})
	require.NoError(t, err)
	tg := &contracttest.Target{Name: "fixed", BaseURL: ts.URL, Client: ts.Client(), Clock: contracttest.NewFakeClock(start, 0),
		Vars: map[string]string{"token": "t", "locationId": "loc"}}
	run(t, s, tg, contracttest.Options{Seed: 3, RunID: "abc"})
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, bodies, 2)
	assert.Contains(t, bodies[1], `"searchAfter":[1775447668835,"x"]`)
	assert.Contains(t, bodies[1], `"pageLimit":7`)
	assert.Contains(t, bodies[1], `"query":"n=7"`)
	assert.Regexp(t, `^note=7\+in\+all%2C\+phone\+%2B1\d{3}55501[5-9]\d `, bodies[1], "+ of an E.164 phone is sent as %2B")
}

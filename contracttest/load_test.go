package contracttest_test

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/contracttest"
	"github.com/ghlmock/ghlmock/fixtures"
)

// minimal is a valid scenario file; the cases below break one thing each.
const minimal = `scenarios:
  - name: one
    tags: [readonly]
    steps:
      - name: list
        request:
          method: GET
          path: /contacts/
          query: {locationId: "{{locationId}}"}
        expect:
          status: 200
          body:
            contacts: {type: array}
        capture: {first: "contacts[0].id"}
      - name: read
        request: {method: GET, path: "/contacts/{{first}}"}
        expect: {status: 200}
`

func TestParseFileAcceptsAValidFile(t *testing.T) {
	t.Parallel()
	scs, err := contracttest.ParseFile("ok.yaml", []byte(minimal))
	require.NoError(t, err)
	require.Len(t, scs, 1)
	sc := scs[0]
	assert.Equal(t, "one", sc.Name)
	assert.Equal(t, "ok.yaml", sc.File)
	assert.Equal(t, 2, sc.Line)
	assert.Equal(t, []string{"locationId"}, sc.Needs())
	require.Len(t, sc.Steps, 2)
	assert.Equal(t, "/contacts/x", sc.Steps[1].PathTemplate())
	assert.True(t, sc.Steps[0].Throttle, "throttling is on unless a step turns it off")
}

// TestParseFileNamesFileLineAndReason: every malformed file fails with the
// file, the line and the reason, never a panic.
func TestParseFileNamesFileLineAndReason(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		file string
		want string // a substring of the error: file:line: reason
	}{
		{"not YAML", "scenarios:\n  - name: [unclosed\n", "bad.yaml:1: did not find expected ',' or ']'"},
		{"tab indentation", "scenarios:\n\t- name: a\n", "bad.yaml:2: found character that cannot start any token"},
		{"empty file", "", "bad.yaml: empty scenario file"},
		{"no scenarios key", "steps: []\n", `bad.yaml:1: unknown key "steps" in the file (known: scenarios)`},
		{"scenarios not a list", "scenarios: {a: 1}\n", "bad.yaml:1: scenarios must be a list"},
		{"unknown scenario key", strings.Replace(minimal, "    tags:", "    tagz: [x]\n    tags:", 1), `bad.yaml:3: unknown key "tagz" in a scenario`},
		{"unknown step key", strings.Replace(minimal, "      - name: read\n", "      - name: read\n        expct: {}\n", 1), `bad.yaml:16: unknown key "expct" in a step (known: capture, eventually, expect, name, operationId, repeat, request, retry429, throttle, wait`},
		{"unknown operationId", strings.Replace(minimal, "      - name: read\n", "      - name: read\n        operationId: get-contct\n", 1), `bad.yaml:16: operationId "get-contct" is no operation of the OpenAPI document (openapi/contacts.yaml); did you mean "get-contact"?`},
		{"operationId far from any", strings.Replace(minimal, "      - name: read\n", "      - name: read\n        operationId: listEverything\n", 1), `bad.yaml:16: operationId "listEverything" is no operation of the OpenAPI document (openapi/contacts.yaml)`},
		{"empty operationId", strings.Replace(minimal, "      - name: read\n", "      - name: read\n        operationId: \"\"\n", 1), `bad.yaml:16: operationId must not be empty`},
		{"unknown tag", strings.Replace(minimal, "[readonly]", "[readonly, wirte]", 1), `bad.yaml:3: unknown tag "wirte" (known: readonly, write, errors, ratelimit, oauth)`},
		{"no steps", "scenarios:\n  - name: a\n    tags: [write]\n", "bad.yaml:2: a scenario has no steps"},
		{"bad name", strings.Replace(minimal, "name: one", "name: One Two", 1), `bad.yaml:2: scenario name "One Two" must be lower-case`},
		{"no method", strings.Replace(minimal, "          method: GET\n", "", 1), "bad.yaml:7: request has no method"},
		{"bad method", strings.Replace(minimal, "method: GET\n          path", "method: FETCH\n          path", 1), `bad.yaml:7: method "FETCH" is not one of GET, POST, PUT, PATCH, DELETE`},
		{"relative path", strings.Replace(minimal, "path: /contacts/\n", "path: contacts/\n", 1), `bad.yaml:8: path "contacts/" must start with /`},
		{"query in path", strings.Replace(minimal, "path: /contacts/\n", "path: /contacts/?limit=1\n", 1), "bad.yaml:8: path \"/contacts/?limit=1\": put query parameters under query:"},
		{"unknown generator", strings.Replace(minimal, `"{{locationId}}"`, `"{{mail.a}}"`, 1), "bad.yaml:9: query parameter locationId: \"{{mail.a}}\": unknown variable {{mail.a}}"},
		{"unclosed template", strings.Replace(minimal, `"{{locationId}}"`, `"{{locationId"`, 1), "bad.yaml:9: query parameter locationId: \"{{locationId\": {{ without }}"},
		{"unknown filter", strings.Replace(minimal, `"{{locationId}}"`, `"{{locationId | shout}}"`, 1), `unknown filter "shout" (known: lower, upper, national)`},
		{"bad duration", strings.Replace(minimal, `"{{locationId}}"`, `"{{now+2 days}}"`, 1), "is not a duration"},
		{"variable never captured", strings.Replace(minimal, `"/contacts/{{first}}"`, `"/contacts/{{firstId}}"`, 1), `bad.yaml:15: scenario "one", step "read": {{firstId}} is not captured by an earlier step`},
		{"unknown matcher", strings.Replace(minimal, "{type: array}", "{kind: array}", 1), `bad.yaml:13: unknown matcher "kind"`},
		{"unknown type", strings.Replace(minimal, "{type: array}", "{type: list}", 1), `bad.yaml:13: type "list" is not one of`},
		{"after no timestamp", strings.Replace(minimal, "{type: array}", "{after: yesterday}", 1), `bad.yaml:13: after needs a timestamp such as 2026-05-05T15:12:41.809Z, {{now}} or a captured one, not "yesterday"`},
		{"lowerCaseOf a lower-case input", strings.Replace(minimal, "{type: array}", "{lowerCaseOf: abc}", 1), `bad.yaml:13: lowerCaseOf "abc": the input is lower-case already, so the check proves nothing`},
		{"containsAll no list", strings.Replace(minimal, "{type: array}", "{containsAll: 3}", 1), `bad.yaml:13: containsAll needs a list`},
		{"walk without next", strings.Replace(minimal, "        expect: {status: 200}", "        expect: {status: 200}\n        walk: {items: contacts, total: meta.total}", 1), "bad.yaml:18: walk has no next"},
		{"walk next two ways", strings.Replace(minimal, "        expect: {status: 200}", "        expect: {status: 200}\n        walk: {items: contacts, total: meta.total, next: {link: meta.nextPageUrl, query: {startAfter: meta.startAfter}}}", 1), "bad.yaml:18: walk next needs exactly one of link, query, body"},
		{"walk bad path", strings.Replace(minimal, "        expect: {status: 200}", "        expect: {status: 200}\n        walk: {items: \"contacts[\", total: meta.total, next: {link: meta.nextPageUrl}}", 1), `bad.yaml:18: walk items: path "contacts["`},
		{"walk and repeat", strings.Replace(minimal, "        expect: {status: 200}", "        expect: {status: 200}\n        repeat: {count: 2, until: 429}\n        walk: {items: contacts, total: meta.total, next: {link: meta.nextPageUrl}}", 1), `step "read": walk cannot be combined with repeat or eventually`},
		{"bad regexp", strings.Replace(minimal, "{type: array}", "{matches: '(('}", 1), "bad.yaml:13: matches: error parsing regexp"},
		{"bad JSON path", strings.Replace(minimal, "contacts: {type", "contacts[x: {type", 1), "bad.yaml:13: path \"contacts[x\""},
		{"status out of range", strings.Replace(minimal, "status: 200\n          body", "status: 2000\n          body", 1), "bad.yaml:11: status 2000 is not an HTTP status"},
		{"status not a number", strings.Replace(minimal, "status: 200\n          body", "status: ok\n          body", 1), `bad.yaml:11: status must be a whole number of at least 100, not "ok"`},
		{"no status", strings.Replace(minimal, "expect: {status: 200}", "expect: {}", 1), "bad.yaml:17: expect has no status"},
		{"requires an unknown variable", strings.Replace(minimal, "    tags:", "    requires: [colour]\n    tags:", 1), `bad.yaml:3: requires: "colour" is not a target variable`},
		{"capture into a target variable", strings.Replace(minimal, "{first:", "{token:", 1), `bad.yaml:14: capture: "token" cannot be a variable name`},
		{"repeat and eventually", strings.Replace(minimal, "        expect: {status: 200}", "        expect: {status: 200}\n        repeat: {count: 2, until: 429}\n        eventually: {attempts: 2}", 1), `step "read": repeat and eventually cannot be combined`},
		{"repeat without until", strings.Replace(minimal, "        expect: {status: 200}", "        expect: {status: 200}\n        repeat: {count: 2}", 1), "bad.yaml:18: repeat has no until"},
		{"key twice", strings.Replace(minimal, "    tags: [readonly]\n", "    tags: [readonly]\n    tags: [write]\n", 1), `key "tags" is given twice`},
		{"throttle not a bool", strings.Replace(minimal, "        expect: {status: 200}", "        expect: {status: 200}\n        throttle: maybe", 1), `bad.yaml:18: throttle must be true or false, not "maybe"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := contracttest.ParseFile("bad.yaml", []byte(tc.file))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			var le *contracttest.LoadError
			assert.True(t, errors.As(err, &le), "the error is a *LoadError: %T", err)
		})
	}
}

func TestLoadChecksTheSetOfFiles(t *testing.T) {
	t.Parallel()
	_, err := contracttest.Load(fstest.MapFS{"README.md": {Data: []byte("# no scenarios")}})
	assert.ErrorContains(t, err, "no scenario files")

	_, err = contracttest.Load(fstest.MapFS{
		"a.yaml": {Data: []byte(minimal)},
		"b.yaml": {Data: []byte(minimal)},
	})
	assert.ErrorContains(t, err, `b.yaml:2: scenario "one" is already defined at a.yaml:2`)

	// Every problem of every file is reported at once.
	_, err = contracttest.Load(fstest.MapFS{
		"a.yaml": {Data: []byte(strings.Replace(minimal, "[readonly]", "[nope]", 1))},
		"b.yaml": {Data: []byte(strings.Replace(minimal, "method: GET\n          path", "method: GOT\n          path", 1))},
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "a.yaml:3:")
	assert.Contains(t, err.Error(), "b.yaml:7:")
}

func TestEmbeddedScenariosLoadAndAreDocumented(t *testing.T) {
	t.Parallel()
	s := suite(t)
	assert.GreaterOrEqual(t, len(s.Scenarios), 15)
	readme, err := fixtures.Scenarios().Open("README.md")
	require.NoError(t, err)
	require.NoError(t, readme.Close())
}

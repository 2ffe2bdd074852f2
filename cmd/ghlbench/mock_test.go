package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/fixture"
)

func TestOneLocationFixture(t *testing.T) {
	b, err := oneLocationFixture()
	require.NoError(t, err)
	f, err := fixture.Parse(b, "one-location.yaml")
	require.NoError(t, err, "the file loads as fixtures")
	def, err := fixture.Default()
	require.NoError(t, err)
	require.Len(t, f.Locations, 1)
	assert.Equal(t, def.Locations[0].ID, f.Locations[0].ID)
	assert.Equal(t, def.Locations[0].Tokens, f.Locations[0].Tokens)
	assert.Len(t, f.Locations[0].NamedContacts, len(def.Locations[0].NamedContacts))
	assert.Equal(t, def.Settings.ContactsPerLocation, f.Settings.ContactsPerLocation)
}

func TestLocationTokens(t *testing.T) {
	def, err := fixture.Default()
	require.NoError(t, err)
	read, rw, err := locationTokens(def, time.Now())
	require.NoError(t, err)
	assert.Equal(t, target{Location: "O9hFAiOh29oB93c0F6UJ", Token: "pit-1a2b3c4d-0001-4000-8000-000000000001"}, rw)
	assert.Len(t, read, len(def.Locations))
	for loc, tok := range read {
		assert.NotEmpty(t, tok, loc)
	}

	def.Locations = def.Locations[:1]
	def.Locations[0].Tokens = def.Locations[0].Tokens[1:2] // read-only
	_, _, err = locationTokens(def, time.Now())
	assert.Error(t, err)
}

func TestMemStat(t *testing.T) {
	profile := []byte("heap profile: 1: 2 [3: 4] @ heap/1048576\n\n# runtime.MemStats\n# Alloc = 3377536\n# HeapAlloc = 3377536\n# HeapSys = 12124160\n# PauseNs = [52048 39264 0]\n")
	n, err := memStat(profile, "HeapAlloc")
	require.NoError(t, err)
	assert.Equal(t, int64(3377536), n)
	_, err = memStat(profile, "HeapInuse")
	assert.Error(t, err)
}

func TestRequestPaths(t *testing.T) {
	cs := []contactRef{{ID: "a", Email: "x+y@example.com", Phone: "+12125550101"}, {ID: "b", Phone: "+14155550111"}, {ID: "c", Email: "z@example.com"}}
	assert.Equal(t, []string{
		"/contacts/search/duplicate?email=x%2By%40example.com&locationId=L",
		"/contacts/search/duplicate?email=z%40example.com&locationId=L",
	}, duplicatePaths("L", "email", cs, 10))
	assert.Equal(t, []string{"/contacts/search/duplicate?locationId=L&number=%2B12125550101"}, duplicatePaths("L", "number", cs, 1))

	paths := listPaths("L", []string{"pied piper", "zoë"})
	u, err := url.Parse(paths[1])
	require.NoError(t, err)
	assert.Equal(t, "zoë", u.Query().Get("query"))
	assert.Equal(t, "20", u.Query().Get("limit"))
	assert.Equal(t, "/contacts/?limit=20&locationId=L&query=pied+piper", paths[0])

	bodies, err := searchBodies("L", []string{"an", "e"}, [][]map[string]string{{{"field": "dateAdded", "direction": "desc"}}})
	require.NoError(t, err)
	assert.Equal(t, []string{
		`{"filters":[{"field":"firstNameLowerCase","operator":"contains","value":"an"}],"locationId":"L","pageLimit":20,"sort":[{"direction":"desc","field":"dateAdded"}]}`,
		`{"filters":[{"field":"firstNameLowerCase","operator":"contains","value":"e"}],"locationId":"L","pageLimit":20,"sort":[{"direction":"desc","field":"dateAdded"}]}`,
	}, bodies)
}

func TestAPI(t *testing.T) {
	var got []*http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r)
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/_mock/health":
			_, _ = w.Write([]byte(`{"status":"ok"}`))
		case "/contacts/":
			_, _ = w.Write([]byte(`{"contacts":[],"meta":{"total":205}}`))
		case "/contacts/search":
			_, _ = w.Write([]byte(`{"contacts":[{"id":"A"},{"id":"B","email":"b@example.com"},{"id":"C"}],"total":3}`))
		case "/contacts/search/duplicate":
			_, _ = w.Write([]byte(`{"contact":null}`))
		default:
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"message":"nope"}`))
		}
	}))
	defer srv.Close()
	ctx := context.Background()
	a := newAPI(srv.URL, "pit-x")

	require.NoError(t, a.health(ctx))
	assert.Empty(t, got[0].Header.Get("Authorization"), "health needs no token")

	n, err := countContacts(ctx, srv.URL, map[string]string{"L1": "t1", "L2": "t2"})
	require.NoError(t, err)
	assert.Equal(t, 410, n)

	pool, err := a.taskPool(ctx, "L", 1, "A")
	require.NoError(t, err)
	assert.Equal(t, []string{"B"}, pool)
	last := got[len(got)-1]
	assert.Equal(t, "Bearer pit-x", last.Header.Get("Authorization"))
	assert.Equal(t, "2021-07-28", last.Header.Get("Version"))
	assert.Equal(t, "application/json", last.Header.Get("Content-Type"))

	assert.ErrorContains(t, a.checkDuplicateHit(ctx, "/contacts/search/duplicate?email=q"), "found no contact")
	assert.ErrorContains(t, a.do(ctx, "GET", "/elsewhere", nil, nil), "404")
}

func TestContractParse(t *testing.T) {
	var c Contract
	require.NoError(t, c.parse([]byte(`{"target":"in-process mock","durationMs":24.9,"passed":19,"failed":1,"skipped":2}`)))
	assert.Equal(t, Contract{SuiteMs: 24.9, Passed: 19, Failed: 1, Skipped: 2}, c)
	assert.Error(t, (&Contract{}).parse([]byte(`{"target":"x"}`)))
	assert.Error(t, (&Contract{}).parse([]byte(`not json`)))
	assert.Equal(t, `ghlmock: unknown command "contract"`, lastLine("\nghlmock: unknown command \"contract\"\n\n", nil))
}

func TestCPUInfo(t *testing.T) {
	model, n := cpuInfo([]byte("processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\n\nprocessor\t: 1\nmodel name\t: AMD EPYC 7B13\n"))
	assert.Equal(t, "AMD EPYC 7B13", model)
	assert.Equal(t, 2, n)
}

func TestParseConfig(t *testing.T) {
	c, err := parseConfig(nil, nil)
	require.NoError(t, err)
	assert.Equal(t, 10*time.Second, c.duration)
	assert.Equal(t, 3, c.rounds)
	assert.Equal(t, map[string]bool{"default": true, "features": true, "load": true, "100k": true, "state": true, "contract": true}, c.phases)

	c, err = parseConfig([]string{"--phases", "load, contract", "--duration", "3s"}, nil)
	require.NoError(t, err)
	assert.Equal(t, map[string]bool{"load": true, "contract": true}, c.phases)

	for _, bad := range [][]string{{"--phases", "warp"}, {"--duration", "500ms"}, {"--warmup", "200ms"}, {"--rounds", "0"}, {"extra"}} {
		_, err := parseConfig(bad, nil)
		assert.Error(t, err, "%v", bad)
	}
}

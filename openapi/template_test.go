package openapi_test

import (
	"math/rand/v2"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/openapi"
)

func TestTemplateMatch(t *testing.T) {
	tasks := openapi.CompileTemplate("/contacts/{contactId}/tasks/{taskId}")
	assert.Equal(t, []string{"contactId", "taskId"}, tasks.Names())
	list := openapi.CompileTemplate("/contacts/")
	cases := []struct {
		tmpl   openapi.Template
		path   string
		ok     bool
		values []string
	}{
		{tasks, "/contacts/a/tasks/b", true, []string{"a", "b"}},
		{tasks, "/contacts/a/tasks/b/", true, []string{"a", "b"}},
		{tasks, "/contacts/a%2Fx/tasks/b", true, []string{"a%2Fx", "b"}},
		{tasks, "/contacts/a/tasks", false, nil},
		{tasks, "/contacts/a/tasks/b/c", false, nil},
		{tasks, "/contacts//tasks/b", false, nil},
		{tasks, "/contacts/a/notes/b", false, nil},
		{list, "/contacts/", true, nil},
		{list, "/contacts", true, nil},
		{list, "/contacts/x", false, nil},
		{list, "/", false, nil},
		{list, "", false, nil},
	}
	for _, c := range cases {
		values, ok := c.tmpl.Match(c.path)
		assert.Equal(t, c.ok, ok, c.path)
		for i, v := range c.values {
			assert.Equal(t, v, values[i], c.path)
		}
	}
}

func TestTemplateMatchAllocatesNothing(t *testing.T) {
	tmpl := openapi.CompileTemplate("/contacts/{contactId}/tasks/{taskId}")
	allocs := testing.AllocsPerRun(100, func() { tmpl.Match("/contacts/abc/tasks/def") })
	assert.Zero(t, allocs)
}

// MayMatchDecoded never says no where Match says yes, for every template of
// the document and synthetic ones, on paths built at random from segments,
// separators and escapes (%2F among them, which decodes to a separator);
// and it does say no to most of the templates a router tries in vain.
func TestMayMatchDecodedNeverRefusesAMatch(t *testing.T) {
	spec, err := openapi.Load(t.Context())
	require.NoError(t, err)
	var tmpls []openapi.Template
	for _, op := range spec.Operations() {
		tmpls = append(tmpls, op.Template)
	}
	for _, p := range []string{"/", "/tasks", "/{a}", "/{a}/tasks", "/a%2Fb/tasks", "/contacts/{id}/a"} {
		tmpls = append(tmpls, openapi.CompileTemplate(p))
	}
	pieces := []string{"/", "/", "/", "contacts", "tasks", "notes", "a", "x1", "%2F", "%2f", "%41", "%25", "%2Ftasks", "search", "duplicate", "business", "{id}"}
	rng := rand.New(rand.NewPCG(1, 2))
	matched, refused := 0, 0
	for range 200000 {
		var b strings.Builder
		for range 1 + rng.IntN(9) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		u, err := url.Parse(b.String())
		if err != nil {
			continue
		}
		for _, tm := range tmpls {
			_, ok := tm.Match(u.EscapedPath())
			may := tm.MayMatchDecoded(u.Path)
			if ok {
				matched++
				require.True(t, may, "%q (decoded %q) fits %v, and MayMatchDecoded says it cannot", u.EscapedPath(), u.Path, tm)
			} else if !may {
				refused++
			}
		}
	}
	assert.Greater(t, matched, 1000, "the random paths matched too few templates to show anything")
	assert.Greater(t, refused, 100000, "MayMatchDecoded refuses almost nothing")

	// GET contact's path: every other GET template of contacts is refused
	// without its escaped path being computed, but the two whose last
	// segment is a parameter, like its own.
	get, ok := spec.Operation("get-contact")
	require.True(t, ok)
	var maybe []string
	for _, op := range spec.Operations() {
		if op.Method == "GET" && op.Template.MayMatchDecoded("/contacts/2NexTNy4UiJ1cLOoua11") {
			maybe = append(maybe, op.ID)
		}
	}
	assert.Contains(t, maybe, get.ID)
	assert.LessOrEqual(t, len(maybe), 3, "%v", maybe)
}

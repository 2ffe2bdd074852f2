package openapi_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

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

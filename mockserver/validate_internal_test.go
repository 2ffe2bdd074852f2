package mockserver

import (
	"net/http/httptest"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCompiledParamChecksAgreeWithOpenapi3filter: for every operation whose
// parameters the server checks itself, the answer equals the one
// openapi3filter.ValidateRequest gives, on good and bad query strings.
func TestCompiledParamChecksAgreeWithOpenapi3filter(t *testing.T) {
	s, err := New(Config{ContactsPerLocation: 1})
	require.NoError(t, err)
	queries := []string{
		"", "locationId=L", "locationId=", "locationId=L&limit=5", "locationId=L&limit=0", "locationId=L&limit=101",
		"locationId=L&limit=abc", "locationId=L&limit=2.5", "locationId=L&startAfter=-1", "locationId=L&startAfter=x",
		"locationId=L&startAfter=1700000000000&startAfterId=abc", "locationId=L&skip=3&limit=9&query=ada",
		"locationId=L&email=a%40b.com&number=%2B1", "limit=5", "locationId=L&query=&limit=",
	}
	compiled := 0
	for id, op := range s.ops {
		if op.params == nil {
			continue
		}
		compiled++
		path := "/" + id
		for _, name := range op.Template.Names() {
			path += "/" + name + "value"
		}
		for _, q := range queries {
			r := httptest.NewRequest(op.Method, path+"?"+q, nil)
			rq := &request{r: r, op: op}
			for i := range op.Template.Names() {
				rq.params[i] = op.Template.Names()[i] + "value"
			}
			var ours []string
			if errs := op.params.check(rq, nil); len(errs) > 0 {
				ours = validationMessages(errs)
			}
			var theirs []string
			if err := openapi3filter.ValidateRequest(t.Context(), &openapi3filter.RequestValidationInput{
				Request: r, PathParams: rq.pathParams(), Route: op.validation, Options: validationOptions,
			}); err != nil {
				theirs = validationMessages(err)
			}
			if q == "locationId=" && theirs == nil && ours != nil {
				// The one deliberate difference: an empty required parameter is
				// missing to class-validator, a valid string to openapi3filter.
				assert.Equal(t, []string{"locationId should not be empty"}, ours, id)
				continue
			}
			assert.Equal(t, theirs, ours, "%s ?%s", id, q)
		}
	}
	assert.Greater(t, compiled, 20, "most operations use the compiled checks")
}

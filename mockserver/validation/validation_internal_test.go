package validation

import (
	"math"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/openapi"
)

func compiled(t *testing.T) map[string]*Operation {
	t.Helper()
	spec, err := openapi.Load(t.Context())
	require.NoError(t, err)
	out := map[string]*Operation{}
	for _, op := range spec.Operations() {
		out[op.ID] = Compile(op)
	}
	return out
}

// TestCompiledParamChecksAgreeWithOpenapi3filter: for every operation whose
// parameters are checked by the compiled checks, the answer equals the one
// openapi3filter.ValidateRequest gives, on good and bad query strings.
func TestCompiledParamChecksAgreeWithOpenapi3filter(t *testing.T) {
	queries := []string{
		"", "locationId=L", "locationId=", "locationId=L&limit=5", "locationId=L&limit=0", "locationId=L&limit=101",
		"locationId=L&limit=abc", "locationId=L&limit=2.5", "locationId=L&startAfter=-1", "locationId=L&startAfter=x",
		"locationId=L&startAfter=1700000000000&startAfterId=abc", "locationId=L&skip=3&limit=9&query=ada",
		"locationId=L&email=a%40b.com&number=%2B1", "limit=5", "locationId=L&query=&limit=",
	}
	n := 0
	for id, v := range compiled(t) {
		if v.params == nil {
			continue
		}
		n++
		path := "/" + id
		vars := map[string]string{}
		for _, p := range v.Route.Operation.Parameters {
			if p.Value.In == openapi3.ParameterInPath {
				vars[p.Value.Name] = p.Value.Name + "value"
				path += "/" + p.Value.Name + "value"
			}
		}
		for _, q := range queries {
			r := httptest.NewRequest(v.Route.Method, path+"?"+q, nil)
			in := Input{Request: r, Path: vars, Query: r.URL.Query()}
			var ours []string
			if errs := v.params.check(in, nil); len(errs) > 0 {
				ours = Messages(errs)
			}
			var theirs []string
			if err := openapi3filter.ValidateRequest(t.Context(), &openapi3filter.RequestValidationInput{
				Request: r, PathParams: vars, Route: v.Route, Options: Options,
			}); err != nil {
				theirs = Messages(err)
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
	assert.Greater(t, n, 20, "most operations use the compiled checks")
}

// TestParamBoundsAgreeWithVisitJSON: the bounds-only shortcut never passes a
// value that kin-openapi's VisitJSON refuses, and (the bounds being the whole
// schema) refuses only what VisitJSON refuses, on every parameter it covers,
// at and around each bound and with multi-byte text.
func TestParamBoundsAgreeWithVisitJSON(t *testing.T) {
	covered := map[string]bool{}
	for id, v := range compiled(t) {
		for _, c := range v.params {
			if c.bounds == nil {
				continue
			}
			covered[c.name] = true
			var values []any
			if c.schema.Type.Is("string") {
				for _, n := range []int{0, 1, 2, 19, 20, 21, 63, 64, 65, 200} {
					values = append(values, strings.Repeat("a", n), strings.Repeat("é", n), strings.Repeat("日", n)+"x")
				}
			} else {
				for _, f := range []float64{-1e9, -1, 0, 0.5, 1, 2, 99, 100, 101, 1000, 1e12, math.NaN(), math.Inf(1), math.Inf(-1)} {
					values = append(values, f)
				}
				for _, p := range []*float64{c.schema.Min, c.schema.Max} {
					if p != nil {
						values = append(values, *p-1, *p-0.001, *p, *p+0.001, *p+1)
					}
				}
			}
			for _, val := range values {
				kin := c.schema.VisitJSON(val, openapi3.MultiErrors()) == nil
				assert.Equal(t, kin, c.bounds.within(val), "%s %s=%v", id, c.name, val)
			}
		}
	}
	assert.True(t, covered["contactId"], "the ids' {type: string, maxLength} schemas take the shortcut: %v", covered)
	assert.True(t, covered["limit"], "limit's {type: integer, minimum, maximum} takes the shortcut: %v", covered)
}

// TestParamBoundsRefuseOtherSchemas: a schema with anything besides its type
// and bounds is left to VisitJSON.
func TestParamBoundsRefuseOtherSchemas(t *testing.T) {
	ml := uint64(64)
	assert.NotNil(t, compileBounds(&openapi3.Schema{Type: &openapi3.Types{"string"}, MaxLength: &ml, Description: "an id"}))
	for name, sc := range map[string]*openapi3.Schema{
		"pattern": {Type: &openapi3.Types{"string"}, MaxLength: &ml, Pattern: "^a+$"},
		"format":  {Type: &openapi3.Types{"string"}, Format: "email"},
		"enum":    {Type: &openapi3.Types{"string"}, Enum: []any{"a"}},
		"multipleOf": func() *openapi3.Schema {
			m := 5.0
			return &openapi3.Schema{Type: &openapi3.Types{"integer"}, MultipleOf: &m}
		}(),
		"exclusive": {Type: &openapi3.Types{"number"}, ExclusiveMin: func() openapi3.ExclusiveBound { b := true; return openapi3.ExclusiveBound{Bool: &b} }()},
	} {
		assert.Nil(t, compileBounds(sc), name)
	}
}

func TestIsIndex(t *testing.T) {
	for s, want := range map[string]bool{"0": true, "12": true, "": false, "-1": false, "1a": false, "+1": false} {
		assert.Equal(t, want, isIndex(s), s)
	}
}

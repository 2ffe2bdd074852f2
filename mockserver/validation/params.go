package validation

import (
	"math"
	"reflect"
	"strconv"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// paramChecks validate an operation's path, query and header parameters
// against their schemas, compiled once. openapi3filter.ValidateRequest does
// the same work generically (styles, content, defaults written back) at
// several times the cost; the document's parameters are all plain strings
// and integers, for which this is the same check: presence, type, then the
// schema (maxLength, minimum, …) through kin-openapi's VisitJSON.
type paramChecks []paramCheck

type paramCheck struct {
	name     string
	in       string
	required bool
	schema   *openapi3.Schema
	bounds   *paramBounds // non-nil: the schema is bounds only, checked without VisitJSON
}

// paramBounds are the whole schema of a parameter that declares nothing but
// its type and length or range bounds, as most of the document's do (ids are
// {type: string, maxLength: 64}). A value within them is valid without
// VisitJSON, which allocates its settings and errors on every call; a value
// outside them still goes through VisitJSON, so the error and its message
// are kin-openapi's.
type paramBounds struct {
	minLen, maxLen int64 // in runes, as kin-openapi counts them; maxLen < 0: none
	min, max       *float64
	integer        bool // the type is integer: a number must be whole
}

// within reports whether value satisfies the bounds. It may say false for a
// valid value (VisitJSON then decides), never true for an invalid one.
func (b *paramBounds) within(value any) bool {
	switch v := value.(type) {
	case string:
		n := int64(utf8.RuneCountInString(v))
		return n >= b.minLen && (b.maxLen < 0 || n <= b.maxLen)
	case float64:
		return !math.IsNaN(v) && !math.IsInf(v, 0) && (!b.integer || v == math.Trunc(v)) && (b.min == nil || v >= *b.min) && (b.max == nil || v <= *b.max)
	}
	return false
}

// compileBounds returns the bounds that are the whole of sc, or nil when sc
// declares anything else (a pattern, a format, an enum, …): those schemas
// are always checked by VisitJSON.
func compileBounds(sc *openapi3.Schema) *paramBounds {
	rest := *sc
	// What a bounds-only check covers, and what does not constrain a value.
	rest.Type, rest.MinLength, rest.MaxLength = nil, 0, nil
	rest.Min, rest.Max = nil, nil
	rest.Title, rest.Description, rest.Example, rest.Extensions, rest.Default = "", "", nil, nil, nil
	rest.Deprecated, rest.Nullable = false, false
	if !reflect.DeepEqual(rest, openapi3.Schema{}) {
		return nil
	}
	b := &paramBounds{minLen: int64(sc.MinLength), maxLen: -1, min: sc.Min, max: sc.Max, integer: sc.Type.Is("integer")}
	if sc.MaxLength != nil {
		b.maxLen = int64(*sc.MaxLength)
	}
	return b
}

// compileParams returns the checks of an operation's parameters, or nil when
// one of them is not a plain string, integer or number, which
// openapi3filter then validates.
func compileParams(route *routers.Route) paramChecks {
	checks := paramChecks{}
	for _, ref := range route.Operation.Parameters {
		p := ref.Value
		if p.Content != nil || p.Schema == nil || p.Schema.Value == nil || p.In == openapi3.ParameterInCookie {
			return nil
		}
		sc := p.Schema.Value
		if !sc.Type.Is("string") && !sc.Type.Is("integer") && !sc.Type.Is("number") {
			return nil
		}
		c := paramCheck{name: p.Name, in: p.In, required: p.Required, schema: sc, bounds: compileBounds(sc)}
		checks = append(checks, c)
	}
	return checks
}

func (pcs paramChecks) check(in Input, errs openapi3.MultiError) openapi3.MultiError {
	for _, c := range pcs {
		var raw string
		var found bool
		switch c.in {
		case openapi3.ParameterInPath:
			raw, found = in.Path[c.name]
		case openapi3.ParameterInQuery:
			var vs []string
			vs, found = in.Query[c.name]
			if found && len(vs) > 0 {
				raw = vs[0]
			}
		case openapi3.ParameterInHeader:
			raw = in.Request.Header.Get(c.name)
			found = raw != ""
		}
		if !found {
			if c.required {
				errs = append(errs, &openapi3filter.RequestError{Parameter: &openapi3.Parameter{Name: c.name}, Err: openapi3filter.ErrInvalidRequired})
			}
			continue
		}
		if raw == "" {
			// class-validator's IsNotEmpty: a required parameter given empty is
			// as good as missing (openapi3filter would let "" through as a
			// string). An optional string given empty is just empty; an
			// optional number given empty is refused, as openapi3filter does.
			if c.required || !c.schema.Type.Is("string") {
				errs = append(errs, &openapi3filter.RequestError{Parameter: &openapi3.Parameter{Name: c.name}, Err: openapi3filter.ErrInvalidEmptyValue})
			}
			continue
		}
		var value any = raw
		if !c.schema.Type.Is("string") {
			n, err := strconv.ParseFloat(raw, 64)
			if err != nil || (c.schema.Type.Is("integer") && n != math.Trunc(n)) {
				errs = append(errs, &paramTypeError{name: c.name, schema: c.schema})
				continue
			}
			value = n
		}
		if c.bounds != nil && c.bounds.within(value) {
			continue
		}
		if err := c.schema.VisitJSON(value, openapi3.MultiErrors()); err != nil {
			errs = append(errs, &openapi3filter.RequestError{Parameter: &openapi3.Parameter{Name: c.name}, Err: err})
		}
	}
	return errs
}

// paramTypeError is a parameter that does not parse as its declared type.
type paramTypeError struct {
	name   string
	schema *openapi3.Schema
}

func (e *paramTypeError) Error() string { return e.name + " " + mustBe(e.schema) }

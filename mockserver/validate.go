package mockserver

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/ghlmock/ghlmock/openapi"
)

var validationOptions = &openapi3filter.Options{
	MultiError:          true,
	AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc, // the pipeline checks tokens itself
	SkipSettingDefaults: true,
	ExcludeRequestBody:  true, // validate checks the decoded body itself
}

// validate checks the request against the document. Failures are GHL's 422
// with class-validator style messages, one per problem. Parameters go
// through openapi3filter; the body, already decoded by readBody, is checked
// against its schema directly, so it is parsed once rather than again.
func (s *Server) validate(rq *request) *apiError {
	var errs openapi3.MultiError
	if rq.op.params != nil {
		errs = rq.op.params.check(rq, errs)
	} else if rq.op.validateParams {
		err := openapi3filter.ValidateRequest(rq.r.Context(), &openapi3filter.RequestValidationInput{
			Request:    rq.r,
			PathParams: rq.pathParams(),
			Route:      rq.op.validation,
			Options:    validationOptions,
		})
		if err != nil {
			errs = append(errs, err)
		}
	}
	if schema := rq.op.bodySchema; schema != nil && rq.body != nil {
		if err := schema.VisitJSON(rq.value, openapi3.VisitAsRequest(), openapi3.MultiErrors()); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	msgs := validationMessages(errs)
	if len(msgs) == 0 {
		msgs = []string{"The request is invalid"}
	}
	return unprocessable(msgs...)
}

// validationRoute copies an operation's route for the request validator,
// leaving out what authenticate has checked already, and more strictly: the
// bearer security requirement and the Version header. It is compiled once,
// at start-up, rather than re-evaluated on every request.
func validationRoute(o *openapi.Operation) *routers.Route {
	op := *o.Route.Operation
	op.Security = &openapi3.SecurityRequirements{}
	op.Parameters = nil
	for _, p := range o.Route.Operation.Parameters {
		if p.Value.In == openapi3.ParameterInHeader && p.Value.Name == "Version" {
			continue
		}
		op.Parameters = append(op.Parameters, p)
	}
	route := *o.Route
	route.Operation = &op
	return &route
}

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
	index    int // path parameters: position in the template
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
func compileParams(o *openapi.Operation, route *routers.Route) paramChecks {
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
		c := paramCheck{name: p.Name, in: p.In, required: p.Required, schema: sc, index: -1, bounds: compileBounds(sc)}
		if p.In == openapi3.ParameterInPath {
			for i, n := range o.Template.Names() {
				if n == p.Name {
					c.index = i
				}
			}
			if c.index < 0 {
				return nil
			}
		}
		checks = append(checks, c)
	}
	return checks
}

func (pcs paramChecks) check(rq *request, errs openapi3.MultiError) openapi3.MultiError {
	for _, c := range pcs {
		var raw string
		var found bool
		switch c.in {
		case openapi3.ParameterInPath:
			raw, found = rq.params[c.index], true
		case openapi3.ParameterInQuery:
			var vs []string
			vs, found = rq.values()[c.name]
			if found && len(vs) > 0 {
				raw = vs[0]
			}
		case openapi3.ParameterInHeader:
			raw = rq.r.Header.Get(c.name)
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

// bodySchema is the JSON schema of an operation's request body, or nil.
func bodySchema(o *openapi.Operation) *openapi3.Schema {
	rb := o.Route.Operation.RequestBody
	if rb == nil || rb.Value == nil {
		return nil
	}
	if mt := rb.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
		return mt.Schema.Value
	}
	return nil
}

// validationMessages turns kin-openapi's errors into the messages NestJS's
// class-validator would produce for the same problems ("email must be an
// email", "property isAdmin should not exist"), sorted and without repeats.
func validationMessages(err error) []string {
	var out []string
	var walk func(error, string)
	walk = func(err error, field string) {
		// Look at err itself before unwrapping: a RequestError names the
		// parameter, and wraps a MultiError of the schema's complaints.
		switch e := err.(type) {
		case openapi3.MultiError:
			for _, sub := range e {
				walk(sub, field)
			}
			return
		case *openapi3filter.RequestError:
			name := field
			if e.Parameter != nil {
				name = e.Parameter.Name
			}
			if errors.Is(e.Err, openapi3filter.ErrInvalidRequired) || errors.Is(e.Err, openapi3filter.ErrInvalidEmptyValue) {
				if name == "" {
					name = "body"
				}
				out = append(out, name+" should not be empty")
				return
			}
			if e.Err == nil {
				out = append(out, e.Reason)
				return
			}
			var pe *openapi3filter.ParseError
			if errors.As(e.Err, &pe) && e.Parameter != nil {
				out = append(out, parameterTypeMessage(name, e.Parameter.Schema))
				return
			}
			walk(e.Err, name)
			return
		case *openapi3.SchemaError:
			out = append(out, schemaMessage(e, field))
			return
		case *paramTypeError:
			out = append(out, e.Error())
			return
		}
		if u := errors.Unwrap(err); u != nil {
			walk(u, field)
			return
		}
		out = append(out, err.Error())
	}
	walk(err, "")
	sort.Strings(out)
	return compact(out)
}

func compact(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

var unsupportedProperty = regexp.MustCompile(`property "([^"]+)" is unsupported`)

// schemaMessage words one schema violation. field names the query or path
// parameter when the error is about one; body errors carry their own path.
func schemaMessage(se *openapi3.SchemaError, field string) string {
	path := se.JSONPointer()
	name := strings.Join(path, ".")
	if name == "" {
		name = field
	}
	if name == "" {
		name = "body"
	}
	schema := se.Schema
	switch se.SchemaField {
	case "required":
		return name + " should not be empty"
	case "properties", "additionalProperties":
		if m := unsupportedProperty.FindStringSubmatch(se.Reason); m != nil {
			prop := m[1]
			if len(path) > 0 {
				prop = name + "." + prop
			}
			return "property " + prop + " should not exist"
		}
	case "type", "nullable":
		return typeMessage(name, schema, path)
	case "format":
		switch schema.Format {
		case "email":
			return name + " must be an email"
		case "date-time":
			return name + " must be a valid ISO 8601 date string"
		case "date":
			return name + " must be a valid date"
		}
		return fmt.Sprintf("%s must be a valid %s", name, schema.Format)
	case "maximum":
		return fmt.Sprintf("%s must not be greater than %v", name, num(schema.Max))
	case "minimum":
		return fmt.Sprintf("%s must not be less than %v", name, num(schema.Min))
	case "maxLength":
		return fmt.Sprintf("%s must be shorter than or equal to %d characters", name, *schema.MaxLength)
	case "minLength":
		if schema.MinLength == 1 {
			return name + " should not be empty"
		}
		return fmt.Sprintf("%s must be longer than or equal to %d characters", name, schema.MinLength)
	case "maxItems":
		return fmt.Sprintf("%s must contain no more than %d elements", name, *schema.MaxItems)
	case "minItems":
		return fmt.Sprintf("%s must contain at least %d elements", name, schema.MinItems)
	case "enum":
		vals := make([]string, len(schema.Enum))
		for i, v := range schema.Enum {
			vals[i] = fmt.Sprint(v)
		}
		return fmt.Sprintf("%s must be one of the following values: %s", name, strings.Join(vals, ", "))
	case "pattern":
		return fmt.Sprintf("%s must match %s regular expression", name, schema.Pattern)
	case "oneOf", "anyOf", "allOf":
		return name + " has an invalid value"
	}
	return name + " is invalid"
}

func num(p *float64) any {
	if p == nil {
		return "?"
	}
	if *p == float64(int64(*p)) {
		return int64(*p)
	}
	return *p
}

// typeMessage is class-validator's wording for a value of the wrong type.
// Inside an array (the last path element is an index) it speaks of "each
// value in" the array, as class-validator's { each: true } does.
func typeMessage(name string, schema *openapi3.Schema, path []string) string {
	if n := len(path); n > 1 && isIndex(path[n-1]) {
		return "each value in " + strings.Join(path[:n-1], ".") + " " + mustBe(schema)
	}
	return name + " " + mustBe(schema)
}

func mustBe(schema *openapi3.Schema) string {
	switch {
	case schema.Type.Is("string"):
		return "must be a string"
	case schema.Type.Is("boolean"):
		return "must be a boolean value"
	case schema.Type.Is("integer"):
		return "must be an integer number"
	case schema.Type.Is("number"):
		return "must be a number conforming to the specified constraints"
	case schema.Type.Is("array"):
		return "must be an array"
	case schema.Type.Is("object"):
		return "must be an object"
	}
	return "has the wrong type"
}

func isIndex(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// parameterTypeMessage words a query or path parameter that did not parse as
// its declared type ("limit must be a number conforming to the specified
// constraints").
func parameterTypeMessage(name string, ref *openapi3.SchemaRef) string {
	if ref == nil || ref.Value == nil {
		return name + " is invalid"
	}
	return name + " " + mustBe(ref.Value)
}

package validation

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// Messages turns kin-openapi's errors into the messages NestJS's
// class-validator would produce for the same problems ("email must be an
// email", "property isAdmin should not exist"), sorted and without repeats.
func Messages(err error) []string {
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
	slices.Sort(out)
	return slices.Compact(out)
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

func isIndex(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }

// parameterTypeMessage words a query or path parameter that did not parse as
// its declared type ("limit must be a number conforming to the specified
// constraints").
func parameterTypeMessage(name string, ref *openapi3.SchemaRef) string {
	if ref == nil || ref.Value == nil {
		return name + " is invalid"
	}
	return name + " " + mustBe(ref.Value)
}

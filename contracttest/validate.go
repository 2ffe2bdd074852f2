package contracttest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/ghlmock/ghlmock/openapi"
)

// finding is one way an answer departs from the document or from a step's
// expectations: where (a JSON path, "status" or "header X"), what was
// expected and what was found.
type finding struct {
	where    string
	expected string
	found    string
	source   string // SourceSpec, SourceExpect, SourceCapture, SourceWalk, …
}

// Sources of a failure.
const (
	SourceSpec      = "spec"      // the OpenAPI document
	SourceExpect    = "expect"    // the step's own expectations
	SourceCapture   = "capture"   // a value the step had to capture was not there
	SourceWalk      = "walk"      // the pages of a walk do not agree (duplicates, total, next page)
	SourceTransport = "transport" // no answer at all
	SourceRunner    = "runner"    // the step could not be run as written
)

// validateAgainstSpec checks an answer with kin-openapi against the
// operation's responses in the document: that the status is declared, that
// every declared header is there and well-formed (the X-RateLimit-* headers
// are required on every response), and that the body matches the schema.
func validateAgainstSpec(ctx context.Context, op *openapi.Operation, params map[string]string, ex *Exchange) []finding {
	responses := op.Route.Operation.Responses
	ref := responses.Status(ex.Status)
	if ref == nil {
		ref = responses.Default()
	}
	if ref == nil || ref.Value == nil {
		return []finding{{where: "status", source: SourceSpec,
			expected: fmt.Sprintf("a status the document declares for %s (%s)", op.ID, declaredStatuses(responses)),
			found:    strconv.Itoa(ex.Status)}}
	}
	var out []finding
	// kin-openapi stops at the first header it does not like and never looks
	// at the body then; so headers are checked here one by one, and the body
	// is validated with a header set in which the bad ones are replaced by
	// their documented examples.
	header := ex.Header.Clone()
	for _, name := range sortedKeys(ref.Value.Headers) {
		h := ref.Value.Headers[name].Value
		if f := checkHeader(name, h, ex.Header); f != nil {
			out = append(out, *f)
			header.Set(name, headerPlaceholder(h))
		}
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: ex.Request, PathParams: params, Route: op.Route},
		Status:                 ex.Status,
		Header:                 header,
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	in.SetBodyBytes(ex.Body)
	if err := openapi3filter.ValidateResponse(ctx, in); err != nil {
		out = append(out, responseFindings(err, ex)...)
	}
	return out
}

func declaredStatuses(r *openapi3.Responses) string {
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range r.Map() {
			if !yield(k) {
				return
			}
		}
	})
	return strings.Join(keys, ", ")
}

// checkHeader validates one declared response header.
func checkHeader(name string, h *openapi3.Header, got http.Header) *finding {
	vals := got.Values(name)
	where := "header " + name
	if len(vals) == 0 {
		if h.Required {
			return &finding{where: where, expected: "present (the document requires it)", found: "missing", source: SourceSpec}
		}
		return nil
	}
	if h.Schema == nil || h.Schema.Value == nil {
		return nil
	}
	s := h.Schema.Value
	raw := vals[0]
	var v any = raw
	switch {
	case s.Type.Is("integer"):
		n, err := strconv.ParseInt(strings.TrimSpace(raw), 10, 64)
		if err != nil {
			return &finding{where: where, expected: "an integer", found: strconv.Quote(raw), source: SourceSpec}
		}
		v = float64(n)
	case s.Type.Is("number"):
		f, err := strconv.ParseFloat(strings.TrimSpace(raw), 64)
		if err != nil {
			return &finding{where: where, expected: "a number", found: strconv.Quote(raw), source: SourceSpec}
		}
		v = f
	case s.Type.Is("boolean"):
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return &finding{where: where, expected: "true or false", found: strconv.Quote(raw), source: SourceSpec}
		}
		v = b
	}
	if err := s.VisitJSON(v); err != nil {
		var se *openapi3.SchemaError
		exp := err.Error()
		if errors.As(err, &se) {
			exp = describeSchemaError(se)
		}
		return &finding{where: where, expected: exp, found: strconv.Quote(raw), source: SourceSpec}
	}
	return nil
}

func headerPlaceholder(h *openapi3.Header) string {
	if h.Example != nil {
		return stringify(h.Example)
	}
	if h.Schema != nil && h.Schema.Value != nil && h.Schema.Value.Example != nil {
		return stringify(h.Schema.Value.Example)
	}
	return "0"
}

// responseFindings turns kin-openapi's answer into findings with JSON paths.
func responseFindings(err error, ex *Exchange) []finding {
	var re *openapi3filter.ResponseError
	if !errors.As(err, &re) {
		return []finding{{where: "$", expected: "an answer the document allows", found: err.Error(), source: SourceSpec}}
	}
	switch {
	case re.Err == nil && strings.Contains(re.Reason, "Content-Type"):
		return []finding{{where: "header Content-Type", expected: "application/json (the document's media type)",
			found: strconv.Quote(ex.Header.Get("Content-Type")), source: SourceSpec}}
	case strings.HasPrefix(re.Reason, "failed to decode response body"):
		return []finding{{where: "$", expected: "a JSON body", found: show(string(ex.Body)), source: SourceSpec}}
	case re.Err == nil:
		return []finding{{where: "$", expected: "an answer the document allows", found: re.Reason, source: SourceSpec}}
	}
	var out []finding
	collectSchemaFindings(re.Err, &out)
	if len(out) == 0 {
		out = append(out, finding{where: "$", expected: re.Reason, found: re.Err.Error(), source: SourceSpec})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].where < out[j].where })
	return out
}

func collectSchemaFindings(err error, out *[]finding) {
	switch e := err.(type) {
	case openapi3.MultiError:
		for _, sub := range e {
			collectSchemaFindings(sub, out)
		}
		return
	case *openapi3.SchemaError:
		if e.SchemaField == "allOf" && e.Origin != nil {
			// The value failed one of the schemas it must match all of:
			// report those failures (their paths are complete).
			n := len(*out)
			collectSchemaFindings(e.Origin, out)
			if len(*out) > n {
				return
			}
		}
		f := finding{where: pointerToPath(e.JSONPointer()), expected: describeSchemaError(e), source: SourceSpec}
		if e.SchemaField == "required" {
			f.found = "missing"
		} else {
			f.found = show(e.Value)
			if t := jsonType(e.Value); e.SchemaField == "type" || e.SchemaField == "nullable" {
				f.found += " (" + t + ")"
			}
		}
		*out = append(*out, f)
		return
	}
	if u := errors.Unwrap(err); u != nil {
		collectSchemaFindings(u, out)
		return
	}
	*out = append(*out, finding{where: "$", expected: "a body the document allows", found: err.Error(), source: SourceSpec})
}

// describeSchemaError words what the schema wanted.
func describeSchemaError(e *openapi3.SchemaError) string {
	s := e.Schema
	if s == nil {
		return e.Reason
	}
	switch e.SchemaField {
	case "required":
		return "present (required by the document)"
	case "type":
		return "type " + strings.Join(s.Type.Slice(), " or ")
	case "nullable":
		return "not null (type " + strings.Join(s.Type.Slice(), " or ") + ")"
	case "pattern":
		return "a string matching " + s.Pattern
	case "format":
		return "a string of format " + s.Format
	case "enum":
		vals := make([]string, len(s.Enum))
		for i, v := range s.Enum {
			vals[i] = show(v)
		}
		return "one of " + strings.Join(vals, ", ")
	case "anyOf", "oneOf":
		return e.Reason + " (" + e.SchemaField + ")"
	case "minItems", "maxItems", "minimum", "maximum", "minLength", "maxLength":
		return e.Reason
	}
	if e.Reason != "" {
		return e.Reason
	}
	return "to match the schema's " + e.SchemaField
}

// Package validation checks API requests against the OpenAPI document the
// way GHL's NestJS services do, and words every failure as class-validator
// would ("email must be an email", "property isAdmin should not exist").
//
// Each operation is compiled once (Compile): its path, query and header
// parameters into plain checks that cost a fraction of
// openapi3filter.ValidateRequest (the differential test holds the two equal),
// and its JSON body schema, which checks a body decoded once by the caller.
// What the caller has checked already, the bearer token and the Version
// header, is left out.
package validation

import (
	"net/http"
	"net/url"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/ghlmock/ghlmock/openapi"
)

// Options are openapi3filter's, for the parameters it checks itself (those
// Compile could not turn into plain checks).
var Options = &openapi3filter.Options{
	MultiError:          true,
	AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc, // the caller checks tokens itself
	SkipSettingDefaults: true,
	ExcludeRequestBody:  true, // Check checks the decoded body itself
}

// Operation is the compiled validation of one operation's requests.
type Operation struct {
	// Route is the operation as the validator sees it: without its security
	// requirement and its Version header.
	Route *routers.Route
	// params are the compiled parameter checks; nil with hasParams means
	// openapi3filter checks them.
	params    paramChecks
	hasParams bool
	hasQuery  bool
	body      *openapi3.Schema
}

// Compile prepares the validation of an operation's requests.
func Compile(o *openapi.Operation) *Operation {
	v := &Operation{Route: route(o), body: BodySchema(o)}
	v.hasParams = len(v.Route.Operation.Parameters) > 0
	for _, p := range v.Route.Operation.Parameters {
		v.hasQuery = v.hasQuery || p.Value.In == openapi3.ParameterInQuery
	}
	if v.hasParams {
		v.params = compileParams(v.Route)
	}
	return v
}

// NeedsQuery reports whether Check reads Input.Query: a caller that parses
// the query string lazily need not parse it for an operation without query
// parameters.
func (v *Operation) NeedsQuery() bool { return v.hasQuery }

// Input is a request as Check reads it.
type Input struct {
	Request *http.Request
	// Path are the path parameters, unescaped, by name.
	Path map[string]string
	// Query is the parsed query string.
	Query url.Values
	// Body is the decoded JSON body (nil: the operation takes none, or the
	// request sent none that the caller turned into {}).
	Body any
}

// Check validates the request and returns GHL's 422 messages, sorted and
// without repeats, or nil when it is valid.
func (v *Operation) Check(in Input) []string {
	var errs openapi3.MultiError
	if v.params != nil {
		errs = v.params.check(in, errs)
	} else if v.hasParams {
		err := openapi3filter.ValidateRequest(in.Request.Context(), &openapi3filter.RequestValidationInput{
			Request:    in.Request,
			PathParams: in.Path,
			Route:      v.Route,
			Options:    Options,
		})
		if err != nil {
			errs = append(errs, err)
		}
	}
	if v.body != nil && in.Body != nil {
		if err := v.body.VisitJSON(in.Body, openapi3.VisitAsRequest(), openapi3.MultiErrors()); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	if msgs := Messages(errs); len(msgs) > 0 {
		return msgs
	}
	return []string{"The request is invalid"}
}

// route copies an operation's route for the request validator, leaving out
// what the caller checks before, and more strictly: the bearer security
// requirement and the Version header.
func route(o *openapi.Operation) *routers.Route {
	op := *o.Route.Operation
	op.Security = &openapi3.SecurityRequirements{}
	op.Parameters = nil
	for _, p := range o.Route.Operation.Parameters {
		if p.Value.In == openapi3.ParameterInHeader && p.Value.Name == "Version" {
			continue
		}
		op.Parameters = append(op.Parameters, p)
	}
	r := *o.Route
	r.Operation = &op
	return &r
}

// BodySchema is the JSON schema of an operation's request body, or nil.
func BodySchema(o *openapi.Operation) *openapi3.Schema {
	rb := o.Route.Operation.RequestBody
	if rb == nil || rb.Value == nil {
		return nil
	}
	if mt := rb.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
		return mt.Schema.Value
	}
	return nil
}

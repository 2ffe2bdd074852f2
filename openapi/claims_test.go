package openapi_test

// The README's section "The OpenAPI document" says what the document
// declares and requires; these tests hold each of its claims to the
// document, so that neither drifts from the other unnoticed.
// (Security, the Version header, the wrapper keys and the rate-limit
// headers are checked by TestEveryOperationDeclaresSecurityVersionWrapperErrorsAndHeaders.)

import (
	"fmt"
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/openapi"
)

// walkSchemas calls visit for every schema reachable from s (properties,
// items, allOf/anyOf/oneOf, additionalProperties), each once: the search
// filters nest recursively.
func walkSchemas(s *openapi3.Schema, path string, visit func(path string, s *openapi3.Schema)) {
	seen := map[*openapi3.Schema]bool{}
	var walk func(string, *openapi3.Schema)
	walk = func(path string, s *openapi3.Schema) {
		if s == nil || seen[s] {
			return
		}
		seen[s] = true
		visit(path, s)
		for name, p := range s.Properties {
			walk(path+"."+name, p.Value)
		}
		if s.Items != nil {
			walk(path+"[]", s.Items.Value)
		}
		for i, list := range [][]*openapi3.SchemaRef{s.AllOf, s.AnyOf, s.OneOf} {
			for j, x := range list {
				walk(fmt.Sprintf("%s/%s%d", path, []string{"allOf", "anyOf", "oneOf"}[i], j), x.Value)
			}
		}
		if s.AdditionalProperties.Schema != nil {
			walk(path+"{}", s.AdditionalProperties.Schema.Value)
		}
	}
	walk(path, s)
}

// isOAuth reports whether op is one of GHL's OAuth endpoints, which the
// document declares as HighLevel's oauth.json does: the README's claims about
// the Contacts operations (closed bodies, one error schema) are not theirs.
// TestOAuthOperationsSayHowTheyAuthenticate checks what they declare.
func isOAuth(op *openapi.Operation) bool {
	return slices.Contains(op.Route.Operation.Tags, "OAuth 2.0")
}

func closed(s *openapi3.Schema) bool {
	return s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has
}

// "request bodies … are closed to unknown properties": every object of a
// request body that declares properties refuses others (a free-form value,
// such as a custom field's object value, declares none).
func TestRequestBodiesAreClosed(t *testing.T) {
	spec := load(t)
	objects := 0
	for _, op := range spec.Operations() {
		rb := op.Route.Operation.RequestBody
		if rb == nil || isOAuth(op) {
			continue
		}
		media := rb.Value.Content.Get("application/json")
		require.NotNil(t, media, "%s: a JSON body", op.ID)
		walkSchemas(media.Schema.Value, op.ID, func(path string, s *openapi3.Schema) {
			if len(s.Properties) > 0 {
				objects++
				assert.True(t, closed(s), "%s: additionalProperties must be false", path)
			}
		})
	}
	assert.Greater(t, objects, 30)
}

// "Response objects stay open to extra properties."
func TestResponsesStayOpen(t *testing.T) {
	spec := load(t)
	for _, op := range spec.Operations() {
		for status, resp := range op.Route.Operation.Responses.Map() {
			media := resp.Value.Content.Get("application/json")
			require.NotNil(t, media, "%s %s: a JSON body", op.ID, status)
			walkSchemas(media.Schema.Value, op.ID+" "+status, func(path string, s *openapi3.Schema) {
				assert.False(t, closed(s), "%s: a response must accept what the real API adds", path)
			})
		}
	}
}

// "every operation declares GHL's error answers (400, 401, 403, 422, 429,
// 5XX, and 413 where there is a body) with one error schema (statusCode,
// message as a string or an array, error, traceId, meta)".
func TestEveryOperationDeclaresGHLsErrorsWithOneSchema(t *testing.T) {
	spec := load(t)
	ghlError := spec.Doc.Components.Schemas["GHLError"]
	require.NotNil(t, ghlError)
	e := ghlError.Value
	assert.ElementsMatch(t, []string{"statusCode", "message"}, e.Required)
	for _, key := range []string{"statusCode", "message", "error", "traceId", "meta"} {
		assert.Contains(t, e.Properties, key)
	}
	msg := e.Properties["message"].Value
	require.Len(t, msg.AnyOf, 2, "message is a string or an array")
	assert.True(t, msg.AnyOf[0].Value.Type.Is("string"))
	assert.True(t, msg.AnyOf[1].Value.Type.Is("array"))
	assert.True(t, msg.AnyOf[1].Value.Items.Value.Type.Is("string"))

	for _, op := range spec.Operations() {
		if isOAuth(op) {
			continue
		}
		errs := []string{"400", "401", "403", "422", "429", "5XX"}
		if op.Route.Operation.RequestBody != nil {
			errs = append(errs, "413")
		}
		var declared []string
		for status, resp := range op.Route.Operation.Responses.Map() {
			if status[0] < '4' {
				continue
			}
			declared = append(declared, status)
			media := resp.Value.Content.Get("application/json")
			if assert.NotNil(t, media, "%s %s: a JSON body", op.ID, status) {
				assert.Same(t, e, media.Schema.Value, "%s %s: the one error schema", op.ID, status)
			}
		}
		assert.ElementsMatch(t, errs, declared, "%s: the error answers", op.ID)
	}
}

// "including what HighLevel's file leaves empty: the search response
// (contacts, total, each contact's searchAfter), the duplicate lookup
// (contact or null), the list's meta, both succeded and succeeded, and
// traceId".
func TestSuccessSchemasDeclareWhatHighLevelsFileLeavesOut(t *testing.T) {
	spec := load(t)
	schemas := spec.Doc.Components.Schemas
	success := func(id string) *openapi3.Schema {
		t.Helper()
		op, ok := spec.Operation(id)
		require.True(t, ok, id)
		for _, status := range []string{"200", "201"} {
			if r := op.Route.Operation.Responses.Value(status); r != nil {
				return r.Value.Content.Get("application/json").Schema.Value
			}
		}
		t.Fatalf("%s: no success answer", id)
		return nil
	}
	search := success("search-contacts-advanced")
	assert.Subset(t, search.Required, []string{"contacts", "total"})
	assert.Contains(t, search.Properties["contacts"].Value.Items.Value.Required, "searchAfter", "each contact's searchAfter")

	dup := success("get-duplicate-contact")
	assert.Contains(t, dup.Required, "contact")
	assert.True(t, dup.Properties["contact"].Value.Nullable, "contact or null")

	assert.Contains(t, success("get-contacts").Required, "meta")

	for _, name := range []string{"StatusResult", "ContactUpdateResult", "ContactDeleteResult"} {
		s := schemas[name].Value
		assert.Contains(t, s.Required, "succeded", "%s requires GHL's spelling", name)
		assert.Contains(t, s.Properties, "succeeded", "%s declares the correct one too", name)
	}
	assert.Contains(t, schemas["ContactDeleteResult"].Value.Required, "succeeded", "a live delete sends both")

	for _, op := range spec.Operations() {
		for status, resp := range op.Route.Operation.Responses.Map() {
			if status[0] == '2' {
				s := resp.Value.Content.Get("application/json").Schema.Value
				assert.Contains(t, s.Properties, "traceId", "%s %s declares traceId", op.ID, status)
			}
		}
	}
}

// "ids of contacts, tasks and notes (their own, their contact's and
// location's, and the users' in assignedTo, followers and userId) are 20
// alphanumerics, business ids 24 hex digits, and their timestamps GHL's
// 2026-05-05T15:12:41.809Z (patterns)".
func TestContactTaskAndNoteIdsAndTimestampsArePatterns(t *testing.T) {
	spec := load(t)
	schemas := spec.Doc.Components.Schemas
	id, business, timestamp := schemas["Id"].Value.Pattern, schemas["BusinessId"].Value.Pattern, schemas["Timestamp"].Value.Pattern
	require.Equal(t, `^[A-Za-z0-9]{20}$`, id)
	require.Equal(t, `^[0-9a-f]{24}$`, business)
	require.Equal(t, `^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$`, timestamp)
	want := map[string]string{
		"id": id, "locationId": id, "contactId": id, "assignedTo": id, "userId": id, "followers[]": id,
		"businessId": business,
		"dateAdded":  timestamp, "dateUpdated": timestamp, "lastActivity": timestamp, "dueDate": timestamp,
	}
	for _, name := range []string{"Contact", "ListContact", "SearchContact", "Task", "Note"} {
		found := map[string]bool{}
		var props func(prefix string, s *openapi3.Schema)
		props = func(prefix string, s *openapi3.Schema) {
			for _, sub := range s.AllOf {
				props(prefix, sub.Value)
			}
			for key, p := range s.Properties {
				v := p.Value
				if key == "followers" {
					key, v = "followers[]", v.Items.Value
				}
				if pattern, ok := want[key]; ok {
					found[key] = true
					assert.Equal(t, pattern, v.Pattern, "%s.%s", name, key)
				}
			}
		}
		props(name, schemas[name].Value)
		assert.True(t, found["id"] && found["dateAdded"], "%s has an id and a dateAdded: %v", name, found)
	}
	// Appointments (events) keep plain strings: their formats are unsettled.
	event := schemas["Event"].Value
	assert.Empty(t, event.Properties["contactId"].Value.Pattern)
	assert.True(t, slices.Contains(event.Required, "id"))
}

package openapi_test

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/openapi"
)

// official lists the 32 operations of HighLevel's apps/contacts.json (method,
// path, operationId), so that this test runs on a fresh clone without the
// reference copy. wrapper is the key every success body must carry; statuses
// are the success statuses the document must declare.
var official = []struct {
	method, path, id string
	scope            string
	statuses         []string
	wrapper          []string
}{
	{"POST", "/contacts/search", "search-contacts-advanced", "contacts.readonly", []string{"200"}, []string{"contacts", "total"}},
	{"GET", "/contacts/search/duplicate", "get-duplicate-contact", "contacts.readonly", []string{"200"}, []string{"contact"}},
	{"GET", "/contacts/{contactId}/tasks", "get-all-tasks", "contacts.readonly", []string{"200"}, []string{"tasks"}},
	{"POST", "/contacts/{contactId}/tasks", "create-task", "contacts.write", []string{"201"}, []string{"task"}},
	{"GET", "/contacts/{contactId}/tasks/{taskId}", "get-task", "contacts.readonly", []string{"200"}, []string{"task"}},
	{"PUT", "/contacts/{contactId}/tasks/{taskId}", "update-task", "contacts.write", []string{"200"}, []string{"task"}},
	{"DELETE", "/contacts/{contactId}/tasks/{taskId}", "delete-task", "contacts.write", []string{"200"}, []string{"succeded"}},
	{"PUT", "/contacts/{contactId}/tasks/{taskId}/completed", "update-task-completed", "contacts.write", []string{"200"}, []string{"task"}},
	{"GET", "/contacts/{contactId}/appointments", "get-appointments-for-contact", "contacts.readonly", []string{"200"}, []string{"events"}},
	{"POST", "/contacts/{contactId}/tags", "add-tags", "contacts.write", []string{"201"}, []string{"tags", "tagsAdded"}},
	{"DELETE", "/contacts/{contactId}/tags", "remove-tags", "contacts.write", []string{"200"}, []string{"tags", "tagsRemoved"}},
	{"GET", "/contacts/{contactId}/notes", "get-all-notes", "contacts.readonly", []string{"200"}, []string{"notes"}},
	{"POST", "/contacts/{contactId}/notes", "create-note", "contacts.write", []string{"201"}, []string{"note"}},
	{"GET", "/contacts/{contactId}/notes/{id}", "get-note", "contacts.readonly", []string{"200"}, []string{"note"}},
	{"PUT", "/contacts/{contactId}/notes/{id}", "update-note", "contacts.write", []string{"200"}, []string{"note"}},
	{"DELETE", "/contacts/{contactId}/notes/{id}", "delete-note", "contacts.write", []string{"200"}, []string{"succeded"}},
	{"POST", "/contacts/bulk/tags/update/{type}", "create-association", "contacts.write", []string{"201"}, []string{"succeded", "errorCount", "responses"}},
	{"POST", "/contacts/bulk/business", "add-remove-contact-from-business", "contacts.write", []string{"200"}, []string{"success", "ids"}},
	{"GET", "/contacts/{contactId}", "get-contact", "contacts.readonly", []string{"200"}, []string{"contact"}},
	{"PUT", "/contacts/{contactId}", "update-contact", "contacts.write", []string{"200"}, []string{"succeded", "contact"}},
	{"DELETE", "/contacts/{contactId}", "delete-contact", "contacts.write", []string{"200"}, []string{"succeded", "succeeded"}},
	{"POST", "/contacts/upsert", "upsert-contact", "contacts.write", []string{"200", "201"}, []string{"new", "contact"}},
	{"GET", "/contacts/business/{businessId}", "get-contacts-by-businessId", "contacts.readonly", []string{"200"}, []string{"contacts", "count"}},
	{"POST", "/contacts/{contactId}/followers", "add-followers-contact", "contacts.write", []string{"201"}, []string{"followers", "followersAdded"}},
	{"DELETE", "/contacts/{contactId}/followers", "remove-followers-contact", "contacts.write", []string{"200"}, []string{"followers", "followersRemoved"}},
	{"POST", "/contacts/{contactId}/campaigns/{campaignId}", "add-contact-to-campaign", "contacts.write", []string{"201"}, []string{"succeded"}},
	{"DELETE", "/contacts/{contactId}/campaigns/{campaignId}", "remove-contact-from-campaign", "contacts.write", []string{"200"}, []string{"succeded"}},
	{"DELETE", "/contacts/{contactId}/campaigns/removeAll", "remove-contact-from-every-campaign", "contacts.write", []string{"200"}, []string{"succeded"}},
	{"POST", "/contacts/{contactId}/workflow/{workflowId}", "add-contact-to-workflow", "contacts.write", []string{"200", "201"}, []string{"succeded"}},
	{"DELETE", "/contacts/{contactId}/workflow/{workflowId}", "delete-contact-from-workflow", "contacts.write", []string{"200"}, []string{"succeded"}},
	{"POST", "/contacts/", "create-contact", "contacts.write", []string{"201"}, []string{"contact"}},
	{"GET", "/contacts/", "get-contacts", "contacts.readonly", []string{"200"}, []string{"contacts", "meta"}},
}

// oauthOps are GHL's OAuth endpoints (apps/oauth.json, and the v3 renames
// ghl-facts §5 records), which the document declares besides the Contacts
// operations: how the mock authenticates each is its x-ghlmock-auth.
var oauthOps = []struct{ method, path, id, auth string }{
	{"POST", "/oauth/token", "get-access-token", "none"},
	{"POST", "/oauth/locationToken", "get-location-access-token", "agency"},
	{"POST", "/oauth/location-token", "get-location-access-token-v3", "agency"},
	{"GET", "/oauth/installedLocations", "get-installed-location", "agency"},
	{"GET", "/oauth/installed-locations", "get-installed-location-v3", "agency"},
}

var rateLimitHeaders = []string{
	"X-RateLimit-Limit-Daily",
	"X-RateLimit-Daily-Remaining",
	"X-RateLimit-Interval-Milliseconds",
	"X-RateLimit-Max",
	"X-RateLimit-Remaining",
}

func load(t *testing.T) *openapi.Spec {
	t.Helper()
	spec, err := openapi.Load(t.Context())
	require.NoError(t, err)
	return spec
}

func TestLoadValidatesTheDocument(t *testing.T) {
	spec := load(t)
	assert.Equal(t, "3.0.3", spec.Doc.OpenAPI)
	assert.Empty(t, spec.Doc.Servers, "servers must be cleared so that routing matches any host")
	require.NotEmpty(t, spec.Servers)
	assert.Equal(t, "https://services.leadconnectorhq.com", spec.Servers[0].URL)
}

func TestParseRejectsAnInvalidDocument(t *testing.T) {
	_, err := openapi.Parse(t.Context(), []byte("openapi: 3.0.3\ninfo: {title: x}\npaths: {}\n"))
	require.Error(t, err, "info.version is required")
	_, err = openapi.Parse(t.Context(), []byte("{not yaml"))
	require.Error(t, err)
}

func TestOperationsEqualTheOfficialSet(t *testing.T) {
	spec := load(t)
	var got, want []string
	for _, op := range spec.Operations() {
		got = append(got, op.Method+" "+op.Path+" "+op.ID)
	}
	for _, o := range official {
		want = append(want, o.method+" "+o.path+" "+o.id)
	}
	for _, o := range oauthOps {
		want = append(want, o.method+" "+o.path+" "+o.id)
	}
	sort.Strings(got)
	sort.Strings(want)
	assert.Equal(t, want, got)
	assert.Len(t, got, 32+5)
}

// TestOAuthOperationsSayHowTheyAuthenticate: each OAuth operation names its
// authentication (x-ghlmock-auth); the token endpoint takes a form body and
// no Version header, the agency ones require Version.
func TestOAuthOperationsSayHowTheyAuthenticate(t *testing.T) {
	spec := load(t)
	for _, o := range oauthOps {
		op, ok := spec.Operation(o.id)
		require.True(t, ok, o.id)
		assert.Equal(t, o.auth, op.Route.Operation.Extensions["x-ghlmock-auth"], o.id)
		if strings.Contains(o.path, "-") {
			assert.Equal(t, "v3", op.Route.Operation.Extensions["x-ghlmock-version"], "%s: the v3 renames exist under v3 only", o.id)
		}
		version := op.Route.Operation.Parameters.GetByInAndName("header", "Version")
		assert.Equal(t, o.auth == "agency", version != nil && version.Required, "%s: Version required", o.id)
		if rb := op.Route.Operation.RequestBody; rb != nil {
			assert.NotNil(t, rb.Value.Content.Get("application/x-www-form-urlencoded"), "%s: a form body", o.id)
		}
	}
}

func TestEveryOperationDeclaresSecurityVersionWrapperErrorsAndHeaders(t *testing.T) {
	spec := load(t)
	for _, o := range official {
		t.Run(o.id, func(t *testing.T) {
			op, ok := spec.Operation(o.id)
			require.True(t, ok, "operation missing")
			assert.Equal(t, []string{o.scope}, op.Scopes, "bearer scope")

			version := op.Route.Operation.Parameters.GetByInAndName("header", "Version")
			require.NotNil(t, version, "Version header parameter")
			assert.True(t, version.Required, "Version is required")
			var enum []string
			for _, v := range version.Schema.Value.Enum {
				enum = append(enum, fmt.Sprint(v))
			}
			assert.Subset(t, enum, []string{"2021-07-28", "2021-04-15", "2023-02-21", "v3"})

			responses := op.Route.Operation.Responses
			for _, status := range o.statuses {
				resp := responses.Value(status)
				require.NotNil(t, resp, "success status %s", status)
				media := resp.Value.Content.Get("application/json")
				require.NotNil(t, media, "JSON body for %s", status)
				schema := media.Schema.Value
				for _, key := range o.wrapper {
					assert.Contains(t, schema.Required, key, "%s body requires wrapper key %q", status, key)
					assert.Contains(t, schema.Properties, key)
				}
				assert.Contains(t, schema.Properties, "traceId", "%s body declares traceId", status)
			}
			for _, status := range []string{"400", "401", "403", "422", "429"} {
				resp := responses.Value(status)
				require.NotNil(t, resp, "error status %s", status)
				schema := resp.Value.Content.Get("application/json").Schema.Value
				assert.Subset(t, schema.Required, []string{"statusCode", "message"}, "error schema for %s", status)
			}
			for status, resp := range responses.Map() {
				for _, h := range rateLimitHeaders {
					hdr := resp.Value.Headers[h]
					if assert.NotNil(t, hdr, "%s response lacks header %s", status, h) {
						assert.True(t, hdr.Value.Required, "%s header %s must be required", status, h)
					}
				}
			}
		})
	}
}

// TestEveryExampleValidates walks every schema-level and media-type example
// in the document and checks it against its schema. Load does this too; doing
// it here makes a silently disabled check impossible.
func TestEveryExampleValidates(t *testing.T) {
	spec := load(t)
	checked := 0
	check := func(where string, schema *openapi3.Schema, example any) {
		t.Helper()
		if schema == nil || example == nil {
			return
		}
		checked++
		// Round-trip through JSON so numbers are float64, as in a decoded body.
		raw, err := json.Marshal(example)
		require.NoError(t, err)
		var v any
		require.NoError(t, json.Unmarshal(raw, &v))
		assert.NoError(t, schema.VisitJSON(v, openapi3.EnableFormatValidation()), where)
	}
	for name, ref := range spec.Doc.Components.Schemas {
		check("components.schemas."+name, ref.Value, ref.Value.Example)
		for prop, p := range ref.Value.Properties {
			check("components.schemas."+name+"."+prop, p.Value, p.Value.Example)
		}
	}
	for _, op := range spec.Operations() {
		for status, resp := range op.Route.Operation.Responses.Map() {
			for ct, media := range resp.Value.Content {
				if media.Schema == nil {
					continue
				}
				where := fmt.Sprintf("%s %s %s", op.ID, status, ct)
				check(where, media.Schema.Value, media.Example)
				for name, ex := range media.Examples {
					check(where+" example "+name, media.Schema.Value, ex.Value.Value)
				}
			}
		}
		if rb := op.Route.Operation.RequestBody; rb != nil {
			for ct, media := range rb.Value.Content {
				where := fmt.Sprintf("%s request %s", op.ID, ct)
				check(where, media.Schema.Value, media.Example)
				for name, ex := range media.Examples {
					check(where+" example "+name, media.Schema.Value, ex.Value.Value)
				}
			}
		}
	}
	assert.Greater(t, checked, 40, "the document should carry real examples")
}

func TestMatchResolvesStaticSegmentsBeforeParameters(t *testing.T) {
	spec := load(t)
	cases := []struct {
		method, path, want string
		params             map[string]string
	}{
		{"POST", "/contacts/search", "search-contacts-advanced", nil},
		{"GET", "/contacts/search/duplicate", "get-duplicate-contact", nil},
		{"GET", "/contacts/business/641c094001436dbc2081e642", "get-contacts-by-businessId", map[string]string{"businessId": "641c094001436dbc2081e642"}},
		{"DELETE", "/contacts/ocQHyuzHvysMo5N5VsXc/campaigns/removeAll", "remove-contact-from-every-campaign", map[string]string{"contactId": "ocQHyuzHvysMo5N5VsXc"}},
		{"DELETE", "/contacts/ocQHyuzHvysMo5N5VsXc/campaigns/abc", "remove-contact-from-campaign", map[string]string{"contactId": "ocQHyuzHvysMo5N5VsXc", "campaignId": "abc"}},
		{"GET", "/contacts/ocQHyuzHvysMo5N5VsXc", "get-contact", map[string]string{"contactId": "ocQHyuzHvysMo5N5VsXc"}},
		{"POST", "/contacts/upsert", "upsert-contact", nil},
		{"POST", "/contacts/bulk/business", "add-remove-contact-from-business", nil},
		{"POST", "/contacts/bulk/tags/update/add", "create-association", map[string]string{"type": "add"}},
		{"GET", "/contacts/", "get-contacts", nil},
		{"GET", "/contacts", "get-contacts", nil},
		{"POST", "/contacts", "create-contact", nil},
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			op, params, err := spec.Match(c.method, c.path)
			require.NoError(t, err)
			assert.Equal(t, c.want, op.ID)
			assert.Equal(t, c.params, params)
		})
	}
	for _, c := range []struct{ method, path string }{
		{"PATCH", "/contacts/ocQHyuzHvysMo5N5VsXc"},
		{"GET", "/contacts/a/b/c/d/e"},
		{"GET", "/opportunities/search"},
		{"GET", "/contacts//tasks"},
	} {
		_, _, err := spec.Match(c.method, c.path)
		assert.ErrorIs(t, err, openapi.ErrNotFound, "%s %s", c.method, c.path)
	}
}

func TestOperationsAreInMatchingOrder(t *testing.T) {
	spec := load(t)
	index := map[string]int{}
	for i, op := range spec.Operations() {
		index[op.ID] = i
	}
	before := [][2]string{
		{"search-contacts-advanced", "get-contact"},
		{"upsert-contact", "get-contact"},
		{"remove-contact-from-every-campaign", "remove-contact-from-campaign"},
	}
	for _, b := range before {
		assert.Less(t, index[b[0]], index[b[1]], "%s must be tried before %s", b[0], b[1])
	}
}

func TestDocumentIsACopyOfTheEmbeddedYAML(t *testing.T) {
	doc := openapi.Document()
	spec, err := openapi.Parse(t.Context(), doc)
	require.NoError(t, err)
	assert.Len(t, spec.Operations(), 32+5)
	first := doc[0]
	doc[0] = 'X'
	assert.Equal(t, first, openapi.Document()[0], "Document returns a copy")
}

// Package openapi owns ghlmock's OpenAPI document of the GoHighLevel Contacts API:
// the embedded contacts.yaml, its loading and validation, and the operation table
// (method, path, operationId, scopes) that both the mock server and the contract
// suite are built from.
package openapi

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
)

//go:embed contacts.yaml
var contactsYAML []byte

// Document returns the embedded OpenAPI document exactly as it is stored.
func Document() []byte { return slices.Clone(contactsYAML) }

// Spec is a loaded, validated OpenAPI document with its operations indexed.
type Spec struct {
	// Doc is the parsed document. Its Servers are cleared so that routing
	// matches any host: the mock runs on 127.0.0.1, the real API on its own host.
	Doc *openapi3.T
	// Servers are the servers the document declared before they were cleared.
	Servers openapi3.Servers

	ops     []*Operation // in matching order: static segments before parameters
	byID    map[string]*Operation
	matcher matchRouter
}

// Operation is one (method, path) of the document.
type Operation struct {
	ID     string // operationId, the key shared by spec, handlers, journal and scenarios
	Method string // upper case
	Path   string // path template, e.g. /contacts/{contactId}/tasks
	// Scopes are the OAuth scopes of the operation's bearer security requirement.
	Scopes []string
	// Route is what openapi3filter needs to validate requests and responses of this operation.
	Route *routers.Route
	// Template is the compiled Path.
	Template Template
}

// Operation returns the operation with the given operationId.
func (s *Spec) Operation(id string) (*Operation, bool) {
	op, ok := s.byID[id]
	return op, ok
}

// Operations returns every operation in matching order: a path whose first
// differing segment is static sorts before one where it is a parameter, so
// /contacts/search is tried before /contacts/{contactId}.
func (s *Spec) Operations() []*Operation { return slices.Clone(s.ops) }

var formatsOnce sync.Once

// defineFormats registers the string formats the document relies on. kin-openapi
// validates formats only when told to, and knows "email" only when defined.
func defineFormats() {
	formatsOnce.Do(func() {
		openapi3.DefineStringFormatValidator("email", openapi3.NewRegexpFormatValidator(emailPattern))
	})
}

// emailPattern is deliberately close to what class-validator's isEmail accepts
// for ordinary addresses: a local part, an @, and a dotted domain.
const emailPattern = `^[^@\s"<>,;:()\[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}$`

// Load parses and validates the embedded document.
func Load(ctx context.Context) (*Spec, error) {
	return Parse(ctx, contactsYAML)
}

// Parse parses and validates a document given as YAML or JSON bytes.
func Parse(ctx context.Context, data []byte) (*Spec, error) {
	defineFormats()
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("openapi: parse: %w", err)
	}
	if err := doc.Validate(ctx, openapi3.EnableExamplesValidation(), openapi3.EnableSchemaFormatValidation()); err != nil {
		return nil, fmt.Errorf("openapi: validate: %w", err)
	}
	s := &Spec{Doc: doc, Servers: doc.Servers, byID: map[string]*Operation{}}
	doc.Servers = nil

	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		for method, op := range item.Operations() {
			if op.OperationID == "" {
				return nil, fmt.Errorf("openapi: %s %s has no operationId", method, path)
			}
			if _, dup := s.byID[op.OperationID]; dup {
				return nil, fmt.Errorf("openapi: operationId %q is used twice", op.OperationID)
			}
			o := &Operation{
				ID:       op.OperationID,
				Method:   strings.ToUpper(method),
				Path:     path,
				Scopes:   scopes(doc, op),
				Template: CompileTemplate(path),
				Route: &routers.Route{
					Spec:      doc,
					Path:      path,
					PathItem:  item,
					Method:    strings.ToUpper(method),
					Operation: op,
				},
			}
			s.ops = append(s.ops, o)
			s.byID[o.ID] = o
		}
	}
	slices.SortStableFunc(s.ops, func(a, b *Operation) int {
		if c := comparePaths(a.Path, b.Path); c != 0 {
			return c
		}
		return strings.Compare(a.Method, b.Method)
	})
	return s, nil
}

// scopes returns the scopes of the operation's security requirements, falling
// back to the document's global requirements.
func scopes(doc *openapi3.T, op *openapi3.Operation) []string {
	reqs := doc.Security
	if op.Security != nil {
		reqs = *op.Security
	}
	var out []string
	for _, req := range reqs {
		for _, sc := range req {
			out = append(out, sc...)
		}
	}
	return out
}

// comparePaths orders path templates for matching: segment by segment, a static
// segment before a parameter, static segments alphabetically; a shorter path
// before a longer one that it prefixes.
func comparePaths(a, b string) int {
	as, bs := strings.Split(strings.Trim(a, "/"), "/"), strings.Split(strings.Trim(b, "/"), "/")
	for i := 0; i < len(as) && i < len(bs); i++ {
		ap, bp := isParam(as[i]), isParam(bs[i])
		switch {
		case ap && !bp:
			return 1
		case !ap && bp:
			return -1
		case !ap && as[i] != bs[i]:
			return strings.Compare(as[i], bs[i])
		}
	}
	return len(as) - len(bs)
}

func isParam(seg string) bool { return strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") }

// ErrNotFound is returned by Match when no operation has the request's path and method.
var ErrNotFound = errors.New("openapi: no operation for this method and path")

// webhookSchemas maps each webhook event type the mock sends to the schema
// of its body in components/schemas.
var webhookSchemas = map[string]string{
	"ContactCreate": "ContactWebhookEvent", "ContactUpdate": "ContactWebhookEvent", "ContactDelete": "ContactWebhookEvent",
	"ContactTagUpdate": "ContactWebhookEvent", "ContactDndUpdate": "ContactWebhookEvent",
	"NoteCreate": "NoteWebhookEvent", "NoteUpdate": "NoteWebhookEvent", "NoteDelete": "NoteWebhookEvent",
	"TaskCreate": "TaskWebhookEvent", "TaskComplete": "TaskWebhookEvent", "TaskDelete": "TaskWebhookEvent",
	"AppointmentCreate": "AppointmentWebhookEvent", "AppointmentUpdate": "AppointmentWebhookEvent", "AppointmentDelete": "AppointmentWebhookEvent",
	"INSTALL": "InstallWebhookEvent", "UNINSTALL": "InstallWebhookEvent",
	"WorkflowWebhook": "WorkflowCustomWebhook",
}

// WebhookSchema returns the schema of the body of a webhook event type
// (ContactCreate, …, or WorkflowWebhook for a workflow's Custom Webhook).
func (s *Spec) WebhookSchema(eventType string) (*openapi3.Schema, bool) {
	name, ok := webhookSchemas[eventType]
	if !ok {
		return nil, false
	}
	ref := s.Doc.Components.Schemas[name]
	if ref == nil || ref.Value == nil {
		return nil, false
	}
	return ref.Value, true
}

// ValidateWebhook checks a webhook body of eventType against its schema.
func (s *Spec) ValidateWebhook(eventType string, body []byte) error {
	sc, ok := s.WebhookSchema(eventType)
	if !ok {
		return fmt.Errorf("openapi: no schema for webhook event %q", eventType)
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Errorf("openapi: webhook %s: %w", eventType, err)
	}
	if err := sc.VisitJSON(v, openapi3.EnableFormatValidation()); err != nil {
		return fmt.Errorf("openapi: webhook %s: %w", eventType, err)
	}
	return nil
}

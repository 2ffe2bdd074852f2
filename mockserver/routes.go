package mockserver

import (
	"fmt"
	"net/http"
	"slices"
	"sort"

	"github.com/gorilla/mux"
)

// handlers maps every operationId of the document to its handler. An
// operation of the document without an entry answers 501 (see
// TestEveryOperationHasAHandler).
func (s *Server) handlers() map[string]handlerFunc {
	return map[string]handlerFunc{
		// contacts
		"get-contact":    s.getContact,
		"create-contact": s.createContact,
		"update-contact": s.updateContact,
		"delete-contact": s.deleteContact,
		// tasks
		"get-all-tasks":         s.getAllTasks,
		"get-task":              s.getTask,
		"create-task":           s.createTask,
		"update-task":           s.updateTask,
		"update-task-completed": s.updateTaskCompleted,
		"delete-task":           s.deleteTask,
		// notes
		"get-all-notes": s.getAllNotes,
		"get-note":      s.getNote,
		"create-note":   s.createNote,
		"update-note":   s.updateNote,
		"delete-note":   s.deleteNote,
		// appointments and tags
		"get-appointments-for-contact": s.getAppointments,
		"add-tags":                     s.addTags,
		"remove-tags":                  s.removeTags,
		// lists, search, duplicates, upsert, businesses
		"get-contacts":                     s.getContacts,
		"search-contacts-advanced":         s.searchContacts,
		"get-duplicate-contact":            s.getDuplicateContact,
		"upsert-contact":                   s.upsertContact,
		"get-contacts-by-businessId":       s.getContactsByBusiness,
		"add-remove-contact-from-business": s.bulkBusiness,
		"create-association":               s.bulkTags,
		// followers, campaigns, workflows
		"add-followers-contact":              s.addFollowers,
		"remove-followers-contact":           s.removeFollowers,
		"add-contact-to-campaign":            s.addToCampaign,
		"remove-contact-from-campaign":       s.removeFromCampaign,
		"remove-contact-from-every-campaign": s.removeFromAllCampaigns,
		"add-contact-to-workflow":            s.addToWorkflow,
		"delete-contact-from-workflow":       s.removeFromWorkflow,
	}
}

// buildRoutes registers one gorilla/mux route per operation of the document,
// in matching order (static segments before parameters); anything else
// answers GHL's 404. Each route matches with the operation's compiled
// template (method, then segments; a trailing slash optional, as in Express)
// instead of a regular expression: it is the hot path of every request.
func (s *Server) buildRoutes() error {
	hs := s.handlers()
	// SkipClean: Express does not clean paths either, so /contacts/../tags is
	// a contact named ".." (400 not found), not a redirect.
	// No NotFoundHandler: when nothing matches, ServeHTTP answers GHL's 404.
	r := mux.NewRouter().UseEncodedPath().SkipClean(true)
	r.PathPrefix(adminPrefix).Handler(s.adminHandler())

	// One subrouter per method, so that a request only walks the routes of
	// its own method (a MatcherFunc, not Methods: gorilla/mux walks the
	// subrouter of a mismatched Methods matcher anyway, to report 405).
	byMethod := map[string]*mux.Router{}
	s.ops = map[string]*operation{}
	for _, o := range s.spec.Operations() {
		op := &operation{srv: s, Operation: o, handle: hs[o.ID]}
		op.implemented = op.handle != nil
		op.writes = slices.Contains(o.Scopes, "contacts.write")
		if !op.implemented {
			op.handle = notImplemented
		}
		op.queryLocation = o.Route.Operation.Parameters.GetByInAndName("query", "locationId") != nil
		op.bodySchema = bodySchema(o)
		if op.bodySchema != nil {
			_, op.bodyLocation = op.bodySchema.Properties["locationId"]
		}
		op.validation = validationRoute(o)
		op.validateParams = len(op.validation.Operation.Parameters) > 0
		if op.validateParams {
			op.params = compileParams(o, op.validation)
		}
		s.ops[o.ID] = op
		sub := byMethod[o.Method]
		if sub == nil {
			method := o.Method
			sub = r.MatcherFunc(func(req *http.Request, _ *mux.RouteMatch) bool { return req.Method == method }).Subrouter()
			byMethod[o.Method] = sub
		}
		tmpl := o.Template
		sub.NewRoute().Name(o.ID).Handler(op).MatcherFunc(func(req *http.Request, _ *mux.RouteMatch) bool {
			_, ok := tmpl.Match(req.URL.EscapedPath())
			return ok
		})
	}
	for id := range hs {
		if _, ok := s.ops[id]; !ok {
			return fmt.Errorf("mockserver: handler for %q, which the document does not have", id)
		}
	}
	s.router = r
	return nil
}

// Unimplemented lists the operations of the document that have no handler.
func (s *Server) Unimplemented() []string {
	var out []string
	for id, op := range s.ops {
		if !op.implemented {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

package mockserver

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/gorilla/mux"

	"github.com/ghlmock/ghlmock/mockserver/validation"
	"github.com/ghlmock/ghlmock/openapi"
)

// handlerFunc serves one operation once the pipeline has authenticated and
// validated the request. It returns the success status and body, or an error:
// a *apiError or *crm.Error is answered as GHL would; anything else is a 500.
type handlerFunc func(ctx context.Context, rq *request) (int, any, error)

// handlers maps every operationId of the document to its handler, named
// after it. An operation of the document without an entry answers 501 (see
// TestEveryOperationHasAHandler).
func (s *Server) handlers() map[string]handlerFunc {
	return map[string]handlerFunc{
		// contacts (handlers_contacts.go)
		"get-contact":    s.getContact,
		"create-contact": s.createContact,
		"update-contact": s.updateContact,
		"delete-contact": s.deleteContact,
		// search and lists (handlers_search.go)
		"get-contacts":             s.getContacts,
		"search-contacts-advanced": s.searchContactsAdvanced,
		// upsert and duplicates (handlers_upsert.go)
		"upsert-contact":        s.upsertContact,
		"get-duplicate-contact": s.getDuplicateContact,
		// businesses (handlers_businesses.go)
		"get-contacts-by-businessId": s.getContactsByBusinessId,
		// tasks (handlers_tasks.go)
		"get-all-tasks":         s.getAllTasks,
		"get-task":              s.getTask,
		"create-task":           s.createTask,
		"update-task":           s.updateTask,
		"update-task-completed": s.updateTaskCompleted,
		"delete-task":           s.deleteTask,
		// notes (handlers_notes.go)
		"get-all-notes": s.getAllNotes,
		"get-note":      s.getNote,
		"create-note":   s.createNote,
		"update-note":   s.updateNote,
		"delete-note":   s.deleteNote,
		// tags (handlers_tags.go)
		"add-tags":    s.addTags,
		"remove-tags": s.removeTags,
		// appointments (handlers_appointments.go)
		"get-appointments-for-contact": s.getAppointmentsForContact,
		// followers (handlers_followers.go)
		"add-followers-contact":    s.addFollowersContact,
		"remove-followers-contact": s.removeFollowersContact,
		// campaigns (handlers_campaigns.go)
		"add-contact-to-campaign":            s.addContactToCampaign,
		"remove-contact-from-campaign":       s.removeContactFromCampaign,
		"remove-contact-from-every-campaign": s.removeContactFromEveryCampaign,
		// workflows (handlers_workflows.go)
		"add-contact-to-workflow":      s.addContactToWorkflow,
		"delete-contact-from-workflow": s.deleteContactFromWorkflow,
		// bulk (handlers_bulk.go)
		"create-association":               s.createAssociation,
		"add-remove-contact-from-business": s.addRemoveContactFromBusiness,
		// OAuth (handlers_oauth.go)
		"get-access-token":             s.getAccessToken,
		"get-location-access-token":    s.getLocationAccessToken,
		"get-location-access-token-v3": s.getLocationAccessTokenV3,
		"get-installed-location":       s.getInstalledLocation,
		"get-installed-location-v3":    s.getInstalledLocationV3,
	}
}

// operation is one operation of the document with its handler and what the
// pipeline precomputes for it. It is its route's http.Handler.
type operation struct {
	srv *Server
	*openapi.Operation
	handle      handlerFunc
	implemented bool
	// validation is the operation's compiled request validation.
	validation *validation.Operation
	// bodyLocation reports that the request body has a top-level locationId
	// that must be the token's location.
	bodyLocation bool
	// queryLocation likewise for the query string.
	queryLocation bool
	// writes reports that the operation changes state: it needs
	// contacts.write (search, a POST, needs only contacts.readonly).
	writes bool
	// auth is how it is authenticated (x-ghlmock-auth; oauth_server.go).
	auth opAuth
	// onlyVersion, when set, is the one Version the path exists under
	// (x-ghlmock-version: the paths v3 renamed).
	onlyVersion string
	// metrics are its metrics, with Config.Metrics.
	metrics *opMetrics
}

// ServeHTTP serves the operation for a caller that routed the request with
// the server's router itself (mux.Vars carry the path parameters).
func (op *operation) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op.srv.serveOperation(op, w, r, mux.Vars(r))
}

// buildRoutes builds the router: the admin API under /_mock/, then one route
// per operation of the document (openapi.Spec.Route); anything else answers
// GHL's 404 (ServeHTTP).
func (s *Server) buildRoutes() error {
	hs := s.handlers()
	r := mux.NewRouter().UseEncodedPath().SkipClean(true)
	ui, err := s.newDashboard() // /_mock/ui/: its own login and CSRF checks (dashboard_backend.go)
	if err != nil {
		return err
	}
	r.MatcherFunc(pathUnder("/_mock/ui/")).Handler(ui)
	r.MatcherFunc(pathIs("/_mock/ui")).Handler(http.RedirectHandler("/_mock/ui/", http.StatusMovedPermanently))
	admin := s.adminHandler()
	r.MatcherFunc(func(req *http.Request, _ *mux.RouteMatch) bool {
		return strings.HasPrefix(req.URL.Path, adminPrefix)
	}).Handler(admin)
	s.routeOAuthPages(r)
	s.ops = map[string]*operation{}
	s.spec.Route(r, func(o *openapi.Operation) http.Handler {
		op := &operation{srv: s, Operation: o, handle: hs[o.ID], validation: validation.Compile(o)}
		op.implemented = op.handle != nil
		if !op.implemented {
			op.handle = notImplemented
		}
		op.writes = slices.Contains(o.Scopes, "contacts.write")
		op.queryLocation = o.Route.Operation.Parameters.GetByInAndName("query", "locationId") != nil
		if sc := validation.BodySchema(o); sc != nil {
			_, op.bodyLocation = sc.Properties["locationId"]
		}
		op.onlyVersion, _ = o.Route.Operation.Extensions["x-ghlmock-version"].(string)
		if op.auth = opAuthOf(o.Route.Operation.Extensions); op.auth != authBearer {
			// Not a location's operation: no location check (a Company
			// token has none; locationToken names the one it asks for).
			op.queryLocation, op.bodyLocation = false, false
		}
		if s.metrics != nil {
			op.metrics = s.metrics.forOperation(o.ID)
		}
		s.ops[o.ID] = op
		return op
	})
	for id := range hs {
		if _, ok := s.ops[id]; !ok {
			return fmt.Errorf("mockserver: handler for %q, which the document does not have", id)
		}
	}
	s.router = r
	return nil
}

// pathIs and pathUnder match the mock's own pages by comparing the request's
// path (escaped, as the router sees it) with a string. gorilla/mux's Path
// and PathPrefix compile to regular expressions, and every API request
// walks these routes before its own: four of them took 2 % of the CPU of a
// GET contact under load. The decoded path is compared first: the escaped
// one is computed anew on every call, and p (which has no '%') can only
// begin the escaped path where it begins the decoded one too.
func pathIs(p string) mux.MatcherFunc {
	return func(req *http.Request, _ *mux.RouteMatch) bool {
		return req.URL.Path == p && req.URL.EscapedPath() == p
	}
}

func pathUnder(prefix string) mux.MatcherFunc {
	return func(req *http.Request, _ *mux.RouteMatch) bool {
		return strings.HasPrefix(req.URL.Path, prefix) && strings.HasPrefix(req.URL.EscapedPath(), prefix)
	}
}

// varsPool recycles the maps the router stores path parameters in, so that
// routing a request allocates none.
var varsPool = sync.Pool{New: func() any { return make(map[string]string, openapi.MaxParams) }}

// ServeHTTP routes the request with the router, once: the route that
// matches carries the operation and its path parameters to the pipeline.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.limitBodyTime(w, r) // body_limits.go
	if s.ws.n.Load() > 0 && !strings.HasPrefix(r.URL.Path, adminPrefix) {
		if ws := s.workspaceFor(r); ws != nil { // a workspace's token: its own mock answers
			ws.ServeHTTP(w, r)
			return
		}
	}
	if s.cors != nil && s.serveCORS(w, r) {
		return
	}
	vars := varsPool.Get().(map[string]string)
	m := mux.RouteMatch{Vars: vars}
	matched := s.router.Match(r, &m)
	op, isOp := m.Handler.(*operation)
	switch {
	case !matched:
		s.serveNotFound(w, r)
	case isOp:
		s.serveOperation(op, w, r, vars)
	default:
		m.Handler.ServeHTTP(w, r)
	}
	clear(vars)
	varsPool.Put(vars)
}

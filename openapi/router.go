package openapi

import (
	"net/http"
	"net/url"
	"sync"

	"github.com/gorilla/mux"
)

// Route registers one gorilla/mux route per operation of the document on r,
// in matching order (static segments before parameters, see Operations),
// each named after its operationId and served by handler(op). This is the
// one router of the project: the mock server, Spec.Match and the tests all
// match requests with it.
//
// A route matches the request's method (a GET route HEAD too), then its escaped path against the
// operation's compiled Template (a trailing slash optional, as in Express);
// on a match it stores the path parameters, unescaped, in the RouteMatch's
// Vars, so whoever serves the match reads them from there instead of
// matching the path a second time. A caller that wants no allocation for
// Vars passes a RouteMatch whose Vars is a (cleared) map of its own.
//
// r should be made with UseEncodedPath and SkipClean: templates match the
// escaped path, so that %2F stays inside one segment, and Express does not
// clean paths either (/contacts/../tags is a contact named "..").
func (s *Spec) Route(r *mux.Router, handler func(op *Operation) http.Handler) {
	// One subrouter per method, so that a request only walks the routes of
	// its own method. A MatcherFunc, not Methods: gorilla/mux walks the
	// subrouter of a mismatched Methods matcher anyway, to report 405, and
	// GHL answers a wrong method with Express's 404 like any unknown path.
	byMethod := map[string]*mux.Router{}
	for _, op := range s.ops {
		sub := byMethod[op.Method]
		if sub == nil {
			method := op.Method
			sub = r.MatcherFunc(func(req *http.Request, _ *mux.RouteMatch) bool {
				// HEAD is GET without the body (RFC 9110 §9.3.2), for every GET.
				return req.Method == method || method == http.MethodGet && req.Method == http.MethodHead
			}).Subrouter()
			byMethod[op.Method] = sub
		}
		sub.NewRoute().Name(op.ID).Handler(handler(op)).MatcherFunc(templateMatcher{op.Template}.Match)
	}
}

// templateMatcher is a gorilla/mux matcher for a compiled Template.
type templateMatcher struct{ t Template }

// Match implements mux.Matcher.
func (m templateMatcher) Match(req *http.Request, match *mux.RouteMatch) bool {
	if !m.t.MayMatchDecoded(req.URL.Path) {
		return false
	}
	values, ok := m.t.Match(req.URL.EscapedPath())
	if !ok {
		return false
	}
	if len(m.t.names) > 0 && match.Vars == nil {
		match.Vars = make(map[string]string, len(m.t.names))
	}
	for i, name := range m.t.names {
		match.Vars[name] = unescape(values[i])
	}
	return true
}

// unescape unescapes a path parameter; one that is not validly escaped is
// kept as sent.
func unescape(v string) string {
	for i := 0; i < len(v); i++ {
		if v[i] == '%' {
			if u, err := url.PathUnescape(v); err == nil {
				return u
			}
			return v
		}
	}
	return v
}

// opHandler is the handler of Spec.Match's own router: it only names its
// operation.
type opHandler struct{ op *Operation }

func (opHandler) ServeHTTP(http.ResponseWriter, *http.Request) {}

// matchRouter is the router Match uses, built on first use.
type matchRouter struct {
	once sync.Once
	r    *mux.Router
}

// Match finds the operation for a method and a request path (as sent, still
// escaped, possibly with a query string) with the project's router (see
// Route), and returns its path parameters, unescaped.
func (s *Spec) Match(method, path string) (*Operation, map[string]string, error) {
	s.matcher.once.Do(func() {
		r := mux.NewRouter().UseEncodedPath().SkipClean(true)
		s.Route(r, func(op *Operation) http.Handler { return opHandler{op} })
		s.matcher.r = r
	})
	u, err := url.Parse(path)
	if err != nil {
		return nil, nil, ErrNotFound
	}
	var m mux.RouteMatch
	if !s.matcher.r.Match(&http.Request{Method: method, URL: u}, &m) {
		return nil, nil, ErrNotFound
	}
	h, ok := m.Handler.(opHandler)
	if !ok {
		return nil, nil, ErrNotFound
	}
	if len(m.Vars) == 0 {
		m.Vars = nil
	}
	return h.op, m.Vars, nil
}

package mockserver

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gorilla/mux"
)

// CORS for browser clients of the GHL API routes (Config.CORSOrigins): a
// page of an allowed origin may call the API, read its answers (errors
// included) and the rate-limit headers. The admin API (/_mock/) never
// answers other origins: CORS stays off there, whatever the setting.

// corsMaxAge is how long a browser may cache a preflight answer (seconds).
const corsMaxAge = "600"

// corsDefaultHeaders are the request headers a preflight allows when it
// names none: what GHL's clients send.
const corsDefaultHeaders = "Authorization, Version, Content-Type, Accept"

// corsExposed are the answer headers a page may read besides the CORS-safe
// ones: GHL's rate-limit headers and Retry-After.
const corsExposed = "X-Ratelimit-Limit-Daily, X-Ratelimit-Daily-Remaining, X-Ratelimit-Daily-Reset, " +
	"X-Ratelimit-Interval-Milliseconds, X-Ratelimit-Max, X-Ratelimit-Remaining, Retry-After"

// corsMethods are the methods a preflight may ask about, in the order an
// Access-Control-Allow-Methods lists them.
var corsMethods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch}

// cors is the parsed Config.CORSOrigins.
type cors struct {
	any     bool            // "*": every origin
	origins map[string]bool // scheme://host[:port], as browsers send Origin
}

// newCORS parses the allowed origins: "*", or origins such as
// https://app.example.com or http://localhost:3000. None means CORS is off.
func newCORS(origins []string) (*cors, error) {
	if len(origins) == 0 {
		return nil, nil
	}
	c := &cors{origins: map[string]bool{}}
	for _, o := range origins {
		o = strings.TrimSpace(o)
		if o == "" {
			continue
		}
		if o == "*" {
			c.any = true
			continue
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
			(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			return nil, fmt.Errorf("mockserver: CORS origin %q: want * or scheme://host[:port], such as https://app.example.com or http://localhost:3000", o)
		}
		c.origins[strings.ToLower(u.Scheme+"://"+u.Host)] = true
	}
	if !c.any && len(c.origins) == 0 {
		return nil, nil
	}
	return c, nil
}

func (c *cors) allows(origin string) bool {
	return c.any || c.origins[strings.ToLower(origin)]
}

// serveCORS adds the CORS headers to an API answer for an allowed origin,
// and answers a preflight itself. It reports whether the request is
// answered (a preflight).
func (s *Server) serveCORS(w http.ResponseWriter, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" || strings.HasPrefix(r.URL.Path, adminPrefix) {
		return false
	}
	asked := r.Header.Get("Access-Control-Request-Method")
	preflight := r.Method == http.MethodOptions && asked != ""
	h := w.Header()
	if !preflight {
		h.Add("Vary", "Origin")
		if s.cors.allows(origin) {
			h.Set("Access-Control-Allow-Origin", s.allowOrigin(origin))
			h.Set("Access-Control-Expose-Headers", corsExposed)
		}
		return false
	}
	h.Add("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers")
	methods := s.routedMethods(r)
	if !slices.Contains(methods, asked) {
		s.serveNotFound(w, r) // no operation has that method and path: as for the request itself
		return true
	}
	if !s.cors.allows(origin) {
		// Answered without CORS headers, so the browser refuses the call;
		// the body says why, for whoever looks at the network tab.
		e := newError(http.StatusForbidden, "Origin "+origin+" is not allowed: start the mock with --cors-origins listing it (or *)")
		rq := &request{r: r, op: notFoundOp, traceID: newTraceID()}
		s.writeError(w, rq, e)
		return true
	}
	h.Set("Access-Control-Allow-Origin", s.allowOrigin(origin))
	h.Set("Access-Control-Allow-Methods", strings.Join(methods, ", "))
	// As Express's cors middleware (GHL's API runs on NestJS) does: allow
	// the headers the browser asks for, GHL's own when it asks for none.
	if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
		h.Set("Access-Control-Allow-Headers", req)
	} else {
		h.Set("Access-Control-Allow-Headers", corsDefaultHeaders)
	}
	h.Set("Access-Control-Max-Age", corsMaxAge)
	h["Content-Length"] = []string{"0"}
	w.WriteHeader(http.StatusNoContent)
	return true
}

// allowOrigin is the Access-Control-Allow-Origin for an allowed origin.
func (s *Server) allowOrigin(origin string) string {
	if s.cors.any {
		return "*"
	}
	return origin
}

// routedMethods are the methods the router has an operation for at the
// request's path: the routing of the requests themselves (Spec.Route), asked
// once per method.
func (s *Server) routedMethods(r *http.Request) []string {
	var out []string
	for _, m := range corsMethods {
		probe := &http.Request{Method: m, URL: r.URL, Header: http.Header{}, Host: r.Host}
		var match mux.RouteMatch
		if s.router.Match(probe, &match) {
			if _, ok := match.Handler.(*operation); ok {
				out = append(out, m)
			}
		}
	}
	return out
}

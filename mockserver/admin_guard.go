package mockserver

import (
	"crypto/subtle"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ghlmock/ghlmock/mockserver/journal"
)

// The admin API can reset the data, inject faults and mint tokens, so it
// answers only requests that neither a web page of another origin nor a
// stranger could have sent. A browser attaches no bearer token by itself,
// so what a page can send is refused by what it cannot help carrying:
//
//   - a Host header that is not a name the mock serves under (localhost, an
//     IP address, Config.AllowedHosts): a page that rebinds its own domain
//     name to 127.0.0.1 (DNS rebinding) reaches the mock under that name,
//     and is refused 403;
//   - an Origin that is not the mock's own, or Sec-Fetch-Site: cross-site:
//     403;
//   - a state-changing request (POST, PUT, PATCH, DELETE) with a body or a
//     content type that is not JSON: 415 — the only bodies an HTML form or
//     a fetch without a preflight can send are form data and plain text.
//
// And strangers: without Config.AdminToken the admin API is open only to
// requests from a loopback address that no proxy forwarded
// (X-Forwarded-For, Forwarded, X-Real-IP): a forwarder on the same host
// would otherwise open it to the network. With the token, every request
// needs it. /_mock/health is open to all: probes use any host name.

// guardAdmin wraps the admin API in the checks above, then the token.
func (s *Server) guardAdmin(next http.Handler) http.Handler {
	want := []byte(s.cfg.AdminToken)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/_mock/health" || isSinkDelivery(r) { // a webhook posted to the sink: admin_webhooks.go
			next.ServeHTTP(w, r)
			return
		}
		status, message := s.adminRefusal(r, want)
		if status != 0 {
			if status == http.StatusUnauthorized {
				w.Header().Set("WWW-Authenticate", `Bearer realm="ghlmock admin"`)
			}
			if r.ContentLength != 0 {
				_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(refusedBodyGrace))
				drainBody(w, r)
			}
			s.log.Debug("admin request refused", "method", r.Method, "path", clip(r.URL.Path), "status", status,
				"reason", message, "remoteAddr", r.RemoteAddr)
			adminError(w, status, message)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// adminRefusal says why r is refused, or 0.
func (s *Server) adminRefusal(r *http.Request, want []byte) (int, string) {
	hasToken := false
	if len(want) > 0 {
		scheme, got, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		hasToken = strings.EqualFold(scheme, "Bearer") && subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), want) == 1
	}
	host := hostOnly(r.Host)
	// A request with the token was not made by a page (which cannot know
	// it), so its Host needs no check: a staging mock with a token answers
	// under whatever name its users reach it by.
	if !hasToken && !s.servesHost(host) {
		return http.StatusForbidden, "the admin API does not answer for Host " + clipHost(r.Host) +
			": only for localhost, an IP address, the listen host and --allowed-host names (a guard against DNS rebinding)"
	}
	if origin := r.Header.Get("Origin"); origin != "" && !sameOrigin(origin, r.Host) {
		return http.StatusForbidden, "the admin API does not answer requests from the web page of another origin (Origin " + clipHost(origin) + ")"
	}
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" && !(safeMethod(r.Method) && r.Header.Get("Sec-Fetch-Mode") == "navigate") {
		return http.StatusForbidden, "the admin API does not answer requests a web page of another site sends (Sec-Fetch-Site: cross-site)"
	}
	if len(want) == 0 && (forwarded(r) || !loopbackRemote(r.RemoteAddr)) {
		return http.StatusForbidden, "the admin API answers requests forwarded by a proxy or coming from another machine only with an admin token: start the mock with --admin-token-file or GHLMOCK_ADMIN_TOKEN"
	}
	if len(want) > 0 && !hasToken {
		return http.StatusUnauthorized, "the admin API needs the admin token (--admin-token-file or GHLMOCK_ADMIN_TOKEN) as a bearer token"
	}
	if !safeMethod(r.Method) && (r.ContentLength != 0 || r.Header.Get("Content-Type") != "") && !isJSON(r.Header.Get("Content-Type")) {
		return http.StatusUnsupportedMediaType, "the admin API takes JSON: send the body with Content-Type: application/json"
	}
	return 0, ""
}

// servesHost reports whether host is a name the mock serves the admin API
// under.
func (s *Server) servesHost(host string) bool {
	if host == "" {
		return false
	}
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true // RFC 6761: always loopback
	}
	if net.ParseIP(strings.Trim(host, "[]")) != nil {
		return true // an address names no domain a page could rebind
	}
	for _, h := range s.cfg.AllowedHosts {
		if strings.EqualFold(host, h) {
			return true
		}
	}
	return false
}

// hostOnly returns the host of a Host header, without its port.
func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return strings.Trim(hostport, "[]")
}

// sameOrigin reports whether an Origin header names the host the request
// was sent to (scheme aside: the mock serves plain HTTP, a TLS proxy may
// sit in front).
func sameOrigin(origin, host string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false // "null" and garbage included
	}
	return strings.EqualFold(u.Host, host)
}

func forwarded(r *http.Request) bool {
	h := r.Header
	return h.Get("X-Forwarded-For") != "" || h.Get("Forwarded") != "" || h.Get("X-Real-Ip") != ""
}

func loopbackRemote(remoteAddr string) bool {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// clipHost bounds a header value quoted in a refusal.
func clipHost(s string) string { return journal.Truncate(s, 128) }

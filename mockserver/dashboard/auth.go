package dashboard

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Who may use the dashboard, and how it keeps a cross-site page from using
// it on their behalf.
//
//   - direct: a request from a loopback address for a loopback host name
//     (localhost, 127.0.0.1, [::1]) opens the dashboard with no login, as
//     the admin API is open on a loopback mock. The host name matters: a
//     page of another site that a DNS trick points at 127.0.0.1 still sends
//     its own name as Host, and is refused; so is a request a proxy on the
//     same machine forwarded (X-Forwarded-For, Forwarded, X-Real-IP), which
//     may come from anywhere.
//   - session: anyone else logs in once with the admin token
//     (Config.AdminToken) and gets a session cookie, HttpOnly and
//     SameSite=Strict, that the dashboard alone reads (Path /_mock/ui/).
//   - bearer: a script may send the admin token as a bearer token instead.
//
// Every request that changes something (POST, PUT, DELETE) must also pass
// net/http's cross-origin protection (Sec-Fetch-Site, Origin), carry the
// page's CSRF token in X-CSRF-Token (a bearer request needs none: a browser
// never adds that header by itself) and send JSON: none of which a form or
// a simple request of another origin can do.

const (
	sessionCookie = "ghlmock_ui"
	csrfHeader    = "X-CSRF-Token"
	// sessionLife is how long a session lasts without use, in real time
	// (moving the mock's clock logs nobody out).
	sessionLife = 12 * time.Hour
	maxSessions = 256
	// ticketLife is how long a stream ticket may wait for its stream.
	ticketLife = 60 * time.Second
	maxTickets = 256
)

// mode is how a request was let in.
type mode int

const (
	denied mode = iota
	direct
	session
	bearer
)

// principal is who a request comes from.
type principal struct {
	mode mode
	// sid is the session id (session mode), for the CSRF token.
	sid string
}

type auth struct {
	adminToken []byte
	secret     []byte
	cop        *http.CrossOriginProtection

	mu       sync.Mutex
	sessions map[string]time.Time // id → expiry (real time)
	tickets  map[string]time.Time // ticket → expiry (real time)
}

func newAuth(adminToken string) *auth {
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	return &auth{
		adminToken: []byte(adminToken),
		secret:     secret,
		cop:        http.NewCrossOriginProtection(),
		sessions:   map[string]time.Time{},
		tickets:    map[string]time.Time{},
	}
}

// who says how r may use the dashboard.
func (a *auth) who(r *http.Request) principal {
	if isLoopbackPeer(r.RemoteAddr) && isLoopbackHost(r.Host) && !forwarded(r) {
		return principal{mode: direct}
	}
	if len(a.adminToken) == 0 {
		return principal{mode: denied}
	}
	if scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok && strings.EqualFold(scheme, "Bearer") {
		if a.tokenMatches(strings.TrimSpace(tok)) {
			return principal{mode: bearer}
		}
		return principal{mode: denied}
	}
	if c, err := r.Cookie(sessionCookie); err == nil && a.sessionLive(c.Value) {
		return principal{mode: session, sid: c.Value}
	}
	return principal{mode: denied}
}

func (a *auth) tokenMatches(tok string) bool {
	return len(a.adminToken) > 0 && subtle.ConstantTimeCompare([]byte(tok), a.adminToken) == 1
}

// csrf is the CSRF token of a principal's pages: a MAC of its session (or
// of "direct"), so that it needs no storage and dies with the session.
func (a *auth) csrf(p principal) string {
	m := hmac.New(sha256.New, a.secret)
	if p.mode == session {
		m.Write([]byte("session:" + p.sid))
	} else {
		m.Write([]byte("direct"))
	}
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// checkWrite vets a state-changing request of p: cross-origin protection,
// the CSRF token and JSON content. It returns the reason to refuse, or "".
func (a *auth) checkWrite(r *http.Request, p principal, wantJSON bool) string {
	if err := a.cop.Check(r); err != nil {
		return "cross-origin request refused"
	}
	if p.mode != bearer {
		got := r.Header.Get(csrfHeader)
		if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(a.csrf(p))) != 1 {
			return "missing or wrong CSRF token (reload the page)"
		}
	}
	if wantJSON && !isJSON(r.Header.Get("Content-Type")) {
		return "send application/json"
	}
	return ""
}

func isJSON(ct string) bool {
	mt, _, _ := strings.Cut(ct, ";")
	return strings.EqualFold(strings.TrimSpace(mt), "application/json")
}

// login checks the admin token and starts a session; it returns the
// session id, or "" when the token is wrong.
func (a *auth) login(token string) string {
	if !a.tokenMatches(token) {
		return ""
	}
	id := randomID()
	a.mu.Lock()
	defer a.mu.Unlock()
	pruneExpired(a.sessions, maxSessions)
	a.sessions[id] = time.Now().Add(sessionLife)
	return id
}

func (a *auth) logout(id string) {
	a.mu.Lock()
	delete(a.sessions, id)
	a.mu.Unlock()
}

// sessionLive reports whether a session exists and has not expired, and
// extends it.
func (a *auth) sessionLive(id string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	exp, ok := a.sessions[id]
	if !ok {
		return false
	}
	now := time.Now()
	if !now.Before(exp) {
		delete(a.sessions, id)
		return false
	}
	a.sessions[id] = now.Add(sessionLife)
	return true
}

// ticket mints a single-use ticket for the request stream, for a client
// that cannot send a cookie or a header with EventSource.
func (a *auth) ticket() string {
	t := randomID()
	a.mu.Lock()
	defer a.mu.Unlock()
	pruneExpired(a.tickets, maxTickets)
	a.tickets[t] = time.Now().Add(ticketLife)
	return t
}

// redeem uses up a ticket; it reports whether it was valid.
func (a *auth) redeem(t string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	exp, ok := a.tickets[t]
	delete(a.tickets, t)
	return ok && time.Now().Before(exp)
}

// pruneExpired drops expired entries and, when m is full, the one that
// expires first.
func pruneExpired(m map[string]time.Time, limit int) {
	now := time.Now()
	for k, exp := range m {
		if !now.Before(exp) {
			delete(m, k)
		}
	}
	for len(m) >= limit {
		var first string
		var at time.Time
		for k, exp := range m {
			if first == "" || exp.Before(at) {
				first, at = k, exp
			}
		}
		delete(m, first)
	}
}

func randomID() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// setSessionCookie sets (or, with id "", clears) the session cookie.
func setSessionCookie(w http.ResponseWriter, r *http.Request, id string) {
	c := &http.Cookie{
		Name: sessionCookie, Value: id, Path: Prefix, HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https"),
	}
	if id == "" {
		c.MaxAge = -1
	}
	http.SetCookie(w, c)
}

func isLoopbackPeer(remote string) bool {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// isLoopbackHost reports whether a Host header names this machine's
// loopback interface: localhost (and *.localhost, which browsers never look
// up in DNS) or a loopback address.
func isLoopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(strings.Trim(host, "[]"), "."))
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// forwarded reports whether a proxy says it forwarded r.
func forwarded(r *http.Request) bool {
	h := r.Header
	return h.Get("X-Forwarded-For") != "" || h.Get("Forwarded") != "" || h.Get("X-Real-Ip") != ""
}

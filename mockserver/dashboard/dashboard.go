package dashboard

import (
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/journal"
)

// Prefix is where the dashboard lives, on the API's own port.
const Prefix = "/_mock/ui/"

//go:embed assets
var assets embed.FS

// Config configures the dashboard.
type Config struct {
	// Mock is the server (required).
	Mock Mock
	// Webhooks and OAuth, when set, fill the webhooks and OAuth pages;
	// nil pages say the feature is not available on this server.
	Webhooks Webhooks
	OAuth    OAuth
	// AdminToken lets a browser that is not on loopback log in (and a script
	// use the dashboard's JSON with it as a bearer token); without one the
	// dashboard opens only on loopback.
	AdminToken string
	// Logger receives errors the user cannot act on; nil discards.
	Logger *slog.Logger
	// MaxStreams bounds the live request streams open at once; 0 means 32.
	MaxStreams int
}

// Dashboard is the dashboard's http.Handler, for everything under Prefix.
type Dashboard struct {
	cfg     Config
	m       Mock
	auth    *auth
	mux     *http.ServeMux
	pages   map[string]*template.Template
	streams chan struct{} // a slot per open stream
	log     *slog.Logger
}

// New returns the dashboard for cfg.Mock.
func New(cfg Config) (*Dashboard, error) {
	if cfg.Mock == nil {
		return nil, fmt.Errorf("dashboard: Config.Mock is required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxStreams <= 0 {
		cfg.MaxStreams = 32
	}
	d := &Dashboard{cfg: cfg, m: cfg.Mock, auth: newAuth(cfg.AdminToken), log: cfg.Logger,
		streams: make(chan struct{}, cfg.MaxStreams)}
	if err := d.parseTemplates(); err != nil {
		return nil, err
	}
	d.routes()
	return d, nil
}

// ServeHTTP serves the dashboard, with headers that keep its pages out of
// other sites' frames and its scripts to its own files.
func (d *Dashboard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin") // not no-referrer: that makes a browser send "Origin: null", which the cross-origin check refuses
	h.Set("Cache-Control", "no-store")
	d.mux.ServeHTTP(w, r)
}

// access is what a route needs.
type access int

const (
	accPage  access = iota // an HTML page: a login page when not let in
	accRead                // JSON or a stream: 401 when not let in
	accWrite               // a change: JSON body, CSRF token, same origin
	accForm                // the login form
)

type handler func(w http.ResponseWriter, r *http.Request, p principal)

func (d *Dashboard) handle(pattern string, a access, h handler) {
	d.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		p := d.auth.who(r)
		if a == accForm {
			if err := d.auth.cop.Check(r); err != nil {
				d.fail(w, r, http.StatusForbidden, "cross-origin request refused")
				return
			}
			h(w, r, p)
			return
		}
		if p.mode == denied {
			d.refuseAccess(w, r, a)
			return
		}
		if a == accWrite {
			if why := d.auth.checkWrite(r, p, r.Method != http.MethodDelete); why != "" {
				d.fail(w, r, http.StatusForbidden, why)
				return
			}
		}
		h(w, r, p)
	})
}

// refuseAccess answers a request that was not let in: the login page for a
// page, when logging in is possible, else 401 or 403 with the reason.
func (d *Dashboard) refuseAccess(w http.ResponseWriter, r *http.Request, a access) {
	if len(d.auth.adminToken) == 0 {
		d.fail(w, r, http.StatusForbidden, "this dashboard opens only from the machine the mock runs on (http://localhost or 127.0.0.1): start ghlmock with an admin token (GHLMOCK_ADMIN_TOKEN or --admin-token-file) to use it from elsewhere")
		return
	}
	if a == accPage {
		http.Redirect(w, r, Prefix+"login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	w.Header().Set("WWW-Authenticate", `Bearer realm="ghlmock dashboard"`)
	d.fail(w, r, http.StatusUnauthorized, "log in to the dashboard with the admin token first")
}

// fail answers an error: JSON for the dashboard's scripts, a page otherwise.
func (d *Dashboard) fail(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if strings.HasPrefix(r.URL.Path, Prefix+"api/") || r.URL.Path == Prefix+"events" || r.Method != http.MethodGet {
		writeJSON(w, status, map[string]any{"statusCode": status, "message": msg, "error": http.StatusText(status)})
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = d.pages["error"].ExecuteTemplate(w, "layout", pageData{Title: http.StatusText(status), Data: msg, Bare: true})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"statusCode":500,"message":"Internal Server Error","error":"Internal Server Error"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeErr answers err: an *Error with its status and messages, anything
// else as a 500 whose details go to the log.
func (d *Dashboard) writeErr(w http.ResponseWriter, r *http.Request, err error) {
	if e, ok := err.(*Error); ok {
		var msg any = e.Messages
		if len(e.Messages) == 1 {
			msg = e.Messages[0]
		}
		writeJSON(w, e.Status, map[string]any{"statusCode": e.Status, "message": msg, "error": http.StatusText(e.Status)})
		return
	}
	d.log.Error("dashboard", "path", r.URL.Path, "error", err.Error())
	writeJSON(w, http.StatusInternalServerError, map[string]any{"statusCode": 500, "message": "Internal Server Error", "error": "Internal Server Error"})
}

// pageData is what every page's template gets.
type pageData struct {
	Title string
	Nav   string // the nav entry to highlight
	CSRF  string
	// Session is set when the user logged in (a logout button then).
	Session bool
	Bare    bool // no navigation (login and error pages)
	Clock   Clock
	Data    any
}

func (d *Dashboard) page(w http.ResponseWriter, r *http.Request, p principal, name, title string, data any) {
	pd := pageData{Title: title, Nav: name, CSRF: d.auth.csrf(p), Session: p.mode == session, Clock: d.m.Clock(), Data: data}
	d.render(w, name, pd)
}

func (d *Dashboard) render(w http.ResponseWriter, name string, pd pageData) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := d.pages[name].ExecuteTemplate(w, "layout", pd); err != nil {
		d.log.Error("dashboard: render", "page", name, "error", err.Error())
	}
}

var funcs = template.FuncMap{
	"time": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04:05Z")
	},
	"millis": func(m crm.Millis) string {
		if m == 0 {
			return ""
		}
		return m.Time().UTC().Format("2006-01-02 15:04Z")
	},
	"pretty": prettyJSON,
	"statusClass": func(status int) string {
		switch {
		case status == 0:
			return "s0"
		case status < 300:
			return "s2"
		case status < 400:
			return "s3"
		case status < 500:
			return "s4"
		}
		return "s5"
	},
	"add":  func(a, b int) int { return a + b },
	"list": func(xs ...string) []string { return xs },
	// value writes a custom field's value: a list as "a, b".
	"value": func(v any) string {
		switch x := v.(type) {
		case []string:
			return strings.Join(x, ", ")
		case []any:
			parts := make([]string, len(x))
			for i, e := range x {
				parts[i] = fmt.Sprint(e)
			}
			return strings.Join(parts, ", ")
		case nil:
			return ""
		}
		return fmt.Sprint(v)
	},
	"hdrs": func(h journal.Headers) map[string]string {
		m := map[string]string{}
		parts := strings.Split(string(h), "\x00")
		for i := 0; i+1 < len(parts); i += 2 {
			m[parts[i]] = parts[i+1]
		}
		return m
	},
	"join": strings.Join,
	"until": func(now time.Time, t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.Sub(now).Round(time.Second).String()
	},
}

// prettyJSON indents a JSON text, or returns it as it is.
func prettyJSON(s string) string {
	var v any
	if json.Unmarshal([]byte(s), &v) != nil {
		return s
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return s
	}
	return string(b)
}

// pageNames are the pages, each with assets/<name>.html.
var pageNames = []string{"overview", "contacts", "contact", "requests", "request", "faults", "webhooks", "oauth", "state", "login", "error"}

func (d *Dashboard) parseTemplates() error {
	d.pages = map[string]*template.Template{}
	base, err := template.New("base").Funcs(funcs).ParseFS(assets, "assets/layout.html", "assets/fragments.html")
	if err != nil {
		return fmt.Errorf("dashboard: templates: %w", err)
	}
	for _, n := range pageNames {
		t, err := template.Must(base.Clone()).ParseFS(assets, "assets/"+n+".html")
		if err != nil {
			return fmt.Errorf("dashboard: template %s: %w", n, err)
		}
		d.pages[n] = t
	}
	return nil
}

func (d *Dashboard) static() http.Handler {
	sub, _ := fs.Sub(assets, "assets/static")
	fsrv := http.StripPrefix(Prefix+"static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		fsrv.ServeHTTP(w, r)
	})
}

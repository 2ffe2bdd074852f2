package oauth

import (
	"bytes"
	_ "embed"
	"html/template"
	"net/http"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

//go:embed chooselocation.html
var pageHTML string

var pageTemplate = template.Must(template.New("chooselocation").Parse(pageHTML))

// pageData is what the authorize page shows.
type pageData struct {
	Error     string
	App       *App
	Redirect  string
	VersionID string
	Scope     string   // the scope parameter, passed on
	Scopes    []string // what the tokens will carry: the app's
	State     string
	Action    string
	CSRF      string
	Companies []Company
	UserType  string
	Company   string
	Checked   map[string]bool
}

// ChooseLocationHandler serves GHL's authorize page, GET /oauth/chooselocation
// (and /v2/oauth/chooselocation) with response_type, client_id, redirect_uri,
// scope, version_id and state: a small form listing the companies and their
// locations to install the app on. Its POST approves: the app is installed
// and the browser is sent to the redirect URI with code (and state). The
// changes it makes carry the request context's cause (WithCause), or
// "ui:chooselocation".
func (s *Service) ChooseLocationHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead:
			s.showPage(w, r)
		case http.MethodPost:
			s.approve(w, r)
		default:
			w.Header().Set("Allow", "GET, HEAD, POST")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		}
	})
}

// showPage renders the form, or the error that prevents it.
func (s *Service) showPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	data, e := s.pageFor(q.Get("client_id"), q.Get("version_id"), q.Get("redirect_uri"), true)
	if e != nil {
		s.render(w, r, e.Status, &pageData{Error: e.Message()})
		return
	}
	data.Scope, data.State = q.Get("scope"), q.Get("state")
	s.render(w, r, http.StatusOK, data)
}

// pageFor checks the link's client, version and redirect URI and returns the
// form's data.
func (s *Service) pageFor(clientID, versionID, redirectURI string, fromLink bool) (*pageData, *Error) {
	st := s.Settings()
	app, redirect, e := s.checkClient(clientID, versionID, redirectURI)
	if e != nil {
		return nil, e
	}
	if fromLink && versionID == "" && app.Distribution == DistributionPrivate && st.RequireVersionIDForPrivate {
		return nil, apiError(st.Messages.NoVersionID, "a private app's authorize link needs version_id")
	}
	a := app.withDefaults()
	data := &pageData{
		App: &a, Redirect: redirect, VersionID: versionID, Scopes: a.Scopes,
		Companies: s.Companies(), Checked: map[string]bool{},
	}
	if len(data.Companies) == 1 {
		data.Company = data.Companies[0].ID
	}
	return data, nil
}

// approve handles the form's POST: the CSRF check, then Authorize, then the
// redirect; a refused choice shows the form again with the reason.
func (s *Service) approve(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" || r.ParseForm() != nil {
		s.render(w, r, http.StatusForbidden, &pageData{Error: "This form was not sent from its own page."})
		return
	}
	f := r.PostForm
	cookie := ""
	if c, err := r.Cookie(csrfCookie); err == nil {
		cookie = c.Value
	}
	clientID, versionID, redirect, state := f.Get("client_id"), f.Get("version_id"), f.Get("redirect_uri"), f.Get("state")
	if !s.checkCSRF(f.Get(csrfField), cookie, s.now(), clientID, versionID, redirect, state) {
		s.render(w, r, http.StatusForbidden, &pageData{Error: "This form has expired or was not sent from its own page: open the authorize link again."})
		return
	}
	data, e := s.pageFor(clientID, versionID, redirect, false)
	if e != nil {
		s.render(w, r, e.Status, &pageData{Error: e.Message()})
		return
	}
	in := AuthorizeInput{
		ClientID: clientID, VersionID: versionID, RedirectURI: redirect, State: state,
		UserType: Class(f.Get("user_type")), LocationIDs: f["location"],
	}
	if in.UserType == ClassCompany {
		in.CompanyID = f.Get("company")
	}
	ctx := r.Context()
	if causeOf(ctx) == (crm.Cause{}) {
		ctx = WithCause(ctx, crm.Cause{OperationID: "ui:chooselocation"})
	}
	res, e := s.Authorize(ctx, in)
	if e != nil {
		data.Error, data.Scope, data.State = e.Message(), f.Get("scope"), state
		data.UserType, data.Company = f.Get("user_type"), f.Get("company")
		for _, id := range in.LocationIDs {
			data.Checked[id] = true
		}
		s.render(w, r, e.Status, data)
		return
	}
	http.Redirect(w, r, res.RedirectURL, http.StatusSeeOther)
}

// render writes the page with headers that keep it out of other sites'
// frames and caches, and a fresh form token when it has a form.
func (s *Service) render(w http.ResponseWriter, r *http.Request, status int, data *pageData) {
	if data.App != nil {
		cookie, fresh := csrfCookieValue(r)
		if fresh {
			setCSRFCookie(w, r, cookie)
		}
		data.CSRF = s.csrfToken(cookie, s.now().Add(csrfLife), data.App.ClientID, data.VersionID, data.Redirect, data.State)
		data.Action = r.URL.EscapedPath()
	}
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, data); err != nil {
		http.Error(w, "the authorize page could not be rendered", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = buf.WriteTo(w)
	}
}

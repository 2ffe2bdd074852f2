package oauth_test

import (
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver/oauth"
)

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// page is the authorize page as a browser meets it.
type page struct {
	h       *harness
	handler http.Handler
	cookie  *http.Cookie
	token   string
	body    string
}

func authorizeLink(clientID, version, state string) string {
	q := url.Values{"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {redirectURI},
		"scope": {"contacts.readonly contacts.write"}, "state": {state}}
	if version != "" {
		q.Set("version_id", version)
	}
	return "/v2/oauth/chooselocation?" + q.Encode()
}

// open GETs the page; the cookie is the browser's, if it has one.
func (p *page) open(t *testing.T, link string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, link, nil)
	if p.cookie != nil {
		r.AddCookie(p.cookie)
	}
	w := httptest.NewRecorder()
	p.handler.ServeHTTP(w, r)
	for _, c := range w.Result().Cookies() {
		if c.Name == "ghlmock_oauth_csrf" {
			p.cookie = c
		}
	}
	p.body = w.Body.String()
	if m := csrfInput.FindStringSubmatch(p.body); m != nil {
		p.token = html.UnescapeString(m[1])
	}
	return w
}

// submit POSTs the form as the page would send it, with changes.
func (p *page) submit(t *testing.T, change func(f url.Values, r *http.Request)) *httptest.ResponseRecorder {
	t.Helper()
	f := url.Values{"csrf_token": {p.token}, "client_id": {clientID}, "redirect_uri": {redirectURI}, "version_id": {appID},
		"scope": {"contacts.readonly contacts.write"}, "state": {"s1"}, "user_type": {"Location"}, "location": {loc1}}
	r := httptest.NewRequest(http.MethodPost, "/v2/oauth/chooselocation", nil)
	if p.cookie != nil {
		r.AddCookie(p.cookie)
	}
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	if change != nil {
		change(f, r)
	}
	r.Body = io.NopCloser(strings.NewReader(f.Encode()))
	w := httptest.NewRecorder()
	p.handler.ServeHTTP(w, r)
	p.body = w.Body.String()
	return w
}

func newPage(t *testing.T, opts ...func(*oauth.Config)) *page {
	h := newHarness(t, opts...)
	return &page{h: h, handler: h.svc.ChooseLocationHandler()}
}

func TestAuthorizePageRenders(t *testing.T) {
	p := newPage(t)
	w := p.open(t, authorizeLink(clientID, appID, `<script>alert(1)</script>`))
	require.Equal(t, http.StatusOK, w.Code, p.body)
	for _, want := range []string{"Staging Bot wants to connect", "Acme Dental", "Acme Plumbing", "Elsewhere", "<code>contacts.write</code>",
		`value="` + loc1 + `"`, "Allow &amp; Install", `action="/v2/oauth/chooselocation"`} {
		assert.Contains(t, p.body, want)
	}
	assert.NotContains(t, p.body, "<script>", "the state is escaped")
	assert.Contains(t, p.body, "&lt;script&gt;")
	assert.NotEmpty(t, p.token)

	require.NotNil(t, p.cookie)
	assert.True(t, p.cookie.HttpOnly)
	assert.Equal(t, http.SameSiteStrictMode, p.cookie.SameSite)
	assert.Equal(t, "/", p.cookie.Path)
	hdr := w.Header()
	assert.Equal(t, "text/html; charset=utf-8", hdr.Get("Content-Type"))
	assert.Equal(t, "DENY", hdr.Get("X-Frame-Options"))
	assert.Contains(t, hdr.Get("Content-Security-Policy"), "frame-ancestors 'none'")
	assert.Equal(t, "no-store", hdr.Get("Cache-Control"))
	assert.Empty(t, hdr.Get("Access-Control-Allow-Origin"))

	first := p.cookie.Value
	p.open(t, authorizeLink(clientID, appID, "s1"))
	assert.Equal(t, first, p.cookie.Value, "a second tab keeps the browser's cookie")

	r := httptest.NewRequest(http.MethodHead, authorizeLink(clientID, appID, "s1"), nil)
	hw := httptest.NewRecorder()
	p.handler.ServeHTTP(hw, r)
	assert.Equal(t, http.StatusOK, hw.Code)
	assert.Zero(t, hw.Body.Len())

	r = httptest.NewRequest(http.MethodPut, "/oauth/chooselocation", nil)
	pw := httptest.NewRecorder()
	p.handler.ServeHTTP(pw, r)
	assert.Equal(t, http.StatusMethodNotAllowed, pw.Code)
}

func TestAuthorizePageErrors(t *testing.T) {
	cases := []struct {
		name   string
		opts   []func(*oauth.Config)
		link   string
		status int
		want   string
	}{
		{"unknown client", nil, authorizeLink("6613f44dffca6b9e436e58a3-abcdefgh", "", "s"), http.StatusBadRequest,
			"No integration found with the ID: 6613f44dffca6b9e436e58a3"},
		{"private app without version_id", nil, authorizeLink(clientID, "", "s"), http.StatusBadRequest, "error.noversionid"},
		{"private app without version_id, accepted by setting",
			[]func(*oauth.Config){withSettings(func(s *oauth.Settings) { s.RequireVersionIDForPrivate = false })},
			authorizeLink(clientID, "", "s"), http.StatusOK, "Staging Bot wants to connect"},
		{"public app without version_id", nil, "/oauth/chooselocation?client_id=" + agencyClientID, http.StatusOK, "Provisioner wants to connect"},
		{"unregistered redirect URI", nil, strings.Replace(authorizeLink(clientID, appID, "s"), url.QueryEscape(redirectURI), url.QueryEscape("https://evil.example/"), 1),
			http.StatusBadRequest, "The redirect URI https://evil.example/ is not registered for this app"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newPage(t, c.opts...)
			w := p.open(t, c.link)
			assert.Equal(t, c.status, w.Code)
			assert.Contains(t, p.body, c.want)
			if c.status != http.StatusOK {
				assert.NotContains(t, p.body, "<form", "no form to approve")
			}
		})
	}
}

func TestAuthorizePageApproves(t *testing.T) {
	p := newPage(t)
	p.open(t, authorizeLink(clientID, appID, "s1"))
	w := p.submit(t, nil)
	require.Equal(t, http.StatusSeeOther, w.Code, p.body)
	loc, err := url.Parse(w.Header().Get("Location"))
	require.NoError(t, err)
	assert.Equal(t, "https", loc.Scheme)
	assert.Equal(t, "bot.example", loc.Host)
	assert.Equal(t, "/oauth/callback", loc.Path)
	assert.Equal(t, "s1", loc.Query().Get("state"))
	resp := p.h.exchange(loc.Query().Get("code"))
	assert.Equal(t, loc1, resp.LocationID)
	assert.Equal(t, "ui:chooselocation", p.h.batches[0][0].Cause.OperationID, "a cause of its own when the server gives none")

	// The agency view, for two locations.
	p.open(t, authorizeLink(clientID, appID, "s1"))
	w = p.submit(t, func(f url.Values, _ *http.Request) {
		f.Set("user_type", "Company")
		f.Set("company", companyID)
		f["location"] = []string{loc1, loc2}
	})
	require.Equal(t, http.StatusSeeOther, w.Code, p.body)
	loc, err = url.Parse(w.Header().Get("Location"))
	require.NoError(t, err)
	resp = p.h.exchange(loc.Query().Get("code"))
	assert.Equal(t, oauth.ClassCompany, resp.UserType)
	assert.Equal(t, []string{loc1, loc2}, resp.ApprovedLocations)
}

func TestAuthorizePageRefusesForgedForms(t *testing.T) {
	cases := []struct {
		name   string
		change func(p *page, f url.Values, r *http.Request)
	}{
		{"no token", func(_ *page, f url.Values, _ *http.Request) { f.Del("csrf_token") }},
		{"a forged token", func(p *page, f url.Values, _ *http.Request) {
			b := []byte(p.token)
			b[len(b)-2] ^= 1
			f.Set("csrf_token", string(b))
		}},
		{"a token of the wrong length", func(_ *page, f url.Values, _ *http.Request) { f.Set("csrf_token", "AAAA") }},
		{"no cookie (a cross-site POST does not carry it)", func(_ *page, _ url.Values, r *http.Request) { r.Header.Del("Cookie") }},
		{"another browser's cookie", func(_ *page, _ url.Values, r *http.Request) {
			r.Header.Del("Cookie")
			r.AddCookie(&http.Cookie{Name: "ghlmock_oauth_csrf", Value: "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqo"})
		}},
		{"a cross-site request", func(_ *page, _ url.Values, r *http.Request) { r.Header.Set("Sec-Fetch-Site", "cross-site") }},
		{"another redirect URI than the page's", func(_ *page, f url.Values, _ *http.Request) { f.Set("redirect_uri", "https://bot.example/alt?x=1") }},
		{"another state than the page's", func(_ *page, f url.Values, _ *http.Request) { f.Set("state", "s2") }},
		{"an expired form", func(p *page, _ url.Values, _ *http.Request) { p.h.clock.Advance(time.Hour) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newPage(t)
			p.open(t, authorizeLink(clientID, appID, "s1"))
			w := p.submit(t, func(f url.Values, r *http.Request) { c.change(p, f, r) })
			assert.Equal(t, http.StatusForbidden, w.Code)
			assert.Contains(t, p.body, "was not sent from its own page")
			assert.Empty(t, p.h.svc.Installs(), "nothing installed")
			assert.Empty(t, p.h.svc.Codes())
		})
	}
}

func TestAuthorizePageShowsRefusedChoices(t *testing.T) {
	p := newPage(t)
	p.open(t, authorizeLink(clientID, appID, "s1"))
	w := p.submit(t, func(f url.Values, _ *http.Request) { f["location"] = []string{loc1, loc2} })
	assert.Equal(t, http.StatusBadRequest, w.Code)
	assert.Contains(t, p.body, "Pick exactly one location to install from a sub-account")
	assert.Contains(t, p.body, `value="`+loc2+`" checked`, "the choices are kept")
	assert.Empty(t, p.h.svc.Installs())
	assert.Empty(t, p.h.svc.Codes())

	m := csrfInput.FindStringSubmatch(p.body)
	require.NotNil(t, m, "the form is shown again, with a token")
	p.token = html.UnescapeString(m[1])
	w = p.submit(t, nil)
	assert.Equal(t, http.StatusSeeOther, w.Code, "the form shown again can be sent")
}

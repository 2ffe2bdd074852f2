package dashboard_test

import (
	"bufio"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver"
)

const (
	remote = "192.0.2.7:40000" // a peer that is not on loopback
	local  = "127.0.0.1:40000"
	host   = "mock.staging.example:8080"
	secret = "s3cret-admin-token"
)

// TestOffLoopbackLogsInOnce walks the token and cookie flow of a browser
// that is not on the mock's machine.
func TestOffLoopbackLogsInOnce(t *testing.T) {
	srv := newMock(t, mockserver.Config{AdminToken: secret})

	res := call(t, srv, "GET", "/_mock/ui/contacts?locationId="+acme, remote, host, nil, "")
	require.Equal(t, http.StatusSeeOther, res.StatusCode, "a page asks for the login first")
	loc := res.Header.Get("Location")
	assert.Equal(t, "/_mock/ui/login?next="+url.QueryEscape("/_mock/ui/contacts?locationId="+acme), loc)

	res = call(t, srv, "GET", "/_mock/ui/api/overview", remote, host, nil, "")
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "JSON is refused, not redirected")

	login := text(t, call(t, srv, "GET", loc, remote, host, nil, ""))
	assert.Contains(t, login, `method="post" action="/_mock/ui/login"`, "the token goes in a POST body, never the URL")

	form := "token=wrong&next=" + url.QueryEscape("/_mock/ui/contacts")
	res = call(t, srv, "POST", "/_mock/ui/login", remote, host, map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, form)
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode)
	assert.Empty(t, res.Cookies(), "a wrong token gets no session")

	form = "token=" + secret + "&next=" + url.QueryEscape("/_mock/ui/contacts")
	res = call(t, srv, "POST", "/_mock/ui/login", remote, host, map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, form)
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	assert.Equal(t, "/_mock/ui/contacts", res.Header.Get("Location"))
	assert.NotContains(t, res.Header.Get("Location"), secret)
	cookies := res.Cookies()
	require.Len(t, cookies, 1)
	c := cookies[0]
	assert.True(t, c.HttpOnly, "HttpOnly")
	assert.Equal(t, http.SameSiteStrictMode, c.SameSite, "SameSite=Strict")
	assert.Equal(t, "/_mock/ui/", c.Path)
	assert.NotEqual(t, secret, c.Value, "the cookie is a session, not the token")
	cookie := map[string]string{"Cookie": c.Name + "=" + c.Value}

	page := call(t, srv, "GET", "/_mock/ui/contacts?q=lovelace&locationId="+acme, remote, host, cookie, "")
	require.Equal(t, http.StatusOK, page.StatusCode, "the session opens the pages")
	body := text(t, page)
	assert.Contains(t, body, "Ada")
	assert.NotContains(t, body, secret, "the token is never in a page")
	csrf := csrfOf(t, body)

	write := func(h map[string]string) int {
		t.Helper()
		all := map[string]string{"Content-Type": "application/json"}
		for k, v := range cookie {
			all[k] = v
		}
		for k, v := range h {
			all[k] = v
		}
		res := call(t, srv, "POST", "/_mock/ui/api/clock", remote, host, all, `{"advance":"1m"}`)
		return res.StatusCode
	}
	assert.Equal(t, http.StatusForbidden, write(nil), "a change needs the CSRF token")
	assert.Equal(t, http.StatusForbidden, write(map[string]string{"X-CSRF-Token": "forged"}))
	assert.Equal(t, http.StatusOK, write(map[string]string{"X-CSRF-Token": csrf}))
	assert.Equal(t, "1m0s", srv.Clock().Offset().String(), "only the one with the token moved the clock")

	// A bearer token works for scripts; a wrong one does not fall back to anything.
	res = call(t, srv, "GET", "/_mock/ui/api/overview", remote, host, map[string]string{"Authorization": "Bearer " + secret}, "")
	assert.Equal(t, http.StatusOK, res.StatusCode)
	res = call(t, srv, "GET", "/_mock/ui/api/overview", remote, host, map[string]string{"Authorization": "Bearer nope", "Cookie": cookie["Cookie"]}, "")
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode)

	res = call(t, srv, "POST", "/_mock/ui/logout", remote, host, map[string]string{"Cookie": cookie["Cookie"], "X-CSRF-Token": csrf, "Content-Type": "application/json"}, "{}")
	require.Equal(t, http.StatusOK, res.StatusCode)
	res = call(t, srv, "GET", "/_mock/ui/", remote, host, cookie, "")
	assert.Equal(t, http.StatusSeeOther, res.StatusCode, "a session logged out is over")
}

// TestOnlyLoopbackOpensDirectly: from loopback, for a loopback host name,
// the dashboard opens with no login; a non-loopback peer or a foreign Host
// (DNS rebinding: evil.example resolving to 127.0.0.1) does not.
func TestOnlyLoopbackOpensDirectly(t *testing.T) {
	open := newMock(t, mockserver.Config{})
	cases := []struct {
		name, remote, host string
		want               int
	}{
		{"loopback", local, "127.0.0.1:8080", http.StatusOK},
		{"localhost", local, "localhost:8080", http.StatusOK},
		{"ipv6 loopback", "[::1]:40000", "[::1]:8080", http.StatusOK},
		{"foreign host name (DNS rebinding)", local, "evil.example:8080", http.StatusForbidden},
		{"a peer off loopback", remote, "127.0.0.1:8080", http.StatusForbidden},
		{"forwarded by a proxy on the machine", local, "127.0.0.1:8080", http.StatusForbidden},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var hdr map[string]string
			if strings.HasPrefix(c.name, "forwarded") {
				hdr = map[string]string{"X-Forwarded-For": "203.0.113.9"}
			}
			res := call(t, open, "GET", "/_mock/ui/", c.remote, c.host, hdr, "")
			assert.Equal(t, c.want, res.StatusCode)
			if c.want == http.StatusForbidden {
				assert.Contains(t, text(t, res), "--admin-token", "the refusal says how to open it")
			}
		})
	}
}

// TestCrossSiteWritesRefused: a page of another origin cannot change the
// mock through a loopback dashboard's open pages.
func TestCrossSiteWritesRefused(t *testing.T) {
	srv := newMock(t, mockserver.Config{})
	page := text(t, call(t, srv, "GET", "/_mock/ui/", local, "127.0.0.1:8080", nil, ""))
	csrf := csrfOf(t, page)
	good := map[string]string{"Content-Type": "application/json", "X-CSRF-Token": csrf}
	with := func(extra map[string]string, drop ...string) map[string]string {
		h := map[string]string{}
		for k, v := range good {
			h[k] = v
		}
		for _, k := range drop {
			delete(h, k)
		}
		for k, v := range extra {
			h[k] = v
		}
		return h
	}
	cases := []struct {
		name string
		hdr  map[string]string
		body string
	}{
		{"Sec-Fetch-Site cross-site", with(map[string]string{"Sec-Fetch-Site": "cross-site"}), `{"advance":"1h"}`},
		{"foreign Origin", with(map[string]string{"Origin": "https://evil.example"}), `{"advance":"1h"}`},
		{"no CSRF token", with(nil, "X-CSRF-Token"), `{"advance":"1h"}`},
		{"a simple form post", with(map[string]string{"Content-Type": "application/x-www-form-urlencoded"}), `advance=1h`},
		{"text/plain", with(map[string]string{"Content-Type": "text/plain"}), `{"advance":"1h"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := call(t, srv, "POST", "/_mock/ui/api/clock", local, "127.0.0.1:8080", c.hdr, c.body)
			assert.Equal(t, http.StatusForbidden, res.StatusCode)
		})
	}
	// The same for a destructive action, and for logging in (login CSRF).
	res := call(t, srv, "POST", "/_mock/ui/api/reset", local, "127.0.0.1:8080", with(map[string]string{"Sec-Fetch-Site": "cross-site"}), `{"confirm":true}`)
	assert.Equal(t, http.StatusForbidden, res.StatusCode)
	res = call(t, srv, "DELETE", "/_mock/ui/api/faults/fault-1", local, "127.0.0.1:8080", map[string]string{"Origin": "https://evil.example"}, "")
	assert.Equal(t, http.StatusForbidden, res.StatusCode)
	assert.Equal(t, "0s", srv.Clock().Offset().String(), "nothing refused moved the clock")

	res = call(t, srv, "POST", "/_mock/ui/api/clock", local, "127.0.0.1:8080", with(map[string]string{"Origin": "http://127.0.0.1:8080", "Sec-Fetch-Site": "same-origin"}), `{"advance":"1h"}`)
	assert.Equal(t, http.StatusOK, res.StatusCode, "the dashboard's own request passes")
	assert.Equal(t, "1h0m0s", srv.Clock().Offset().String())

	tokened := newMock(t, mockserver.Config{AdminToken: secret})
	res = call(t, tokened, "POST", "/_mock/ui/login", remote, host, map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "cross-site"}, "token="+secret)
	assert.Equal(t, http.StatusForbidden, res.StatusCode, "no login from another site")
	assert.Empty(t, res.Cookies())
}

// TestStreamTicket: a script that follows the request stream without a
// cookie trades the admin token (in a header) for a single-use ticket, the
// one credential that may appear in a URL.
func TestStreamTicket(t *testing.T) {
	srv := newMock(t, mockserver.Config{AdminToken: secret})
	ts := serve(t, srv)
	// The test's client connects from loopback; a foreign Host makes it
	// count as off loopback, as a browser elsewhere would.
	do := func(method, path string, hdr map[string]string) *http.Response {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), method, ts.URL+path, strings.NewReader("{}"))
		require.NoError(t, err)
		req.Host = host
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		t.Cleanup(func() { _ = res.Body.Close() })
		return res
	}
	assert.Equal(t, http.StatusUnauthorized, do("GET", "/_mock/ui/events", nil).StatusCode)
	res := do("POST", "/_mock/ui/api/ticket", map[string]string{"Authorization": "Bearer " + secret, "Content-Type": "application/json"})
	require.Equal(t, http.StatusCreated, res.StatusCode)
	ticket, _ := jsonOf(t, res)["ticket"].(string)
	require.NotEmpty(t, ticket)
	assert.NotContains(t, ticket, secret)

	stream := do("GET", "/_mock/ui/events?ticket="+url.QueryEscape(ticket), nil)
	require.Equal(t, http.StatusOK, stream.StatusCode)
	assert.Equal(t, "text/event-stream", stream.Header.Get("Content-Type"))
	line, err := bufio.NewReader(stream.Body).ReadString('\n')
	require.NoError(t, err)
	assert.Equal(t, "retry: 2000\n", line)
	assert.Equal(t, http.StatusUnauthorized, do("GET", "/_mock/ui/events?ticket="+url.QueryEscape(ticket), nil).StatusCode, "a ticket works once")
	assert.Equal(t, http.StatusUnauthorized, do("GET", "/_mock/ui/events?ticket="+url.QueryEscape(secret), nil).StatusCode, "the admin token itself is no ticket")
}

package mockserver_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ghlmock/ghlmock/mockserver"
)

// adminRequest is a request to the admin API as the guard sees it; its
// zero value comes from a loopback client for Host 127.0.0.1:8080.
type adminRequest struct {
	method, path, body string
	host, remote       string
	headers            map[string]string
}

func (a adminRequest) serve(t *testing.T, srv http.Handler) *httptest.ResponseRecorder {
	t.Helper()
	if a.method == "" {
		a.method = "GET"
	}
	if a.path == "" {
		a.path = "/_mock/faults"
	}
	r := httptest.NewRequestWithContext(t.Context(), a.method, a.path, strings.NewReader(a.body))
	if a.body == "" {
		r.Body, r.ContentLength = http.NoBody, 0
	}
	r.Host, r.RemoteAddr = "127.0.0.1:8080", "127.0.0.1:50000"
	if a.host != "" {
		r.Host = a.host
	}
	if a.remote != "" {
		r.RemoteAddr = a.remote
	}
	for k, v := range a.headers {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, r)
	return w
}

const aFault = `{"operationId":"get-contact","status":503,"times":1}`

var jsonType = map[string]string{"Content-Type": "application/json"}

func with(h map[string]string, kv ...string) map[string]string {
	out := map[string]string{}
	for k, v := range h {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

func TestTheAdminAPIRefusesWhatAWebPageOrAStrangerSends(t *testing.T) {
	cases := []struct {
		name   string
		req    adminRequest
		status int
	}{
		// What a loopback client like curl sends.
		{"a JSON POST", adminRequest{method: "POST", body: aFault, headers: jsonType}, 201},
		{"a JSON POST with a charset", adminRequest{method: "POST", body: aFault, headers: map[string]string{"Content-Type": "application/json; charset=utf-8"}}, 201},
		{"a POST without a body", adminRequest{method: "POST", path: "/_mock/reset"}, 200},
		{"a DELETE", adminRequest{method: "DELETE"}, 200},
		{"a GET", adminRequest{}, 200},
		{"the mock's own origin", adminRequest{method: "POST", body: aFault, headers: with(jsonType, "Origin", "http://127.0.0.1:8080", "Sec-Fetch-Site", "same-origin")}, 201},
		{"Host localhost", adminRequest{host: "localhost:8080"}, 200},
		{"Host a.localhost", adminRequest{host: "app.localhost"}, 200},
		{"Host an IPv6 address", adminRequest{host: "[::1]:8080"}, 200},
		{"Host a LAN address", adminRequest{host: "10.0.0.5:8080"}, 200},
		{"Host an allowed name", adminRequest{host: "mock.internal:8080"}, 200},
		{"a link followed from another site", adminRequest{headers: map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"}}, 200},

		// What a web page of another origin can send.
		{"a form POST", adminRequest{method: "POST", body: "operationId=get-contact&status=503", headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}, 415},
		{"a multipart form POST", adminRequest{method: "POST", body: "--x\r\n\r\n", headers: map[string]string{"Content-Type": "multipart/form-data; boundary=x"}}, 415},
		{"a text/plain POST of JSON", adminRequest{method: "POST", body: aFault, headers: map[string]string{"Content-Type": "text/plain"}}, 415},
		{"a POST with a body and no type", adminRequest{method: "POST", body: aFault}, 415},
		{"a reset with a text/plain type", adminRequest{method: "POST", path: "/_mock/reset", headers: map[string]string{"Content-Type": "text/plain"}}, 415},
		{"a foreign Origin", adminRequest{method: "POST", body: aFault, headers: with(jsonType, "Origin", "https://evil.example")}, 403},
		{"another port of localhost", adminRequest{method: "POST", body: aFault, headers: with(jsonType, "Origin", "http://127.0.0.1:3000")}, 403},
		{"Origin null", adminRequest{method: "POST", path: "/_mock/reset", headers: map[string]string{"Origin": "null"}}, 403},
		{"a foreign Origin reading", adminRequest{path: "/_mock/tokens", headers: map[string]string{"Origin": "https://evil.example"}}, 403},
		{"Sec-Fetch-Site cross-site", adminRequest{method: "POST", path: "/_mock/reset", headers: map[string]string{"Sec-Fetch-Site": "cross-site"}}, 403},
		{"a cross-site fetch reading", adminRequest{path: "/_mock/tokens", headers: map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors"}}, 403},
		{"DNS rebinding", adminRequest{path: "/_mock/tokens", host: "rebind.evil.example:8080"}, 403},
		{"DNS rebinding, a write", adminRequest{method: "POST", path: "/_mock/reset", host: "rebind.evil.example"}, 403},

		// Strangers, with no admin token configured.
		{"forwarded by a proxy", adminRequest{headers: map[string]string{"X-Forwarded-For": "203.0.113.9"}}, 403},
		{"forwarded, RFC 7239", adminRequest{headers: map[string]string{"Forwarded": "for=203.0.113.9"}}, 403},
		{"forwarded, X-Real-IP", adminRequest{headers: map[string]string{"X-Real-IP": "203.0.113.9"}}, 403},
		{"another machine", adminRequest{remote: "203.0.113.9:40000"}, 403},

		// Health stays open to every probe.
		{"health from anywhere", adminRequest{path: "/_mock/health", host: "ghlmock", remote: "203.0.113.9:40000", headers: map[string]string{"X-Forwarded-For": "1.2.3.4", "Origin": "https://evil.example"}}, 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, err := mockserver.New(mockserver.Config{ContactsPerLocation: 1, AllowedHosts: []string{"mock.internal"}})
			require.NoError(t, err)
			w := tc.req.serve(t, srv)
			require.Equal(t, tc.status, w.Code, "%s", w.Body)
			if tc.status >= 400 {
				assertAdminError(t, w)
				faults := adminRequest{}.serve(t, srv)
				assert.JSONEq(t, `{"faults":[]}`, faults.Body.String(), "a refused request changed nothing")
			}
		})
	}
}

func TestTheAdminTokenOpensTheAdminAPIToOtherMachines(t *testing.T) {
	srv, err := mockserver.New(mockserver.Config{ContactsPerLocation: 1, AdminToken: "s3cret"})
	require.NoError(t, err)
	token := map[string]string{"Authorization": "Bearer s3cret"}
	for _, tc := range []struct {
		name   string
		req    adminRequest
		status int
	}{
		{"loopback without the token", adminRequest{}, 401},
		{"loopback, a wrong token", adminRequest{headers: map[string]string{"Authorization": "Bearer nope"}}, 401},
		{"loopback with the token", adminRequest{headers: token}, 200},
		{"another machine with the token", adminRequest{remote: "203.0.113.9:40000", headers: token}, 200},
		{"forwarded with the token", adminRequest{headers: with(token, "X-Forwarded-For", "203.0.113.9")}, 200},
		{"its DNS name with the token", adminRequest{host: "ghlmock.staging.example", headers: token}, 200},
		{"its DNS name without the token", adminRequest{host: "ghlmock.staging.example"}, 403},
		{"another machine without the token", adminRequest{remote: "203.0.113.9:40000"}, 401},
		{"a form POST with the token", adminRequest{method: "POST", body: "a=b", headers: with(token, "Content-Type", "application/x-www-form-urlencoded")}, 415},
		{"a foreign Origin with the token", adminRequest{method: "POST", path: "/_mock/reset", headers: with(token, "Origin", "https://evil.example")}, 403},
		{"health without the token", adminRequest{path: "/_mock/health", remote: "203.0.113.9:40000"}, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := tc.req.serve(t, srv)
			require.Equal(t, tc.status, w.Code, "%s", w.Body)
			if tc.status >= 400 {
				assertAdminError(t, w)
			}
			if tc.status == 401 {
				assert.Equal(t, `Bearer realm="ghlmock admin"`, w.Header().Get("WWW-Authenticate"))
			}
		})
	}
}

// assertAdminError checks GHL's error shape on an admin refusal.
func assertAdminError(t *testing.T, w *httptest.ResponseRecorder) {
	t.Helper()
	var e struct {
		StatusCode int    `json:"statusCode"`
		Message    string `json:"message"`
		Error      string `json:"error"`
	}
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &e), "%s", w.Body)
	assert.Equal(t, w.Code, e.StatusCode)
	assert.NotEmpty(t, e.Message)
	assert.Equal(t, http.StatusText(w.Code), e.Error)
}

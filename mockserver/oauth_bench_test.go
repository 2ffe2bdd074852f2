package mockserver_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ghlmock/ghlmock/mockserver"
	"github.com/ghlmock/ghlmock/mockserver/ratelimit"
)

// BenchmarkGetContactOAuth is BenchmarkGetContact with an OAuth access token
// instead of a PIT: what the one authentication path costs a JWT bearer.
func BenchmarkGetContactOAuth(b *testing.B) {
	k, err := testKey()
	if err != nil {
		b.Fatal(err)
	}
	srv, err := mockserver.New(mockserver.Config{
		OAuthKey:   k,
		RateLimits: ratelimit.Limits{Burst: 1 << 40, Window: 10 * time.Second, Daily: 1 << 40},
	})
	if err != nil {
		b.Fatal(err)
	}
	res, e := srv.OAuth().Authorize(b.Context(), oauthAuthorizeInput())
	if e != nil {
		b.Fatal(e)
	}
	form := url.Values{"client_id": {clientID}, "client_secret": {clientSecret}, "grant_type": {"authorization_code"}, "code": {res.Code}}
	req := httptest.NewRequest("POST", "/oauth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("exchange: %d %s", rec.Code, rec.Body)
	}
	access := strings.Split(strings.Split(rec.Body.String(), `"access_token":"`)[1], `"`)[0]
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest("GET", "/contacts/"+ada, nil)
		req.Header.Set("Authorization", "Bearer "+access)
		req.Header.Set("Version", "2021-07-28")
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
}

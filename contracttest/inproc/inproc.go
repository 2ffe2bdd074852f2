// Package inproc is the contract suite's in-process target: a ghlmock server
// (mockserver.New with the default fixtures) called through its
// http.Handler, with no socket, on a fake clock that the mock and the runner
// share, so that waiting for a rate-limit window costs no wall time.
//
// It is the only part of the contract suite that knows the mock's Go types;
// the runner and the scenarios speak HTTP and the OpenAPI document only.
package inproc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/ghlmock/ghlmock/contracttest"
	"github.com/ghlmock/ghlmock/mockserver"
	"github.com/ghlmock/ghlmock/mockserver/fixture"
	"github.com/ghlmock/ghlmock/mockserver/oauth"
)

// BaseURL is the made-up base URL of the in-process target.
const BaseURL = "http://ghlmock.internal"

// Options configure the in-process mock.
type Options struct {
	// Seed seeds the mock's generated data; 0 means 1.
	Seed int64
	// Start is where the fake clock starts; zero means now.
	Start time.Time
	// ContactsPerLocation overrides the fixtures' generated contacts per
	// location (0 keeps them); fewer make a faster start.
	ContactsPerLocation int
	// Wrap, when set, wraps the mock's handler: the drift tests rewrite its
	// answers this way.
	Wrap func(http.Handler) http.Handler
}

// New starts an in-process mock and returns it as a target. Its variables
// come from the default fixtures: the first location that disallows
// duplicate contacts, its read-write and read-only tokens, its first user,
// campaign, workflow and business, and another location as the foreign one.
func New(opts Options) (*contracttest.Target, error) {
	fx, err := fixture.Default()
	if err != nil {
		return nil, err
	}
	vars, err := Vars(fx)
	if err != nil {
		return nil, err
	}
	start := opts.Start
	if start.IsZero() {
		start = time.Now()
	}
	clock := contracttest.NewFakeClock(start, time.Millisecond)
	key, err := signingKey()
	if err != nil {
		return nil, fmt.Errorf("inproc: %w", err)
	}
	srv, err := mockserver.New(mockserver.Config{
		Fixtures:            fx,
		Seed:                opts.Seed,
		ContactsPerLocation: opts.ContactsPerLocation,
		Now:                 clock.Now,
		OAuthKey:            key,
		// The admin API answers for the made-up host (oauthVars calls it).
		AllowedHosts: []string{strings.TrimPrefix(BaseURL, "http://")},
	})
	if err != nil {
		return nil, fmt.Errorf("inproc: %w", err)
	}
	if err := oauthVars(srv, fx, vars); err != nil {
		return nil, fmt.Errorf("inproc: %w", err)
	}
	var h http.Handler = srv
	if opts.Wrap != nil {
		h = opts.Wrap(h)
	}
	return &contracttest.Target{
		Name:    "in-process mock",
		BaseURL: BaseURL,
		Client:  &http.Client{Transport: handlerTransport{h}},
		Vars:    vars,
		Clock:   clock,
	}, nil
}

// Vars derives the target variables from a fixture set.
func Vars(fx *fixture.Fixture) (map[string]string, error) {
	vars := fx.ContractVars()
	if vars["locationId"] == "" || vars["foreignLocationId"] == "" {
		return nil, errors.New("inproc: the fixtures need a location that disallows duplicates and another location")
	}
	if vars["token"] == "" {
		return nil, fmt.Errorf("inproc: location %s has no read-write token", vars["locationId"])
	}
	return vars, nil
}

// signingKey is the OAuth signing key of every in-process mock of the
// process: making one takes a second or two.
var signingKey = sync.OnceValues(oauth.GenerateKey)

// oauthVars gives the OAuth scenarios what a real app's developer would: the
// first marketplace app's credentials, a fresh code, and refresh tokens of
// a Location install on the location and of the agency's install, made
// through the mock's admin API (POST /_mock/oauth/authorize, then
// POST /oauth/token).
func oauthVars(h http.Handler, fx *fixture.Fixture, vars map[string]string) error {
	sum := fx.Resolved()
	var clientID, secret string
	for _, a := range sum.Apps {
		if a.OAuthAppSummary != nil {
			clientID, secret = a.ClientID, a.ClientSecret
			break
		}
	}
	if clientID == "" || len(sum.Companies) == 0 {
		return nil // fixtures without OAuth: the OAuth scenarios are skipped
	}
	call := func(method, path, contentType, body string) (map[string]any, error) {
		req := httptest.NewRequest(method, BaseURL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		req.RemoteAddr = "127.0.0.1:4242" // the admin API answers loopback callers only
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var m map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil || rec.Code != http.StatusOK {
			return nil, fmt.Errorf("%s %s: %d %s", method, path, rec.Code, rec.Body.Bytes())
		}
		return m, nil
	}
	code := func(where map[string]string) (string, error) {
		var b bytes.Buffer
		body := map[string]string{"clientId": clientID}
		for k, v := range where {
			body[k] = v
		}
		if err := json.NewEncoder(&b).Encode(body); err != nil {
			return "", err
		}
		m, err := call("POST", "/_mock/oauth/authorize", "application/json", b.String())
		if err != nil {
			return "", err
		}
		c, _ := m["code"].(string)
		return c, nil
	}
	refresh := func(where map[string]string) (string, error) {
		c, err := code(where)
		if err != nil {
			return "", err
		}
		form := url.Values{"client_id": {clientID}, "client_secret": {secret}, "grant_type": {"authorization_code"}, "code": {c}}
		m, err := call("POST", "/oauth/token", "application/x-www-form-urlencoded", form.Encode())
		if err != nil {
			return "", err
		}
		rt, _ := m["refresh_token"].(string)
		return rt, nil
	}
	company := sum.Companies[0].ID
	var err error
	vars["clientId"], vars["clientSecret"], vars["companyId"] = clientID, secret, company
	if vars["oauthCode"], err = code(map[string]string{"locationId": vars["locationId"]}); err != nil {
		return err
	}
	if vars["refreshToken"], err = refresh(map[string]string{"locationId": vars["locationId"]}); err != nil {
		return err
	}
	vars["companyRefreshToken"], err = refresh(map[string]string{"companyId": company})
	return err
}

// handlerTransport is an http.RoundTripper that serves requests with a handler.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	in := req.Clone(req.Context())
	in.RequestURI = req.URL.RequestURI()
	in.RemoteAddr = "192.0.2.1:4242"
	if in.Body == nil {
		in.Body = http.NoBody
	}
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, in)
	res := rec.Result()
	res.Request = req
	return res, nil
}

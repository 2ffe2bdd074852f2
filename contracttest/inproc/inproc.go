// Package inproc is the contract suite's in-process target: a ghlmock server
// (mockserver.New with the default fixtures) called through its
// http.Handler, with no socket, on a fake clock that the mock and the runner
// share, so that waiting for a rate-limit window costs no wall time.
//
// It is the only part of the contract suite that knows the mock's Go types;
// the runner and the scenarios speak HTTP and the OpenAPI document only.
package inproc

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"time"

	"github.com/ghlmock/ghlmock/contracttest"
	"github.com/ghlmock/ghlmock/mockserver"
	"github.com/ghlmock/ghlmock/mockserver/fixture"
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
	srv, err := mockserver.New(mockserver.Config{
		Fixtures:            fx,
		Seed:                opts.Seed,
		ContactsPerLocation: opts.ContactsPerLocation,
		Now:                 clock.Now,
	})
	if err != nil {
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
	var loc, foreign *fixture.Location
	for i := range fx.Locations {
		l := &fx.Locations[i]
		if loc == nil && !l.AllowDuplicateContact {
			loc = l
		} else if foreign == nil {
			foreign = l
		}
	}
	if loc == nil || foreign == nil {
		return nil, errors.New("inproc: the fixtures need a location that disallows duplicates and another location")
	}
	vars := map[string]string{
		"locationId":           loc.ID,
		"foreignLocationId":    foreign.ID,
		"duplicatesDisallowed": "true",
	}
	for _, t := range loc.Tokens {
		if !t.ExpiresAt.IsZero() {
			continue
		}
		switch {
		case vars["token"] == "" && t.HasScope("contacts.write") && t.HasScope("contacts.readonly"):
			vars["token"] = t.Token
		case vars["readonlyToken"] == "" && t.HasScope("contacts.readonly") && !slices.Contains(t.Scopes, "contacts.write"):
			vars["readonlyToken"] = t.Token
		}
	}
	if len(loc.Users) > 0 {
		vars["userId"] = loc.Users[0].ID
	}
	if len(loc.Campaigns) > 0 {
		vars["campaignId"] = loc.Campaigns[0].ID
	}
	if len(loc.Workflows) > 0 {
		vars["workflowId"] = loc.Workflows[0].ID
	}
	if len(loc.Businesses) > 0 {
		vars["businessId"] = loc.Businesses[0].ID
	}
	if vars["token"] == "" {
		return nil, fmt.Errorf("inproc: location %s has no read-write token", loc.ID)
	}
	return vars, nil
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

// Package mockserver is ghlmock's HTTP server: a stateful fake of the
// GoHighLevel API v2 Contacts endpoints. Routes come from the OpenAPI document,
// one per operationId; every request goes through one pipeline (trace id,
// journal, faults, rate limit, auth, validation) before the operation's
// handler reads or changes the in-memory store.
//
// The server is a plain http.Handler, so a Go test can run it with
// httptest.NewServer, with no process and no port of its own:
//
//	srv, err := mockserver.New(mockserver.Config{})
//	ts := httptest.NewServer(srv)
package mockserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"
	_ "time/tzdata" // appointment times in the location's zone, on machines without zoneinfo

	"github.com/gorilla/mux"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/fixture"
	"github.com/ghlmock/ghlmock/mockserver/inmem"
	"github.com/ghlmock/ghlmock/mockserver/ratelimit"
	"github.com/ghlmock/ghlmock/mockserver/seed"
	"github.com/ghlmock/ghlmock/openapi"
)

// Config configures a Server. The zero value serves the embedded default
// fixtures with seed 1 on the real clock, logging nothing.
type Config struct {
	// Fixtures are the locations, tokens and settings to serve; nil means the
	// embedded fixtures/default.yaml.
	Fixtures *fixture.Fixture
	// Seed seeds the generated data; 0 means 1 (gofakeit treats 0 as random,
	// and the mock's data must be reproducible).
	Seed int64
	// ContactsPerLocation overrides how many contacts each location gets
	// generated; 0 keeps what the fixtures say.
	ContactsPerLocation int
	// Now is the clock; nil means time.Now. Tests inject a fake one.
	Now func() time.Time
	// Logger receives one line per request and internal errors; nil discards.
	Logger *slog.Logger
	// Spec is the OpenAPI document; nil means the embedded one.
	Spec *openapi.Spec
	// MaxBodyBytes bounds request bodies (413 beyond); 0 means 1 MiB.
	MaxBodyBytes int64
	// RateLimits, where set (non-zero), replace the burst limit, burst window
	// and daily limit of every token whose fixture entry sets none of its own
	// (the apps' limits, GHL's 100 per 10 s and 200,000 a day by default).
	RateLimits ratelimit.Limits
}

// Server is the mock. It implements http.Handler.
type Server struct {
	cfg      Config
	spec     *openapi.Spec
	fx       *fixture.Fixture
	settings fixture.Settings
	log      *slog.Logger
	clock    *Clock
	ids      *crm.IDGen

	tokens  *tokens
	limiter *ratelimit.Limiter

	store  atomic.Pointer[inmem.Store]
	router *mux.Router
	ops    map[string]*operation // by operationId
}

// operation is one route of the document with its handler.
type operation struct {
	*openapi.Operation
	handle      handlerFunc
	implemented bool
	// bodyLocation reports that the request body has a top-level locationId
	// that must be the token's location.
	bodyLocation bool
	// queryLocation likewise for the query string.
	queryLocation bool
}

// handlerFunc serves one operation once the pipeline has authenticated and
// validated the request. It returns the success status and body, or an error:
// a *apiError or *crm.Error is answered as GHL would; anything else is a 500.
type handlerFunc func(ctx context.Context, rq *request) (int, any, error)

// New builds a server: it loads the document and fixtures, generates the
// seeded data and registers one route per operation.
func New(cfg Config) (*Server, error) {
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if cfg.Spec == nil {
		spec, err := openapi.Load(context.Background())
		if err != nil {
			return nil, err
		}
		cfg.Spec = spec
	}
	if cfg.Fixtures == nil {
		fx, err := fixture.Default()
		if err != nil {
			return nil, err
		}
		cfg.Fixtures = fx
	}
	s := &Server{
		cfg:      cfg,
		spec:     cfg.Spec,
		fx:       cfg.Fixtures,
		settings: cfg.Fixtures.Settings,
		log:      cfg.Logger,
		clock:    NewClock(cfg.Now),
		ids:      crm.NewIDGen(uint64(cfg.Seed) ^ 0x6768_6c6d_6f63_6b21), // "ghlmock!"
	}
	s.limiter = ratelimit.New(s.clock.Now)
	s.tokens = s.loadTokens()
	if err := s.reseed(); err != nil {
		return nil, err
	}
	if err := s.buildRoutes(); err != nil {
		return nil, err
	}
	return s, nil
}

// reseed replaces the whole state with freshly generated seeded data.
func (s *Server) reseed() error {
	ds, err := seed.Generate(s.fx, seed.Options{
		Seed:                s.cfg.Seed,
		Now:                 s.clock.Now(),
		ContactsPerLocation: s.cfg.ContactsPerLocation,
	})
	if err != nil {
		return fmt.Errorf("mockserver: seed: %w", err)
	}
	st, err := inmem.New(ds, inmem.Options{
		Now:             s.clock.Now,
		IDs:             s.ids,
		SearchLag:       s.settings.SearchLag,
		NormalizePhones: s.settings.NormalizePhones,
	})
	if err != nil {
		return fmt.Errorf("mockserver: store: %w", err)
	}
	s.store.Store(st)
	return nil
}

// Store returns the current state, for Go tests that want to look behind the API.
func (s *Server) Store() crm.Store { return s.store.Load() }

// Clock returns the server's clock, which tests can move forward.
func (s *Server) Clock() *Clock { return s.clock }

// ServeHTTP runs the request pipeline.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.router.ServeHTTP(w, r)
}

// errInternal marks an answer the mock could not give for a reason of its own.
var errInternal = errors.New("mockserver: internal error")

// Package mockserver is ghlmock's HTTP server: a stateful fake of the
// GoHighLevel API v2 Contacts endpoints. Routes come from the OpenAPI document,
// one per operationId (routes.go); every request goes through one pipeline
// (pipeline.go: faults, token, rate limit, Version, scope, body, validation,
// location) before the operation's handler (handlers_*.go, one file per
// resource) reads or changes the in-memory store.
//
// The server is a plain http.Handler, so a Go test can run it with
// httptest.NewServer, with no process and no port of its own:
//
//	srv, err := mockserver.New(mockserver.Config{})
//	ts := httptest.NewServer(srv)
package mockserver

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
	_ "time/tzdata" // appointment times in the location's zone, on machines without zoneinfo

	"github.com/gorilla/mux"

	"github.com/ghlmock/ghlmock/mockserver/changefeed"
	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/faults"
	"github.com/ghlmock/ghlmock/mockserver/fixture"
	"github.com/ghlmock/ghlmock/mockserver/inmem"
	"github.com/ghlmock/ghlmock/mockserver/journal"
	"github.com/ghlmock/ghlmock/mockserver/oauth"
	"github.com/ghlmock/ghlmock/mockserver/ratelimit"
	"github.com/ghlmock/ghlmock/mockserver/seed"
	"github.com/ghlmock/ghlmock/mockserver/sqlite"
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
	// Now is the clock; nil means time.Now (or Epoch). Tests inject a fake one.
	Now func() time.Time
	// Epoch, when set (and Now is not), is the instant the mock's clock
	// starts at; it then runs at real speed. The seeded data, whose dates are
	// relative to the clock, are then the same in every run, dates included,
	// and a Reset starts the clock at Epoch again with the same data.
	Epoch time.Time
	// Logger receives one line per request and internal errors; nil discards.
	Logger *slog.Logger
	// Spec is the OpenAPI document; nil means the embedded one.
	Spec *openapi.Spec
	// MaxBodyBytes bounds request bodies (413 beyond); 0 means 1 MiB.
	MaxBodyBytes int64
	// BodyTimeout is how long a request's body may take to arrive, from when
	// the mock starts serving the request (after its headers); a slower one
	// has its connection closed. 0 means no bound (serve's --body-timeout
	// sets one). See body_limits.go.
	BodyTimeout time.Duration
	// RateLimits, where set (non-zero), replace the burst limit, burst window
	// and daily limit of every token whose fixture entry sets none of its own
	// (the apps' limits, GHL's 100 per 10 s and 200,000 a day by default).
	RateLimits ratelimit.Limits
	// RetryAfter, when set, overrides the fixtures' retryAfter setting: send
	// Retry-After (seconds) on a 429.
	RetryAfter *bool
	// Faults are fault rules in force from the start (besides the fixtures'
	// own), e.g. from a --faults file. A reset brings them back.
	Faults []faults.Rule
	// AdminToken, when set, is required as a bearer token on the admin API
	// (/_mock/…, except /_mock/health); without it the admin API answers
	// only loopback clients that no proxy forwarded (admin_guard.go).
	AdminToken string
	// AllowedHosts are the host names, besides localhost and IP addresses,
	// under which the admin API answers requests without the admin token
	// (the serve command adds its listen host).
	AllowedHosts []string
	// JournalSize is how many requests the journal keeps; 0 means 1000.
	JournalSize int
	// JournalBodyBytes bounds what the journal keeps of each request's and
	// answer's body (and of a header value); 0 means 4096, a negative value
	// keeps no bodies.
	JournalBodyBytes int
	// Pprof serves net/http/pprof under /_mock/debug/pprof/ (admin-protected).
	Pprof bool
	// StatePath, when set, is the SQLite database the state lives in: New
	// loads it (or writes the seeded state into a new one), every write is
	// committed to it before its answer is written, and Close closes it. A
	// file New cannot use is refused with a *sqlite.Refusal.
	StatePath string
	// StateSync makes every commit wait for the disk, so that an operating
	// system crash loses nothing either (the default survives the process
	// being killed).
	StateSync bool
	// Webhooks configures the webhooks the mock sends (server_webhooks.go).
	Webhooks WebhookConfig

	// OAuthKey is the RS256 key OAuth tokens are signed with; nil means one
	// made when the first token is (4096 bits: a second or two), kept in the
	// state. Tests that start many mocks share one.
	OAuthKey *rsa.PrivateKey
	// CORSOrigins lets browser pages of these origins call the GHL API
	// routes: "*" for any, or origins such as https://app.example.com.
	// Preflights are answered; the admin API stays closed to other origins.
	CORSOrigins []string
	// Metrics serves Prometheus metrics at /_mock/metrics (see metrics.go).
	Metrics bool
	// MaxWorkspaces bounds the workspaces that may exist at once (see
	// workspaces.go); 0 means 64.
	MaxWorkspaces int

	// inWorkspace marks the server of a workspace: it has no workspaces.
	inWorkspace bool
	// metricsOf, for a workspace, are its main mock's metrics, which count
	// its requests too.
	metricsOf *metrics

	// beforeCommit is sqlite.Options.BeforeCommit, for tests (export_test.go).
	beforeCommit func() error
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
	// seedRef is what the seeded dates are relative to (determinism.go).
	seedRef time.Time

	tokens  *tokens
	limiter *ratelimit.Limiter
	faults  *faults.Engine
	journal *journal.Journal
	answers *answerCache // rendered GET contact answers (answer_cache.go)
	// initialFaults are the rules a reset restores: the fixtures' and Config's.
	initialFaults []faults.Rule
	// held is closed when the server shuts down, releasing requests that a
	// "timeout" fault holds.
	held     chan struct{}
	heldOnce sync.Once

	store  atomic.Pointer[inmem.Store]
	router *mux.Router
	ops    map[string]*operation // by operationId
	cors   *cors                 // nil: CORS off
	// metrics, with Config.Metrics, are the server's Prometheus metrics.
	metrics *metrics
	// ws are the workspaces this server serves (see workspaces.go).
	ws workspaceSet

	// changes counts what changed the state: successful writes through the
	// API, resets and state imports (see Changes).
	changes atomic.Uint64
	// serving counts the API requests being served, and lastRequest is
	// when the latest one started (Unix ns): the webhook engine yields to
	// them (see apiBusy).
	serving     atomic.Int64
	lastRequest atomic.Int64

	// feed carries every change of the state (see changefeed); db, with
	// Config.StatePath, is its durable log. writeGate is held shared by
	// every write while it is applied and exclusively while failed writes
	// are undone (see durability.go).
	feed      *changefeed.Feed
	db        *sqlite.DB
	writeGate sync.RWMutex
	// records are the state database's own records as loaded, until the
	// webhooks take theirs; hooks are the webhooks (server_webhooks.go).
	records map[crm.Kind]map[string]json.RawMessage
	hooks   *hub

	// oauth is GHL's apps, installs and tokens (oauth_server.go); grants
	// are its records the state database held at start-up.
	oauth     *oauth.Service
	oauthApps map[string]*oauthApp
	grants    map[string]json.RawMessage
}

// Changes counts the changes to the state made through the API (successful
// writes: the operations that need contacts.write), and by the admin API's
// reset and state import: a caller can tell whether the state changed
// since it last looked (Config.StatePath needs no such help: it commits
// every change as it is made).
func (s *Server) Changes() uint64 { return s.changes.Load() }

// New builds a server: it loads the document and fixtures, generates the
// seeded data and registers one route per operation.
func New(cfg Config) (*Server, error) {
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	var clock *Clock
	switch {
	case cfg.Now != nil && !cfg.Epoch.IsZero():
		return nil, errors.New("mockserver: set Config.Now or Config.Epoch, not both")
	case !cfg.Epoch.IsZero():
		clock = newEpochClock(cfg.Epoch)
	default:
		clock = NewClock(cfg.Now) // time.Now when nil
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.JournalSize <= 0 {
		cfg.JournalSize = 1000
	}
	if cfg.JournalBodyBytes == 0 {
		cfg.JournalBodyBytes = 4096
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
		answers:  newAnswerCache(),
		cfg:      cfg,
		spec:     cfg.Spec,
		fx:       cfg.Fixtures,
		settings: cfg.Fixtures.Settings,
		log:      cfg.Logger,
		clock:    clock,
		seedRef:  seedReference(cfg, clock),
		ids:      crm.NewIDGen(uint64(cfg.Seed) ^ 0x6768_6c6d_6f63_6b21), // "ghlmock!"
	}
	if cfg.RetryAfter != nil {
		s.settings.RetryAfter = *cfg.RetryAfter
	}
	var err error
	if s.cors, err = newCORS(cfg.CORSOrigins); err != nil {
		return nil, err
	}
	s.limiter = ratelimit.New(s.clock.Now)
	s.tokens = newTokens(s.fixtureTokens())
	s.feed = changefeed.New()
	s.journal = journal.New(cfg.JournalSize)
	s.held = make(chan struct{})
	s.faults = faults.New(uint64(cfg.Seed))
	s.faults.SetClock(s.clock.Now) // a rule's TTL runs on the mock's clock
	rules, err := fixtureFaults(cfg.Fixtures)
	if err != nil {
		return nil, err
	}
	s.initialFaults = append(rules, cfg.Faults...)
	if err := s.restoreFaults(); err != nil {
		return nil, err
	}
	if cfg.StatePath != "" {
		// The database holds the state: seeding is for a new one only.
		if err := s.openState(context.Background()); err != nil {
			if s.db != nil {
				_ = s.db.Close()
			}
			return nil, err
		}
	} else {
		st, err := s.seeded()
		if err != nil {
			return nil, err
		}
		s.store.Store(st)
	}
	switch {
	case cfg.metricsOf != nil:
		s.metrics = cfg.metricsOf
	case cfg.Metrics:
		s.metrics = newMetrics(s)
	}
	if err := s.initOAuth(context.Background(), s.grants); err != nil {
		if s.db != nil {
			_ = s.db.Close()
		}
		return nil, err
	}
	s.grants = nil
	if err := s.startWebhooks(context.Background(), s.records); err != nil {
		if s.db != nil {
			_ = s.db.Close()
		}
		return nil, err
	}
	s.records = nil
	if err := s.buildRoutes(); err != nil {
		return nil, err
	}
	return s, nil
}

// seeded returns a store holding freshly generated seeded data.
func (s *Server) seeded() (*inmem.Store, error) {
	now := s.seedRef
	if s.cfg.Now != nil {
		now = s.clock.Now() // a test's clock, as it reads at the reset
	}
	ds, err := seed.Generate(s.fx, seed.Options{
		Seed:                s.cfg.Seed,
		Now:                 now,
		ContactsPerLocation: s.cfg.ContactsPerLocation,
	})
	if err != nil {
		return nil, fmt.Errorf("mockserver: seed: %w", err)
	}
	return s.newStore(ds)
}

// newStore returns a store holding ds, publishing to the feed.
func (s *Server) newStore(ds crm.Dataset) (*inmem.Store, error) {
	st, err := inmem.New(ds, inmem.Options{
		Now:             s.clock.Now,
		IDs:             s.ids,
		SearchLag:       s.settings.SearchLag,
		NormalizePhones: s.settings.NormalizePhones,
		Publisher:       s.feed,

		UpsertMatchesAdditionalEmails: s.settings.UpsertMatchesAdditionalEmails,
	})
	if err != nil {
		return nil, fmt.Errorf("mockserver: store: %w", err)
	}
	return st, nil
}

// Store returns the current state, for Go tests that want to look behind the API.
func (s *Server) Store() crm.Store { return s.store.Load() }

// Clock returns the server's clock, which tests can move forward.
func (s *Server) Clock() *Clock { return s.clock }

// Reset brings the mock back to its seeded state: the store regenerated, rate
// counters, journal and clock offset cleared, tokens as the fixtures declare
// them, and the fault rules back to those in force at start. With a state
// database, the reset is committed like any write (and refused, changing
// nothing, when it cannot be).
func (s *Server) Reset() error {
	return s.reset(context.Background())
}

func (s *Server) reset(ctx context.Context) error {
	s.clock.Reset()
	st, err := s.seeded()
	if err != nil {
		return err
	}
	err = s.write(ctx, crm.Cause{OperationID: "admin:reset"}, true, func(ctx context.Context) error {
		old := s.store.Load()
		fixtures := s.fixtureTokens()
		records := s.tokens.records(fixtures)
		var ds crm.Dataset
		if s.feed.Active() {
			var err error
			if ds, err = st.Export(ctx); err != nil {
				return err
			}
		}
		s.store.Store(st)
		prev := s.tokens.reload(fixtures)
		if !s.feed.Active() {
			return nil
		}
		s.feed.Publish(ctx, crm.Change{Time: crm.MillisOf(s.clock.Now()), Kind: crm.KindDataset, ID: crm.AllLocations,
			Before: &resetUndo{store: old, tokens: prev}, After: &ds})
		for _, r := range records {
			s.publishToken(ctx, r.Token, r, nil)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := s.resetOAuth(ctx); err != nil {
		return err
	}
	s.changes.Add(1)
	s.limiter.Reset()
	s.journal.Clear()
	if err := s.resetWebhooks(ctx); err != nil {
		return err
	}
	return s.restoreFaults()
}

func (s *Server) restoreFaults() error {
	s.faults.Clear()
	for _, r := range s.initialFaults {
		if err := s.ruleCanMatch(r); err != nil {
			return fmt.Errorf("mockserver: fault rule: %w", err)
		}
		if _, err := s.faults.Add(r); err != nil {
			return fmt.Errorf("mockserver: fault rule: %w", err)
		}
	}
	return nil
}

// Close releases every request a "timeout" fault is holding. Call it when
// the HTTP server shuts down (http.Server.RegisterOnShutdown), or a held
// request would keep the shutdown waiting.
func (s *Server) Close() {
	s.heldOnce.Do(func() { close(s.held) })
	s.closeWorkspaces()
}

// CloseState commits what is queued for the state database, marks it as
// closed cleanly and closes it; writes are refused from then on. Call it
// once the HTTP server has finished its last request (after
// http.Server.Shutdown). Without Config.StatePath it does nothing.
func (s *Server) CloseState() error {
	s.closeWebhooks()
	if s.db == nil {
		return nil
	}
	return s.db.Close()
}

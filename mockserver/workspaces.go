package mockserver

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/fixture"
)

// Workspaces: one shared mock, isolated CI jobs. A workspace is a fresh copy
// of the fixtures' locations under new location ids, new tokens and new
// named-contact ids, served by a mock of its own inside this one: its data,
// journal, fault rules, rate-limit budgets and clock are its own. A request
// whose bearer token belongs to a workspace is served by it (so its answers
// never show another workspace's contacts, nor the main mock's); its admin
// API is under /_mock/workspaces/{id}/. A workspace ends at its TTL (on this
// mock's clock) or on DELETE. Workspaces live in memory only: they are not
// part of the --state database, and a restart ends them.

// Workspace limits.
const (
	defaultWorkspaceTTL  = time.Hour
	maxWorkspaceTTL      = 7 * 24 * time.Hour
	defaultMaxWorkspaces = 64
	maxWorkspaceName     = 100
)

// WorkspaceOptions are what a workspace is made with.
type WorkspaceOptions struct {
	// Name is the caller's label (a CI job's name), at most 100 characters.
	Name string
	// Seed seeds its generated data; 0 picks a random one (reported).
	Seed int64
	// TTL is how long it lives; 0 means an hour, at most 7 days.
	TTL time.Duration
}

// Workspace describes a workspace: what a CI job needs to use it.
type Workspace struct {
	ID        string `json:"id"`
	Name      string `json:"name,omitempty"`
	Seed      int64  `json:"seed"`
	CreatedAt string `json:"createdAt"`
	ExpiresAt string `json:"expiresAt"`
	// Admin is the path of its admin API (journal, faults, reset, clock,
	// tokens, rate limits, state): /_mock/workspaces/{id}/…
	Admin string `json:"admin"`
	// Locations are its locations, with their tokens, users and named
	// contacts, as ghlmock fixtures --json lists the fixtures'.
	Locations []fixture.LocationSummary `json:"locations"`
	// Contract are the target variables ghlmock contract needs against it
	// (token, locationId, readonlyToken, userId, …).
	Contract map[string]string `json:"contract"`
}

type workspace struct {
	info    Workspace
	expires time.Time
	srv     *Server
}

// workspaceSet is a server's workspaces. n lets the request path skip all
// of it while there are none.
type workspaceSet struct {
	n    atomic.Int32
	mu   sync.RWMutex
	byID map[string]*workspace
}

// workspaceError is a refusal of the workspace admin API.
type workspaceError struct {
	status int
	msg    string
}

func (e *workspaceError) Error() string { return e.msg }

// CreateWorkspace makes a workspace: a fresh copy of the fixtures' locations
// with new ids and tokens, served by this server.
func (s *Server) CreateWorkspace(ctx context.Context, opts WorkspaceOptions) (Workspace, error) {
	if s.cfg.inWorkspace {
		return Workspace{}, &workspaceError{http.StatusBadRequest, "a workspace has no workspaces of its own: create them on the main mock"}
	}
	ttl := opts.TTL
	switch {
	case ttl == 0:
		ttl = defaultWorkspaceTTL
	case ttl < time.Second || ttl > maxWorkspaceTTL:
		return Workspace{}, &workspaceError{http.StatusBadRequest, fmt.Sprintf("ttl must be between 1s and %s, not %s", maxWorkspaceTTL, ttl)}
	}
	if len(opts.Name) > maxWorkspaceName {
		return Workspace{}, &workspaceError{http.StatusBadRequest, fmt.Sprintf("name must be at most %d characters", maxWorkspaceName)}
	}
	seed := opts.Seed
	for seed == 0 {
		seed = int64(randomUint64() >> 1)
	}
	s.sweepWorkspaces()
	max := s.cfg.MaxWorkspaces
	if max <= 0 {
		max = defaultMaxWorkspaces
	}
	if int(s.ws.n.Load()) >= max {
		return Workspace{}, &workspaceError{http.StatusConflict, fmt.Sprintf("%d workspaces exist already, the most this mock keeps: delete some, or let them expire", max)}
	}
	ids := crm.NewIDGen(randomUint64())
	fx, _, err := s.fx.WithNewIDs(ids.ID, func() string { return "pit-" + randomUUID() })
	if err != nil {
		return Workspace{}, fmt.Errorf("mockserver: workspace fixtures: %w", err)
	}
	id := "ws_" + randomHex(8)
	cfg := Config{
		Fixtures:            fx,
		Seed:                seed,
		ContactsPerLocation: s.cfg.ContactsPerLocation,
		Now:                 s.cfg.Now,
		Epoch:               s.cfg.Epoch,
		Logger:              s.log.With("workspace", id),
		Spec:                s.spec,
		MaxBodyBytes:        s.cfg.MaxBodyBytes,
		BodyTimeout:         s.cfg.BodyTimeout,
		AllowedHosts:        s.cfg.AllowedHosts,
		RateLimits:          s.cfg.RateLimits,
		RetryAfter:          s.cfg.RetryAfter,
		Faults:              s.cfg.Faults,
		JournalSize:         s.cfg.JournalSize,
		JournalBodyBytes:    s.cfg.JournalBodyBytes,
		CORSOrigins:         s.cfg.CORSOrigins,
		OAuthKey:            s.cfg.OAuthKey,
		// Its deliveries are signed with this mock's keys, so that a
		// receiver verifies them with the key it has; the --webhook-url
		// subscriptions stay this mock's (a job subscribes its own through
		// its admin API).
		Webhooks: WebhookConfig{Keys: s.WebhookKeys(), Client: s.cfg.Webhooks.Client, Workers: s.cfg.Webhooks.Workers,
			Timeout: s.cfg.Webhooks.Timeout, LogSize: s.cfg.Webhooks.LogSize},
		// Its admin API is reached through this one's, with the same
		// request: the same token lets it through both checks.
		AdminToken:  s.cfg.AdminToken,
		inWorkspace: true,
		metricsOf:   s.metrics,
	}
	child, err := New(cfg)
	if err != nil {
		return Workspace{}, fmt.Errorf("mockserver: workspace: %w", err)
	}
	now := s.clock.Now()
	ws := &workspace{srv: child, expires: now.Add(ttl)}
	ws.info = Workspace{
		ID: id, Name: opts.Name, Seed: seed,
		CreatedAt: now.UTC().Format(crm.ISOLayout), ExpiresAt: ws.expires.UTC().Format(crm.ISOLayout),
		Admin:     adminPrefix + "workspaces/" + id + "/",
		Locations: fx.Resolved().Locations,
		Contract:  fx.ContractVars(),
	}
	s.ws.mu.Lock()
	if s.ws.byID == nil {
		s.ws.byID = map[string]*workspace{}
	}
	s.ws.byID[id] = ws
	s.ws.n.Store(int32(len(s.ws.byID)))
	s.ws.mu.Unlock()
	s.log.LogAttrs(ctx, slog.LevelInfo, "workspace created", slog.String("workspace", id), slog.String("name", opts.Name),
		slog.String("expiresAt", ws.info.ExpiresAt))
	return ws.info, nil
}

// Workspaces lists the workspaces that have not expired, oldest first.
func (s *Server) Workspaces() []Workspace {
	s.sweepWorkspaces()
	s.ws.mu.RLock()
	out := make([]Workspace, 0, len(s.ws.byID))
	for _, ws := range s.ws.byID {
		out = append(out, ws.info)
	}
	s.ws.mu.RUnlock()
	slices.SortFunc(out, func(a, b Workspace) int { return strings.Compare(a.CreatedAt+a.ID, b.CreatedAt+b.ID) })
	return out
}

// DeleteWorkspace ends a workspace at once; false when there is none.
func (s *Server) DeleteWorkspace(id string) bool {
	s.ws.mu.Lock()
	ws := s.ws.byID[id]
	delete(s.ws.byID, id)
	s.ws.n.Store(int32(len(s.ws.byID)))
	s.ws.mu.Unlock()
	if ws == nil {
		return false
	}
	ws.end()
	return true
}

// end shuts a workspace's server down: held requests released, its webhook
// engine stopped (in the background: that may wait for attempts in flight,
// and the caller may be a request).
func (ws *workspace) end() {
	ws.srv.Close()
	go func() { _ = ws.srv.CloseState() }()
}

// workspace returns a live workspace by id.
func (s *Server) workspace(id string) (*workspace, bool) {
	s.sweepWorkspaces()
	s.ws.mu.RLock()
	defer s.ws.mu.RUnlock()
	ws, ok := s.ws.byID[id]
	return ws, ok
}

// sweepWorkspaces ends the workspaces whose TTL has passed.
func (s *Server) sweepWorkspaces() {
	if s.ws.n.Load() == 0 {
		return
	}
	now := s.clock.Now()
	var ended []*workspace
	s.ws.mu.Lock()
	for id, ws := range s.ws.byID {
		if !now.Before(ws.expires) {
			delete(s.ws.byID, id)
			ended = append(ended, ws)
		}
	}
	s.ws.n.Store(int32(len(s.ws.byID)))
	s.ws.mu.Unlock()
	for _, ws := range ended {
		s.log.Info("workspace expired", "workspace", ws.info.ID, "name", ws.info.Name)
		ws.end()
	}
}

// closeWorkspaces ends every workspace (the server is shutting down).
func (s *Server) closeWorkspaces() {
	s.ws.mu.Lock()
	all := s.ws.byID
	s.ws.byID = nil
	s.ws.n.Store(0)
	s.ws.mu.Unlock()
	for _, ws := range all {
		ws.end()
	}
}

// workspaceFor returns the workspace server a request's bearer token
// belongs to, or nil: the main mock's own tokens, and unknown ones, are the
// main mock's to answer. Tokens minted in a workspace count too.
func (s *Server) workspaceFor(r *http.Request) *Server {
	tok := bearer(r)
	if tok == "" {
		return nil
	}
	if _, ok := s.tokens.lookup(tok); ok {
		return nil
	}
	now := s.clock.Now()
	var found *Server
	expired := false
	s.ws.mu.RLock()
	for _, ws := range s.ws.byID {
		if !now.Before(ws.expires) {
			expired = true
			continue
		}
		if _, ok := ws.srv.tokens.lookup(tok); ok {
			found = ws.srv
			break
		}
	}
	s.ws.mu.RUnlock()
	if expired {
		s.sweepWorkspaces() // free it now, not at the next admin call
	}
	return found
}

func randomUint64() uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return binary.LittleEndian.Uint64(b[:])
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// randomUUID is a UUID v4 from crypto/rand: a workspace's tokens must not be
// guessable from another's.
func randomUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

package mockserver

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/ghlmock/ghlmock/mockserver/changefeed"
	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/inmem"
	"github.com/ghlmock/ghlmock/mockserver/ratelimit"
	"github.com/ghlmock/ghlmock/mockserver/sqlite"
)

// Durability (Config.StatePath): every write is committed to the SQLite
// database before its answer is written. A write request is admitted only
// while the database commits (else 503), applied in memory while it holds
// the write gate shared, and answered once its changes are committed; when
// the commit fails, the database hands every failed change back (undo),
// with the gate held exclusively, and the write is answered 503 as if it had
// never been made.

// crashSkip is how many ids are skipped after a crash: more than the
// writes that can wait for a commit (sqlite.Options.QueueLimit) could have
// drawn, so that no id handed out before the crash is handed out again.
const crashSkip = 1 << 16

// openState opens the database, loads what it holds (or writes the seeded
// state into a new one) and makes it the change feed's log.
func (s *Server) openState(ctx context.Context) error {
	db, err := sqlite.Open(ctx, s.cfg.StatePath, sqlite.Options{
		Logger:    s.log,
		Sync:      s.cfg.StateSync,
		IDState:   s.ids.MarshalBinary,
		Committed: func(cs []crm.Change) { s.feed.Committed(cs...) },
		Failed:    s.undo,
		Gate:      &s.writeGate,

		BeforeCommit: s.cfg.beforeCommit,
	})
	if err != nil {
		return err
	}
	s.db = db
	initialized, err := db.Initialized(ctx)
	if err != nil {
		return fmt.Errorf("--state %s: %w", db.Path(), err)
	}
	if !initialized {
		// A new database: the seeded state is its first content.
		st, err := s.seeded()
		if err != nil {
			return err
		}
		s.store.Store(st)
		ds, err := st.Export(ctx)
		if err == nil {
			err = db.Snapshot(ctx, &ds)
		}
		if err != nil {
			return fmt.Errorf("--state %s: write the seeded state: %w", db.Path(), err)
		}
		s.feed.SetLog(s.stateLog(db)) // server_webhooks_outbox.go: the webhooks' events ride along
		return nil
	}
	st, err := db.Load(ctx)
	if err != nil {
		return fmt.Errorf("--state %s: read it: %w", db.Path(), err)
	}
	store, err := s.newStore(st.Dataset)
	if err != nil {
		return fmt.Errorf("--state %s: %w", db.Path(), err)
	}
	s.store.Store(store)
	if st.IDs != nil {
		if err := s.ids.UnmarshalBinary(st.IDs); err != nil {
			return fmt.Errorf("--state %s: the id generator's position: %w", db.Path(), err)
		}
	}
	if !db.WasClean() {
		s.ids.Skip(crashSkip)
		s.log.Warn("the state database was not closed cleanly (a crash or a kill): loaded what was committed", "file", db.Path())
	}
	s.records = st.Records
	s.grants = st.Records[crm.KindGrant]
	if err := s.loadTokens(st.Records[crm.KindToken]); err != nil {
		return fmt.Errorf("--state %s: %w", db.Path(), err)
	}
	s.feed.SetLog(s.stateLog(db)) // server_webhooks_outbox.go: the webhooks' events ride along
	return nil
}

// undo puts back the Before image of every change the database could not
// commit, newest first; the database holds the write gate meanwhile.
func (s *Server) undo(cs []crm.Change) {
	ctx := context.Background()
	for _, c := range cs {
		switch {
		case c.Kind == crm.KindToken:
			s.undoToken(c)
		case isWebhookKind(c.Kind):
			// The webhooks' own records: memory stays as it is, and the
			// database catches up with the next change of each.
		case c.Kind == crm.KindGrant:
			// Package oauth undoes its own: its change hook returns the
			// commit's error (oauthChanges).
		case c.Kind == crm.KindDataset && c.ID == crm.AllLocations:
			if r, ok := c.Before.(*resetUndo); ok {
				s.store.Store(r.store)
				s.tokens.restore(r.tokens)
			}
		default:
			if err := s.store.Load().Restore(ctx, c); err != nil {
				s.log.Error("could not undo a change that was not committed", "kind", string(c.Kind), "id", c.ID, "error", err.Error())
			}
		}
	}
}

// resetUndo is what a reset replaced: its change's Before, so that a reset
// that cannot be committed is undone like any other write. The database
// writes a dataset change's After only.
type resetUndo struct {
	store  *inmem.Store
	tokens tokenSet
}

// ChangeKind implements crm.Object.
func (*resetUndo) ChangeKind() crm.Kind { return crm.KindDataset }

// write runs fn as a write of the state: admitted by the database, holding
// the write gate shared, with its changes caused by cause; it returns once
// they are committed (or failed, undone). exclusive holds the gate alone, for
// a write that replaces everything (a reset).
func (s *Server) write(ctx context.Context, cause crm.Cause, exclusive bool, fn func(ctx context.Context) error) error {
	if !s.feed.Active() {
		return fn(ctx)
	}
	if s.db != nil {
		if err := s.db.Admit(ctx); err != nil {
			return err
		}
	}
	ctx, pending := changefeed.Begin(ctx, cause)
	if exclusive {
		s.writeGate.Lock()
	} else {
		s.writeGate.RLock()
	}
	err := fn(ctx)
	if exclusive {
		s.writeGate.Unlock()
	} else {
		s.writeGate.RUnlock()
	}
	if werr := pending.Wait(); werr != nil {
		return werr
	}
	return err
}

// unavailable is the answer to a write the state database could not take.
func (s *Server) unavailable(err error) *apiError {
	return &apiError{Status: http.StatusServiceUnavailable, Message: "Service Unavailable", why: err.Error()}
}

// tokenRecord is a token as the durable state keeps it: minted tokens, and
// fixture tokens that were revoked.
type tokenRecord struct {
	Token      string    `json:"token"`
	Name       string    `json:"name,omitempty"`
	LocationID string    `json:"locationId"`
	App        string    `json:"app"`
	Scopes     []string  `json:"scopes"`
	Burst      int       `json:"burstLimit"`
	WindowMs   int64     `json:"burstWindowMs"`
	Daily      int       `json:"dailyLimit"`
	ExpiresAt  time.Time `json:"expiresAt,omitzero"`
	Minted     bool      `json:"minted,omitempty"`
	RevokedAt  time.Time `json:"revokedAt,omitzero"`
}

// ChangeKind implements crm.Object.
func (*tokenRecord) ChangeKind() crm.Kind { return crm.KindToken }

func (t *token) record(revokedAt time.Time) *tokenRecord {
	return &tokenRecord{
		Token: t.Value, Name: t.Name, LocationID: t.LocationID, App: t.App, Scopes: t.Scopes,
		Burst: t.Limits.Burst, WindowMs: t.Limits.Window.Milliseconds(), Daily: t.Limits.Daily,
		ExpiresAt: t.ExpiresAt, Minted: t.Minted, RevokedAt: revokedAt,
	}
}

func (r *tokenRecord) token() *token {
	lim := ratelimit.Limits{Burst: r.Burst, Window: time.Duration(r.WindowMs) * time.Millisecond, Daily: r.Daily}
	return &token{
		Value: r.Token, Name: r.Name, LocationID: r.LocationID, App: r.App, Scopes: r.Scopes, Limits: lim,
		ExpiresAt: r.ExpiresAt, Minted: r.Minted, headers: newRateConsts(lim), rateKey: r.App + "/" + r.LocationID,
	}
}

// loadTokens applies the saved token records to the fixtures' tokens.
func (s *Server) loadTokens(records map[string]json.RawMessage) error {
	for value, raw := range records {
		var r tokenRecord
		if err := json.Unmarshal(raw, &r); err != nil {
			return fmt.Errorf("token record %s: %w", value, err)
		}
		s.tokens.apply(&r)
	}
	return nil
}

// undoToken puts a token back as it was before a change.
func (s *Server) undoToken(c crm.Change) {
	before, _ := c.Before.(*tokenRecord)
	if before == nil {
		s.tokens.forget(c.ID)
		return
	}
	s.tokens.apply(before)
}

// tokenSet is every token and revocation, for undoing a reset.
type tokenSet struct {
	m       map[string]*token
	revoked map[string]time.Time
}

// publishToken publishes a token's change; the caller holds the write gate.
func (s *Server) publishToken(ctx context.Context, value string, before, after *tokenRecord) {
	if !s.feed.Active() {
		return
	}
	c := crm.Change{Time: crm.MillisOf(s.clock.Now()), Kind: crm.KindToken, ID: value}
	if before != nil {
		c.Before = before
	}
	if after != nil {
		c.After = after
	}
	s.feed.Publish(ctx, c)
}

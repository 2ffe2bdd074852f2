package mockserver

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/gorilla/mux"

	"github.com/ghlmock/ghlmock/mockserver/changefeed"
	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/oauth"
	"github.com/ghlmock/ghlmock/mockserver/ratelimit"
)

// The OAuth side of the server: package oauth holds GHL's apps, installs,
// codes and tokens; this file builds it from the fixtures, makes its state
// durable through the server's one write path, and lets its access tokens
// authenticate API calls exactly as Private Integration Tokens do.

// opAuth is how an operation is authenticated: the document's
// x-ghlmock-auth, bearer when it says nothing.
type opAuth uint8

const (
	authBearer opAuth = iota // a PIT or an OAuth token, the operation's scope, its location
	authNone                 // no token, no Version: the client's credentials are in the body (POST /oauth/token)
	authAgency               // a bearer and Version; package oauth decides (Company tokens only)
)

func opAuthOf(ext map[string]any) opAuth {
	switch ext["x-ghlmock-auth"] {
	case "none":
		return authNone
	case "agency":
		return authAgency
	}
	return authBearer
}

// initOAuth builds the OAuth service: from the fixtures, or from the state
// database's grant records (grants, read by openState). A database that has
// none yet (a new one, or one made before OAuth existed) is given the
// fixtures' installs, caused "state:init".
func (s *Server) initOAuth(ctx context.Context, grants map[string]json.RawMessage) error {
	m := s.fx.OAuth(s.clock.Now())
	cfg := oauth.Config{
		Now: s.clock.Now, IDs: s.ids, Key: s.cfg.OAuthKey, Settings: &s.fx.Settings.OAuth,
		Companies: m.Companies, Apps: m.Apps, Installs: m.Installs,
		Changes: s.oauthChanges,
	}
	if len(grants) > 0 {
		snap, err := snapshotOf(grants)
		if err != nil {
			return err
		}
		cfg.State = snap
	}
	svc, err := oauth.New(cfg)
	if err != nil && cfg.State != nil {
		return fmt.Errorf("--state %s: its OAuth state does not fit the fixtures (was an app, a company or a location taken out of them?): %w", s.db.Path(), err)
	}
	if err != nil {
		return fmt.Errorf("mockserver: %w", err)
	}
	s.oauth = svc
	lim := make(map[string]*oauthApp, len(m.Apps))
	for _, a := range m.Apps {
		fa, _ := s.fx.App(a.ID)
		l := overrideLimits(ratelimit.Limits{Burst: fa.BurstLimit, Window: fa.BurstWindow, Daily: fa.DailyLimit},
			s.cfg.RateLimits.Burst, s.cfg.RateLimits.Window, s.cfg.RateLimits.Daily)
		lim[a.ID] = &oauthApp{limits: l, headers: newRateConsts(l)}
	}
	s.oauthApps = lim
	if s.db != nil && len(grants) == 0 {
		return svc.Reset(oauth.WithCause(ctx, crm.Cause{OperationID: "state:init"}))
	}
	return nil
}

// oauthApp is what the rate limiter needs of an app: its limits.
type oauthApp struct {
	limits  ratelimit.Limits
	headers *rateConsts
}

// oauthChanges is package oauth's change hook: each batch is one write of
// the state, published to the change feed and, with --state, committed
// before the OAuth operation answers; a commit that fails is returned, and
// package oauth undoes the operation (so the server's undo skips grants). A
// whole-state replacement (a reset, an import) is published as "every grant
// record goes" (ID crm.AllRecords) followed by the records it keeps.
func (s *Server) oauthChanges(ctx context.Context, batch []crm.Change) error {
	if !s.feed.Active() || len(batch) == 0 {
		return nil
	}
	changes := expandGrants(batch)
	publish := func(ctx context.Context) error {
		for _, c := range changes {
			s.feed.Publish(ctx, c)
		}
		return nil
	}
	if changefeed.InWrite(ctx) {
		// Inside a write of the server already (its gate held): that write
		// waits for the commit.
		return publish(ctx)
	}
	return s.write(ctx, batch[0].Cause, false, publish)
}

// expandGrants turns a snapshot change into its records.
func expandGrants(batch []crm.Change) []crm.Change {
	var out []crm.Change
	for _, c := range batch {
		snap, ok := c.After.(*oauth.Snapshot)
		if !ok || c.ID != oauth.SnapshotKey {
			out = append(out, c)
			continue
		}
		all := c
		all.ID, all.Before, all.After = crm.AllRecords, nil, nil
		out = append(out, all)
		put := func(o interface {
			crm.Object
			Key() string
		}) {
			r := c
			r.ID, r.Before, r.After = o.Key(), nil, o
			out = append(out, r)
		}
		if snap.Key != nil {
			put(snap.Key)
		}
		for i := range snap.Installs {
			put(&snap.Installs[i])
		}
		for i := range snap.Codes {
			put(&snap.Codes[i])
		}
		for i := range snap.Tokens {
			put(&snap.Tokens[i])
		}
	}
	return out
}

// snapshotOf rebuilds the OAuth state from the database's grant records.
func snapshotOf(records map[string]json.RawMessage) (*oauth.Snapshot, error) {
	snap := &oauth.Snapshot{}
	for id, raw := range records {
		kind, _, _ := strings.Cut(id, ":")
		var err error
		switch kind {
		case "key":
			snap.Key = &oauth.SigningKey{}
			err = json.Unmarshal(raw, snap.Key)
		case "install":
			var in oauth.Install
			err = json.Unmarshal(raw, &in)
			snap.Installs = append(snap.Installs, in)
		case "code":
			var c oauth.Code
			err = json.Unmarshal(raw, &c)
			snap.Codes = append(snap.Codes, c)
		case "token":
			var t oauth.Token
			err = json.Unmarshal(raw, &t)
			snap.Tokens = append(snap.Tokens, t)
		default:
			err = fmt.Errorf("unknown record")
		}
		if err != nil {
			return nil, fmt.Errorf("grant record %s: %w", id, err)
		}
	}
	return snap, nil
}

// authenticateOAuth checks a bearer that is no Private Integration Token as
// an OAuth access token of the mock: the token it answers carries the
// token's location (or none, for a Company token), scopes and app, so that
// the scope, location and rate-limit checks treat it as they treat a PIT.
// It answers why not, otherwise.
func (s *Server) authenticateOAuth(value string) (*token, string) {
	if s.oauth == nil || !oauth.LooksLikeJWT(value) {
		return nil, "token not found"
	}
	p, refusal := s.oauth.Authenticate(value)
	if refusal != nil {
		return nil, "OAuth token refused: " + refusal.Reason
	}
	app := s.oauthApps[p.AppID]
	if app == nil {
		return nil, "OAuth token of app " + p.AppID + ", which the fixtures no longer have"
	}
	return &token{
		Value: value, LocationID: p.LocationID, App: p.AppID, Scopes: p.Scopes, Limits: app.limits,
		ExpiresAt: p.ExpiresAt, headers: app.headers, rateKey: p.AppID + "/" + p.Resource(), oauth: &p,
	}, ""
}

// checkAuthClass refuses a Company token on an operation of a location (every
// Contacts operation is Sub-Account only): GHL's 401 "This authClass type is
// not allowed to access this scope."
func (s *Server) checkAuthClass(rq *request) *apiError {
	p := rq.token.oauth
	if p == nil || p.AuthClass != oauth.ClassCompany {
		return nil
	}
	m := s.oauth.Settings().Messages.AuthClass
	return &apiError{Status: m.Status, Message: m.Message, Reason: m.Error, NoError: m.Error == "",
		why: "a Company token (company " + p.CompanyID + ") on " + rq.op.ID + ", an operation of a location"}
}

// routeOAuthPages adds GHL's authorize page, on the API's port as GHL's
// marketplace host serves it: /oauth/chooselocation and /v2/….
func (s *Server) routeOAuthPages(r *mux.Router) {
	if s.oauth == nil {
		return
	}
	page := s.oauth.ChooseLocationHandler()
	r.MatcherFunc(pathIs("/oauth/chooselocation")).Handler(page)
	r.MatcherFunc(pathIs("/v2/oauth/chooselocation")).Handler(page)
}

// resetOAuth puts the OAuth state back to the fixtures' installs (no codes,
// no tokens; the signing key stays), as its own write after the store's.
func (s *Server) resetOAuth(ctx context.Context) error {
	if s.oauth == nil {
		return nil
	}
	return s.oauth.Reset(oauth.WithCause(ctx, crm.Cause{OperationID: "admin:reset"}))
}

// OAuth returns the OAuth service, for Go tests that drive installs and
// tokens directly.
func (s *Server) OAuth() *oauth.Service { return s.oauth }

// oauthCause is the cause of an OAuth API operation's changes.
func oauthCause(ctx context.Context, rq *request) context.Context {
	c := crm.Cause{OperationID: rq.op.ID, TraceID: rq.traceID}
	if rq.token != nil {
		c.App = rq.token.App
	}
	return oauth.WithCause(ctx, c)
}

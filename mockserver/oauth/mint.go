package oauth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"slices"
	"time"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// run is one write operation: f under the write lock in a txn, then the
// commit, then the install events. A 500 from f (a token could not be
// signed) undoes its writes; any other refusal keeps them (a reuse that
// revokes its family, say) and is returned after they are committed.
func (s *Service) run(ctx context.Context, f func(t *txn) *Error) *Error {
	s.mu.Lock()
	t := s.begin(ctx)
	e := f(t)
	if e != nil && e.Status >= http.StatusInternalServerError {
		t.rollback()
	}
	if err := t.commit(); err != nil {
		s.mu.Unlock()
		return internalError(err)
	}
	events := t.events
	s.mu.Unlock()
	s.fire(ctx, events)
	return e
}

// update is a write operation of the admin API: an error from f undoes its
// writes and is returned as it is (ErrNotFound, ErrInvalid), or as a 500
// *Error when the change hook refused the commit.
func (s *Service) update(ctx context.Context, f func(t *txn) error) error {
	var failure error
	if e := s.run(ctx, func(t *txn) *Error {
		if err := f(t); err != nil {
			if e, ok := err.(*Error); ok {
				return e
			}
			failure = err
			t.rollback()
		}
		return nil
	}); e != nil {
		return e
	}
	return failure
}

// grant is what a new token pair is for.
type grant struct {
	app        *App
	install    *Install
	class      Class
	companyID  string
	locationID string // Location tokens
	userID     string
	scopes     []string
	family     string // "" starts a new one
	parent     string
	how        string // Grant* constant
}

// pair is a minted token pair; refresh is "" when none was asked for.
type pair struct {
	access, refresh string
	accessRec       *Token
	life            time.Duration
}

// TokenID is a token's record id: a digest of the JWT, so that the record
// needs no copy of the token and a lookup needs no signature check (only the
// mock's own tokens have records). The admin API may take a token for an id.
func TokenID(jwt string) string {
	sum := sha256.Sum256([]byte(jwt))
	return hex.EncodeToString(sum[:16])
}

// mint signs an access token, and a refresh token when withRefresh, for g,
// and records them.
func (t *txn) mint(g grant, withRefresh bool) (pair, *Error) {
	s := t.s
	if err := t.reportKey(); err != nil {
		return pair{}, internalError(err)
	}
	if g.family == "" {
		g.family = s.ids.HexID()
	}
	classID := g.locationID
	if g.class == ClassCompany {
		classID = g.companyID
	}
	meta := OAuthMeta{Scopes: slices.Clone(g.scopes), Client: g.app.ID, VersionID: g.app.VersionID, ClientKey: g.app.ClientID}
	if g.class == ClassCompany {
		if c := s.company(g.companyID); c != nil {
			meta.AgencyPlan = c.Plan
		}
	}
	iat := t.issueTime()
	life := s.settings.AccessTokenLife.For(g.class)
	claims := Claims{
		AuthClass: g.class, AuthClassID: classID, Source: claimSource, SourceID: g.app.ClientID,
		Channel: claimChannel, PrimaryAuthClassID: classID, OAuthMeta: meta,
		IssuedAt: Timestamp(iat), ExpiresAt: Timestamp(iat + crm.Millis(life.Milliseconds())),
	}
	p := pair{life: life}
	var e *Error
	if p.access, p.accessRec, e = t.signAndStore(g, KindAccess, claims); e != nil {
		return pair{}, e
	}
	if withRefresh {
		claims.OAuthMeta.Scopes = slices.Clone(g.scopes)
		claims.ExpiresAt = Timestamp(iat + crm.Millis(s.settings.RefreshTokenLife.Milliseconds()))
		claims.UniqueID, claims.V = newUUID(s.ids), refreshTokenClaim
		if p.refresh, _, e = t.signAndStore(g, KindRefresh, claims); e != nil {
			return pair{}, e
		}
	}
	return p, nil
}

func (t *txn) signAndStore(g grant, kind TokenKind, c Claims) (string, *Token, *Error) {
	jwt, err := t.s.sig.sign(c)
	if err != nil {
		return "", nil, internalError(err)
	}
	rec := &Token{
		ID: TokenID(jwt), Kind: kind, Family: g.family, Parent: g.parent, Grant: g.how,
		AppID: g.app.ID, ClientID: g.app.ClientID, InstallID: g.install.ID,
		AuthClass: g.class, CompanyID: g.companyID, LocationID: g.locationID, UserID: g.userID,
		Scopes: slices.Clone(g.scopes), Claims: c,
		IssuedAt: crm.Millis(c.IssuedAt), ExpiresAt: crm.Millis(c.ExpiresAt),
	}
	t.putToken(rec)
	return jwt, rec, nil
}

// withScopes returns base followed by the added scopes it lacks.
func withScopes(base []string, added ...[]string) []string {
	out := slices.Clone(base)
	for _, list := range added {
		for _, sc := range list {
			if !slices.Contains(out, sc) {
				out = append(out, sc)
			}
		}
	}
	return out
}

// revokeWhere revokes every live token that match selects, in id order (so
// that the batch is the same on every run), saying why; it returns how many.
func (t *txn) revokeWhere(reason string, match func(*Token) bool) int {
	var ids []string
	for id, tok := range t.s.tokens {
		if tok.live(t.now) && match(tok) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		c := t.s.tokens[id].clone()
		c.RevokedAt, c.RevokeReason = t.now, reason
		t.putToken(c)
	}
	return len(ids)
}

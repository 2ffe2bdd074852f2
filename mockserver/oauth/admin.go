package oauth

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// Apps returns the apps, in the fixtures' order.
func (s *Service) Apps() []App {
	out := make([]App, len(s.apps))
	for i, a := range s.apps {
		out[i] = a.withDefaults() // copies the slices
	}
	return out
}

// AppByClientID returns the app of a client id.
func (s *Service) AppByClientID(clientID string) (App, bool) {
	if a := s.appOfClient(clientID); a != nil {
		return a.withDefaults(), true
	}
	return App{}, false
}

// Companies returns the companies and their locations, in the fixtures'
// order.
func (s *Service) Companies() []Company {
	out := make([]Company, len(s.companies))
	for i, c := range s.companies {
		c.Locations = slices.Clone(c.Locations)
		out[i] = c
	}
	return out
}

// Installs returns the installs, sorted by id.
func (s *Service) Installs() []Install {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Install, 0, len(s.installs))
	for _, in := range s.installs {
		out = append(out, *in.clone())
	}
	slices.SortFunc(out, func(a, b Install) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// Codes returns the authorization codes not yet pruned, sorted by issue time.
func (s *Service) Codes() []Code {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Code, 0, len(s.codes))
	for _, c := range s.codes {
		out = append(out, *c.clone())
	}
	slices.SortFunc(out, func(a, b Code) int {
		return cmp.Or(cmp.Compare(a.IssuedAt, b.IssuedAt), strings.Compare(a.Code, b.Code))
	})
	return out
}

// TokenState is what a token is good for at the clock's now.
type TokenState string

// Token states.
const (
	StateLive    TokenState = "live"
	StateUsed    TokenState = "used" // a refresh token exchanged already
	StateExpired TokenState = "expired"
	StateRevoked TokenState = "revoked"
)

// TokenInfo is a token as the admin API lists it: its record (decoded
// claims, family, use, expiry) and its state.
type TokenInfo struct {
	Token
	State TokenState `json:"state"`
}

// TokenFilter selects tokens; empty fields select all.
type TokenFilter struct {
	AppID      string
	InstallID  string
	CompanyID  string
	LocationID string
	Family     string
	Kind       TokenKind
	State      TokenState
}

// Tokens returns the tokens f selects, oldest first.
func (s *Service) Tokens(f TokenFilter) []TokenInfo {
	now := crm.MillisOf(s.now())
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []TokenInfo
	for _, t := range s.tokens {
		info := TokenInfo{Token: *t.clone(), State: stateOf(t, now)}
		switch {
		case f.AppID != "" && t.AppID != f.AppID,
			f.InstallID != "" && t.InstallID != f.InstallID,
			f.CompanyID != "" && t.CompanyID != f.CompanyID,
			f.LocationID != "" && t.LocationID != f.LocationID,
			f.Family != "" && t.Family != f.Family,
			f.Kind != "" && t.Kind != f.Kind,
			f.State != "" && info.State != f.State:
			continue
		}
		out = append(out, info)
	}
	slices.SortFunc(out, func(a, b TokenInfo) int {
		// An access token before the refresh token issued with it.
		return cmp.Or(cmp.Compare(a.IssuedAt, b.IssuedAt), strings.Compare(string(a.Kind), string(b.Kind)), strings.Compare(a.ID, b.ID))
	})
	return out
}

func stateOf(t *Token, now crm.Millis) TokenState {
	switch {
	case t.RevokedAt != 0:
		return StateRevoked
	case now >= t.ExpiresAt:
		return StateExpired
	case t.UsedAt != 0:
		return StateUsed
	}
	return StateLive
}

// ExpireToken makes a token expire now (its JWT's exp stays as signed): the
// next call with it gets GHL's 401, and a refresh token is refused.
func (s *Service) ExpireToken(ctx context.Context, id string) error {
	return s.update(ctx, func(t *txn) error {
		tok, ok := s.tokens[id]
		if !ok {
			return fmt.Errorf("%w: no token %q", ErrNotFound, id)
		}
		if tok.ExpiresAt <= t.now {
			return nil
		}
		c := tok.clone()
		c.ExpiresAt = t.now
		t.putToken(c)
		return nil
	})
}

// RevokeToken revokes one token.
func (s *Service) RevokeToken(ctx context.Context, id string) error {
	return s.update(ctx, func(t *txn) error {
		tok, ok := s.tokens[id]
		if !ok {
			return fmt.Errorf("%w: no token %q", ErrNotFound, id)
		}
		if tok.RevokedAt == 0 {
			c := tok.clone()
			c.RevokedAt, c.RevokeReason = t.now, "revoked through the admin API"
			t.putToken(c)
		}
		return nil
	})
}

// RevokeFamily revokes every live token of a family and returns how many.
func (s *Service) RevokeFamily(ctx context.Context, family string) (int, error) {
	n := 0
	err := s.update(ctx, func(t *txn) error {
		known := false
		for _, tok := range s.tokens {
			known = known || tok.Family == family
		}
		if !known {
			return fmt.Errorf("%w: no token family %q", ErrNotFound, family)
		}
		n = t.revokeWhere("its family was revoked through the admin API", func(tok *Token) bool { return tok.Family == family })
		return nil
	})
	return n, err
}

// ConsumeRefreshToken marks a refresh token used, as if another replica of
// the client had exchanged it: the client's next refresh with it meets the
// reuse policy.
func (s *Service) ConsumeRefreshToken(ctx context.Context, id string) error {
	return s.update(ctx, func(t *txn) error {
		tok, ok := s.tokens[id]
		switch {
		case !ok:
			return fmt.Errorf("%w: no token %q", ErrNotFound, id)
		case tok.Kind != KindRefresh:
			return fmt.Errorf("%w: token %s is an access token", ErrInvalid, id)
		case tok.UsedAt != 0:
			return nil
		}
		c := tok.clone()
		c.UsedAt = t.now
		t.putToken(c)
		return nil
	})
}

// JWKS returns the public key set of the mock's signing key, making the key
// if there is none yet.
func (s *Service) JWKS() (JWKS, error) {
	sg, err := s.loadSigner()
	if err != nil {
		return JWKS{}, err
	}
	return jwksOf(&sg.key.PublicKey), nil
}

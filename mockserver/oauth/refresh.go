package oauth

import (
	"fmt"
	"time"
)

// refresh is the refresh_token grant: the token is consumed and a new pair of
// the same family issued (GHL rotates refresh tokens: docs/oauth/Faqs.md). A
// second use gets what Settings.RefreshReuse says.
func (t *txn) refresh(in TokenInput) (*TokenResponse, *Error) {
	s := t.s
	msgs := s.settings.Messages
	invalid := func(reason string) *Error { return oauthError(msgs.InvalidRefreshToken, reason) }
	if in.RefreshToken == "" {
		return nil, invalid("no refresh_token")
	}
	rec := s.tokens[TokenID(in.RefreshToken)]
	if rec == nil {
		return nil, invalid("unknown refresh token: " + s.whyUnknown(in.RefreshToken))
	}
	if rec.Kind != KindRefresh {
		return nil, invalid("an access token was sent as refresh_token")
	}
	app, e := t.checkCredentials(in, rec.AppID)
	if e != nil {
		return nil, e
	}
	switch {
	case rec.RevokedAt != 0:
		return nil, invalid(fmt.Sprintf("refresh token revoked at %s: %s", rec.RevokedAt, rec.RevokeReason))
	case t.now >= rec.ExpiresAt:
		return nil, invalid(fmt.Sprintf("refresh token expired at %s", rec.ExpiresAt))
	}
	if e := t.checkUserType(in, rec.AuthClass); e != nil {
		return nil, e
	}
	install := s.installs[rec.InstallID]
	if install == nil {
		return nil, invalid(fmt.Sprintf("the install %s of the token is gone", rec.InstallID))
	}
	used := rec.clone()
	if rec.UsedAt == 0 {
		used.UsedAt = t.now
	} else {
		if reason, ok := t.reuseAllowed(rec); !ok {
			if s.settings.ReuseRevokesFamily {
				n := t.revokeWhere(fmt.Sprintf("refresh token %s of the family was reused", rec.ID),
					func(tok *Token) bool { return tok.Family == rec.Family })
				reason += fmt.Sprintf("; family %s revoked (%d tokens)", rec.Family, n)
			}
			return nil, invalid(reason)
		}
		used.Reuses++
	}
	t.putToken(used)
	g := grant{
		app: app, install: install, class: rec.AuthClass, companyID: rec.CompanyID, locationID: rec.LocationID,
		userID: rec.UserID, scopes: rec.Scopes, family: rec.Family, parent: rec.ID, how: GrantRefreshToken,
	}
	return t.issue(g)
}

// reuseAllowed applies the reuse policy to a refresh token used before; when
// it refuses, it says why.
func (t *txn) reuseAllowed(rec *Token) (string, bool) {
	p := t.s.settings.RefreshReuse
	since := time.Duration(t.now-rec.UsedAt) * time.Millisecond
	switch {
	case p.Mode == ReuseAllow:
		return "", true
	case p.Mode == ReuseGrace && since <= p.Grace:
		return "", true
	case p.Mode == ReuseGrace:
		return fmt.Sprintf("refresh token reused %s after its first use at %s, beyond the %s grace", since, rec.UsedAt, p.Grace), false
	default:
		return fmt.Sprintf("refresh token already used at %s (refresh tokens rotate)", rec.UsedAt), false
	}
}

// whyUnknown says why a token has no record: not a JWT, another key's
// signature, or the mock's own signature on a token its state has lost.
func (s *Service) whyUnknown(token string) string {
	if !looksLikeJWT(token) {
		return "not a JWT"
	}
	if s.sig == nil {
		return "signature invalid: the mock has signed no token yet"
	}
	if _, reason := s.sig.verify(token); reason != "" {
		return reason
	}
	return "signed by this mock but not in its state (issued before a reset or an import?)"
}

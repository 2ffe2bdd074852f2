package mockserver

import (
	"context"
	"errors"
	"net/http"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/dashboard"
	"github.com/ghlmock/ghlmock/mockserver/oauth"
)

// The dashboard's OAuth page sees the server's OAuth service through
// uiOAuth, which does what the admin API's /_mock/oauth endpoints do, caused
// by "ui:<action>".

// uiOAuth is the OAuth page's view of the server's OAuth service.
type uiOAuth struct{ s *Server }

var _ dashboard.OAuth = uiOAuth{}

func (o uiOAuth) Apps() []oauth.App                            { return o.s.oauth.Apps() }
func (o uiOAuth) Installs() []oauth.Install                    { return o.s.oauth.Installs() }
func (o uiOAuth) Tokens(f oauth.TokenFilter) []oauth.TokenInfo { return o.s.oauth.Tokens(f) }

// RevokeToken revokes a token, as POST /_mock/oauth/tokens/{id}/revoke.
func (o uiOAuth) RevokeToken(ctx context.Context, id string) error {
	return o.refusal(o.s.oauth.RevokeToken(oauth.WithCause(ctx, crm.Cause{OperationID: "ui:oauth-revoke"}), tokenRef(id)))
}

// ExpireToken expires a token now, as POST /_mock/oauth/tokens/{id}/expire.
func (o uiOAuth) ExpireToken(ctx context.Context, id string) error {
	return o.refusal(o.s.oauth.ExpireToken(oauth.WithCause(ctx, crm.Cause{OperationID: "ui:oauth-expire"}), tokenRef(id)))
}

// refusal words an OAuth write's error as the admin API does.
func (o uiOAuth) refusal(err error) error {
	var e *oauth.Error
	switch {
	case err == nil:
		return nil
	case errors.Is(err, oauth.ErrNotFound):
		return &dashboard.Error{Status: http.StatusNotFound, Messages: []string{err.Error()}}
	case errors.Is(err, oauth.ErrInvalid):
		return &dashboard.Error{Status: http.StatusBadRequest, Messages: []string{err.Error()}}
	case errors.As(err, &e) && o.s.oauthUnsaved(e) != nil:
		return &dashboard.Error{Status: http.StatusServiceUnavailable, Messages: []string{e.Reason}}
	case errors.As(err, &e):
		return &dashboard.Error{Status: e.Status, Messages: []string{e.Message() + " (" + e.Reason + ")"}}
	}
	return &dashboard.Error{Status: adminStatus(err), Messages: []string{err.Error()}}
}

package dashboard

import (
	"context"

	"github.com/ghlmock/ghlmock/mockserver/oauth"
	"github.com/ghlmock/ghlmock/mockserver/webhooks"
)

// Webhooks is what the webhooks page needs: the engine's subscriptions and
// delivery log, redelivery, pausing an app's deliveries, and what the
// mock's own sink (/_mock/sink/{name}) received. The server implements it
// over its webhooks engine, doing what the admin API does (a pause is
// durable, for one); until it hands one over (Config.Webhooks nil) the page
// says webhooks are not available.
type Webhooks interface {
	Subscriptions() []webhooks.Subscription
	// Deliveries are the newest deliveries f selects.
	Deliveries(f webhooks.Filter) []webhooks.Delivery
	// Redeliver sends a delivery again, as a new delivery.
	Redeliver(ctx context.Context, id string) (webhooks.Delivery, error)
	// SetPaused pauses or resumes an app's deliveries.
	SetPaused(ctx context.Context, app string, paused bool) error
	Paused() []string
	// SinkReceived is what the sink of that name received, oldest first.
	SinkReceived(name string) []webhooks.SinkRecord
}

// OAuth is what the OAuth page needs: apps, installs and tokens, and
// expiring or revoking a token. The server implements it over its OAuth service, doing
// what the admin API does (the revoke caused by ui:oauth-revoke); until it
// hands one over (Config.OAuth nil) the page says OAuth is not available.
type OAuth interface {
	Apps() []oauth.App
	Installs() []oauth.Install
	Tokens(f oauth.TokenFilter) []oauth.TokenInfo
	RevokeToken(ctx context.Context, id string) error
	// ExpireToken makes a token expire now (a client's refresh logic then runs).
	ExpireToken(ctx context.Context, id string) error
}

package dashboard

import (
	"context"

	"github.com/ghlmock/ghlmock/mockserver/oauth"
	"github.com/ghlmock/ghlmock/mockserver/webhooks"
)

// Webhooks is what the webhooks page needs: the engine's subscriptions and
// delivery log, redelivery, and pausing an app's deliveries. A
// *webhooks.Engine is one; until the server hands one over (Config.Webhooks
// nil) the page says webhooks are not available.
type Webhooks interface {
	Subscriptions() []webhooks.Subscription
	Deliveries(f webhooks.Filter) []webhooks.Delivery
	Delivery(id string) (webhooks.Delivery, bool)
	Redeliver(id string, newWebhookID bool) (webhooks.Delivery, error)
	Pause(app string)
	Resume(app string)
	Paused() []string
}

// OAuth is what the OAuth page needs: apps, installs and tokens, and
// revoking a token. An *oauth.Service is one; until the server hands one
// over (Config.OAuth nil) the page says OAuth is not available.
type OAuth interface {
	Apps() []oauth.App
	Installs() []oauth.Install
	Tokens(f oauth.TokenFilter) []oauth.TokenInfo
	RevokeToken(ctx context.Context, id string) error
}

var (
	_ Webhooks = (*webhooks.Engine)(nil)
	_ OAuth    = (*oauth.Service)(nil)
)

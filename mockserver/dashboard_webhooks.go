package mockserver

import (
	"context"
	"errors"
	"net/http"

	"github.com/ghlmock/ghlmock/mockserver/dashboard"
	"github.com/ghlmock/ghlmock/mockserver/webhooks"
)

// The dashboard's webhooks page sees the server's webhooks engine through
// uiWebhooks, which does what the admin API's /_mock/webhooks endpoints do,
// caused by "ui:<action>".

// uiWebhooks is the webhooks page's view of the server's webhooks.
type uiWebhooks struct{ s *Server }

var _ dashboard.Webhooks = uiWebhooks{}

func (w uiWebhooks) Subscriptions() []webhooks.Subscription { return w.s.hooks.engine.Subscriptions() }
func (w uiWebhooks) Deliveries(f webhooks.Filter) []webhooks.Delivery {
	return w.s.hooks.engine.Deliveries(f)
}
func (w uiWebhooks) Paused() []string { return w.s.hooks.engine.Paused() }
func (w uiWebhooks) SinkReceived(name string) []webhooks.SinkRecord {
	return w.s.hooks.sink.Received(name)
}

// Redeliver sends a delivery again, as POST /_mock/webhooks/deliveries/{id}/redeliver.
func (w uiWebhooks) Redeliver(_ context.Context, id string) (webhooks.Delivery, error) {
	d, err := w.s.hooks.engine.Redeliver(id, false)
	switch {
	case errors.Is(err, webhooks.ErrNotFound):
		return d, &dashboard.Error{Status: http.StatusNotFound, Messages: []string{"no delivery " + id}}
	case err != nil:
		return d, &dashboard.Error{Status: http.StatusServiceUnavailable, Messages: []string{err.Error()}}
	}
	return d, nil
}

// SetPaused pauses or resumes an app's deliveries, durably, as
// POST /_mock/webhooks/apps/{app}/pause|resume.
func (w uiWebhooks) SetPaused(ctx context.Context, app string, paused bool) error {
	action := "resume"
	if paused {
		action = "pause"
	}
	if status, err := w.s.pauseApp(ctx, app, paused, "ui:"+action); err != nil {
		return &dashboard.Error{Status: status, Messages: []string{err.Error()}}
	}
	return nil
}

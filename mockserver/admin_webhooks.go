package mockserver

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/webhooks"
)

// registerWebhookAdmin adds the webhooks' admin endpoints: the keys, the
// subscriptions, the delivery log and its controls, and the sink.
func (s *Server) registerWebhookAdmin(mux *http.ServeMux) {
	mux.HandleFunc("GET /_mock/webhooks/keys", s.adminWebhookKeys)
	mux.HandleFunc("GET /_mock/webhooks/subscriptions", s.adminListSubscriptions)
	mux.HandleFunc("POST /_mock/webhooks/subscriptions", s.adminAddSubscription)
	mux.HandleFunc("DELETE /_mock/webhooks/subscriptions/{id}", s.adminRemoveSubscription)
	mux.HandleFunc("GET /_mock/webhooks/deliveries", s.adminListDeliveries)
	mux.HandleFunc("GET /_mock/webhooks/deliveries/{id}", func(w http.ResponseWriter, r *http.Request) {
		d, ok := s.hooks.engine.Delivery(r.PathValue("id"))
		if !ok {
			adminError(w, http.StatusNotFound, "no delivery "+r.PathValue("id"))
			return
		}
		writeAdminJSON(w, http.StatusOK, d)
	})
	mux.HandleFunc("POST /_mock/webhooks/deliveries/{id}/redeliver", s.adminRedeliver)
	mux.HandleFunc("POST /_mock/webhooks/recover", s.adminRecover)
	mux.HandleFunc("POST /_mock/webhooks/send", s.adminSendEvent)
	mux.HandleFunc("POST /_mock/webhooks/flush", s.adminFlush)
	mux.HandleFunc("POST /_mock/webhooks/check", s.adminCheck)
	mux.HandleFunc("GET /_mock/webhooks/apps", func(w http.ResponseWriter, r *http.Request) {
		writeAdminJSON(w, http.StatusOK, map[string]any{"paused": s.hooks.engine.Paused()})
	})
	mux.HandleFunc("POST /_mock/webhooks/apps/{app}/{action}", s.adminPauseApp)
	mux.Handle("/_mock/sink/", s.hooks.sink)
	s.registerAppointmentAdmin(mux)
}

// adminWebhookKeys publishes the public keys: JSON by default (PEM, raw
// base64, hex, SPKI and a ready WEBHOOK_SIGNATURE_PUBLIC_KEY=… line),
// ?format=env for the .env lines alone, ?format=pem for the PEM.
func (s *Server) adminWebhookKeys(w http.ResponseWriter, r *http.Request) {
	pub, err := s.WebhookKeys().PublicKeys()
	if err != nil {
		adminError(w, http.StatusInternalServerError, err.Error())
		return
	}
	switch f := r.URL.Query().Get("format"); f {
	case "", "json":
		writeAdminJSON(w, http.StatusOK, pub)
	case "env", "pem":
		text := pub.Ed25519.EnvLine + "\n"
		if pub.RSA != nil {
			text += pub.RSA.EnvLine + "\n"
		}
		if f == "pem" {
			text = pub.Ed25519.PEM
			if pub.RSA != nil {
				text += pub.RSA.PEM
			}
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte(text))
	default:
		adminError(w, http.StatusBadRequest, "format must be json, env or pem")
	}
}

// subscriptionView is a subscription as the admin API shows it.
type subscriptionView struct {
	ID           string            `json:"id"`
	Source       string            `json:"source"` // fixtures, flag, workflow, runtime
	App          string            `json:"app,omitempty"`
	Workflow     string            `json:"workflow,omitempty"`
	URL          string            `json:"url"`
	Events       []string          `json:"events"`
	Locations    []string          `json:"locations,omitempty"`
	Signature    string            `json:"signature"`
	Retry        string            `json:"retry"`
	TimeoutMs    int64             `json:"timeoutMs,omitempty"`
	IncludeAppID bool              `json:"includeAppId"`
	Restamp      bool              `json:"restamp,omitempty"`
	Headers      map[string]string `json:"headers,omitempty"`
	Paused       bool              `json:"paused,omitempty"`
}

func (s *Server) viewSubscription(sub webhooks.Subscription, paused []string, runtime bool) subscriptionView {
	v := subscriptionView{
		ID: sub.ID, App: sub.App, Workflow: sub.Workflow, URL: sub.URL, Events: sub.Events, Locations: sub.Locations,
		Signature: string(sub.Signature), Retry: sub.Retry, TimeoutMs: sub.Timeout.Milliseconds(), IncludeAppID: sub.IncludeAppID,
		Restamp: sub.Restamp, Headers: sub.Headers,
	}
	for _, p := range paused {
		v.Paused = v.Paused || (p == sub.App && sub.App != "")
	}
	switch {
	case runtime:
		v.Source = "runtime"
	case sub.Workflow != "":
		v.Source = "workflow"
	case strings.HasPrefix(sub.ID, "url-"):
		v.Source = "flag"
	default:
		v.Source = "fixtures"
	}
	switch {
	case sub.Workflow != "":
		v.Events = []string{webhooks.WorkflowWebhook}
	case v.Events == nil:
		v.Events = append([]string{}, webhooks.EventTypes...)
	}
	return v
}

func (s *Server) adminListSubscriptions(w http.ResponseWriter, _ *http.Request) {
	paused := s.hooks.engine.Paused()
	s.hooks.mu.Lock()
	out := []subscriptionView{}
	for _, sub := range s.hooks.engine.Subscriptions() {
		out = append(out, s.viewSubscription(sub, paused, s.hooks.runtime[sub.ID]))
	}
	s.hooks.mu.Unlock()
	writeAdminJSON(w, http.StatusOK, map[string]any{"subscriptions": out})
}

// adminAddSubscription subscribes a URL at run time: {"url", "app",
// "events", "locations", "signature", "retry", "timeoutMs", "includeAppId",
// "restamp", "headers", "workflow"}; app defaults to the default app, events
// to all, includeAppId to true; with workflow it is that workflow's Custom
// Webhook action (unsigned, its minimal payload, no retries, no event list). With a state database it survives a restart; a
// reset removes it.
func (s *Server) adminAddSubscription(w http.ResponseWriter, r *http.Request) {
	raw, ok := readAdminBody(w, r, maxAdminBody)
	if !ok {
		return
	}
	var body struct {
		URL          string            `json:"url"`
		App          string            `json:"app"`
		Events       []string          `json:"events"`
		Locations    []string          `json:"locations"`
		Signature    string            `json:"signature"`
		Retry        string            `json:"retry"`
		TimeoutMs    int64             `json:"timeoutMs"`
		IncludeAppID *bool             `json:"includeAppId"`
		Restamp      bool              `json:"restamp"`
		Headers      map[string]string `json:"headers"`
		Workflow     string            `json:"workflow"` // a workflow's Custom Webhook: unsigned, its minimal payload
	}
	if err := strictJSON(raw, &body); err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	if body.App == "" && body.Workflow == "" {
		body.App = s.fx.DefaultApp().ID
	}
	for _, loc := range body.Locations {
		if _, ok := s.fx.Location(loc); !ok {
			adminError(w, http.StatusBadRequest, fmt.Sprintf("locationId %q is not a location of the fixtures", loc))
			return
		}
	}
	if body.Retry == "" && body.Workflow == "" {
		body.Retry = s.settings.Webhooks.Retry
	}
	sub := webhooks.Subscription{Workflow: body.Workflow,
		App: body.App, URL: body.URL, Events: body.Events, Locations: body.Locations, Signature: webhooks.Signature(body.Signature),
		Retry: body.Retry, Timeout: time.Duration(body.TimeoutMs) * time.Millisecond, IncludeAppID: body.IncludeAppID == nil || *body.IncludeAppID,
		Restamp: body.Restamp, Headers: body.Headers,
	}
	h := s.hooks
	h.mu.Lock()
	h.nextSub++
	sub.ID = "sub_" + strconv.Itoa(h.nextSub)
	added, err := h.engine.Subscribe(sub)
	if err == nil {
		h.runtime[added.ID] = true
	}
	h.mu.Unlock()
	if err != nil {
		msg := strings.TrimPrefix(err.Error(), "webhooks: subscription: ")
		if sub.Signature == webhooks.SignEd25519RSA {
			msg += " (start the mock with --webhook-rsa to have one)"
		}
		adminError(w, http.StatusBadRequest, msg)
		return
	}
	s.syncWebhookFeed()
	change := crm.Change{Time: crm.MillisOf(s.clock.Now()), Kind: kindSubscription, ID: added.ID, After: &subscriptionRecord{added}}
	if err := s.saveWebhookRecords(r.Context(), "admin:subscribe", change); err != nil {
		h.engine.Unsubscribe(added.ID)
		s.syncWebhookFeed()
		adminError(w, adminStatus(err), err.Error())
		return
	}
	writeAdminJSON(w, http.StatusCreated, s.viewSubscription(added, h.engine.Paused(), true))
}

func (s *Server) adminRemoveSubscription(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	h := s.hooks
	h.mu.Lock()
	var old *webhooks.Subscription
	for _, sub := range h.engine.Subscriptions() {
		if sub.ID == id {
			old = &sub
		}
	}
	removed := h.engine.Unsubscribe(id)
	wasRuntime := h.runtime[id]
	delete(h.runtime, id)
	h.mu.Unlock()
	if !removed {
		adminError(w, http.StatusNotFound, "no subscription "+id)
		return
	}
	s.syncWebhookFeed()
	if wasRuntime && old != nil {
		change := crm.Change{Time: crm.MillisOf(s.clock.Now()), Kind: kindSubscription, ID: id, Before: &subscriptionRecord{*old}}
		if err := s.saveWebhookRecords(r.Context(), "admin:unsubscribe", change); err != nil {
			adminError(w, adminStatus(err), err.Error())
			return
		}
	}
	writeAdminJSON(w, http.StatusOK, map[string]any{"deleted": id})
}

// adminListDeliveries answers the delivery log, newest first, filtered by
// ?event=, status=, app=, locationId=, contactId=, traceId=, since= (RFC
// 3339) and limit= (default 100).
func (s *Server) adminListDeliveries(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := webhooks.Filter{
		Event: q.Get("event"), Status: webhooks.Status(q.Get("status")), App: q.Get("app"),
		LocationID: q.Get("locationId"), ContactID: q.Get("contactId"), TraceID: q.Get("traceId"), Limit: 100,
	}
	switch f.Status {
	case "", webhooks.StatusPending, webhooks.StatusSucceeded, webhooks.StatusFailed, webhooks.StatusExhausted:
	default:
		adminError(w, http.StatusBadRequest, "status must be pending, succeeded, failed or exhausted")
		return
	}
	if v := q.Get("since"); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			adminError(w, http.StatusBadRequest, "since must be an RFC 3339 instant")
			return
		}
		f.Since = t
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			adminError(w, http.StatusBadRequest, "limit must be a non-negative number (0: all)")
			return
		}
		f.Limit = n
	}
	ds := s.hooks.engine.Deliveries(f)
	if ds == nil {
		ds = []webhooks.Delivery{}
	}
	writeAdminJSON(w, http.StatusOK, map[string]any{"deliveries": ds})
}

// adminRedeliver sends a delivery again ({"newWebhookId": true} gives it a
// new webhookId and timestamp; by default it is the same request).
func (s *Server) adminRedeliver(w http.ResponseWriter, r *http.Request) {
	raw, ok := readAdminBody(w, r, maxAdminBody)
	if !ok {
		return
	}
	var body struct {
		NewWebhookID bool `json:"newWebhookId"`
	}
	if len(raw) > 0 {
		if err := strictJSON(raw, &body); err != nil {
			adminError(w, http.StatusBadRequest, err.Error())
			return
		}
	}
	d, err := s.hooks.engine.Redeliver(r.PathValue("id"), body.NewWebhookID)
	switch {
	case errors.Is(err, webhooks.ErrNotFound):
		adminError(w, http.StatusNotFound, "no delivery "+r.PathValue("id"))
	case err != nil:
		adminError(w, http.StatusServiceUnavailable, err.Error())
	default:
		writeAdminJSON(w, http.StatusCreated, d)
	}
}

// adminRecover redelivers every failed or exhausted delivery created in a
// window: {"app", "since", "until"} (RFC 3339; since defaults to the
// beginning, until to now).
func (s *Server) adminRecover(w http.ResponseWriter, r *http.Request) {
	raw, ok := readAdminBody(w, r, maxAdminBody)
	if !ok {
		return
	}
	var body struct {
		App   string     `json:"app"`
		Since *time.Time `json:"since"`
		Until *time.Time `json:"until"`
	}
	if len(raw) > 0 {
		if err := strictJSON(raw, &body); err != nil {
			adminError(w, http.StatusBadRequest, err.Error())
			return
		}
	}
	var since, until time.Time
	if body.Since != nil {
		since = *body.Since
	}
	if body.Until != nil {
		until = *body.Until
	}
	ds, err := s.hooks.engine.Recover(body.App, since, until)
	if err != nil {
		adminError(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	writeAdminJSON(w, http.StatusOK, map[string]any{"redelivered": ds})
}

// adminFlush waits until no delivery is due (?timeout=, default 10s) and,
// with a state database, until the outbox is committed.
func (s *Server) adminFlush(w http.ResponseWriter, r *http.Request) {
	timeout := 10 * time.Second
	if v := r.URL.Query().Get("timeout"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 || d > 5*time.Minute {
			adminError(w, http.StatusBadRequest, `timeout must be a duration between 0 and 5m, such as "5s"`)
			return
		}
		timeout = d
	}
	ctx, cancel := context.WithTimeout(r.Context(), timeout)
	defer cancel()
	if err := s.hooks.engine.Flush(ctx); err != nil {
		adminError(w, http.StatusGatewayTimeout, "deliveries were still due after "+timeout.String())
		return
	}
	// With a state database, what the flush did is committed before it answers.
	if err := s.webhooksDurable(ctx); err != nil {
		adminError(w, adminStatus(err), err.Error())
		return
	}
	pending := len(s.hooks.engine.Deliveries(webhooks.Filter{Status: webhooks.StatusPending}))
	writeAdminJSON(w, http.StatusOK, map[string]any{"flushed": true, "pending": pending})
}

// adminPauseApp pauses or resumes an app's deliveries.
func (s *Server) adminPauseApp(w http.ResponseWriter, r *http.Request) {
	app, action := r.PathValue("app"), r.PathValue("action")
	if action != "pause" && action != "resume" {
		adminError(w, http.StatusNotFound, "Cannot POST "+r.URL.Path)
		return
	}
	known := false
	for _, sub := range s.hooks.engine.Subscriptions() {
		known = known || sub.App == app
	}
	if _, ok := s.fx.App(app); !ok && !known {
		adminError(w, http.StatusNotFound, fmt.Sprintf("app %q is neither an app of the fixtures nor subscribed", app))
		return
	}
	change := crm.Change{Time: crm.MillisOf(s.clock.Now()), Kind: kindPausedApp, ID: app}
	if action == "pause" {
		s.hooks.engine.Pause(app)
		change.After = &pausedRecord{App: app}
	} else {
		s.hooks.engine.Resume(app)
		change.Before = &pausedRecord{App: app}
	}
	if err := s.saveWebhookRecords(r.Context(), "admin:"+action, change); err != nil {
		adminError(w, adminStatus(err), err.Error())
		return
	}
	writeAdminJSON(w, http.StatusOK, map[string]any{"app": app, "paused": action == "pause"})
}

// adminCheck runs the receiver check against a URL: {"url", "appId"}.
func (s *Server) adminCheck(w http.ResponseWriter, r *http.Request) {
	raw, ok := readAdminBody(w, r, maxAdminBody)
	if !ok {
		return
	}
	var body struct {
		URL   string `json:"url"`
		AppID string `json:"appId"`
	}
	if err := strictJSON(raw, &body); err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	if !strings.HasPrefix(body.URL, "http://") && !strings.HasPrefix(body.URL, "https://") {
		adminError(w, http.StatusBadRequest, "url must be an absolute http or https URL")
		return
	}
	if body.AppID == "" {
		body.AppID = s.fx.DefaultApp().ID
	}
	appID, _, _ := strings.Cut(body.AppID, "-")
	results, err := webhooks.Check(r.Context(), body.URL, webhooks.CheckOptions{Keys: s.WebhookKeys(), AppID: appID})
	if err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeAdminJSON(w, http.StatusOK, map[string]any{"results": results, "failed": webhooks.CheckFailed(results)})
}

// isSinkDelivery reports whether r is a webhook posted to the sink, which a
// mock with an admin token takes without it: a sender (the mock itself, or
// a user's app under test) does not hold the admin token. Reading the sink
// and changing its behaviour still need it.
func isSinkDelivery(r *http.Request) bool {
	rest, ok := strings.CutPrefix(r.URL.Path, "/_mock/sink/")
	return ok && r.Method == http.MethodPost && rest != "" && !strings.Contains(rest, "/")
}

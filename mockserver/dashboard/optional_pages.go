package dashboard

import (
	"context"
	"net/http"
	"strings"

	"github.com/ghlmock/ghlmock/mockserver/oauth"
	"github.com/ghlmock/ghlmock/mockserver/webhooks"
)

// webhooksAll selects every delivery the log holds, newest first, bounded.
var webhooksAll = webhooks.Filter{Limit: 200}

type webhooksView struct {
	Available     bool
	Subscriptions []webhooks.Subscription
	Deliveries    []webhooks.Delivery
	Paused        map[string]bool
	Apps          []string
	Sinks         []sinkView
}

// sinkView is what one of the mock's sinks received.
type sinkView struct {
	Name    string
	Records []webhooks.SinkRecord
}

// sinkPath is where the mock's own sinks listen.
const sinkPath = "/_mock/sink/"

func (d *Dashboard) webhooksPage(w http.ResponseWriter, r *http.Request, p principal) {
	v := webhooksView{}
	if wh := d.cfg.Webhooks; wh != nil {
		v.Available = true
		v.Subscriptions = wh.Subscriptions()
		v.Deliveries = wh.Deliveries(webhooksAll)
		v.Paused = map[string]bool{}
		for _, a := range wh.Paused() {
			v.Paused[a] = true
		}
		seen, sinks := map[string]bool{}, map[string]bool{}
		for _, s := range v.Subscriptions {
			if !seen[s.App] {
				seen[s.App] = true
				v.Apps = append(v.Apps, s.App)
			}
			if _, rest, ok := strings.Cut(s.URL, sinkPath); ok {
				name, _, _ := strings.Cut(rest, "/")
				if name != "" && !sinks[name] {
					sinks[name] = true
					recs := wh.SinkReceived(name)
					v.Sinks = append(v.Sinks, sinkView{Name: name, Records: recs[max(0, len(recs)-50):]})
				}
			}
		}
	}
	d.page(w, r, p, "webhooks", "Webhooks", v)
}

func (d *Dashboard) redeliver(w http.ResponseWriter, r *http.Request, p principal) {
	wh := d.cfg.Webhooks
	if wh == nil {
		d.fail(w, r, http.StatusNotImplemented, "webhooks are not available on this server")
		return
	}
	dl, err := wh.Redeliver(r.Context(), r.PathValue("id"))
	if err != nil {
		d.writeErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, dl)
}

func (d *Dashboard) pauseApp(w http.ResponseWriter, r *http.Request, p principal) {
	wh := d.cfg.Webhooks
	if wh == nil {
		d.fail(w, r, http.StatusNotImplemented, "webhooks are not available on this server")
		return
	}
	action := r.PathValue("action")
	if action != "pause" && action != "resume" {
		d.fail(w, r, http.StatusNotFound, "pause or resume")
		return
	}
	if err := wh.SetPaused(r.Context(), r.PathValue("app"), action == "pause"); err != nil {
		d.writeErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"paused": wh.Paused()})
}

type oauthView struct {
	Available bool
	Apps      []oauth.App
	Installs  []oauth.Install
	Tokens    []oauth.TokenInfo
}

func (d *Dashboard) oauthPage(w http.ResponseWriter, r *http.Request, p principal) {
	v := oauthView{}
	if o := d.cfg.OAuth; o != nil {
		v = oauthView{Available: true, Apps: o.Apps(), Installs: o.Installs(), Tokens: o.Tokens(oauth.TokenFilter{})}
	}
	d.page(w, r, p, "oauth", "OAuth", v)
}

// tokenAction revokes or expires an OAuth token.
func (d *Dashboard) tokenAction(w http.ResponseWriter, r *http.Request, p principal) {
	o := d.cfg.OAuth
	if o == nil {
		d.fail(w, r, http.StatusNotImplemented, "OAuth is not available on this server")
		return
	}
	do := map[string]func(context.Context, string) error{"revoke": o.RevokeToken, "expire": o.ExpireToken}[r.PathValue("action")]
	if do == nil {
		d.fail(w, r, http.StatusNotFound, "revoke or expire")
		return
	}
	if err := do(r.Context(), r.PathValue("id")); err != nil {
		d.writeErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{r.PathValue("action"): r.PathValue("id")})
}

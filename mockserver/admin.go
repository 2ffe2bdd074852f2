package mockserver

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/pprof"
	"slices"
	"strings"
	"time"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/faults"
	"github.com/ghlmock/ghlmock/mockserver/fixture"
	"github.com/ghlmock/ghlmock/mockserver/sqlite"
)

// adminPrefix is where the admin API lives; no GHL path starts with it.
const adminPrefix = "/_mock/"

// Size limits of admin request bodies: a state import carries a whole
// location; everything else is small.
const (
	maxAdminBody = 1 << 20
	maxStateBody = 512 << 20
)

// adminHandler serves the admin API: health, faults, the request journal,
// reset, rate-limit counters, the clock, tokens and state export/import.
// It is never rate limited, and guarded against web pages and strangers
// (admin_guard.go).
func (s *Server) adminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /_mock/health", s.adminHealth)
	mux.HandleFunc("POST /_mock/faults", s.adminAddFault)
	mux.HandleFunc("GET /_mock/faults", func(w http.ResponseWriter, r *http.Request) {
		writeAdminJSON(w, http.StatusOK, map[string]any{"faults": s.faults.List()})
	})
	mux.HandleFunc("DELETE /_mock/faults/{id}", func(w http.ResponseWriter, r *http.Request) {
		if !s.faults.Remove(r.PathValue("id")) {
			adminError(w, http.StatusNotFound, "no fault rule "+r.PathValue("id"))
			return
		}
		writeAdminJSON(w, http.StatusOK, map[string]any{"deleted": r.PathValue("id")})
	})
	mux.HandleFunc("DELETE /_mock/faults", func(w http.ResponseWriter, r *http.Request) {
		n := s.faults.Len()
		s.faults.Clear()
		writeAdminJSON(w, http.StatusOK, map[string]any{"deleted": n})
	})
	mux.HandleFunc("GET /_mock/requests", s.adminRequests)
	mux.HandleFunc("GET /_mock/requests/count", s.adminCountRequests)
	mux.HandleFunc("POST /_mock/requests/count", s.adminCountRequests)
	mux.HandleFunc("DELETE /_mock/requests", func(w http.ResponseWriter, r *http.Request) {
		s.journal.Clear()
		writeAdminJSON(w, http.StatusOK, map[string]any{"cleared": true})
	})
	mux.HandleFunc("POST /_mock/reset", func(w http.ResponseWriter, r *http.Request) {
		if err := s.reset(r.Context()); err != nil {
			adminError(w, adminStatus(err), err.Error())
			return
		}
		writeAdminJSON(w, http.StatusOK, map[string]any{"reset": true, "now": s.clock.Now().Format(crm.ISOLayout)})
	})
	mux.HandleFunc("GET /_mock/ratelimits", func(w http.ResponseWriter, r *http.Request) {
		writeAdminJSON(w, http.StatusOK, map[string]any{"ratelimits": s.limiter.Counters()})
	})
	mux.HandleFunc("DELETE /_mock/ratelimits", func(w http.ResponseWriter, r *http.Request) {
		s.limiter.Reset()
		writeAdminJSON(w, http.StatusOK, map[string]any{"cleared": true})
	})
	mux.HandleFunc("GET /_mock/clock", func(w http.ResponseWriter, r *http.Request) {
		writeAdminJSON(w, http.StatusOK, s.clockView())
	})
	mux.HandleFunc("POST /_mock/clock", s.adminClock)
	mux.HandleFunc("GET /_mock/tokens", s.adminListTokens)
	mux.HandleFunc("POST /_mock/tokens", s.adminMintToken)
	mux.HandleFunc("DELETE /_mock/tokens/{token}", s.adminRevokeToken)
	mux.HandleFunc("GET /_mock/metrics", s.adminMetrics)
	s.workspaceRoutes(mux)
	mux.HandleFunc("GET /_mock/state", s.adminExport)
	mux.HandleFunc("PUT /_mock/state", s.adminImport)
	s.registerWebhookAdmin(mux) // admin_webhooks.go
	s.adminOAuth(mux)           // /_mock/oauth/… (admin_oauth.go)
	if s.cfg.Pprof {
		mux.HandleFunc("/_mock/debug/pprof/", func(w http.ResponseWriter, r *http.Request) {
			// net/http/pprof serves from /debug/pprof/; strip our prefix.
			r2 := r.Clone(r.Context())
			r2.URL.Path = strings.TrimPrefix(r.URL.Path, "/_mock")
			pprof.Index(w, r2)
		})
		mux.HandleFunc("/_mock/debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("/_mock/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/_mock/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/_mock/debug/pprof/trace", pprof.Trace)
	}
	mux.HandleFunc("/_mock/", func(w http.ResponseWriter, r *http.Request) {
		adminError(w, http.StatusNotFound, "Cannot "+r.Method+" "+r.URL.Path)
	})
	return s.guardAdmin(mux) // admin_guard.go
}

// adminHealth answers {"status":"ok"}, or 503 {"status":"degraded",
// "reason", "since"} while the state database cannot commit (writes are
// refused then; reads are served).
func (s *Server) adminHealth(w http.ResponseWriter, _ *http.Request) {
	if s.db != nil {
		if err, since := s.db.Health(); err != nil {
			writeAdminJSON(w, http.StatusServiceUnavailable, map[string]string{
				"status": "degraded",
				"reason": "the state database " + s.db.Path() + " cannot commit (" + err.Error() + "): writes are answered 503 until it can",
				"since":  since.UTC().Format(crm.ISOLayout),
			})
			return
		}
	}
	writeAdminJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) adminAddFault(w http.ResponseWriter, r *http.Request) {
	raw, ok := readAdminBody(w, r, maxAdminBody)
	if !ok {
		return
	}
	rule, err := faults.FromJSON(raw)
	if err == nil {
		err = s.ruleCanMatch(rule)
	}
	if err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	added, err := s.faults.Add(rule)
	if err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeAdminJSON(w, http.StatusCreated, added)
}

func (s *Server) clockView() map[string]any {
	return map[string]any{"now": s.clock.Now().Format(crm.ISOLayout), "offset": s.clock.Offset().String(), "frozen": s.clock.Frozen()}
}

// maxClockOffset bounds how far the admin API moves the clock in all: a
// century covers any token expiry or quota window, and the offset, in
// nanoseconds, cannot overflow.
const maxClockOffset = 100 * 365 * 24 * time.Hour

func (s *Server) adminClock(w http.ResponseWriter, r *http.Request) {
	raw, ok := readAdminBody(w, r, maxAdminBody)
	if !ok {
		return
	}
	var body struct {
		Advance string `json:"advance"`
		Freeze  *bool  `json:"freeze"` // stop the clock (true) or let it run again (false)
	}
	if err := strictJSON(raw, &body); err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	if body.Freeze != nil && body.Advance == "" {
		s.clock.Freeze(*body.Freeze)
		writeAdminJSON(w, http.StatusOK, s.clockView())
		return
	}
	d, err := time.ParseDuration(body.Advance)
	if err != nil || d < 0 {
		adminError(w, http.StatusBadRequest, `advance must be a non-negative duration such as "10s" or "25h"`)
		return
	}
	if !s.clock.AdvanceWithin(d, maxClockOffset) {
		adminError(w, http.StatusBadRequest, fmt.Sprintf("advance would move the clock more than %s ahead in all (it is %s ahead now): reset to start over", maxClockOffset, s.clock.Offset()))
		return
	}
	if body.Freeze != nil {
		s.clock.Freeze(*body.Freeze)
	}
	view := s.clockView()
	// The webhook retries that came due are made before the answer.
	view["webhooksSettled"] = s.webhooksAdvanced(r.Context())
	writeAdminJSON(w, http.StatusOK, view)
}

// tokenView is a token as the admin API shows it.
type tokenView struct {
	Token      string   `json:"token"`
	Name       string   `json:"name,omitempty"`
	LocationID string   `json:"locationId"`
	App        string   `json:"app"`
	Scopes     []string `json:"scopes"`
	ExpiresAt  string   `json:"expiresAt,omitempty"`
	Expired    bool     `json:"expired"`
	Minted     bool     `json:"minted"`
}

func (s *Server) viewToken(t *token) tokenView {
	v := tokenView{Token: t.Value, Name: t.Name, LocationID: t.LocationID, App: t.App, Scopes: t.Scopes, Minted: t.Minted}
	if !t.ExpiresAt.IsZero() {
		v.ExpiresAt = t.ExpiresAt.UTC().Format(crm.ISOLayout)
		v.Expired = !s.clock.Now().Before(t.ExpiresAt)
	}
	return v
}

func (s *Server) adminListTokens(w http.ResponseWriter, r *http.Request) {
	out := []tokenView{}
	for _, t := range s.tokens.list() {
		out = append(out, s.viewToken(t))
	}
	writeAdminJSON(w, http.StatusOK, map[string]any{"tokens": out})
}

// adminMintToken creates a token for a location: {"locationId", "scopes",
// "expiresIn", "name", "app"}. expiresIn is a duration ("1h") or seconds; it
// defaults to 86400 s, the life of a GHL access token; 0 means never.
func (s *Server) adminMintToken(w http.ResponseWriter, r *http.Request) {
	raw, ok := readAdminBody(w, r, maxAdminBody)
	if !ok {
		return
	}
	var body struct {
		LocationID string          `json:"locationId"`
		Scopes     []string        `json:"scopes"`
		ExpiresIn  json.RawMessage `json:"expiresIn"`
		Name       string          `json:"name"`
		App        string          `json:"app"`
	}
	if err := strictJSON(raw, &body); err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	loc, found := s.fx.Location(body.LocationID)
	if !found {
		adminError(w, http.StatusBadRequest, fmt.Sprintf("locationId %q is not a location of the fixtures", body.LocationID))
		return
	}
	if body.Scopes == nil {
		body.Scopes = []string{"contacts.readonly", "contacts.write"}
	}
	for _, sc := range body.Scopes {
		if !fixture.KnownScope(sc) {
			adminError(w, http.StatusBadRequest, fmt.Sprintf("unknown scope %q", sc))
			return
		}
	}
	life, err := parseExpiresIn(body.ExpiresIn)
	if err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	app := body.App
	if app == "" {
		app = s.fx.DefaultApp().ID
	} else if _, ok := s.fx.App(app); !ok {
		adminError(w, http.StatusBadRequest, fmt.Sprintf("app %q is not an app of the fixtures", app))
		return
	}
	ft := fixture.Token{Token: newPIT(), Name: body.Name, App: app, Scopes: slices.Clone(body.Scopes), LocationID: loc.ID}
	a, _ := s.fx.App(app)
	ft.BurstLimit, ft.BurstWindow, ft.DailyLimit = a.BurstLimit, a.BurstWindow, a.DailyLimit
	t := s.newToken(ft)
	t.Minted = true
	if life > 0 {
		t.ExpiresAt = s.clock.Now().Add(life)
	}
	err = s.write(r.Context(), crm.Cause{OperationID: "admin:mint-token"}, false, func(ctx context.Context) error {
		s.tokens.put(t)
		s.publishToken(ctx, t.Value, nil, t.record(time.Time{}))
		return nil
	})
	if err != nil {
		adminError(w, adminStatus(err), err.Error())
		return
	}
	writeAdminJSON(w, http.StatusCreated, s.viewToken(t))
}

// adminRevokeToken revokes a token, minted or from the fixtures: every
// request with it is then GHL's 401, and stays so across restarts.
func (s *Server) adminRevokeToken(w http.ResponseWriter, r *http.Request) {
	value := r.PathValue("token")
	found := false
	err := s.write(r.Context(), crm.Cause{OperationID: "admin:revoke-token"}, false, func(ctx context.Context) error {
		now := s.clock.Now()
		t := s.tokens.revoke(value, now)
		if t == nil {
			return nil
		}
		found = true
		s.publishToken(ctx, value, t.record(time.Time{}), t.record(now))
		return nil
	})
	switch {
	case err != nil:
		adminError(w, adminStatus(err), err.Error())
	case !found:
		adminError(w, http.StatusNotFound, "no such token")
	default:
		writeAdminJSON(w, http.StatusOK, map[string]any{"revoked": value})
	}
}

// adminStatus is the status of an admin write the state refused: 503 when
// the state database cannot commit, 400 for a store error a client caused.
func adminStatus(err error) int {
	if errors.Is(err, sqlite.ErrDegraded) {
		return http.StatusServiceUnavailable
	}
	return storeStatus(err)
}

func parseExpiresIn(raw json.RawMessage) (time.Duration, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return 24 * time.Hour, nil
	}
	var secs float64
	if json.Unmarshal(raw, &secs) == nil {
		if secs < 0 {
			return 0, errors.New("expiresIn must not be negative")
		}
		return time.Duration(secs * float64(time.Second)), nil
	}
	var str string
	if json.Unmarshal(raw, &str) == nil {
		if d, err := time.ParseDuration(str); err == nil && d >= 0 {
			return d, nil
		}
	}
	return 0, errors.New(`expiresIn must be seconds (86400) or a duration ("24h")`)
}

// newPIT returns a token in the Private Integration Token form pit-<uuid>.
func newPIT() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("pit-%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// adminExport answers the state of the locations named by ?locationId= (all
// when none is named), in the format PUT /_mock/state reads.
func (s *Server) adminExport(w http.ResponseWriter, r *http.Request) {
	ds, err := s.Store().Export(r.Context(), r.URL.Query()["locationId"]...)
	if err != nil {
		adminError(w, storeStatus(err), err.Error())
		return
	}
	writeAdminJSON(w, http.StatusOK, ds)
}

func (s *Server) adminImport(w http.ResponseWriter, r *http.Request) {
	raw, ok := readAdminBody(w, r, maxStateBody)
	if !ok {
		return
	}
	var ds crm.Dataset
	if err := strictJSON(raw, &ds); err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	if len(ds.Locations) == 0 {
		adminError(w, http.StatusBadRequest, "the state names no location")
		return
	}
	err := s.write(r.Context(), crm.Cause{OperationID: "admin:import"}, false, func(ctx context.Context) error {
		return s.store.Load().Import(ctx, ds)
	})
	if err != nil {
		adminError(w, adminStatus(err), err.Error())
		return
	}
	ids := make([]string, len(ds.Locations))
	for i, l := range ds.Locations {
		ids[i] = l.Location.ID
	}
	s.changes.Add(1)
	writeAdminJSON(w, http.StatusOK, map[string]any{"imported": ids})
}

func storeStatus(err error) int {
	if crm.ErrorCode(err) != "" {
		return http.StatusBadRequest
	}
	return http.StatusInternalServerError
}

func readAdminBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, bool) {
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			drainBody(w, r)
			adminError(w, http.StatusRequestEntityTooLarge, "request entity too large")
		} else {
			adminError(w, http.StatusBadRequest, "could not read the request body")
		}
		return nil, false
	}
	return raw, true
}

func strictJSON(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw)) // no copy: a state import may be large
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("invalid JSON body: %w", err)
	}
	return nil
}

func adminError(w http.ResponseWriter, status int, message string) {
	writeAdminJSON(w, status, errorBody{StatusCode: status, Message: message, Error: http.StatusText(status)})
}

func writeAdminJSON(w http.ResponseWriter, status int, v any) {
	b, err := marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"statusCode":500,"message":"Internal Server Error","error":"Internal Server Error"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

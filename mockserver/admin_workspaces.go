package mockserver

import (
	"errors"
	"net/http"
	"strings"
	"time"
)

// workspaceRoutes registers the workspace admin API: create, list, show,
// delete, and each workspace's own admin API under
// /_mock/workspaces/{id}/… (its journal, faults, reset, clock, tokens, rate
// limits and state), reached through this mock's admin checks.
func (s *Server) workspaceRoutes(mux *http.ServeMux) {
	if s.cfg.inWorkspace {
		return
	}
	mux.HandleFunc("POST /_mock/workspaces", s.adminCreateWorkspace)
	mux.HandleFunc("GET /_mock/workspaces", func(w http.ResponseWriter, r *http.Request) {
		writeAdminJSON(w, http.StatusOK, map[string]any{"workspaces": s.Workspaces()})
	})
	mux.HandleFunc("GET /_mock/workspaces/{id}", func(w http.ResponseWriter, r *http.Request) {
		ws, ok := s.workspace(r.PathValue("id"))
		if !ok {
			adminError(w, http.StatusNotFound, "no workspace "+r.PathValue("id")+" (it may have expired)")
			return
		}
		writeAdminJSON(w, http.StatusOK, ws.info)
	})
	mux.HandleFunc("DELETE /_mock/workspaces/{id}", func(w http.ResponseWriter, r *http.Request) {
		if !s.DeleteWorkspace(r.PathValue("id")) {
			adminError(w, http.StatusNotFound, "no workspace "+r.PathValue("id")+" (it may have expired)")
			return
		}
		writeAdminJSON(w, http.StatusOK, map[string]any{"deleted": r.PathValue("id")})
	})
	mux.HandleFunc("/_mock/workspaces/{id}/{rest...}", func(w http.ResponseWriter, r *http.Request) {
		ws, ok := s.workspace(r.PathValue("id"))
		if !ok {
			adminError(w, http.StatusNotFound, "no workspace "+r.PathValue("id")+" (it may have expired)")
			return
		}
		r2 := r.Clone(r.Context())
		r2.URL.Path = adminPrefix + r.PathValue("rest")
		r2.URL.RawPath = ""
		ws.srv.ServeHTTP(w, r2)
	})
}

// adminCreateWorkspace is POST /_mock/workspaces {"name","seed","ttl"}:
// ttl a duration ("30m") or seconds.
func (s *Server) adminCreateWorkspace(w http.ResponseWriter, r *http.Request) {
	raw, ok := readAdminBody(w, r, maxAdminBody)
	if !ok {
		return
	}
	var body struct {
		Name string `json:"name"`
		Seed int64  `json:"seed"`
		TTL  any    `json:"ttl"`
	}
	if len(strings.TrimSpace(string(raw))) > 0 {
		if err := strictJSON(raw, &body); err != nil {
			adminError(w, http.StatusBadRequest, err.Error())
			return
		}
	}
	var ttl time.Duration
	switch v := body.TTL.(type) {
	case nil:
	case string:
		d, err := time.ParseDuration(v)
		if err != nil {
			adminError(w, http.StatusBadRequest, `ttl must be a duration such as "30m" or "2h", or seconds`)
			return
		}
		ttl = d
	case float64:
		if v != float64(int64(v)) || v <= 0 {
			adminError(w, http.StatusBadRequest, "ttl in seconds must be a positive whole number")
			return
		}
		ttl = time.Duration(v) * time.Second
	default:
		adminError(w, http.StatusBadRequest, `ttl must be a duration such as "30m" or "2h", or seconds`)
		return
	}
	ws, err := s.CreateWorkspace(r.Context(), WorkspaceOptions{Name: body.Name, Seed: body.Seed, TTL: ttl})
	if err != nil {
		var we *workspaceError
		if errors.As(err, &we) {
			adminError(w, we.status, we.msg)
			return
		}
		s.log.Error("workspace", "error", err.Error())
		adminError(w, http.StatusInternalServerError, "the workspace could not be made: "+err.Error())
		return
	}
	writeAdminJSON(w, http.StatusCreated, ws)
}

package mockserver

import (
	"context"
	"errors"
	"net/http"
	"slices"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/oauth"
)

// The admin API of OAuth, under /_mock/oauth/: the headless authorize call
// for CI, and the apps, installs, codes and tokens to list, expire and
// revoke. Every write goes through the server's write path (oauthChanges)
// with the cause named here.
func (s *Server) adminOAuth(mux *http.ServeMux) {
	if s.oauth == nil {
		return
	}
	mux.HandleFunc("POST /_mock/oauth/authorize", s.adminOAuthAuthorize)
	mux.HandleFunc("GET /_mock/oauth/apps", func(w http.ResponseWriter, r *http.Request) {
		writeAdminJSON(w, http.StatusOK, map[string]any{"apps": s.oauth.Apps()})
	})
	mux.HandleFunc("GET /_mock/oauth/companies", func(w http.ResponseWriter, r *http.Request) {
		writeAdminJSON(w, http.StatusOK, map[string]any{"companies": s.oauth.Companies()})
	})
	mux.HandleFunc("GET /_mock/oauth/installs", func(w http.ResponseWriter, r *http.Request) {
		writeAdminJSON(w, http.StatusOK, map[string]any{"installs": s.oauth.Installs()})
	})
	mux.HandleFunc("POST /_mock/oauth/installs", s.adminOAuthInstall)
	mux.HandleFunc("DELETE /_mock/oauth/installs/{id}", func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		s.adminOAuthWrite(w, r, "admin:oauth-uninstall", func(ctx context.Context) (any, error) {
			return map[string]any{"uninstalled": id}, s.oauth.Uninstall(ctx, id)
		})
	})
	mux.HandleFunc("DELETE /_mock/oauth/installs", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		app, loc := q.Get("appId"), q.Get("locationId")
		if app == "" || loc == "" {
			adminError(w, http.StatusBadRequest, "name the app and the location: ?appId=…&locationId=…")
			return
		}
		s.adminOAuthWrite(w, r, "admin:oauth-uninstall", func(ctx context.Context) (any, error) {
			return map[string]any{"uninstalled": map[string]string{"appId": app, "locationId": loc}}, s.oauth.UninstallLocation(ctx, app, loc)
		})
	})
	mux.HandleFunc("GET /_mock/oauth/codes", func(w http.ResponseWriter, r *http.Request) {
		writeAdminJSON(w, http.StatusOK, map[string]any{"codes": s.oauth.Codes()})
	})
	mux.HandleFunc("GET /_mock/oauth/tokens", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		list := s.oauth.Tokens(oauth.TokenFilter{
			AppID: q.Get("appId"), InstallID: q.Get("installId"), CompanyID: q.Get("companyId"), LocationID: q.Get("locationId"),
			Family: q.Get("family"), Kind: oauth.TokenKind(q.Get("kind")), State: oauth.TokenState(q.Get("state")),
		})
		if list == nil {
			list = []oauth.TokenInfo{}
		}
		writeAdminJSON(w, http.StatusOK, map[string]any{"tokens": list})
	})
	tokenAction := func(action string, do func(ctx context.Context, id string) error) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			id := tokenRef(r.PathValue("id"))
			s.adminOAuthWrite(w, r, "admin:oauth-"+action, func(ctx context.Context) (any, error) {
				return map[string]any{action: id}, do(ctx, id)
			})
		}
	}
	mux.HandleFunc("POST /_mock/oauth/tokens/{id}/expire", tokenAction("expire", s.oauth.ExpireToken))
	mux.HandleFunc("POST /_mock/oauth/tokens/{id}/revoke", tokenAction("revoke", s.oauth.RevokeToken))
	mux.HandleFunc("POST /_mock/oauth/refresh-tokens/{id}/consume", tokenAction("consume", s.oauth.ConsumeRefreshToken))
	mux.HandleFunc("POST /_mock/oauth/families/{family}/revoke", func(w http.ResponseWriter, r *http.Request) {
		family := r.PathValue("family")
		s.adminOAuthWrite(w, r, "admin:oauth-revoke", func(ctx context.Context) (any, error) {
			n, err := s.oauth.RevokeFamily(ctx, family)
			return map[string]any{"family": family, "revoked": n}, err
		})
	})
	mux.HandleFunc("GET /_mock/oauth/jwks", func(w http.ResponseWriter, r *http.Request) {
		set, err := s.oauth.JWKS()
		if err != nil {
			adminError(w, http.StatusInternalServerError, err.Error())
			return
		}
		writeAdminJSON(w, http.StatusOK, set)
	})
	mux.HandleFunc("GET /_mock/oauth/state", func(w http.ResponseWriter, r *http.Request) {
		snap, err := s.oauth.Export()
		if err != nil {
			adminError(w, http.StatusInternalServerError, err.Error())
			return
		}
		writeAdminJSON(w, http.StatusOK, snap)
	})
	mux.HandleFunc("PUT /_mock/oauth/state", func(w http.ResponseWriter, r *http.Request) {
		raw, ok := readAdminBody(w, r, maxStateBody)
		if !ok {
			return
		}
		var snap oauth.Snapshot
		if err := strictJSON(raw, &snap); err != nil {
			adminError(w, http.StatusBadRequest, err.Error())
			return
		}
		s.adminOAuthWrite(w, r, "admin:oauth-import", func(ctx context.Context) (any, error) {
			return map[string]any{"imported": map[string]int{"installs": len(snap.Installs), "codes": len(snap.Codes), "tokens": len(snap.Tokens)}},
				s.oauth.Import(ctx, snap)
		})
	})
}

// tokenRef is a token's record id, given as the id or as the JWT itself.
func tokenRef(v string) string {
	if oauth.LooksLikeJWT(v) {
		return oauth.TokenID(v)
	}
	return v
}

// adminOAuthWrite runs an OAuth admin write with its cause and answers it:
// 404 for what does not exist, 400 for what is invalid, 503 when the state
// database cannot commit.
func (s *Server) adminOAuthWrite(w http.ResponseWriter, r *http.Request, cause string, do func(ctx context.Context) (any, error)) {
	out, err := do(oauth.WithCause(r.Context(), crm.Cause{OperationID: cause}))
	var e *oauth.Error
	switch {
	case err == nil:
		writeAdminJSON(w, http.StatusOK, out)
	case errors.Is(err, oauth.ErrNotFound):
		adminError(w, http.StatusNotFound, err.Error())
	case errors.Is(err, oauth.ErrInvalid):
		adminError(w, http.StatusBadRequest, err.Error())
	case errors.As(err, &e) && s.oauthUnsaved(e) != nil:
		adminError(w, http.StatusServiceUnavailable, e.Reason)
	case errors.As(err, &e):
		adminError(w, e.Status, e.Message()+" ("+e.Reason+")")
	default:
		adminError(w, adminStatus(err), err.Error())
	}
}

// adminOAuthAuthorize is the authorize step without the page, for CI:
// {"clientId", "locationId"} installs the app from that location's view (its
// code gives a Location token); {"clientId", "companyId"} from the agency's,
// on "locationIds" or every location of the company (a Company token). It
// answers {"code", "redirectUri", "redirectUrl", "expiresAt", "install"}.
func (s *Server) adminOAuthAuthorize(w http.ResponseWriter, r *http.Request) {
	raw, ok := readAdminBody(w, r, maxAdminBody)
	if !ok {
		return
	}
	var body struct {
		ClientID                 string   `json:"clientId"`
		LocationID               string   `json:"locationId"`
		CompanyID                string   `json:"companyId"`
		LocationIDs              []string `json:"locationIds"`
		UserType                 string   `json:"userType"`
		RedirectURI              string   `json:"redirectUri"`
		VersionID                string   `json:"versionId"`
		State                    string   `json:"state"`
		UserID                   string   `json:"userId"`
		InstallToFutureLocations bool     `json:"installToFutureLocations"`
	}
	if err := strictJSON(raw, &body); err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	app, found := s.oauth.AppByClientID(body.ClientID)
	if !found {
		adminError(w, http.StatusBadRequest, "clientId "+body.ClientID+" is no app of the fixtures (GET /_mock/oauth/apps lists them)")
		return
	}
	in := oauth.AuthorizeInput{
		ClientID: app.ClientID, VersionID: body.VersionID, RedirectURI: body.RedirectURI, State: body.State,
		UserType: oauth.Class(body.UserType), CompanyID: body.CompanyID, UserID: body.UserID,
		InstallToFutureLocations: body.InstallToFutureLocations, LocationIDs: slices.Clone(body.LocationIDs),
	}
	switch {
	case body.LocationID != "" && (body.CompanyID != "" || body.LocationIDs != nil):
		adminError(w, http.StatusBadRequest, "give locationId (a location's view) or companyId with locationIds (the agency's), not both")
		return
	case body.LocationID != "":
		in.LocationIDs = []string{body.LocationID}
		if in.UserType == "" {
			in.UserType = oauth.ClassLocation
		}
	case body.CompanyID != "":
		if in.UserType == "" {
			in.UserType = oauth.ClassCompany
		}
		if in.LocationIDs == nil && app.Target == oauth.TargetSubAccount {
			for _, c := range s.oauth.Companies() {
				if c.ID == body.CompanyID {
					for _, l := range c.Locations {
						in.LocationIDs = append(in.LocationIDs, l.ID)
					}
				}
			}
		}
	default:
		adminError(w, http.StatusBadRequest, "name where to install the app: locationId, or companyId")
		return
	}
	ctx := oauth.WithCause(r.Context(), crm.Cause{OperationID: "admin:oauth-authorize"})
	res, e := s.oauth.Authorize(ctx, in)
	if e != nil && s.oauthUnsaved(e) != nil {
		adminError(w, http.StatusServiceUnavailable, e.Reason)
		return
	}
	if e != nil {
		adminError(w, e.Status, e.Message()+" ("+e.Reason+")")
		return
	}
	redirect := body.RedirectURI
	if redirect == "" {
		redirect = app.RedirectURIs[0]
	}
	writeAdminJSON(w, http.StatusOK, map[string]any{
		"code": res.Code, "redirectUri": redirect, "redirectUrl": res.RedirectURL,
		"expiresAt": res.ExpiresAt.UTC().Format(crm.ISOLayout), "install": res.Install,
	})
}

// adminOAuthInstall installs an app without a code: {"appId" or "clientId",
// "userType", "companyId", "locationIds", "userId", "installToFutureLocations"}.
func (s *Server) adminOAuthInstall(w http.ResponseWriter, r *http.Request) {
	raw, ok := readAdminBody(w, r, maxAdminBody)
	if !ok {
		return
	}
	var body struct {
		AppID                    string   `json:"appId"`
		ClientID                 string   `json:"clientId"`
		UserType                 string   `json:"userType"`
		CompanyID                string   `json:"companyId"`
		LocationIDs              []string `json:"locationIds"`
		UserID                   string   `json:"userId"`
		InstallToFutureLocations bool     `json:"installToFutureLocations"`
	}
	if err := strictJSON(raw, &body); err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	if body.AppID == "" {
		if app, ok := s.oauth.AppByClientID(body.ClientID); ok {
			body.AppID = app.ID
		}
	}
	if body.UserType == "" {
		body.UserType = string(oauth.ClassLocation)
		if body.CompanyID != "" {
			body.UserType = string(oauth.ClassCompany)
		}
	}
	s.adminOAuthWrite(w, r, "admin:oauth-install", func(ctx context.Context) (any, error) {
		in, err := s.oauth.Install(ctx, oauth.InstallInput{
			AppID: body.AppID, UserType: oauth.Class(body.UserType), CompanyID: body.CompanyID, LocationIDs: body.LocationIDs,
			UserID: body.UserID, InstallToFutureLocations: body.InstallToFutureLocations,
		})
		return map[string]any{"install": in}, err
	})
}

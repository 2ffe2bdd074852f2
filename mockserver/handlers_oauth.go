package mockserver

import (
	"context"
	"net/http"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/oauth"
)

// GHL's OAuth endpoints. The pipeline has validated the form (or JSON) body;
// package oauth decides and answers.

// getAccessToken serves POST /oauth/token: a code or a refresh token for a
// token pair. The client credentials may come as HTTP Basic authentication
// when the form has none (generic OAuth clients send them so).
func (s *Server) getAccessToken(ctx context.Context, rq *request) (int, any, error) {
	in := oauth.TokenInput{
		GrantType: formValue(rq, "grant_type"), ClientID: formValue(rq, "client_id"), ClientSecret: formValue(rq, "client_secret"),
		Code: formValue(rq, "code"), RefreshToken: formValue(rq, "refresh_token"), UserType: formValue(rq, "user_type"),
		RedirectURI: formValue(rq, "redirect_uri"),
	}
	if in.ClientID == "" && in.ClientSecret == "" {
		if id, secret, ok := rq.r.BasicAuth(); ok {
			in.ClientID, in.ClientSecret = id, secret
		}
	}
	cause := crm.Cause{OperationID: rq.op.ID, TraceID: rq.traceID}
	if app, ok := s.oauth.AppByClientID(in.ClientID); ok {
		cause.App = app.ID // the changes are the app's, as a token's requests are
	}
	resp, e := s.oauth.Token(oauth.WithCause(ctx, cause), in)
	if e != nil {
		return s.oauthRefusal(rq, e)
	}
	return http.StatusOK, resp, nil
}

// getLocationAccessToken serves POST /oauth/locationToken: a Company token
// of the app for a Location token of one of its company's locations.
func (s *Server) getLocationAccessToken(ctx context.Context, rq *request) (int, any, error) {
	in := oauth.LocationTokenInput{Caller: rq.token.oauth, CompanyID: formValue(rq, "companyId"), LocationID: formValue(rq, "locationId")}
	resp, e := s.oauth.LocationToken(oauthCause(ctx, rq), in)
	if e != nil {
		return s.oauthRefusal(rq, e)
	}
	return resp.Status, resp, nil
}

// getInstalledLocation serves GET /oauth/installedLocations.
func (s *Server) getInstalledLocation(_ context.Context, rq *request) (int, any, error) {
	q := rq.values()
	resp, e := s.oauth.InstalledLocations(oauth.InstalledLocationsInput{
		Caller: rq.token.oauth, CompanyID: q.Get("companyId"), AppID: q.Get("appId"), Skip: q.Get("skip"), Limit: q.Get("limit"),
		Query: q.Get("query"), IsInstalled: q.Get("isInstalled"), LocationID: q.Get("locationId"), VersionID: q.Get("versionId"),
	})
	if e != nil {
		return s.oauthRefusal(rq, e)
	}
	return http.StatusOK, resp, nil
}

// checkRouteVersion answers Express's 404 for a path that exists only under
// another Version (the paths v3 renamed), before anything else is looked
// at, as GHL's router does.
func (s *Server) checkRouteVersion(rq *request) *apiError {
	if v := rq.op.onlyVersion; v != "" && rq.r.Header.Get("Version") != v {
		e := routeNotFound(rq.r.Method, rq.r.URL.EscapedPath())
		e.why = "this path exists under Version " + v + " only"
		return e
	}
	return nil
}

// oauthRefusal answers package oauth's refusal: the token endpoint's OAuth
// body as it is, the others in GHL's error shape (with the traceId).
func (s *Server) oauthRefusal(rq *request, e *oauth.Error) (int, any, error) {
	rq.why = e.Reason
	if ae := s.oauthUnsaved(e); ae != nil {
		return 0, nil, ae
	}
	switch b := e.Body.(type) {
	case *oauth.OAuthErrorBody:
		return e.Status, b, nil
	case *oauth.APIErrorBody:
		return 0, nil, &apiError{Status: b.StatusCode, Message: b.Message, Reason: b.Error, NoError: b.Error == "", why: e.Reason}
	}
	return 0, nil, &apiError{Status: e.Status, Message: e.Message(), why: e.Reason}
}

// formValue is a field of the request's form (or JSON) body, decoded once
// by readBody; "" when absent or not a string.
func formValue(rq *request, name string) string {
	m, _ := rq.value.(map[string]any)
	v, _ := m[name].(string)
	return v
}

// oauthUnsaved is the answer to an OAuth write the state database could not
// commit (package oauth undid it): 503, as every write then, rather than its
// 500.
func (s *Server) oauthUnsaved(e *oauth.Error) *apiError {
	if e.Status < http.StatusInternalServerError || s.db == nil {
		return nil
	}
	if err, _ := s.db.Health(); err != nil {
		return s.unavailable(err)
	}
	return nil
}

// getLocationAccessTokenV3 serves POST /oauth/location-token, v3's name for
// POST /oauth/locationToken, which it answers alike.
func (s *Server) getLocationAccessTokenV3(ctx context.Context, rq *request) (int, any, error) {
	return s.getLocationAccessToken(ctx, rq)
}

// getInstalledLocationV3 serves GET /oauth/installed-locations, v3's name
// for GET /oauth/installedLocations, which it answers alike.
func (s *Server) getInstalledLocationV3(ctx context.Context, rq *request) (int, any, error) {
	return s.getInstalledLocation(ctx, rq)
}

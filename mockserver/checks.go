package mockserver

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/fixture"
	"github.com/ghlmock/ghlmock/mockserver/journal"
)

// The checks of the pipeline before a request reaches its handler, in GHL's
// order (see pipeline). Each refuses with GHL's answer or lets it pass.

// authenticate finds the request's bearer token: a missing, unknown,
// expired or revoked one is GHL's 401 (one answer for all, as GHL gives;
// the journal says which).
func (s *Server) authenticate(rq *request) *apiError {
	if rq.op.auth == authNone {
		return nil
	}
	msgs := s.settings.Messages
	authz := rq.r.Header.Get("Authorization")
	scheme, value, _ := strings.Cut(strings.TrimSpace(authz), " ")
	value = strings.TrimSpace(value)
	switch {
	case authz == "":
		return &apiError{Status: http.StatusUnauthorized, Message: msgs.MissingToken, why: "no Authorization header"}
	case !strings.EqualFold(scheme, "Bearer"):
		return &apiError{Status: http.StatusUnauthorized, Message: msgs.InvalidToken, why: "no Bearer scheme (Authorization: " + journal.Truncate(scheme, 32) + " …)"}
	case value == "":
		return &apiError{Status: http.StatusUnauthorized, Message: msgs.InvalidToken, why: "no token after Bearer"}
	}
	t, ok := s.tokens.lookup(value)
	if !ok {
		var why string
		if t, why = s.authenticateOAuth(value); t != nil {
			rq.token, rq.loc = t, t.LocationID
			return nil
		}
		if at, revoked := s.tokens.revokedAt(value); revoked {
			why = "token revoked at " + at.UTC().Format(crm.ISOLayout)
		}
		return &apiError{Status: http.StatusUnauthorized, Message: msgs.InvalidToken, why: why}
	}
	if !t.ExpiresAt.IsZero() && !s.clock.Now().Before(t.ExpiresAt) {
		return &apiError{Status: http.StatusUnauthorized, Message: msgs.InvalidToken, why: "token expired at " + t.ExpiresAt.UTC().Format(crm.ISOLayout)}
	}
	rq.token, rq.loc = t, t.LocationID
	return nil
}

// rateLimit charges the request to its token's app at its location: over the
// burst or daily limit it is GHL's 429. From here on every answer carries
// this decision's X-RateLimit-* headers.
func (s *Server) rateLimit(rq *request) *apiError {
	if rq.token == nil { // an operation without a token (POST /oauth/token)
		return nil
	}
	rq.rate, rq.rated = s.limiter.Take(rq.token.rateKey, rq.token.Limits), true
	if !rq.rate.Allowed {
		l := rq.rate.Limits
		why := fmt.Sprintf("rate limit: burst %d/%s of app %s at location %s", l.Burst, l.Window, rq.token.App, rq.token.LocationID)
		if rq.rate.Daily {
			why = fmt.Sprintf("rate limit: daily quota %d of app %s at location %s", l.Daily, rq.token.App, rq.token.LocationID)
		}
		return &apiError{Status: http.StatusTooManyRequests, Message: s.settings.Messages.RateLimited, why: why}
	}
	return nil
}

// dateVersion is a Version value shaped like a date: GHL answers an unknown
// one 401 "version header is invalid", and anything else 400.
var dateVersion = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// checkVersion checks the Version header: missing is 401, an unpublished
// date 401, anything else not accepted 400 (see the fixtures' messages).
func (s *Server) checkVersion(rq *request) *apiError {
	if rq.op.auth == authNone {
		return nil
	}
	msgs := s.settings.Messages
	version := rq.r.Header.Get("Version")
	switch {
	case version == "":
		return &apiError{Status: http.StatusUnauthorized, Message: msgs.MissingVersion, why: "no Version header"}
	case slices.Contains(s.settings.AllowedVersions, version):
		return nil
	case dateVersion.MatchString(version):
		return &apiError{Status: msgs.InvalidVersionDate.Status, Message: fixture.Expand(msgs.InvalidVersionDate.Message, "value", version),
			why: "Version " + version + " is not a published version (accepted: " + strings.Join(s.settings.AllowedVersions, ", ") + ")"}
	}
	return &apiError{Status: msgs.InvalidVersionGarbage.Status, Message: fixture.Expand(msgs.InvalidVersionGarbage.Message, "value", version),
		why: "Version " + journal.Truncate(version, 64) + " is not a version (accepted: " + strings.Join(s.settings.AllowedVersions, ", ") + ")"}
}

// checkScope checks that the token holds one of the operation's scopes: GHL
// answers 401, not 403, and without an "error" key.
func (s *Server) checkScope(rq *request) *apiError {
	if rq.op.auth != authBearer { // the OAuth endpoints: package oauth checks the caller
		return nil
	}
	if e := s.checkAuthClass(rq); e != nil {
		return e
	}
	if !rq.token.hasScope(rq.op.Scopes) {
		return &apiError{Status: http.StatusUnauthorized, Message: s.settings.Messages.Scope, NoError: true,
			why: "scope " + strings.Join(rq.op.Scopes, " or ") + " missing (the token has " + strings.Join(rq.token.Scopes, ", ") + ")"}
	}
	return nil
}

// checkLocation answers 403 when the request names a location other than the
// token's, in the query (once or more) or at the top of the body.
func (s *Server) checkLocation(rq *request) *apiError {
	if rq.op.queryLocation {
		if loc, ok := rq.values()["locationId"]; ok && (len(loc) != 1 || loc[0] != rq.loc) {
			e := s.forbidden()
			e.why = "locationId " + journal.Truncate(strings.Join(loc, ","), 128) + " in the query is not the token's location " + rq.loc
			return e
		}
	}
	if rq.op.bodyLocation {
		if m, ok := rq.value.(map[string]any); ok {
			if loc, ok := m["locationId"].(string); ok && loc != rq.loc {
				e := s.forbidden()
				e.why = "locationId " + journal.Truncate(loc, 128) + " in the body is not the token's location " + rq.loc
				return e
			}
		}
	}
	return nil
}

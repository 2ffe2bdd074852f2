package oauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// AuthorizeInput is an agency or location admin's consent: the app (by
// client id), where to send the code, and where to install it.
type AuthorizeInput struct {
	ClientID string
	// VersionID, when given, must be the app's version.
	VersionID string
	// RedirectURI must be one the app registered; "" means its first.
	RedirectURI string
	// UserType is the view the app is installed from: Location (one
	// location: the code gives a Location token) or Company (the agency,
	// with the approved locations: the code gives a Company token, whatever
	// the app's target). "" means Location when one location and no company
	// is named, Company otherwise.
	UserType    Class
	CompanyID   string
	LocationIDs []string
	// State is passed back on the redirect, as OAuth servers do.
	State string
	// UserID is the installing user; "" means a new id (or the install's
	// user, when the app is installed already).
	UserID                   string
	InstallToFutureLocations bool
}

// AuthorizeResult is a code and where the browser goes with it.
type AuthorizeResult struct {
	Code string
	// RedirectURL is the redirect URI with code (and state) added:
	// https://app.example/callback?code=….
	RedirectURL string
	ExpiresAt   time.Time
	Install     Install
}

// Authorize installs the app as asked (or adds the locations to its install)
// and issues a single-use code for it. It is the approve step of the
// authorize page and of the headless admin call.
func (s *Service) Authorize(ctx context.Context, in AuthorizeInput) (AuthorizeResult, *Error) {
	var res AuthorizeResult
	e := s.run(ctx, func(t *txn) *Error {
		msgs := s.settings.Messages
		app, redirect, e := s.checkClient(in.ClientID, in.VersionID, in.RedirectURI)
		if e != nil {
			return e
		}
		class := in.UserType
		if class == "" {
			class = ClassCompany
			if len(in.LocationIDs) == 1 && in.CompanyID == "" {
				class = ClassLocation
			}
		}
		if !class.Valid() {
			return badRequest(fmt.Sprintf("userType %q must be Location or Company", class))
		}
		if class == ClassLocation && len(in.LocationIDs) != 1 {
			return badRequest("Pick exactly one location to install from a sub-account")
		}
		for _, id := range in.LocationIDs {
			owner := s.companyOf(id)
			if owner == nil || (in.CompanyID != "" && owner.ID != in.CompanyID) {
				return apiError(msgs.LocationNotFound, fmt.Sprintf("location %q is not a location of company %q", id, in.CompanyID))
			}
		}
		if class == ClassCompany && in.CompanyID == "" && len(in.LocationIDs) == 0 {
			return badRequest("A Company install names its company")
		}
		if in.CompanyID != "" && s.company(in.CompanyID) == nil {
			return badRequest(fmt.Sprintf("Company %s not found", in.CompanyID))
		}
		install, err := t.upsertInstall(InstallInput{
			AppID: app.ID, UserType: class, CompanyID: in.CompanyID, LocationIDs: in.LocationIDs,
			UserID: in.UserID, InstallToFutureLocations: in.InstallToFutureLocations,
		})
		if err != nil {
			return badRequest(plain(err))
		}
		t.dropCodes(func(c *Code) bool { return c.ExpiresAt <= t.now })
		code := &Code{
			Code: newCode(s.ids), AppID: app.ID, ClientID: app.ClientID, InstallID: install.ID,
			UserType: class, CompanyID: install.CompanyID, RedirectURI: redirect,
			IssuedAt: t.now, ExpiresAt: t.now + crm.Millis(s.settings.CodeLife.Milliseconds()),
		}
		if class == ClassLocation {
			code.LocationID = install.Locations[0].LocationID
		}
		t.putCode(code)
		res = AuthorizeResult{
			Code: code.Code, RedirectURL: withQuery(redirect, "code", code.Code, "state", in.State),
			ExpiresAt: code.ExpiresAt.Time(), Install: *install.clone(),
		}
		return nil
	})
	if e != nil {
		return AuthorizeResult{}, e
	}
	return res, nil
}

// checkClient finds the app of a client id and the redirect URI to use, or
// GHL's refusal.
func (s *Service) checkClient(clientID, versionID, redirectURI string) (*App, string, *Error) {
	msgs := s.settings.Messages
	app := s.appOfClient(clientID)
	if app == nil {
		return nil, "", apiError(msgs.UnknownClient, fmt.Sprintf("no app has client id %q", clientID), "id", appIDOf(clientID))
	}
	if versionID != "" && versionID != app.VersionID {
		return nil, "", apiError(msgs.UnknownClient, fmt.Sprintf("app %s has version %s, not %q", app.ID, app.VersionID, versionID), "id", versionID)
	}
	if redirectURI == "" {
		return app, app.RedirectURIs[0], nil
	}
	if !slices.Contains(app.RedirectURIs, redirectURI) {
		return nil, "", apiError(msgs.RedirectURINotRegistered,
			fmt.Sprintf("app %s registered %s, not %q", app.ID, strings.Join(app.RedirectURIs, ", "), redirectURI), "value", redirectURI)
	}
	return app, redirectURI, nil
}

// badRequest is a 400 of the mock's own authorize step, whose wording GHL's
// page (a JavaScript application) never shows as an API answer.
func badRequest(msg string) *Error {
	return &Error{Status: http.StatusBadRequest, Body: &APIErrorBody{StatusCode: http.StatusBadRequest, Message: msg, Error: "Bad Request"}, Reason: msg}
}

// plain is an admin error's message without its sentinel's prefix
// ("invalid: a Location install …" → "a Location install …"), for answers.
func plain(err error) string {
	msg := err.Error()
	for _, sentinel := range []error{ErrInvalid, ErrNotFound} {
		if errors.Is(err, sentinel) {
			return strings.TrimPrefix(msg, sentinel.Error()+": ")
		}
	}
	return msg
}

// withQuery appends name=value pairs (those with a value) to a URL's query,
// keeping whatever query and fragment it has.
func withQuery(raw string, pairs ...string) string {
	base, frag, hasFrag := strings.Cut(raw, "#")
	var b strings.Builder
	b.WriteString(base)
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	// In the order given, code first (url.Values.Encode would sort them).
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] != "" {
			b.WriteString(sep + url.QueryEscape(pairs[i]) + "=" + url.QueryEscape(pairs[i+1]))
			sep = "&"
		}
	}
	if hasFrag {
		b.WriteString("#" + frag)
	}
	return b.String()
}

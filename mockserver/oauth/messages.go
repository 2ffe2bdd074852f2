package oauth

import "net/http"

// OAuthMessage is an answer of the token endpoint, which speaks OAuth's
// {"error","error_description"} rather than NestJS's shape.
type OAuthMessage struct {
	Status      int
	Error       string
	Description string // "" leaves error_description out
}

// APIMessage is an answer in GHL's NestJS shape {statusCode, message, error?}.
type APIMessage struct {
	Status  int
	Message string // {id} and {value} are replaced where the message says so
	Error   string // "" leaves the error key out, as some live answers do
}

// Messages are every refusal the package answers. Each says where it comes
// from; [UNCERTAIN] ones were never captured and are the best-supported guess.
type Messages struct {
	// CodeNotFound: an unknown code, measured live (idx:70477076689 §3e),
	// before the client credentials are looked at. A used or expired code
	// gets it too [UNCERTAIN: GHL most likely deletes them].
	CodeNotFound OAuthMessage
	// InvalidClient: a client id or secret that does not fit, measured live
	// on a refresh (idx:42022509689).
	InvalidClient OAuthMessage
	// InvalidRefreshToken: a refresh token that is bogus, forged, expired,
	// revoked or already used [UNCERTAIN: the text was never captured].
	InvalidRefreshToken OAuthMessage
	// RedirectURIMismatch: an exchange whose redirect_uri is not the one the
	// code was issued for [UNCERTAIN].
	RedirectURIMismatch OAuthMessage
	// UserTypeMismatch: a user_type that does not fit the install or the
	// refresh token's class [UNCERTAIN].
	UserTypeMismatch OAuthMessage
	// UnsupportedGrantType: a grant_type the mock does not serve, and
	// client_credentials by default [UNCERTAIN].
	UnsupportedGrantType OAuthMessage
	// NoCompanyInstall: client_credentials in issueCompanyToken mode for an
	// app without exactly one Company install (a mock-only setting).
	NoCompanyInstall OAuthMessage

	// LocationNotFound: locationToken for a location that is not the token's
	// company's or has not the app installed, seen live (idx:6352120167).
	LocationNotFound APIMessage
	// Scope: a Private Integration Token on locationToken, measured live
	// (idx:70477076689 §3b), or a token without a scope the call needs.
	Scope APIMessage
	// AuthClass: an OAuth token of the wrong class, measured live for a
	// Company token on a sub-account scope (idx:70477076689 §3g); the mock
	// answers it for a Location token on the agency-only endpoints too.
	AuthClass APIMessage
	// CompanyMismatch: installedLocations for a company that is not the
	// token's [UNCERTAIN].
	CompanyMismatch APIMessage

	// UnknownClient: the authorize page for a client id (or version id) no
	// app has; GHL's marketplace wording (activepieces/activepieces#4910).
	// {id} is the app id asked for.
	UnknownClient APIMessage
	// RedirectURINotRegistered: an authorize request whose redirect_uri the
	// app has not registered. {value} is the URI [UNCERTAIN].
	RedirectURINotRegistered APIMessage
	// NoVersionID: a private app's authorize link without version_id,
	// measured live (idx:70477076689 §3g).
	NoVersionID APIMessage
}

// DefaultMessages returns the wordings described on Messages.
func DefaultMessages() Messages {
	const unauthorized = "UnAuthorized!"
	return Messages{
		CodeNotFound:         OAuthMessage{http.StatusUnauthorized, unauthorized, "Authorization code not found"},
		InvalidClient:        OAuthMessage{http.StatusUnauthorized, unauthorized, "Invalid client credentials!"},
		InvalidRefreshToken:  OAuthMessage{http.StatusUnauthorized, unauthorized, "Invalid refresh token"},
		RedirectURIMismatch:  OAuthMessage{http.StatusUnauthorized, unauthorized, "Redirect URI mismatch"},
		UserTypeMismatch:     OAuthMessage{http.StatusUnauthorized, unauthorized, "User type mismatch"},
		UnsupportedGrantType: OAuthMessage{http.StatusBadRequest, "unsupported_grant_type", ""},
		NoCompanyInstall:     OAuthMessage{http.StatusBadRequest, "invalid_request", "The app has no single company installation to issue a token for"},

		LocationNotFound: APIMessage{http.StatusBadRequest, "Location not found", "Bad Request"},
		Scope:            APIMessage{http.StatusUnauthorized, "The token is not authorized for this scope.", ""},
		AuthClass: APIMessage{http.StatusUnauthorized,
			"This authClass type is not allowed to access this scope. Please verify your IAM configuration if this is not the case.",
			"Unauthorized"},
		CompanyMismatch: APIMessage{http.StatusForbidden, "The token does not have access to this company.", "Forbidden"},

		UnknownClient:            APIMessage{http.StatusBadRequest, "No integration found with the ID: {id}", "Bad Request"},
		RedirectURINotRegistered: APIMessage{http.StatusBadRequest, "The redirect URI {value} is not registered for this app", "Bad Request"},
		NoVersionID:              APIMessage{http.StatusBadRequest, "error.noversionid", "Bad Request"},
	}
}

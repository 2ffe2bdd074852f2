package oauth

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// Class is what GHL calls a token's authClass and a token answer's userType:
// the kind of resource an OAuth token acts for.
type Class string

// The two classes. A token of the agency is a Company token, whatever the
// app's target: a Sub-Account app installed from the agency view gets one
// too (ghl-facts: idx:70477076689 §3g).
const (
	ClassCompany  Class = "Company"
	ClassLocation Class = "Location"
)

// Valid reports whether c is one of the two classes.
func (c Class) Valid() bool { return c == ClassCompany || c == ClassLocation }

// Distribution is whether an app is listed in the marketplace.
type Distribution string

// Distributions. GHL caps a private app at 5 agencies; the mock does not.
const (
	DistributionPrivate Distribution = "private"
	DistributionPublic  Distribution = "public"
)

// Target is the app's "Target User". It decides which scopes the app may hold
// at all (a Sub-Account app cannot select Agency-only scopes and an Agency app
// cannot select contacts.*: idx:70477076689 §3c); it does not decide the class
// of the tokens an install gets.
type Target string

// Targets, spelled as GHL's scope table spells the access types.
const (
	TargetSubAccount Target = "Sub-Account"
	TargetAgency     Target = "Agency"
)

// Location is a sub-account as the OAuth endpoints show it.
type Location struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Address string `json:"address,omitempty"` // installedLocations answers it; "" when unknown
}

// Company is an agency and the locations it owns.
type Company struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Plan is the agency's plan id (e.g. agency_annual_97); GHL puts it in a
	// Company token's oauthMeta.agencyPlan. "" leaves the claim out.
	Plan      string     `json:"plan,omitempty"`
	Locations []Location `json:"locations"`
}

// App is a marketplace app: an OAuth client.
type App struct {
	// ID is the app id, 24 hex digits like a Mongo ObjectId.
	ID string `json:"id"`
	// ClientID is "<ID>-<8 letters or digits>", as GHL issues them.
	ClientID string `json:"clientId"`
	// ClientSecret is a UUID.
	ClientSecret string `json:"clientSecret"`
	// VersionID is the app version installs are made of; GHL's tokens show
	// it equal to the app id, which is the default.
	VersionID    string       `json:"versionId"`
	Name         string       `json:"name"`
	Distribution Distribution `json:"distribution"`
	Target       Target       `json:"target"`
	// Scopes are what the app holds; every token of the app carries them.
	Scopes []string `json:"scopes"`
	// RedirectURIs are the registered redirect URIs; the first is used when
	// an authorize request names none.
	RedirectURIs []string `json:"redirectUris"`
	// WebhookURL is the app's "Default Webhook URL" (INSTALL, UNINSTALL and
	// the events its scopes cover); "" for none.
	WebhookURL string `json:"webhookUrl,omitempty"`
}

var (
	hexID24  = regexp.MustCompile(`^[0-9a-f]{24}$`)
	clientID = regexp.MustCompile(`^([0-9a-f]{24})-[0-9a-z]{8}$`)
	uuidRe   = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
)

// WithDefaults returns the app with what it left out filled in: the version
// id (the app id), the distribution (private) and the target (Sub-Account).
func (a App) WithDefaults() App { return a.withDefaults() }

// withDefaults fills what an app may leave out: the version id, the
// distribution and the target.
func (a App) withDefaults() App {
	if a.VersionID == "" {
		a.VersionID = a.ID
	}
	if a.Distribution == "" {
		a.Distribution = DistributionPrivate
	}
	if a.Target == "" {
		a.Target = TargetSubAccount
	}
	a.Scopes = slices.Clone(a.Scopes)
	a.RedirectURIs = slices.Clone(a.RedirectURIs)
	return a
}

// Validate checks an app the way GHL's portal and its own id formats do. The
// scope and redirect URI messages are the portal's (idx:70477076689 §3d).
func (a App) Validate() error {
	a = a.withDefaults()
	var problems []string
	if !hexID24.MatchString(a.ID) {
		problems = append(problems, fmt.Sprintf("id %q must be 24 lower-case hex digits", a.ID))
	}
	if m := clientID.FindStringSubmatch(a.ClientID); m == nil || m[1] != a.ID {
		problems = append(problems, fmt.Sprintf("clientId %q must be the app id, a dash and 8 letters or digits", a.ClientID))
	}
	if !uuidRe.MatchString(a.ClientSecret) {
		problems = append(problems, "clientSecret must be a lower-case UUID")
	}
	if !hexID24.MatchString(a.VersionID) {
		problems = append(problems, fmt.Sprintf("versionId %q must be 24 lower-case hex digits", a.VersionID))
	}
	if a.Distribution != DistributionPrivate && a.Distribution != DistributionPublic {
		problems = append(problems, fmt.Sprintf("distribution %q must be private or public", a.Distribution))
	}
	if a.Target != TargetSubAccount && a.Target != TargetAgency {
		problems = append(problems, fmt.Sprintf("target %q must be Sub-Account or Agency", a.Target))
	}
	if len(a.Scopes) == 0 {
		problems = append(problems, "scopes must contain at least 1 elements")
	}
	for _, sc := range a.Scopes {
		switch access, known := scopeAccess[sc]; {
		case !known:
			problems = append(problems, fmt.Sprintf("unknown scope %q", sc))
		case a.Target == TargetAgency && access&accessAgency == 0:
			problems = append(problems, fmt.Sprintf("scope %q is Sub-Account-only: not applicable to an Agency app", sc))
		case a.Target == TargetSubAccount && access&accessSubAccount == 0:
			problems = append(problems, fmt.Sprintf("scope %q is Agency-only: not applicable to a Sub-Account app", sc))
		}
	}
	if len(a.RedirectURIs) == 0 {
		problems = append(problems, "redirectUris must contain at least 1 elements")
	}
	for _, u := range a.RedirectURIs {
		// GHL's portal demands https and refuses localhost; the mock takes any
		// absolute URL, since its users' callbacks are local.
		if p, err := url.Parse(u); err != nil || p.Scheme == "" || p.Host == "" {
			problems = append(problems, fmt.Sprintf("redirect URI %q must be an absolute URL", u))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("app %s: %s", a.ID, strings.Join(problems, "; "))
	}
	return nil
}

// appIDOf is the app id part of a client id, or the whole value when it has
// none: GHL names it in "No integration found with the ID: …".
func appIDOf(clientID string) string {
	id, _, _ := strings.Cut(clientID, "-")
	return id
}

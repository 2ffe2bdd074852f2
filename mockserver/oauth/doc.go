// Package oauth is GHL's OAuth model and token lifecycle, as ghlmock fakes
// it: companies (agencies) owning locations, marketplace apps (OAuth clients),
// installs of an app on a location or a company, single-use authorization
// codes, and RS256 JWT access and refresh tokens that expire on the mock's
// clock and rotate.
//
// It is HTTP-agnostic: the server's handlers parse a request and call one
// function, which answers GHL's body and status or GHL's refusal (*Error):
//
//	POST /oauth/token               Service.Token
//	POST /oauth/locationToken       Service.LocationToken
//	GET  /oauth/installedLocations  Service.InstalledLocations
//	GET|POST /oauth/chooselocation  Service.ChooseLocationHandler (an http.Handler)
//	the headless authorize call     Service.Authorize
//	an API call's bearer token      Service.Authenticate
//
// Every mutation is reported, before its answer exists, to Config.Changes as a
// batch of crm.Change of kind crm.KindGrant whose records (*Install, *Code,
// *Token, *SigningKey, or a whole *Snapshot) a durable store commits; a hook
// error undoes the mutation. Export and Import carry the whole state, and
// Config.State starts from a saved one.
//
// What GHL does is taken from ghl-facts.md and feature-anchors.md §2 (the
// idx:… references in comments are the field notes cited there). Where no
// capture settles a behaviour, Settings and Messages hold the best-supported
// guess, marked [UNCERTAIN], so that a contract run against the real API can
// correct the mock without a code change.
package oauth

// Package oauth is GHL's OAuth model and token lifecycle, as ghlmock fakes
// it. This first part holds GHL's token shapes: RS256 JWTs with GHL's claims
// and the mock's signing key.
package oauth

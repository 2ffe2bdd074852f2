// Package dashboard is ghlmock's web dashboard, served at /_mock/ui/ on the
// API's own port: server-rendered html/template pages and a little plain
// JavaScript, all embedded in the binary (go:embed), with no build step and
// nothing fetched from the network.
//
// It talks to the server only through the Mock interface (and, once the
// server has them, the optional Webhooks and OAuth ones), so the pages read
// the very store, journal, clock, rate limiter and fault engine the API
// uses, and every edit it makes goes through the store's normal write path:
// a field changed on a contact's page is a change on the change feed like a
// change through the API, and fires the same webhooks.
//
// Safe by default (auth.go): from a loopback address to a loopback host
// name it opens directly; from anywhere else it asks once for the admin
// token and keeps an HttpOnly, SameSite=Strict session cookie. Every
// state-changing request needs a CSRF token in a header, JSON content and
// a same-origin Origin; the admin token never appears in a URL (a script
// that follows the request stream without a cookie trades it for a
// short-lived, single-use ticket).
package dashboard

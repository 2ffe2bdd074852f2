// Package contracttest runs ghlmock's contract scenarios (fixtures/scenarios)
// against a target — the in-process mock or any base URL with a token — and
// judges every response by the same OpenAPI document the mock is built from.
package contracttest

// Package contracttest runs ghlmock's contract scenarios (fixtures/scenarios)
// against a target — the in-process mock (package inproc) or any base URL
// with a token — and judges every answer by the same OpenAPI document the mock
// is built from, so that one set of scenarios tells whether the mock is
// faithful and where the real API departs from the contract.
//
// The pieces, in the order a run uses them:
//
//   - Load / ParseFile read the scenario files (format: fixtures/scenarios/README.md);
//     a malformed file fails with file:line: reason, and so does a step whose
//     operationId the document does not have.
//   - Select chooses scenarios by tag (ratelimit ones only when asked for).
//   - Run sends each step through a Client, which throttles itself from the
//     X-RateLimit-* headers and retries burst 429s with backoff, validates
//     every answer with kin-openapi (status, headers, body) and against the
//     step's expectations (a step that names an operationId must route to
//     it; a walk step pages through a list and judges the pages together),
//     captures values for later steps, and deletes what
//     the run created: the scenario's cleanup steps plus a registry filled
//     from the answers, even after a failure or an interrupt.
//   - The Report prints a line per scenario, a summary with the departures
//     from the document grouped, JSON and JUnit XML.
//
// Nothing here imports the mock: assertions speak HTTP and the document only,
// so the same suite judges the real API.
package contracttest

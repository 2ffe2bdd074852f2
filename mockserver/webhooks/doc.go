// Package webhooks is ghlmock's outbound webhook core: GHL's events derived
// from the store's change feed, bodies written as JavaScript would write them,
// signed as HighLevel signs them, and delivered asynchronously with GHL's
// retry profiles on the mock's clock.
//
// The parts, each in its own file:
//
//   - events: the event types, the payload builders (one per HighLevel event
//     doc) and FromChange, the one table from a crm.Change to its events;
//   - jsjson: a JSON encoder whose output equals JSON.stringify(JSON.parse(b))
//     in Node, so a receiver that re-serialises the body verifies it too;
//   - keys and signing: Ed25519 (x-ghl-signature) and the legacy RSA
//     (x-wh-signature), keys that can be derived from a seed, saved as PEM
//     and published in every form the official SDK accepts;
//   - the Engine: subscriptions, the outbox of Deliveries, the scheduler and
//     its worker pool, retries, pause and resume, redelivery, recovery, the
//     delivery log, a persistence hook and a fault hook;
//   - a Sink (a receiver built into the mock) and Check (a conformance check
//     of a user's receiver).
//
// Package webhooktest has a receiver for Go tests that verifies like the
// official Node SDK 3.1.0.
package webhooks

package oauth

import (
	"context"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// txn is one operation's writes, made with the Service's write lock held.
// Writes apply at once (so that the operation reads its own), and each keeps
// an undo step: commit hands the batch of changes to the change hook, and a
// refusal there undoes every write, so that the state never holds what the
// durable store does not.
type txn struct {
	s       *Service
	ctx     context.Context
	now     crm.Millis
	changes []crm.Change
	undo    []func()
	events  []InstallEvent
}

func (s *Service) begin(ctx context.Context) *txn {
	return &txn{s: s, ctx: ctx, now: crm.MillisOf(s.now())}
}

func (t *txn) record(key string, before, after crm.Object) {
	t.changes = append(t.changes, crm.Change{
		Time: t.now, Kind: crm.KindGrant, ID: key, Before: before, After: after, Cause: causeOf(t.ctx),
	})
}

// putInstall stores in (a record nobody else holds) in place of its previous
// version.
func (t *txn) putInstall(in *Install) {
	m := t.s.installs
	old, had := m[in.ID]
	m[in.ID] = in
	t.undo = append(t.undo, func() { restore(m, in.ID, old, had) })
	var before crm.Object
	if had {
		before = old.clone()
	}
	t.record(in.Key(), before, in.clone())
}

func (t *txn) deleteInstall(id string) {
	m := t.s.installs
	old, had := m[id]
	if !had {
		return
	}
	delete(m, id)
	t.undo = append(t.undo, func() { m[id] = old })
	t.record(old.Key(), old.clone(), nil)
}

func (t *txn) putCode(c *Code) {
	m := t.s.codes
	old, had := m[c.Code]
	m[c.Code] = c
	t.undo = append(t.undo, func() { restore(m, c.Code, old, had) })
	var before crm.Object
	if had {
		before = old.clone()
	}
	t.record(c.Key(), before, c.clone())
}

func (t *txn) deleteCode(code string) {
	m := t.s.codes
	old, had := m[code]
	if !had {
		return
	}
	delete(m, code)
	t.undo = append(t.undo, func() { m[code] = old })
	t.record(old.Key(), old.clone(), nil)
}

func (t *txn) putToken(tok *Token) {
	m := t.s.tokens
	old, had := m[tok.ID]
	m[tok.ID] = tok
	t.undo = append(t.undo, func() { restore(m, tok.ID, old, had) })
	var before crm.Object
	if had {
		before = old.clone()
	}
	t.record(tok.Key(), before, tok.clone())
}

func restore[V any](m map[string]V, key string, old V, had bool) {
	if had {
		m[key] = old
	} else {
		delete(m, key)
	}
}

// reportKey adds the signing key to the batch the first time a write needs
// it, so that the durable store has it before any token it signed.
func (t *txn) reportKey() error {
	s := t.s
	if s.keyReported || s.sig == nil {
		return nil
	}
	pem, err := MarshalKeyPEM(s.sig.key)
	if err != nil {
		return err
	}
	s.keyReported = true
	t.undo = append(t.undo, func() { s.keyReported = false })
	k := &SigningKey{KeyID: s.sig.kid, PEM: pem}
	t.record(k.Key(), nil, k)
	return nil
}

// issueTime is the iat of a new token: now, or a millisecond after the last
// one when the clock has not moved since (a test's frozen clock). GHL's access
// tokens carry no unique claim, so two minted in the same millisecond for the
// same install would be one string; this keeps every token its own record.
func (t *txn) issueTime() crm.Millis {
	s := t.s
	iat := max(t.now, s.lastIssued+1)
	old := s.lastIssued
	s.lastIssued = iat
	t.undo = append(t.undo, func() { s.lastIssued = old })
	return iat
}

// commit hands the batch to the change hook; if it refuses, every write is
// undone and its error returned.
func (t *txn) commit() error {
	if len(t.changes) == 0 || t.s.changes == nil {
		return nil
	}
	if err := t.s.changes(t.ctx, t.changes); err != nil {
		t.rollback()
		return err
	}
	return nil
}

func (t *txn) rollback() {
	for i := len(t.undo) - 1; i >= 0; i-- {
		t.undo[i]()
	}
	t.undo, t.changes, t.events = nil, nil, nil
}

// fire calls the install hook with the events of a committed operation. It
// runs after the lock is released, so that the hook may call the Service.
func (s *Service) fire(ctx context.Context, events []InstallEvent) {
	if s.onInstall == nil {
		return
	}
	for _, ev := range events {
		s.onInstall(ctx, ev)
	}
}

type causeKey struct{}

// WithCause returns a context carrying the cause of the operations made with
// it (the API operation or admin action and its traceId): every change they
// report carries it.
func WithCause(ctx context.Context, c crm.Cause) context.Context {
	return context.WithValue(ctx, causeKey{}, c)
}

func causeOf(ctx context.Context) crm.Cause {
	c, _ := ctx.Value(causeKey{}).(crm.Cause)
	return c
}

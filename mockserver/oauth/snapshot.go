package oauth

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// Snapshot is the whole mutable state: the signing key, the installs, the
// codes and the tokens (companies and apps are the fixtures', not state). It
// is what the state export carries and what a durable store rebuilds at
// start-up (Config.State). As a change's After it means "the state was
// replaced by this one" (a reset, an import): the store drops every grant
// record and keeps these.
type Snapshot struct {
	Key      *SigningKey `json:"key,omitempty"` // nil: no key was made yet
	Installs []Install   `json:"installs"`
	Codes    []Code      `json:"codes"`
	Tokens   []Token     `json:"tokens"`
}

// ChangeKind implements crm.Object.
func (*Snapshot) ChangeKind() crm.Kind { return crm.KindGrant }

// SnapshotKey is the change ID of a whole-state replacement.
const SnapshotKey = "snapshot"

// Export returns a copy of the state, each list sorted by id so that the same
// state exports to the same bytes.
func (s *Service) Export() (Snapshot, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.snapshot()
}

func (s *Service) snapshot() (Snapshot, error) {
	var snap Snapshot
	if s.sig != nil {
		pem, err := MarshalKeyPEM(s.sig.key)
		if err != nil {
			return Snapshot{}, err
		}
		snap.Key = &SigningKey{KeyID: s.sig.kid, PEM: pem}
	}
	snap.Installs = make([]Install, 0, len(s.installs))
	for _, in := range s.installs {
		snap.Installs = append(snap.Installs, *in.clone())
	}
	slices.SortFunc(snap.Installs, func(a, b Install) int { return strings.Compare(a.ID, b.ID) })
	snap.Codes = make([]Code, 0, len(s.codes))
	for _, c := range s.codes {
		snap.Codes = append(snap.Codes, *c.clone())
	}
	slices.SortFunc(snap.Codes, func(a, b Code) int { return strings.Compare(a.Code, b.Code) })
	snap.Tokens = make([]Token, 0, len(s.tokens))
	for _, t := range s.tokens {
		snap.Tokens = append(snap.Tokens, *t.clone())
	}
	slices.SortFunc(snap.Tokens, func(a, b Token) int { return strings.Compare(a.ID, b.ID) })
	return snap, nil
}

// Import replaces the state with snap (a state import). Its installs and
// codes must name apps, companies and locations the fixtures have; a token of
// an app the fixtures no longer have is kept, and refused when used. The
// replacement is reported as one change whose After is the snapshot.
func (s *Service) Import(ctx context.Context, snap Snapshot) error {
	return s.replace(ctx, &snap)
}

// Reset puts the state back to the fixtures' installs, with no codes and no
// tokens. The signing key stays, so that a JWKS fetched before still holds.
func (s *Service) Reset(ctx context.Context) error {
	return s.replace(ctx, nil)
}

// replace swaps in snap's records (nil: the fixtures' installs) as one
// change, undone if the hook refuses it.
func (s *Service) replace(ctx context.Context, snap *Snapshot) error {
	return s.update(ctx, func(t *txn) error {
		installs, codes, tokens, sig, keyReported := s.installs, s.codes, s.tokens, s.sig, s.keyReported
		t.undo = append(t.undo, func() {
			s.installs, s.codes, s.tokens, s.sig, s.keyReported = installs, codes, tokens, sig, keyReported
		})
		if snap != nil {
			if err := s.load(snap); err != nil {
				return err
			}
		} else {
			s.installs, s.codes, s.tokens = map[string]*Install{}, map[string]*Code{}, map[string]*Token{}
			for _, in := range s.initial {
				s.installs[in.ID] = in.clone()
			}
		}
		after, err := s.snapshot()
		if err != nil {
			return err
		}
		// The snapshot carries the key: the store has it from now on.
		s.keyReported = s.sig != nil
		t.record(SnapshotKey, nil, &after)
		return nil
	})
}

// load replaces the state's maps (and the key, when snap has one) with
// snap's records, after checking them.
func (s *Service) load(snap *Snapshot) error {
	sig := s.sig
	if snap.Key != nil {
		k, err := ParseKeyPEM(snap.Key.PEM)
		if err != nil {
			return fmt.Errorf("%w: state: %w", ErrInvalid, err)
		}
		sig = newSigner(k)
		if snap.Key.KeyID != "" && snap.Key.KeyID != sig.kid {
			return fmt.Errorf("%w: state: key id %q is not the key's (%q)", ErrInvalid, snap.Key.KeyID, sig.kid)
		}
	}
	installs := make(map[string]*Install, len(snap.Installs))
	for i := range snap.Installs {
		in := snap.Installs[i].clone()
		if in.ID == "" {
			return fmt.Errorf("%w: state: installs[%d] has no id", ErrInvalid, i)
		}
		if err := s.checkInstall(in); err != nil {
			return fmt.Errorf("state: install %s: %w", in.ID, err)
		}
		installs[in.ID] = in
	}
	codes := make(map[string]*Code, len(snap.Codes))
	for i := range snap.Codes {
		c := snap.Codes[i].clone()
		if c.Code == "" || s.app(c.AppID) == nil {
			return fmt.Errorf("%w: state: codes[%d]: no code, or an unknown app %q", ErrInvalid, i, c.AppID)
		}
		codes[c.Code] = c
	}
	tokens := make(map[string]*Token, len(snap.Tokens))
	var last crm.Millis
	for i := range snap.Tokens {
		t := snap.Tokens[i].clone()
		if t.ID == "" || (t.Kind != KindAccess && t.Kind != KindRefresh) || !t.AuthClass.Valid() {
			return fmt.Errorf("%w: state: tokens[%d]: no id, or a bad kind or class", ErrInvalid, i)
		}
		tokens[t.ID] = t
		last = max(last, t.IssuedAt)
	}
	s.sig, s.installs, s.codes, s.tokens = sig, installs, codes, tokens
	s.lastIssued = max(s.lastIssued, last)
	return nil
}

package inmem

import "context"

// LocationOf reports which location holds a contact id, deleted ones
// included: the tests' view of which location owns what (the store answers
// EFORBIDDEN for another location's id itself).
func LocationOf(ctx context.Context, s *Store, contactID string) (string, bool) {
	if ctx.Err() != nil || !validID(contactID) {
		return "", false
	}
	if l, ok := s.owner(contactID); ok {
		return l.info.ID, true
	}
	return "", false
}

package mockserver

import (
	"context"
	"net/http"
)

// upsertContact serves upsert-contact: POST /contacts/upsert.
func (s *Server) upsertContact(ctx context.Context, rq *request) (int, any, error) {
	var b contactBody
	if err := rq.decode(&b); err != nil {
		return 0, nil, err
	}
	c, created, err := s.Store().UpsertContact(ctx, rq.loc, b.input(), b.CreateNewIfDuplicateAllowed)
	if err != nil {
		return 0, nil, err
	}
	status := http.StatusOK
	if created && s.settings.UpsertCreatedStatus != 0 {
		status = s.settings.UpsertCreatedStatus
	}
	return status, contactAnswer{c: &c, upsert: true, isNew: created}, nil
}

// getDuplicateContact serves get-duplicate-contact: GET /contacts/search/duplicate.
//
// getDuplicateContact looks a contact up by email and/or number (E.164,
// sent as %2B…). A + that a client forgot to encode arrives as a space, as it
// does at GHL, whose spec says number must be URL-encoded: what is left is a
// bare national number, which matches nobody. The mock does not mend it, so
// the client's bug shows here rather than live.
func (s *Server) getDuplicateContact(ctx context.Context, rq *request) (int, any, error) {
	q := rq.values()
	email, number := q.Get("email"), q.Get("number")
	c, found, err := s.Store().DuplicateContact(ctx, rq.loc, email, number)
	if err != nil {
		return 0, nil, err
	}
	if !found {
		return http.StatusOK, contactAnswer{}, nil
	}
	return http.StatusOK, contactAnswer{c: &c}, nil
}

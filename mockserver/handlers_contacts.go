package mockserver

import (
	"context"
	"net/http"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// getContact serves get-contact: GET /contacts/{contactId}.
func (s *Server) getContact(ctx context.Context, rq *request) (int, any, error) {
	// Render under the store's read lock, with no copy of the contact, or
	// copy the answer rendered at the same version of the location
	// (answer_cache.go): GET contact is the operation integrations call
	// most.
	buf := bufPool.Get().(*[]byte)
	var b []byte
	id := rq.param("contactId")
	err := s.Store().ViewContact(ctx, rq.loc, id, func(c *crm.Contact, version uint64) {
		if hit := s.answers.get(rq.loc, id, version); hit != nil {
			b = append((*buf)[:0], hit...)
			return
		}
		b = contactAnswer{c: c}.appendJSON((*buf)[:0])
		s.answers.missed(rq.loc, id, version, b)
	})
	if err != nil {
		bufPool.Put(buf)
		return 0, nil, err
	}
	*buf = b
	return http.StatusOK, rendered{buf}, nil
}

// createContact serves create-contact: POST /contacts/.
func (s *Server) createContact(ctx context.Context, rq *request) (int, any, error) {
	var b contactBody
	if err := rq.decode(&b); err != nil {
		return 0, nil, err
	}
	c, err := s.Store().CreateContact(ctx, rq.loc, b.input())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, contactAnswer{c: &c, created: true}, nil
}

// updateContact serves update-contact: PUT /contacts/{contactId}.
func (s *Server) updateContact(ctx context.Context, rq *request) (int, any, error) {
	var b contactBody
	if err := rq.decode(&b); err != nil {
		return 0, nil, err
	}
	c, err := s.Store().UpdateContact(ctx, rq.loc, rq.param("contactId"), b.input())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, contactAnswer{c: &c, updated: true}, nil
}

// deleteContact serves delete-contact: DELETE /contacts/{contactId}.
func (s *Server) deleteContact(ctx context.Context, rq *request) (int, any, error) {
	if err := s.Store().DeleteContact(ctx, rq.loc, rq.param("contactId")); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ok, nil
}

package mockserver

import (
	"context"
	"fmt"
	"net/http"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// getContact serves get-contact: GET /contacts/{contactId}.
func (s *Server) getContact(ctx context.Context, rq *request) (int, any, error) {
	// Send the answer rendered at the location's current version when one
	// was kept (answer_cache.go), with no copy of the contact or of the
	// answer; or render it under the store's read lock, with no copy of the
	// contact either: GET contact is the operation integrations call most.
	id := rq.param("contactId")
	kept := s.answers.get(rq.loc, id)
	var known uint64
	if kept != nil {
		known = kept.version
	}
	var buf *[]byte
	version, err := s.Store().ViewContact(ctx, rq.loc, id, known, func(c *crm.Contact, version uint64) {
		buf = bufPool.Get().(*[]byte)
		*buf = contactAnswer{c: c}.appendJSON((*buf)[:0])
		s.answers.missed(rq.loc, id, version, *buf)
	})
	switch {
	case err != nil:
		if buf != nil {
			bufPool.Put(buf)
		}
		return 0, nil, err
	case buf == nil && kept != nil && version == known:
		return http.StatusOK, shared{kept.body}, nil
	case buf == nil:
		// A store must call fn unless the version was known.
		return 0, nil, fmt.Errorf("get contact: the store neither viewed %s nor was it at version %d", id, known)
	}
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

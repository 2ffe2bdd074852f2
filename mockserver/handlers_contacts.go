package mockserver

import (
	"context"
	"net/http"
)

// The wrapper bodies of the contact operations.

type contactResponse struct {
	Contact contactView `json:"contact"`
}

type contactUpdatedResponse struct {
	Succeded bool        `json:"succeded"` // sic: GHL's spelling
	Contact  contactView `json:"contact"`
}

// succededResponse is GHL's status flag, in its misspelling and, as live v2
// bodies also carry, spelt right.
type succededResponse struct {
	Succeded  bool `json:"succeded"`
	Succeeded bool `json:"succeeded"`
}

var ok = succededResponse{Succeded: true, Succeeded: true}

func (s *Server) getContact(ctx context.Context, rq *request) (int, any, error) {
	c, err := s.Store().Contact(ctx, rq.loc, rq.param("contactId"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, contactResponse{Contact: newContactView(&c)}, nil
}

func (s *Server) createContact(ctx context.Context, rq *request) (int, any, error) {
	var b contactBody
	if err := rq.decode(&b); err != nil {
		return 0, nil, err
	}
	c, err := s.Store().CreateContact(ctx, rq.loc, b.input())
	if err != nil {
		return 0, nil, err
	}
	v := newContactView(&c)
	deleted := false
	v.Deleted = &deleted
	return http.StatusCreated, contactResponse{Contact: v}, nil
}

func (s *Server) updateContact(ctx context.Context, rq *request) (int, any, error) {
	var b contactBody
	if err := rq.decode(&b); err != nil {
		return 0, nil, err
	}
	c, err := s.Store().UpdateContact(ctx, rq.loc, rq.param("contactId"), b.input())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, contactUpdatedResponse{Succeded: true, Contact: newContactView(&c)}, nil
}

func (s *Server) deleteContact(ctx context.Context, rq *request) (int, any, error) {
	if err := s.Store().DeleteContact(ctx, rq.loc, rq.param("contactId")); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ok, nil
}

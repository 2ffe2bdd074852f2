package mockserver

import (
	"context"
	"net/http"
)

func (s *Server) getContact(ctx context.Context, rq *request) (int, any, error) {
	c, err := s.Store().Contact(ctx, rq.loc, rq.param("contactId"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, contactAnswer{c: &c}, nil
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
	return http.StatusCreated, contactAnswer{c: &c, created: true}, nil
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
	return http.StatusOK, contactAnswer{c: &c, updated: true}, nil
}

func (s *Server) deleteContact(ctx context.Context, rq *request) (int, any, error) {
	if err := s.Store().DeleteContact(ctx, rq.loc, rq.param("contactId")); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ok, nil
}

package mockserver

import (
	"context"
	"net/http"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// noteBody is the body of create-note and update-note.
type noteBody struct {
	Body   *string `json:"body"`
	UserID *string `json:"userId"`
	Title  *string `json:"title"`
	Color  *string `json:"color"`
	Pinned *bool   `json:"pinned"`
}

func (b *noteBody) input() crm.NoteInput {
	return crm.NoteInput{Body: b.Body, UserID: b.UserID, Title: b.Title, Color: b.Color, Pinned: b.Pinned}
}

// getAllNotes serves get-all-notes: GET /contacts/{contactId}/notes.
func (s *Server) getAllNotes(ctx context.Context, rq *request) (int, any, error) {
	notes, err := s.Store().Notes(ctx, rq.loc, rq.param("contactId"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, notesAnswer{notes}, nil
}

// getNote serves get-note: GET /contacts/{contactId}/notes/{id}.
func (s *Server) getNote(ctx context.Context, rq *request) (int, any, error) {
	n, err := s.Store().Note(ctx, rq.loc, rq.param("contactId"), rq.param("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, noteAnswer{&n}, nil
}

// createNote serves create-note: POST /contacts/{contactId}/notes.
func (s *Server) createNote(ctx context.Context, rq *request) (int, any, error) {
	var b noteBody
	if err := rq.decode(&b); err != nil {
		return 0, nil, err
	}
	n, err := s.Store().CreateNote(ctx, rq.loc, rq.param("contactId"), b.input())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, noteAnswer{&n}, nil
}

// updateNote serves update-note: PUT /contacts/{contactId}/notes/{id}.
func (s *Server) updateNote(ctx context.Context, rq *request) (int, any, error) {
	var b noteBody
	if err := rq.decode(&b); err != nil {
		return 0, nil, err
	}
	n, err := s.Store().UpdateNote(ctx, rq.loc, rq.param("contactId"), rq.param("id"), b.input())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, noteAnswer{&n}, nil
}

// deleteNote serves delete-note: DELETE /contacts/{contactId}/notes/{id}.
func (s *Server) deleteNote(ctx context.Context, rq *request) (int, any, error) {
	if err := s.Store().DeleteNote(ctx, rq.loc, rq.param("contactId"), rq.param("id")); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ok, nil
}

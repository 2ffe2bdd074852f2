package oauth

import (
	"errors"
	"net/http"
	"strings"
)

// Error is a refusal of one of GHL's OAuth endpoints: the status and body to
// answer, and the reason in plain words for the journal and the log (the body
// often hides it: an unknown code and a used one answer alike).
type Error struct {
	Status int
	// Body is *OAuthErrorBody (the token endpoint) or *APIErrorBody (the
	// other endpoints and the authorize step); it marshals to GHL's JSON.
	Body   any
	Reason string
}

// Error returns the reason.
func (e *Error) Error() string { return e.Reason }

// OAuthErrorBody is the token endpoint's error body, e.g.
// {"error":"UnAuthorized!","error_description":"Authorization code not found"}.
type OAuthErrorBody struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

// APIErrorBody is GHL's NestJS error body. Message is a string, or a
// []string for a 422; Error is left out when empty, as some live answers do.
type APIErrorBody struct {
	StatusCode int    `json:"statusCode"`
	Message    any    `json:"message"`
	Error      string `json:"error,omitempty"`
}

// Message returns the body's message as one line, whatever its shape.
func (e *Error) Message() string {
	switch b := e.Body.(type) {
	case *OAuthErrorBody:
		if b.Description != "" {
			return b.Description
		}
		return b.Error
	case *APIErrorBody:
		if lines, ok := b.Message.([]string); ok {
			return strings.Join(lines, "; ")
		}
		s, _ := b.Message.(string)
		return s
	}
	return ""
}

func oauthError(m OAuthMessage, reason string) *Error {
	return &Error{Status: m.Status, Body: &OAuthErrorBody{Error: m.Error, Description: m.Description}, Reason: reason}
}

// apiError answers m, its {id} and {value} replaced by the pairs given.
func apiError(m APIMessage, reason string, pairs ...string) *Error {
	msg := m.Message
	for i := 0; i+1 < len(pairs); i += 2 {
		msg = strings.ReplaceAll(msg, "{"+pairs[i]+"}", pairs[i+1])
	}
	return &Error{Status: m.Status, Body: &APIErrorBody{StatusCode: m.Status, Message: msg, Error: m.Error}, Reason: reason}
}

// invalidInput is a class-validator style 422, for a body field that is
// missing (the server's spec validation normally answers it first).
func invalidInput(lines ...string) *Error {
	return &Error{
		Status: http.StatusUnprocessableEntity,
		Body:   &APIErrorBody{StatusCode: http.StatusUnprocessableEntity, Message: lines, Error: "Unprocessable Entity"},
		Reason: "invalid input: " + strings.Join(lines, "; "),
	}
}

// internalError is the answer when the state could not be saved: the change
// hook failed, so nothing was applied.
func internalError(err error) *Error {
	return &Error{
		Status: http.StatusInternalServerError,
		Body:   &APIErrorBody{StatusCode: http.StatusInternalServerError, Message: "Internal Server Error"},
		Reason: "state not saved: " + err.Error(),
	}
}

// Errors of the admin operations, to be tested with errors.Is.
var (
	ErrNotFound = errors.New("not found")
	ErrInvalid  = errors.New("invalid")
)

package mockserver

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/fixture"
)

// apiError is an answer in GHL's (NestJS) error shape:
// {"statusCode":…,"message":…,"error":…,"traceId":…}. Message is a string, or
// a []string for 422 as class-validator produces.
type apiError struct {
	Status  int
	Message any
	// Reason is the "error" key, the reason phrase; "" means
	// http.StatusText(Status). Some live GHL bodies carry no "error" key at
	// all: set NoError for those.
	Reason  string
	NoError bool
	Meta    map[string]any
	// why says in plain words why the request was refused, for the journal
	// and the log line; the answer is GHL's and never carries it.
	why string
}

// errorBody is the JSON form of an apiError. Field order follows the live bodies.
type errorBody struct {
	StatusCode int            `json:"statusCode"`
	Message    any            `json:"message"`
	Error      string         `json:"error,omitempty"`
	Meta       map[string]any `json:"meta,omitempty"`
}

func (e *apiError) body() errorBody {
	b := errorBody{StatusCode: e.Status, Message: e.Message, Meta: e.Meta}
	if !e.NoError {
		b.Error = e.Reason
		if b.Error == "" {
			b.Error = http.StatusText(e.Status)
		}
	}
	return b
}

// reason is why, or the message when nothing more was said.
func (e *apiError) reason() string {
	if e.why != "" {
		return e.why
	}
	switch m := e.Message.(type) {
	case string:
		return m
	case []string:
		return strings.Join(m, "; ")
	}
	return fmt.Sprint(e.Message)
}

func newError(status int, message string) *apiError {
	return &apiError{Status: status, Message: message}
}

// unprocessable is GHL's 422: message is always an array.
func unprocessable(messages ...string) *apiError {
	return &apiError{Status: http.StatusUnprocessableEntity, Message: messages}
}

// routeNotFound is the Express answer for a path or method no operation has.
func routeNotFound(method, path string) *apiError {
	return newError(http.StatusNotFound, "Cannot "+method+" "+path)
}

// fromStoreError turns a store error into GHL's answer. Errors that are not
// *crm.Error are internal failures; the caller logs them and answers 500.
func (s *Server) fromStoreError(err error) *apiError {
	var e *crm.Error
	if !errors.As(err, &e) {
		return nil
	}
	msgs := s.settings.Messages
	switch e.Code {
	case crm.ENOTFOUND:
		switch e.Resource {
		case crm.ResourceContact:
			return newError(http.StatusBadRequest, fixture.Expand(msgs.ContactNotFound, "id", e.ID))
		case crm.ResourceTask:
			return newError(http.StatusBadRequest, fixture.Expand(msgs.TaskNotFound, "id", e.ID))
		case crm.ResourceNote:
			return newError(http.StatusBadRequest, fixture.Expand(msgs.NoteNotFound, "id", e.ID))
		case crm.ResourceCampaign:
			return newError(http.StatusBadRequest, "Campaign not found")
		case crm.ResourceWorkflow:
			return newError(http.StatusBadRequest, "Workflow not found")
		}
		return newError(http.StatusBadRequest, "Not found")
	case crm.EFORBIDDEN, crm.ELOCATION:
		return s.forbidden()
	case crm.EDUPLICATE:
		ae := &apiError{Status: http.StatusBadRequest, Message: msgs.Duplicate, NoError: true}
		if d := e.Duplicate; d != nil {
			ae.Meta = map[string]any{"contactId": d.ContactID, "contactName": d.ContactName, "matchingField": d.MatchingField}
		}
		return ae
	case crm.EINVALID:
		return unprocessable(e.Messages...)
	case crm.EBADINPUT:
		return newError(http.StatusBadRequest, strings.Join(e.Messages, "; "))
	}
	return nil
}

func (s *Server) forbidden() *apiError {
	return newError(http.StatusForbidden, s.settings.Messages.Location)
}

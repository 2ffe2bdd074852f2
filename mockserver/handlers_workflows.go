package mockserver

import (
	"context"
	"net/http"
)

type workflowBody struct {
	EventStartTime string `json:"eventStartTime"`
}

// addContactToWorkflow serves add-contact-to-workflow: POST /contacts/{contactId}/workflow/{workflowId}.
//
// addContactToWorkflow answers 201, as measured live (HighLevel's file says 200; the
// status is a setting).
func (s *Server) addContactToWorkflow(ctx context.Context, rq *request) (int, any, error) {
	var b workflowBody
	if err := rq.decode(&b); err != nil {
		return 0, nil, err
	}
	if err := s.Store().AddToWorkflow(ctx, rq.loc, rq.param("contactId"), rq.param("workflowId"), b.EventStartTime); err != nil {
		return 0, nil, err
	}
	status := s.settings.WorkflowAddStatus
	if status == 0 {
		status = http.StatusCreated
	}
	return status, ok, nil
}

// deleteContactFromWorkflow serves delete-contact-from-workflow: DELETE /contacts/{contactId}/workflow/{workflowId}.
//
// deleteContactFromWorkflow is a DELETE that may carry {eventStartTime}.
func (s *Server) deleteContactFromWorkflow(ctx context.Context, rq *request) (int, any, error) {
	var b workflowBody
	if err := rq.decode(&b); err != nil {
		return 0, nil, err
	}
	if err := s.Store().RemoveFromWorkflow(ctx, rq.loc, rq.param("contactId"), rq.param("workflowId")); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ok, nil
}

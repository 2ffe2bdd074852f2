package mockserver

import (
	"context"
	"net/http"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// taskBody is the body of create-task, update-task and update-task-completed.
type taskBody struct {
	Title      *string `json:"title"`
	Body       *string `json:"body"`
	AssignedTo *string `json:"assignedTo"`
	DueDate    *string `json:"dueDate"`
	Completed  *bool   `json:"completed"`
}

func (b *taskBody) input() (crm.TaskInput, error) {
	in := crm.TaskInput{Title: b.Title, Body: b.Body, AssignedTo: b.AssignedTo, Completed: b.Completed}
	if b.DueDate != nil {
		due, ok := crm.ParseMillis(*b.DueDate)
		if !ok {
			return in, unprocessable("dueDate must be a valid ISO 8601 date string")
		}
		in.DueDate = &due
	}
	return in, nil
}

// getAllTasks serves get-all-tasks: GET /contacts/{contactId}/tasks.
func (s *Server) getAllTasks(ctx context.Context, rq *request) (int, any, error) {
	tasks, err := s.Store().Tasks(ctx, rq.loc, rq.param("contactId"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, tasksAnswer{tasks}, nil
}

// getTask serves get-task: GET /contacts/{contactId}/tasks/{taskId}.
func (s *Server) getTask(ctx context.Context, rq *request) (int, any, error) {
	t, err := s.Store().Task(ctx, rq.loc, rq.param("contactId"), rq.param("taskId"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, taskAnswer{&t}, nil
}

// createTask serves create-task: POST /contacts/{contactId}/tasks.
func (s *Server) createTask(ctx context.Context, rq *request) (int, any, error) {
	in, err := decodeTask(rq)
	if err != nil {
		return 0, nil, err
	}
	t, err := s.Store().CreateTask(ctx, rq.loc, rq.param("contactId"), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, taskAnswer{&t}, nil
}

// updateTask serves update-task: PUT /contacts/{contactId}/tasks/{taskId}.
func (s *Server) updateTask(ctx context.Context, rq *request) (int, any, error) {
	in, err := decodeTask(rq)
	if err != nil {
		return 0, nil, err
	}
	t, err := s.Store().UpdateTask(ctx, rq.loc, rq.param("contactId"), rq.param("taskId"), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, taskAnswer{&t}, nil
}

// updateTaskCompleted serves update-task-completed: PUT /contacts/{contactId}/tasks/{taskId}/completed.
//
// updateTaskCompleted takes only {completed}, which the document enforces.
func (s *Server) updateTaskCompleted(ctx context.Context, rq *request) (int, any, error) {
	return s.updateTask(ctx, rq)
}

// deleteTask serves delete-task: DELETE /contacts/{contactId}/tasks/{taskId}.
func (s *Server) deleteTask(ctx context.Context, rq *request) (int, any, error) {
	if err := s.Store().DeleteTask(ctx, rq.loc, rq.param("contactId"), rq.param("taskId")); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ok, nil
}

func decodeTask(rq *request) (crm.TaskInput, error) {
	var b taskBody
	if err := rq.decode(&b); err != nil {
		return crm.TaskInput{}, err
	}
	return b.input()
}

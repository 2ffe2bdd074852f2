package mockserver

import (
	"context"
	"net/http"
	"time"
)

type tagsBody struct {
	Tags []string `json:"tags"`
}

type tagsAddedResponse struct {
	Tags      []string `json:"tags"`
	TagsAdded []string `json:"tagsAdded"`
}

type tagsRemovedResponse struct {
	Tags        []string `json:"tags"`
	TagsRemoved []string `json:"tagsRemoved"`
}

type eventsResponse struct {
	Events []eventView `json:"events"`
}

func (s *Server) addTags(ctx context.Context, rq *request) (int, any, error) {
	var b tagsBody
	if err := rq.decode(&b); err != nil {
		return 0, nil, err
	}
	c, added, err := s.Store().AddTags(ctx, rq.loc, rq.param("contactId"), b.Tags)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, tagsAddedResponse{Tags: nonNil(c.Tags), TagsAdded: nonNil(added)}, nil
}

// removeTags is a DELETE with a JSON body, as the official SDK sends it.
func (s *Server) removeTags(ctx context.Context, rq *request) (int, any, error) {
	var b tagsBody
	if err := rq.decode(&b); err != nil {
		return 0, nil, err
	}
	c, removed, err := s.Store().RemoveTags(ctx, rq.loc, rq.param("contactId"), b.Tags)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, tagsRemovedResponse{Tags: nonNil(c.Tags), TagsRemoved: nonNil(removed)}, nil
}

func (s *Server) getAppointments(ctx context.Context, rq *request) (int, any, error) {
	appts, err := s.Store().Appointments(ctx, rq.loc, rq.param("contactId"))
	if err != nil {
		return 0, nil, err
	}
	loc := s.locationTZ(ctx, rq.loc)
	out := eventsResponse{Events: make([]eventView, len(appts))}
	for i := range appts {
		out.Events[i] = newEventView(&appts[i], loc, s.settings.AppointmentTimeFormat)
	}
	return http.StatusOK, out, nil
}

// locationTZ is the location's time zone, UTC when unknown.
func (s *Server) locationTZ(ctx context.Context, loc string) *time.Location {
	l, err := s.Store().Location(ctx, loc)
	if err != nil || l.Timezone == "" {
		return time.UTC
	}
	tz, err := time.LoadLocation(l.Timezone)
	if err != nil {
		return time.UTC
	}
	return tz
}

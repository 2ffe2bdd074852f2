package mockserver

import (
	"context"
	"net/http"
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

// addTags serves add-tags: POST /contacts/{contactId}/tags.
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

// removeTags serves remove-tags: DELETE /contacts/{contactId}/tags.
//
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

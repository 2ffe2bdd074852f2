package mockserver

import (
	"context"
	"net/http"
)

type followersBody struct {
	Followers []string `json:"followers"`
}

type followersAddedResponse struct {
	Followers      []string `json:"followers"`
	FollowersAdded []string `json:"followersAdded"`
}

type followersRemovedResponse struct {
	Followers        []string `json:"followers"`
	FollowersRemoved []string `json:"followersRemoved"`
}

// addFollowersContact serves add-followers-contact: POST /contacts/{contactId}/followers.
func (s *Server) addFollowersContact(ctx context.Context, rq *request) (int, any, error) {
	var b followersBody
	if err := rq.decode(&b); err != nil {
		return 0, nil, err
	}
	all, added, err := s.Store().AddFollowers(ctx, rq.loc, rq.param("contactId"), b.Followers)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, followersAddedResponse{Followers: nonNil(all), FollowersAdded: nonNil(added)}, nil
}

// removeFollowersContact serves remove-followers-contact: DELETE /contacts/{contactId}/followers.
//
// removeFollowersContact is a DELETE with a JSON body.
func (s *Server) removeFollowersContact(ctx context.Context, rq *request) (int, any, error) {
	var b followersBody
	if err := rq.decode(&b); err != nil {
		return 0, nil, err
	}
	all, removed, err := s.Store().RemoveFollowers(ctx, rq.loc, rq.param("contactId"), b.Followers)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, followersRemovedResponse{Followers: nonNil(all), FollowersRemoved: nonNil(removed)}, nil
}

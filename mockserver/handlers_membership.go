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

func (s *Server) addFollowers(ctx context.Context, rq *request) (int, any, error) {
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

// removeFollowers is a DELETE with a JSON body.
func (s *Server) removeFollowers(ctx context.Context, rq *request) (int, any, error) {
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

func (s *Server) addToCampaign(ctx context.Context, rq *request) (int, any, error) {
	if err := s.Store().AddToCampaign(ctx, rq.loc, rq.param("contactId"), rq.param("campaignId")); err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, ok, nil
}

// removeFromCampaign also serves Version v3's name for removing a contact
// from every campaign, /campaigns/remove-all (v2's is /campaigns/removeAll):
// the official Python SDK always sends v3. Under other versions remove-all is
// just a campaign id, which no campaign has.
func (s *Server) removeFromCampaign(ctx context.Context, rq *request) (int, any, error) {
	if rq.param("campaignId") == "remove-all" && rq.r.Header.Get("Version") == "v3" {
		return s.removeFromAllCampaigns(ctx, rq)
	}
	if err := s.Store().RemoveFromCampaign(ctx, rq.loc, rq.param("contactId"), rq.param("campaignId")); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ok, nil
}

func (s *Server) removeFromAllCampaigns(ctx context.Context, rq *request) (int, any, error) {
	if err := s.Store().RemoveFromAllCampaigns(ctx, rq.loc, rq.param("contactId")); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ok, nil
}

type workflowBody struct {
	EventStartTime string `json:"eventStartTime"`
}

// addToWorkflow answers 201, as measured live (HighLevel's file says 200; the
// status is a setting).
func (s *Server) addToWorkflow(ctx context.Context, rq *request) (int, any, error) {
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

// removeFromWorkflow is a DELETE that may carry {eventStartTime}.
func (s *Server) removeFromWorkflow(ctx context.Context, rq *request) (int, any, error) {
	var b workflowBody
	if err := rq.decode(&b); err != nil {
		return 0, nil, err
	}
	if err := s.Store().RemoveFromWorkflow(ctx, rq.loc, rq.param("contactId"), rq.param("workflowId")); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ok, nil
}

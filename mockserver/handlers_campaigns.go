package mockserver

import (
	"context"
	"net/http"
)

// addContactToCampaign serves add-contact-to-campaign: POST /contacts/{contactId}/campaigns/{campaignId}.
func (s *Server) addContactToCampaign(ctx context.Context, rq *request) (int, any, error) {
	if err := s.Store().AddToCampaign(ctx, rq.loc, rq.param("contactId"), rq.param("campaignId")); err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, ok, nil
}

// removeContactFromCampaign serves remove-contact-from-campaign: DELETE /contacts/{contactId}/campaigns/{campaignId}.
//
// removeContactFromCampaign also serves Version v3's name for removing a contact
// from every campaign, /campaigns/remove-all (v2's is /campaigns/removeAll):
// the official Python SDK always sends v3. Under other versions remove-all is
// just a campaign id, which no campaign has.
func (s *Server) removeContactFromCampaign(ctx context.Context, rq *request) (int, any, error) {
	if rq.param("campaignId") == "remove-all" && rq.r.Header.Get("Version") == "v3" {
		return s.removeContactFromEveryCampaign(ctx, rq)
	}
	if err := s.Store().RemoveFromCampaign(ctx, rq.loc, rq.param("contactId"), rq.param("campaignId")); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ok, nil
}

// removeContactFromEveryCampaign serves remove-contact-from-every-campaign: DELETE /contacts/{contactId}/campaigns/removeAll.
func (s *Server) removeContactFromEveryCampaign(ctx context.Context, rq *request) (int, any, error) {
	if err := s.Store().RemoveFromAllCampaigns(ctx, rq.loc, rq.param("contactId")); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ok, nil
}

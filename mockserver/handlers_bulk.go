package mockserver

import (
	"context"
	"net/http"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

type bulkBusinessBody struct {
	IDs        []string  `json:"ids"`
	BusinessID optString `json:"businessId"`
}

type bulkBusinessResponse struct {
	Success bool     `json:"success"`
	IDs     []string `json:"ids"`
}

// addRemoveContactFromBusiness serves add-remove-contact-from-business: POST /contacts/bulk/business.
func (s *Server) addRemoveContactFromBusiness(ctx context.Context, rq *request) (int, any, error) {
	var b bulkBusinessBody
	if err := rq.decode(&b); err != nil {
		return 0, nil, err
	}
	ids, err := s.Store().SetBusiness(ctx, rq.loc, b.IDs, b.BusinessID.Value)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, bulkBusinessResponse{Success: true, IDs: nonNil(ids)}, nil
}

type bulkTagsBody struct {
	Contacts      []string `json:"contacts"`
	Tags          []string `json:"tags"`
	RemoveAllTags bool     `json:"removeAllTags"`
}

type bulkTagsOutcome struct {
	ContactID string `json:"contactId"`
	Type      string `json:"type"`
	Message   string `json:"message"`
	// The deltas are present (possibly empty) on success and absent on error.
	OldTags     *[]string `json:"oldTags,omitempty"`
	TagsAdded   *[]string `json:"tagsAdded,omitempty"`
	TagsRemoved *[]string `json:"tagsRemoved,omitempty"`
}

type bulkTagsResponse struct {
	Succeded   bool              `json:"succeded"`
	ErrorCount int               `json:"errorCount"`
	Responses  []bulkTagsOutcome `json:"responses"`
}

// createAssociation serves create-association: POST /contacts/bulk/tags/update/{type}.
//
// createAssociation is POST /contacts/bulk/tags/update/{type}: per-contact outcomes,
// the call itself succeeding even when some contacts fail.
func (s *Server) createAssociation(ctx context.Context, rq *request) (int, any, error) {
	var b bulkTagsBody
	if err := rq.decode(&b); err != nil {
		return 0, nil, err
	}
	op := crm.BulkTagOp{Remove: rq.param("type") == "remove", ContactIDs: b.Contacts, Tags: b.Tags}
	op.RemoveAll = op.Remove && b.RemoveAllTags
	results, err := s.Store().BulkTags(ctx, rq.loc, op)
	if err != nil {
		return 0, nil, err
	}
	out := bulkTagsResponse{Succeded: true, Responses: make([]bulkTagsOutcome, len(results))}
	for i, r := range results {
		o := bulkTagsOutcome{ContactID: r.ContactID, Type: "success", Message: r.Message}
		if r.OK {
			old, added, removed := nonNil(r.OldTags), nonNil(r.TagsAdded), nonNil(r.TagsRemoved)
			o.OldTags, o.TagsAdded, o.TagsRemoved = &old, &added, &removed
		} else {
			o.Type = "error"
			out.ErrorCount++
		}
		out.Responses[i] = o
	}
	return http.StatusCreated, out, nil
}

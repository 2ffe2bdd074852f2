package mockserver

import (
	"context"
	"net/http"
	"strconv"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// getContactsByBusinessId serves get-contacts-by-businessId: GET /contacts/business/{businessId}.
func (s *Server) getContactsByBusinessId(ctx context.Context, rq *request) (int, any, error) {
	q := rq.values()
	bq := crm.BusinessQuery{Query: q.Get("query"), Limit: 25}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return 0, nil, unprocessable("limit must be a number conforming to the specified constraints")
		}
		if n > 100 {
			return 0, nil, unprocessable("limit must not be greater than 100")
		}
		bq.Limit = n
	}
	if v := q.Get("skip"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, nil, unprocessable("skip must be a number conforming to the specified constraints")
		}
		bq.Skip = n
	}
	contacts, total, err := s.Store().ContactsByBusiness(ctx, rq.loc, rq.param("businessId"), bq)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, contactsAnswer{contacts: contacts, count: total}, nil
}

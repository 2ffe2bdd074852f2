package mockserver

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// getContacts serves get-contacts: GET /contacts/.
//
// getContacts is the deprecated GET /contacts/: newest first, paged by the
// (startAfter, startAfterId) pair of the last contact of the previous page.
func (s *Server) getContacts(ctx context.Context, rq *request) (int, any, error) {
	q := rq.values()
	// limit (1..100) and startAfter (an integer) were validated against the document.
	lq := crm.ListQuery{Query: q.Get("query"), Limit: 20, StartAfterID: q.Get("startAfterId")}
	if n, err := strconv.Atoi(q.Get("limit")); err == nil {
		lq.Limit = n
	}
	if n, err := strconv.ParseInt(q.Get("startAfter"), 10, 64); err == nil {
		lq.StartAfter = crm.Millis(n)
	}
	page, err := s.Store().ListContacts(ctx, rq.loc, lq)
	if err != nil {
		return 0, nil, err
	}
	meta := &listMeta{Total: page.Total, CurrentPage: max(page.Page, 1)}
	if page.Page > 1 {
		meta.PrevPage = page.Page - 1
	}
	if n := len(page.Contacts); n > 0 {
		last := page.Contacts[n-1]
		meta.StartAfter, meta.StartAfterID = int64(last.DateAdded), last.ID
		if page.More {
			meta.NextPage = meta.CurrentPage + 1
			meta.NextPageURL = s.nextPageURL(rq, q, meta.StartAfter, meta.StartAfterID)
		}
	}
	return http.StatusOK, contactsAnswer{contacts: page.Contacts, meta: meta}, nil
}

// nextPageURL points at the mock's own host, keeping the caller's query,
// limit and location so that following it gives the next page.
func (s *Server) nextPageURL(rq *request, q url.Values, startAfter int64, startAfterID string) string {
	next := url.Values{}
	for k, v := range q {
		next[k] = v
	}
	next.Set("startAfter", strconv.FormatInt(startAfter, 10))
	next.Set("startAfterId", startAfterID)
	scheme := "http"
	if rq.r.TLS != nil {
		scheme = "https"
	}
	if p := rq.r.Header.Get("X-Forwarded-Proto"); p == "http" || p == "https" {
		scheme = p
	}
	return scheme + "://" + rq.r.Host + "/contacts/?" + next.Encode()
}

// searchBody is the body of POST /contacts/search.
type searchBody struct {
	LocationID  string       `json:"locationId"`
	PageLimit   int          `json:"pageLimit"`
	Page        int          `json:"page"`
	SearchAfter []any        `json:"searchAfter"`
	Query       string       `json:"query"`
	Filters     []filterBody `json:"filters"`
	Sort        []crm.Sort   `json:"sort"`
}

type filterBody struct {
	Field    string          `json:"field"`
	Operator string          `json:"operator"`
	Value    json.RawMessage `json:"value"`
	Group    string          `json:"group"`
	Filters  []filterBody    `json:"filters"`
}

func (f filterBody) filter() crm.Filter {
	out := crm.Filter{Field: f.Field, Operator: f.Operator, Group: f.Group}
	if len(f.Value) > 0 {
		_ = json.Unmarshal(f.Value, &out.Value)
	}
	for _, sub := range f.Filters {
		out.Filters = append(out.Filters, sub.filter())
	}
	return out
}

// searchContactsAdvanced serves search-contacts-advanced: POST /contacts/search.
func (s *Server) searchContactsAdvanced(ctx context.Context, rq *request) (int, any, error) {
	var b searchBody
	if err := rq.decode(&b); err != nil {
		return 0, nil, err
	}
	q := crm.SearchQuery{PageLimit: b.PageLimit, Page: b.Page, SearchAfter: b.SearchAfter, Query: b.Query, Sort: b.Sort}
	for _, f := range b.Filters {
		q.Filters = append(q.Filters, f.filter())
	}
	page, err := s.Store().SearchContacts(ctx, rq.loc, q)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, searchAnswer{hits: page.Contacts, total: page.Total}, nil
}

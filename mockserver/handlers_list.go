package mockserver

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

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

func (s *Server) searchContacts(ctx context.Context, rq *request) (int, any, error) {
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

// getDuplicateContact looks a contact up by email and/or number (E.164,
// sent as %2B…). A + that a client forgot to encode arrives as a space, as it
// does at GHL, whose spec says number must be URL-encoded: what is left is a
// bare national number, which matches nobody. The mock does not mend it, so
// the client's bug shows here rather than live.
func (s *Server) getDuplicateContact(ctx context.Context, rq *request) (int, any, error) {
	q := rq.values()
	email, number := q.Get("email"), q.Get("number")
	c, found, err := s.Store().DuplicateContact(ctx, rq.loc, email, number)
	if err != nil {
		return 0, nil, err
	}
	if !found {
		return http.StatusOK, contactAnswer{}, nil
	}
	return http.StatusOK, contactAnswer{c: &c}, nil
}

func (s *Server) upsertContact(ctx context.Context, rq *request) (int, any, error) {
	var b contactBody
	if err := rq.decode(&b); err != nil {
		return 0, nil, err
	}
	c, created, err := s.Store().UpsertContact(ctx, rq.loc, b.input(), b.CreateNewIfDuplicateAllowed)
	if err != nil {
		return 0, nil, err
	}
	status := http.StatusOK
	if created && s.settings.UpsertCreatedStatus != 0 {
		status = s.settings.UpsertCreatedStatus
	}
	return status, contactAnswer{c: &c, upsert: true, isNew: created}, nil
}

func (s *Server) getContactsByBusiness(ctx context.Context, rq *request) (int, any, error) {
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

type bulkBusinessBody struct {
	IDs        []string  `json:"ids"`
	BusinessID optString `json:"businessId"`
}

type bulkBusinessResponse struct {
	Success bool     `json:"success"`
	IDs     []string `json:"ids"`
}

func (s *Server) bulkBusiness(ctx context.Context, rq *request) (int, any, error) {
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

// bulkTags is POST /contacts/bulk/tags/update/{type}: per-contact outcomes,
// the call itself succeeding even when some contacts fail.
func (s *Server) bulkTags(ctx context.Context, rq *request) (int, any, error) {
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

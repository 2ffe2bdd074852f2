package mockserver

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/faults"
	"github.com/ghlmock/ghlmock/mockserver/journal"
)

// The journal's admin endpoints: GET /_mock/requests lists what matches a
// filter; GET or POST /_mock/requests/count says how many requests matched,
// in one call (WireMock's verify). Filters: operationId, method, path (a
// glob: * within a segment, ** across), status, locationId, since, reason (a
// substring), and body fields (body.email=…; dotted paths; an array matches
// when an element does) of the request body as the journal kept it.

// journalQuery is a filter as the count endpoint's JSON body gives it.
type journalQuery struct {
	OperationID string            `json:"operationId"`
	Method      string            `json:"method"`
	Path        string            `json:"path"`
	Status      int               `json:"status"`
	LocationID  string            `json:"locationId"`
	Since       string            `json:"since"`
	Reason      string            `json:"reason"`
	Body        map[string]string `json:"body"`
	Limit       int               `json:"limit"`
}

// journalQueryOf reads a filter from the query string.
func journalQueryOf(r *http.Request) (journalQuery, error) {
	q := r.URL.Query()
	jq := journalQuery{OperationID: q.Get("operationId"), Method: q.Get("method"), Path: q.Get("path"),
		LocationID: q.Get("locationId"), Since: q.Get("since"), Reason: q.Get("reason")}
	for _, p := range []struct {
		name string
		dst  *int
	}{{"status", &jq.Status}, {"limit", &jq.Limit}} {
		if v := q.Get(p.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return jq, fmt.Errorf("%s must be a non-negative number", p.name)
			}
			*p.dst = n
		}
	}
	for k, v := range q {
		if field, ok := strings.CutPrefix(k, "body."); ok && field != "" {
			if jq.Body == nil {
				jq.Body = map[string]string{}
			}
			jq.Body[field] = v[0]
		}
	}
	return jq, nil
}

// filter turns the query into a journal filter.
func (jq journalQuery) filter() (journal.Filter, error) {
	f := journal.Filter{OperationID: jq.OperationID, Method: strings.ToUpper(jq.Method), Status: jq.Status,
		LocationID: jq.LocationID, Limit: jq.Limit}
	if jq.Status < 0 || jq.Limit < 0 {
		return f, errors.New("status and limit must not be negative")
	}
	if jq.Since != "" {
		ms, ok := crm.ParseMillis(jq.Since)
		if !ok {
			return f, errors.New("since must be an RFC 3339 time or epoch milliseconds")
		}
		f.Since = ms.Time()
	}
	if jq.Path != "" && !strings.HasPrefix(jq.Path, "/") {
		return f, errors.New("path must be a glob starting with /")
	}
	if jq.Path != "" || jq.Reason != "" || len(jq.Body) > 0 {
		f.Match = func(e *journal.Entry) bool {
			return (jq.Path == "" || faults.GlobMatch(jq.Path, e.Path)) &&
				(jq.Reason == "" || strings.Contains(e.Reason, jq.Reason)) &&
				bodyMatches(e.RequestBody, jq.Body)
		}
	}
	return f, nil
}

// bodyMatches reports whether every field of want is in the JSON body.
func bodyMatches(body string, want map[string]string) bool {
	if len(want) == 0 {
		return true
	}
	var v any
	if json.Unmarshal([]byte(body), &v) != nil {
		return false
	}
	for path, expect := range want {
		if !valueMatches(lookup(v, strings.Split(path, ".")), expect) {
			return false
		}
	}
	return true
}

func lookup(v any, path []string) any {
	for _, k := range path {
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case []any:
			n, err := strconv.Atoi(k)
			if err != nil || n < 0 || n >= len(x) {
				return nil
			}
			v = x[n]
		default:
			return nil
		}
	}
	return v
}

func valueMatches(v any, want string) bool {
	switch x := v.(type) {
	case nil:
		return false
	case string:
		return x == want
	case []any:
		for _, e := range x {
			if valueMatches(e, want) {
				return true
			}
		}
		return false
	}
	raw, _ := json.Marshal(v)
	return string(raw) == want
}

func (s *Server) adminRequests(w http.ResponseWriter, r *http.Request) {
	jq, err := journalQueryOf(r)
	var f journal.Filter
	if err == nil {
		f, err = jq.filter()
	}
	if err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	size, held, dropped := s.journal.Stats()
	writeAdminJSON(w, http.StatusOK, map[string]any{
		"requests": s.journal.List(f),
		"journal":  map[string]any{"size": size, "held": held, "dropped": dropped},
	})
}

// adminCountRequests is the verify query: {"count": n} of the requests the
// journal holds that match (GET: the query string; POST: a JSON filter).
func (s *Server) adminCountRequests(w http.ResponseWriter, r *http.Request) {
	var jq journalQuery
	var err error
	if r.Method == http.MethodPost {
		raw, ok := readAdminBody(w, r, maxAdminBody)
		if !ok {
			return
		}
		err = strictJSON(raw, &jq)
	} else {
		jq, err = journalQueryOf(r)
	}
	var f journal.Filter
	if err == nil {
		f, err = jq.filter()
	}
	if err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	size, held, dropped := s.journal.Stats()
	writeAdminJSON(w, http.StatusOK, map[string]any{
		"count":   s.journal.Count(f),
		"journal": map[string]any{"size": size, "held": held, "dropped": dropped},
		"at":      s.clock.Now().Truncate(time.Millisecond).Format(crm.ISOLayout),
	})
}

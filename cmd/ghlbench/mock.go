package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/ghlmock/ghlmock/fixtures"
	"github.com/ghlmock/ghlmock/mockserver/fixture"
)

// The default fixtures' named contacts the mixed workload reads (README,
// "Default locations, tokens and contacts").
var (
	ada     = namedIDs{ID: "2NexTNy4UiJ1cLOoua11", Task: "I3XmCP0t3AdsO9zpT1rY", Note: "LYOqJAKX7JDv17ly68JI"}
	babbage = namedIDs{ID: "RirZoUIYap0BJidC295M", Task: "vhfJ6SXNJCh9rpbpG9LO", Note: "itOHYHw08JfYtd2hCMYP"}
)

const apiVersion = "2021-07-28"

// target is the location the load runs use and a token of it.
type target struct {
	Location string
	Token    string // read-write
}

// locationTokens returns, for each location of f, a token that can read its
// contacts (for counting them), and the first location's read-write token.
func locationTokens(f *fixture.Fixture, now time.Time) (read map[string]string, rw target, err error) {
	read = map[string]string{}
	for i, l := range f.Locations {
		for _, t := range l.Tokens {
			if t.Expired(now) {
				continue
			}
			if _, ok := read[l.ID]; !ok && (t.HasScope("contacts.readonly") || t.HasScope("contacts.write")) {
				read[l.ID] = t.Token
			}
			if i == 0 && rw.Token == "" && t.HasScope("contacts.write") && t.HasScope("contacts.readonly") {
				rw = target{Location: l.ID, Token: t.Token}
			}
		}
	}
	if rw.Token == "" {
		return nil, rw, errors.New("the fixtures' first location has no read-write token")
	}
	return read, rw, nil
}

// oneLocationFixture is the default fixtures with only their first location
// (Acme, which refuses duplicates, with Ada and the other named contacts), so
// that --contacts 100000 seeds exactly one location of 100,000 contacts.
func oneLocationFixture() ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(fixtures.Default(), &doc); err != nil {
		return nil, err
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, errors.New("default fixtures: not a mapping")
	}
	root := doc.Content[0]
	// The companies and the OAuth installs name the second location too:
	// the benchmark has no use for them.
	for i := 0; i+1 < len(root.Content); i += 2 {
		switch root.Content[i].Value {
		case "companies":
			root.Content = append(root.Content[:i], root.Content[i+2:]...)
			i -= 2
		case "apps":
			for _, app := range root.Content[i+1].Content {
				for j := 0; j+1 < len(app.Content); j += 2 {
					if app.Content[j].Value == "installs" {
						app.Content = append(app.Content[:j], app.Content[j+2:]...)
						break
					}
				}
			}
		}
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "locations" {
			locs := root.Content[i+1]
			if locs.Kind != yaml.SequenceNode || len(locs.Content) == 0 {
				return nil, errors.New("default fixtures: locations is not a list")
			}
			locs.Content = locs.Content[:1]
			return yaml.Marshal(&doc)
		}
	}
	return nil, errors.New("default fixtures: no locations")
}

// api calls the mock.
type api struct {
	base   string
	token  string
	client *http.Client
}

func newAPI(base, token string) *api {
	return &api{base: base, token: token, client: &http.Client{Timeout: 30 * time.Second}}
}

func (a *api) do(ctx context.Context, method, path string, body any, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, rd)
	if err != nil {
		return err
	}
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
		req.Header.Set("Version", apiVersion)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := a.client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, truncate(string(b), 300))
	}
	if out == nil {
		return nil
	}
	if w, ok := out.(*[]byte); ok {
		*w = b
		return nil
	}
	return json.Unmarshal(b, out)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// health waits for GET /_mock/health to answer 200.
func (a *api) health(ctx context.Context) error {
	return newAPI(a.base, "").do(ctx, "GET", "/_mock/health", nil, nil)
}

// total is how many contacts location holds (meta.total of a one-contact page).
func (a *api) total(ctx context.Context, location string) (int, error) {
	var page struct {
		Meta struct {
			Total *int `json:"total"`
		} `json:"meta"`
	}
	if err := a.do(ctx, "GET", "/contacts/?"+url.Values{"locationId": {location}, "limit": {"1"}}.Encode(), nil, &page); err != nil {
		return 0, err
	}
	if page.Meta.Total == nil {
		return 0, errors.New("contacts list without meta.total")
	}
	return *page.Meta.Total, nil
}

// countContacts adds up the contacts of every location, each read with its
// own token.
func countContacts(ctx context.Context, base string, tokens map[string]string) (int, error) {
	n := 0
	for loc, tok := range tokens {
		t, err := newAPI(base, tok).total(ctx, loc)
		if err != nil {
			return 0, err
		}
		n += t
	}
	return n, nil
}

type contactRef struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Phone string `json:"phone"`
}

// sample returns up to n contacts of location (one search page, newest first).
func (a *api) sample(ctx context.Context, location string, n int) ([]contactRef, error) {
	var res struct {
		Contacts []contactRef `json:"contacts"`
	}
	body := map[string]any{"locationId": location, "pageLimit": n}
	if err := a.do(ctx, "POST", "/contacts/search", body, &res); err != nil {
		return nil, err
	}
	return res.Contacts, nil
}

// taskPool is up to n contacts of location that are none of skip: the
// contacts the mixed workload creates tasks on.
func (a *api) taskPool(ctx context.Context, location string, n int, skip ...string) ([]string, error) {
	cs, err := a.sample(ctx, location, n+len(skip))
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, c := range cs {
		if len(ids) < n && !slices.Contains(skip, c.ID) {
			ids = append(ids, c.ID)
		}
	}
	if len(ids) == 0 {
		return nil, errors.New("no contacts to create tasks on")
	}
	return ids, nil
}

// duplicatePaths are GET /contacts/search/duplicate requests for the emails
// (by "email") or phones (by "number") of cs, at most n.
func duplicatePaths(location, by string, cs []contactRef, n int) []string {
	var out []string
	for _, c := range cs {
		v := c.Email
		if by == "number" {
			v = c.Phone
		}
		if v == "" || len(out) >= n {
			continue
		}
		out = append(out, "/contacts/search/duplicate?"+url.Values{"locationId": {location}, by: {v}}.Encode())
	}
	return out
}

// checkDuplicateHit reports an error unless path finds a contact: a lookup
// that finds nothing would measure the wrong thing.
func (a *api) checkDuplicateHit(ctx context.Context, path string) error {
	var res struct {
		Contact *contactRef `json:"contact"`
	}
	if err := a.do(ctx, "GET", path, nil, &res); err != nil {
		return err
	}
	if res.Contact == nil {
		return fmt.Errorf("GET %s found no contact", path)
	}
	return nil
}

// heapAfterGC forces a collection in the mock (which must run with --pprof)
// and returns its HeapAlloc: the live Go heap.
func (a *api) heapAfterGC(ctx context.Context) (int64, error) {
	var b []byte
	if err := newAPI(a.base, "").do(ctx, "GET", "/_mock/debug/pprof/heap?debug=1&gc=1", nil, &b); err != nil {
		return 0, err
	}
	return memStat(b, "HeapAlloc")
}

// memStat reads "# Key = N" from a heap profile in its debug=1 text form.
func memStat(profile []byte, key string) (int64, error) {
	sc := bufio.NewScanner(bytes.NewReader(profile))
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimPrefix(sc.Text(), "# "), " = ")
		if ok && k == key {
			return strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("heap profile: no %s", key)
}

// listPaths are list-with-query requests, limit 20, of location.
func listPaths(location string, queries []string) []string {
	out := make([]string, len(queries))
	for i, q := range queries {
		out[i] = "/contacts/?" + url.Values{"locationId": {location}, "query": {q}, "limit": {"20"}}.Encode()
	}
	return out
}

// searchBodies are searches with a contains filter and a sort (pageLimit 20)
// in location: every combination of subs and sorts.
func searchBodies(location string, subs []string, sorts [][]map[string]string) ([]string, error) {
	var out []string
	for _, sub := range subs {
		for _, sort := range sorts {
			b, err := json.Marshal(map[string]any{
				"locationId": location,
				"pageLimit":  20,
				"filters":    []map[string]string{{"field": "firstNameLowerCase", "operator": "contains", "value": sub}},
				"sort":       sort,
			})
			if err != nil {
				return nil, err
			}
			out = append(out, string(b))
		}
	}
	return out, nil
}

package dashboard

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/faults"
	"github.com/ghlmock/ghlmock/mockserver/journal"
	"github.com/ghlmock/ghlmock/mockserver/ratelimit"
)

// overview is the overview page's live panel.
type overview struct {
	Clock     Clock          `json:"clock"`
	Locations []Location     `json:"locations"`
	Budgets   []budget       `json:"rateLimits"`
	Requests  uint64         `json:"requests"` // journalled since start
	Held      int            `json:"journalHeld"`
	Failures  int            `json:"failures"` // of those held, answered ≥ 400 or not at all
	Faults    int            `json:"faults"`
	Contacts  int            `json:"contacts"`
	Webhooks  *webhookCounts `json:"webhooks,omitempty"`
}

// budget is one app × location rate-limit counter, as the page draws it.
type budget struct {
	ratelimit.Counter
	App        string `json:"app"`
	LocationID string `json:"locationId"`
}

type webhookCounts struct {
	Deliveries int `json:"deliveries"`
	Pending    int `json:"pending"`
	Failed     int `json:"failed"`
}

func (d *Dashboard) overview(r *http.Request) overview {
	ctx := r.Context()
	o := overview{Clock: d.m.Clock(), Locations: d.m.Locations(ctx), Faults: len(d.m.Faults())}
	for _, l := range o.Locations {
		o.Contacts += l.Contacts
	}
	for _, c := range d.m.RateLimits() {
		app, loc, _ := strings.Cut(c.Key, "/")
		o.Budgets = append(o.Budgets, budget{Counter: c, App: app, LocationID: loc})
	}
	j := d.m.Journal()
	o.Requests = j.Seq()
	_, o.Held, _ = j.Stats()
	o.Failures = j.Count(journal.Filter{Match: func(e *journal.Entry) bool { return e.Status >= 400 || e.Status == 0 }})
	if wh := d.cfg.Webhooks; wh != nil {
		c := &webhookCounts{}
		for _, dl := range wh.Deliveries(webhooksAll) {
			c.Deliveries++
			switch dl.Status {
			case "pending":
				c.Pending++
			case "failed", "exhausted":
				c.Failed++
			}
		}
		o.Webhooks = c
	}
	return o
}

func (d *Dashboard) overviewPage(w http.ResponseWriter, r *http.Request, p principal) {
	d.page(w, r, p, "overview", "Overview", d.overview(r))
}

// overviewFragment is the live panel alone: the page's script swaps it in
// every second, so the page and its refresh share one template.
func (d *Dashboard) overviewFragment(w http.ResponseWriter, r *http.Request, p principal) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := d.pages["overview"].ExecuteTemplate(w, "live", d.overview(r)); err != nil {
		d.log.Error("dashboard: render", "fragment", "overview", "error", err.Error())
	}
}

func (d *Dashboard) overviewJSON(w http.ResponseWriter, r *http.Request, p principal) {
	writeJSON(w, http.StatusOK, d.overview(r))
}

// contactsPerPage is the contacts page's page size.
const contactsPerPage = 20

type contactsView struct {
	Locations []Location
	Location  string
	Query     string
	Page      int
	Pages     int
	Total     int
	Contacts  []crm.SearchHit
	Error     string
}

// contactsPage searches a location's contacts through the store's search,
// the one POST /contacts/search uses, page by page.
func (d *Dashboard) contactsPage(w http.ResponseWriter, r *http.Request, p principal) {
	ctx := r.Context()
	q := r.URL.Query()
	v := contactsView{Locations: d.m.Locations(ctx), Location: q.Get("locationId"), Query: strings.TrimSpace(q.Get("q")), Page: 1}
	if v.Location == "" && len(v.Locations) > 0 {
		v.Location = v.Locations[0].ID
	}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 {
		v.Page = n
	}
	maxPage := 10_000 / contactsPerPage // the search's own bound on depth
	v.Page = min(v.Page, maxPage)
	res, err := d.m.Store().SearchContacts(ctx, v.Location, crm.SearchQuery{PageLimit: contactsPerPage, Page: v.Page, Query: v.Query})
	if err != nil {
		v.Error = errText(err)
	} else {
		v.Contacts, v.Total = res.Contacts, res.Total
		v.Pages = min((res.Total+contactsPerPage-1)/contactsPerPage, maxPage)
	}
	d.page(w, r, p, "contacts", "Contacts", v)
}

type contactView struct {
	Location     crm.Location
	Contact      crm.Contact
	Tasks        []crm.Task
	Notes        []crm.Note
	Appointments []crm.Appointment
	Fields       []field
	Users        map[string]string
	CustomFields map[string]string
	Requests     []journal.Entry
}

// field is one editable field of the contact form.
type field struct {
	Name, Label, Value string
}

func (d *Dashboard) contactPage(w http.ResponseWriter, r *http.Request, p principal) {
	ctx := r.Context()
	loc, id := r.PathValue("loc"), r.PathValue("id")
	st := d.m.Store()
	c, err := st.Contact(ctx, loc, id)
	if err != nil {
		d.fail(w, r, http.StatusNotFound, "contact "+id+" of location "+loc+": "+errText(err))
		return
	}
	v := contactView{Contact: c, Users: map[string]string{}, CustomFields: map[string]string{}}
	v.Location, _ = st.Location(ctx, loc)
	for _, u := range v.Location.Users {
		v.Users[u.ID] = u.Name
	}
	for _, f := range v.Location.CustomFields {
		v.CustomFields[f.ID] = f.Name
	}
	v.Tasks, _ = st.Tasks(ctx, loc, id)
	v.Notes, _ = st.Notes(ctx, loc, id)
	v.Appointments, _ = st.Appointments(ctx, loc, id)
	v.Fields = []field{
		{"firstName", "First name", c.FirstName}, {"lastName", "Last name", c.LastName},
		{"email", "Email", c.Email}, {"phone", "Phone", c.Phone},
		{"companyName", "Company", c.CompanyName}, {"source", "Source", c.Source},
		{"address1", "Address", c.Address1}, {"city", "City", c.City}, {"state", "State", c.State},
		{"postalCode", "Postal code", c.PostalCode}, {"country", "Country", c.Country},
		{"website", "Website", c.Website}, {"timezone", "Time zone", c.Timezone},
	}
	// The requests that named the contact, newest first.
	reqs := d.m.Journal().List(journal.Filter{Match: func(e *journal.Entry) bool {
		return strings.Contains(e.Path, id) || strings.Contains(e.RequestBody, id)
	}})
	slices.Reverse(reqs)
	v.Requests = reqs[:min(len(reqs), 20)]
	d.page(w, r, p, "contact", c.DisplayName(), v)
}

type requestsView struct {
	Filter url.Values
	Query  string // the filter as a query string, for the stream
	Ops    []Operation
}

func (d *Dashboard) requestsPage(w http.ResponseWriter, r *http.Request, p principal) {
	q := r.URL.Query()
	f := url.Values{}
	for _, k := range streamFilters {
		if v := strings.TrimSpace(q.Get(k)); v != "" {
			f.Set(k, v)
		}
	}
	d.page(w, r, p, "requests", "Requests", requestsView{Filter: f, Query: f.Encode(), Ops: d.m.Operations()})
}

type requestView struct {
	Entry journal.Entry
	Curl  string
}

func (d *Dashboard) requestPage(w http.ResponseWriter, r *http.Request, p principal) {
	e, ok := d.m.Journal().Find(r.PathValue("id"))
	if !ok {
		d.fail(w, r, http.StatusNotFound, "the journal no longer holds request "+r.PathValue("id")+" (it keeps the newest; see --journal-size)")
		return
	}
	d.page(w, r, p, "request", e.Method+" "+e.Path, requestView{Entry: e, Curl: curlOf(r, &e)})
}

// curlOf writes a journalled request as a curl command to send it again,
// the token left as $GHL_TOKEN (the journal keeps it redacted).
func curlOf(r *http.Request, e *journal.Entry) string {
	quote := func(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	u := scheme + "://" + r.Host + e.Path
	if e.Query != "" {
		u += "?" + e.Query
	}
	var b strings.Builder
	b.WriteString("curl -X " + e.Method + " " + quote(u))
	for _, name := range []string{"Authorization", "Version", "Content-Type"} {
		v := e.RequestHeaders.Get(name)
		if v == "" {
			continue
		}
		if name == "Authorization" {
			v = "Bearer $GHL_TOKEN"
			b.WriteString(" \\\n  -H \"" + name + ": " + v + "\"")
			continue
		}
		b.WriteString(" \\\n  -H " + quote(name+": "+v))
	}
	if e.RequestBody != "" && !strings.Contains(e.RequestBody, "…[truncated") {
		b.WriteString(" \\\n  --data " + quote(e.RequestBody))
	}
	return b.String()
}

type faultsView struct {
	Faults    []faults.Rule
	Ops       []Operation
	Locations []Location
	Now       time.Time
}

func (d *Dashboard) faultsPage(w http.ResponseWriter, r *http.Request, p principal) {
	ops := d.m.Operations()
	slices.SortFunc(ops, func(a, b Operation) int { return cmp.Compare(a.ID, b.ID) })
	d.page(w, r, p, "faults", "Faults", faultsView{Faults: d.m.Faults(), Ops: ops, Locations: d.m.Locations(r.Context()), Now: d.m.Clock().Now})
}

func (d *Dashboard) statePage(w http.ResponseWriter, r *http.Request, p principal) {
	d.page(w, r, p, "state", "State", d.m.Locations(r.Context()))
}

// exportState downloads the state as GET /_mock/state answers it.
func (d *Dashboard) exportState(w http.ResponseWriter, r *http.Request, p principal) {
	ds, err := d.m.Export(r.Context())
	if err != nil {
		d.writeErr(w, r, err)
		return
	}
	name := "ghlmock-state-" + d.m.Clock().Now.Format("20060102-150405") + ".json"
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	writeJSON(w, http.StatusOK, ds)
}

func errText(err error) string {
	if e, ok := err.(*Error); ok {
		return e.Error()
	}
	if c := crm.ErrorCode(err); c != "" {
		return err.Error()
	}
	return "internal error"
}

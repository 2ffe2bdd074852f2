package mockserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/dashboard"
	"github.com/ghlmock/ghlmock/mockserver/faults"
	"github.com/ghlmock/ghlmock/mockserver/journal"
	"github.com/ghlmock/ghlmock/mockserver/ratelimit"
	"github.com/ghlmock/ghlmock/mockserver/sqlite"
	"github.com/ghlmock/ghlmock/mockserver/validation"
)

// The dashboard (package dashboard, at /_mock/ui/) sees the server through
// uiBackend: reads of the store, journal, clock, limiter and fault engine,
// and writes that take the API's own path — the operation's body schema,
// the handlers' decoding, the store, Server.write (committed, on the change
// feed) — caused by "ui:<action>" instead of an API request.

// newDashboard builds the dashboard's handler.
func (s *Server) newDashboard() (http.Handler, error) {
	cfg := dashboard.Config{Mock: uiBackend{s}, AdminToken: s.cfg.AdminToken, Logger: s.log}
	if s.oauth != nil {
		cfg.OAuth = uiOAuth{s} // dashboard_oauth.go
	}
	return dashboard.New(cfg)
}

type uiBackend struct{ s *Server }

var _ dashboard.Mock = uiBackend{}

func (b uiBackend) Store() crm.Store { return b.s.Store() }

func (b uiBackend) Locations(ctx context.Context) []dashboard.Location {
	stats := map[string]dashboard.Location{}
	for _, st := range b.s.store.Load().Stats() {
		stats[st.ID] = dashboard.Location{ID: st.ID, Contacts: st.Contacts, Tasks: st.Tasks, Notes: st.Notes, Appointments: st.Appointments}
	}
	out := make([]dashboard.Location, 0, len(stats))
	for _, fl := range b.s.fx.Locations {
		l, ok := stats[fl.ID]
		if !ok {
			continue
		}
		l.Name = fl.Name
		out = append(out, l)
		delete(stats, fl.ID)
	}
	for _, l := range stats { // imported locations the fixtures do not name
		if info, err := b.s.Store().Location(ctx, l.ID); err == nil {
			l.Name = info.Name
		}
		out = append(out, l)
	}
	return out
}

func (b uiBackend) Clock() dashboard.Clock {
	c := b.s.clock
	return dashboard.Clock{Now: c.Now(), Offset: c.Offset(), Frozen: c.Frozen()}
}

func (b uiBackend) AdvanceClock(d time.Duration) error {
	if !b.s.clock.AdvanceWithin(d, maxClockOffset) {
		return &dashboard.Error{Status: http.StatusBadRequest, Messages: []string{
			fmt.Sprintf("that would move the clock more than %s ahead in all: reset to start over", maxClockOffset)}}
	}
	return nil
}

func (b uiBackend) FreezeClock(freeze bool)                         { b.s.clock.Freeze(freeze) }
func (b uiBackend) RateLimits() []ratelimit.Counter                 { return b.s.limiter.Counters() }
func (b uiBackend) Journal() *journal.Journal                       { return b.s.journal }
func (b uiBackend) Faults() []faults.Rule                           { return b.s.faults.List() }
func (b uiBackend) RemoveFault(id string) bool                      { return b.s.faults.Remove(id) }
func (b uiBackend) Done() <-chan struct{}                           { return b.s.held }
func (b uiBackend) Export(ctx context.Context) (crm.Dataset, error) { return b.s.Store().Export(ctx) }

func (b uiBackend) Operations() []dashboard.Operation {
	var out []dashboard.Operation
	for _, o := range b.s.spec.Operations() {
		out = append(out, dashboard.Operation{ID: o.ID, Method: o.Method, Path: o.Path})
	}
	return out
}

func badRequest(msgs ...string) *dashboard.Error {
	return &dashboard.Error{Status: http.StatusBadRequest, Messages: msgs}
}

// AddFault adds a rule as POST /_mock/faults does.
func (b uiBackend) AddFault(raw []byte) (faults.Rule, error) {
	rule, err := faults.FromJSON(raw)
	if err == nil {
		err = b.s.ruleCanMatch(rule)
	}
	if err == nil {
		rule, err = b.s.faults.Add(rule)
	}
	if err != nil {
		return faults.Rule{}, badRequest(err.Error())
	}
	return rule, nil
}

// PreviewFault says what a rule, perhaps half filled in, would match: the
// operations its matchers allow and the journalled requests they match, and
// what adding it would refuse.
func (b uiBackend) PreviewFault(raw []byte) dashboard.FaultPreview {
	p := dashboard.FaultPreview{Operations: []dashboard.Operation{}}
	var r faults.Rule
	if err := json.Unmarshal(raw, &r); err != nil {
		p.Error = "invalid JSON: " + err.Error()
		return p
	}
	r.Method = strings.ToUpper(r.Method)
	if _, err := faults.FromJSON(raw); err != nil {
		p.Error = err.Error()
	} else if err := b.s.ruleCanMatch(r); err != nil {
		p.Error = err.Error()
	}
	p.Rule = r
	if r.Target == faults.TargetWebhook {
		return p
	}
	if r.Path != "" && !strings.HasPrefix(r.Path, "/") {
		return p
	}
	for _, o := range b.s.spec.Operations() {
		if (r.OperationID == "" || r.OperationID == o.ID) && (r.Method == "" || r.Method == o.Method) &&
			(r.Path == "" || globCovers(r.Path, o.Path)) {
			p.Operations = append(p.Operations, dashboard.Operation{ID: o.ID, Method: o.Method, Path: o.Path})
		}
	}
	p.Journal = b.s.journal.Count(journal.Filter{OperationID: r.OperationID, Method: r.Method, LocationID: r.LocationID,
		Match: func(e *journal.Entry) bool { return r.Path == "" || faults.GlobMatch(r.Path, e.Path) }})
	return p
}

// uiWrite runs fn as a write of the state caused by the dashboard, and
// words its error as the API would.
func (b uiBackend) uiWrite(ctx context.Context, action string, exclusive bool, fn func(ctx context.Context) error) error {
	err := b.s.write(ctx, crm.Cause{OperationID: "ui:" + action}, exclusive, fn)
	if err != nil {
		return b.uiError(ctx, action, err)
	}
	b.s.changes.Add(1)
	return nil
}

func (b uiBackend) uiError(ctx context.Context, action string, err error) error {
	var de *dashboard.Error
	if errors.As(err, &de) {
		return de
	}
	var ae *apiError
	if !errors.As(err, &ae) {
		switch {
		case errors.Is(err, sqlite.ErrDegraded):
			ae = b.s.unavailable(err)
		default:
			ae = b.s.fromStoreError(err)
		}
	}
	if ae == nil {
		b.s.log.ErrorContext(ctx, "dashboard write", "action", action, "error", err.Error())
		return &dashboard.Error{Status: http.StatusInternalServerError, Messages: []string{"Internal Server Error"}}
	}
	msgs, ok := ae.Message.([]string)
	if !ok {
		msgs = []string{fmt.Sprint(ae.Message)}
	}
	return &dashboard.Error{Status: ae.Status, Messages: msgs}
}

// apiBody decodes a body as the operation's handler would after the
// pipeline's checks: a JSON object, valid against the operation's body
// schema (422 with the API's messages), into v.
func (b uiBackend) apiBody(opID string, raw []byte, v any) error {
	var value any
	if err := json.Unmarshal(raw, &value); err != nil {
		return badRequest("invalid JSON body: " + err.Error())
	}
	if _, ok := value.(map[string]any); !ok {
		return badRequest("the body must be a JSON object")
	}
	op := b.s.ops[opID]
	if sc := validation.BodySchema(op.Operation); sc != nil {
		if err := sc.VisitJSON(value, openapi3.VisitAsRequest(), openapi3.MultiErrors()); err != nil {
			return &dashboard.Error{Status: http.StatusUnprocessableEntity, Messages: validation.Messages(err)}
		}
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return badRequest("invalid request body: " + err.Error())
	}
	return nil
}

func (b uiBackend) UpdateContact(ctx context.Context, loc, id string, raw []byte) (crm.Contact, error) {
	var body contactBody
	if err := b.apiBody("update-contact", raw, &body); err != nil {
		return crm.Contact{}, err
	}
	var c crm.Contact
	err := b.uiWrite(ctx, "update-contact", false, func(ctx context.Context) error {
		var err error
		c, err = b.s.Store().UpdateContact(ctx, loc, id, body.input())
		return err
	})
	return c, err
}

func (b uiBackend) AddTags(ctx context.Context, loc, id string, tags []string) error {
	return b.uiWrite(ctx, "add-tags", false, func(ctx context.Context) error {
		_, _, err := b.s.Store().AddTags(ctx, loc, id, tags)
		return err
	})
}

func (b uiBackend) RemoveTags(ctx context.Context, loc, id string, tags []string) error {
	return b.uiWrite(ctx, "remove-tags", false, func(ctx context.Context) error {
		_, _, err := b.s.Store().RemoveTags(ctx, loc, id, tags)
		return err
	})
}

func (b uiBackend) CreateNote(ctx context.Context, loc, contactID string, raw []byte) (crm.Note, error) {
	var body noteBody
	if err := b.apiBody("create-note", raw, &body); err != nil {
		return crm.Note{}, err
	}
	var n crm.Note
	err := b.uiWrite(ctx, "create-note", false, func(ctx context.Context) error {
		var err error
		n, err = b.s.Store().CreateNote(ctx, loc, contactID, body.input())
		return err
	})
	return n, err
}

func (b uiBackend) CompleteTask(ctx context.Context, loc, contactID, taskID string, completed bool) error {
	return b.uiWrite(ctx, "update-task-completed", false, func(ctx context.Context) error {
		_, err := b.s.Store().UpdateTask(ctx, loc, contactID, taskID, crm.TaskInput{Completed: &completed})
		return err
	})
}

func (b uiBackend) Reset(ctx context.Context) error {
	if err := b.s.reset(ctx); err != nil {
		return b.uiError(ctx, "reset", err)
	}
	return nil
}

// Import replaces the locations of a state file, as PUT /_mock/state does.
func (b uiBackend) Import(ctx context.Context, raw []byte) ([]string, error) {
	var ds crm.Dataset
	if err := strictJSON(raw, &ds); err != nil {
		return nil, badRequest(err.Error())
	}
	if len(ds.Locations) == 0 {
		return nil, badRequest("the state names no location")
	}
	err := b.uiWrite(ctx, "import", false, func(ctx context.Context) error {
		return b.s.store.Load().Import(ctx, ds)
	})
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(ds.Locations))
	for i, l := range ds.Locations {
		ids[i] = l.Location.ID
	}
	return ids, nil
}

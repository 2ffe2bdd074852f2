package mockserver

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/ghlmock/ghlmock/mockserver/crm"
	"github.com/ghlmock/ghlmock/mockserver/webhooks"
)

// adminSendEvent sends an event for data that exists, built from the object
// as it is now (like `stripe trigger` on an existing object):
// {"type", "contactId", "id" (a note's, task's or appointment's), "locationId"?,
// "app"? (only that app's subscriptions), "data"? (fields to override)}.
// INSTALL and UNINSTALL need "app" and "locationId".
func (s *Server) adminSendEvent(w http.ResponseWriter, r *http.Request) {
	raw, ok := readAdminBody(w, r, maxAdminBody)
	if !ok {
		return
	}
	var body struct {
		Type       string         `json:"type"`
		ContactID  string         `json:"contactId"`
		ID         string         `json:"id"`
		LocationID string         `json:"locationId"`
		App        string         `json:"app"`
		Data       map[string]any `json:"data"`
	}
	if err := strictJSON(raw, &body); err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	body.App, _, _ = strings.Cut(body.App, "-") // a client id names its app before the dash
	if !webhooks.IsEventType(body.Type) {
		adminError(w, http.StatusBadRequest, fmt.Sprintf("type must be one of %s", strings.Join(webhooks.EventTypes, ", ")))
		return
	}
	ev, status, err := s.eventFor(r.Context(), body.Type, body.LocationID, body.ContactID, body.ID, body.App)
	if err != nil {
		adminError(w, status, err.Error())
		return
	}
	if body.App != "" {
		ev.ForApp = body.App
	}
	ev.OperationID = "admin:send"
	for k, v := range body.Data {
		if k == "type" {
			continue
		}
		ev.Fields.Set(k, v)
	}
	ds, err := s.hooks.engine.Send(ev)
	if err != nil {
		adminError(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	if ds == nil {
		ds = []webhooks.Delivery{}
	}
	writeAdminJSON(w, http.StatusCreated, map[string]any{"deliveries": ds})
}

// eventFor builds an event of type typ from the current state.
func (s *Server) eventFor(ctx context.Context, typ, loc, contactID, id, app string) (webhooks.Event, int, error) {
	if typ == webhooks.Install || typ == webhooks.Uninstall {
		if app == "" || loc == "" {
			return webhooks.Event{}, http.StatusBadRequest, fmt.Errorf("%s needs app and locationId", typ)
		}
		if _, ok := s.fx.Location(loc); !ok {
			return webhooks.Event{}, http.StatusBadRequest, fmt.Errorf("locationId %q is not a location of the fixtures", loc)
		}
		appID, _, _ := strings.Cut(app, "-")
		return webhooks.InstallEvent(webhooks.InstallInfo{Uninstall: typ == webhooks.Uninstall, AppID: appID, InstallType: "Location",
			LocationID: loc}), 0, nil
	}
	if contactID == "" {
		return webhooks.Event{}, http.StatusBadRequest, fmt.Errorf("%s needs contactId", typ)
	}
	loc, err := s.contactLocation(ctx, loc, contactID)
	if err != nil {
		return webhooks.Event{}, http.StatusBadRequest, err
	}
	st := s.Store()
	notFound := func(err error) (webhooks.Event, int, error) {
		if crm.ErrorCode(err) == crm.ENOTFOUND {
			return webhooks.Event{}, http.StatusNotFound, err
		}
		return webhooks.Event{}, storeStatus(err), err
	}
	switch {
	case strings.HasPrefix(typ, "Contact"):
		c, err := st.Contact(ctx, loc, contactID)
		if err != nil {
			return notFound(err)
		}
		return webhooks.ContactEvent(typ, &c), 0, nil
	case id == "":
		return webhooks.Event{}, http.StatusBadRequest, fmt.Errorf("%s needs id (the %s's)", typ, strings.ToLower(strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(typ, "Create"), "Update"), "Delete")))
	case strings.HasPrefix(typ, "Note"):
		n, err := st.Note(ctx, loc, contactID, id)
		if err != nil {
			return notFound(err)
		}
		return webhooks.NoteEvent(typ, &n), 0, nil
	case strings.HasPrefix(typ, "Task"):
		t, err := st.Task(ctx, loc, contactID, id)
		if err != nil {
			return notFound(err)
		}
		return webhooks.TaskEvent(typ, &t), 0, nil
	default: // Appointment*
		list, err := st.Appointments(ctx, loc, contactID)
		if err != nil {
			return notFound(err)
		}
		for i := range list {
			if list[i].ID == id {
				return webhooks.AppointmentEvent(typ, &list[i], s.locationZone(loc)), 0, nil
			}
		}
		return webhooks.Event{}, http.StatusNotFound, fmt.Errorf("contact %s has no appointment %s", contactID, id)
	}
}

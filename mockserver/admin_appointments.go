package mockserver

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

// The Contacts API only reads appointments: GHL's calendar books them. The
// admin API plays the calendar, and its writes go through the change feed
// like any other, so they send AppointmentCreate, AppointmentUpdate and
// AppointmentDelete and are kept in the state database.

func (s *Server) registerAppointmentAdmin(mux *http.ServeMux) {
	mux.HandleFunc("GET /_mock/appointments", s.adminListAppointments)
	mux.HandleFunc("POST /_mock/appointments", s.adminBookAppointment)
	mux.HandleFunc("PUT /_mock/appointments/{id}", s.adminChangeAppointment)
	mux.HandleFunc("POST /_mock/appointments/{id}/cancel", s.adminChangeAppointment)
	mux.HandleFunc("DELETE /_mock/appointments/{id}", s.adminDeleteAppointment)
}

// appointmentBody is what the admin API books or changes; times are RFC 3339
// (any offset) or milliseconds.
type appointmentBody struct {
	LocationID        string  `json:"locationId"`
	ContactID         string  `json:"contactId"`
	CalendarID        *string `json:"calendarId"`
	Title             *string `json:"title"`
	Status            *string `json:"status"`
	AppointmentStatus *string `json:"appointmentStatus"`
	AssignedUserID    *string `json:"assignedUserId"`
	Notes             *string `json:"notes"`
	Address           *string `json:"address"`
	StartTime         *string `json:"startTime"`
	EndTime           *string `json:"endTime"`
}

func (b *appointmentBody) input() (crm.AppointmentInput, error) {
	in := crm.AppointmentInput{
		CalendarID: b.CalendarID, Title: b.Title, Status: b.Status, AppointmentStatus: b.AppointmentStatus,
		AssignedUserID: b.AssignedUserID, Notes: b.Notes, Address: b.Address,
	}
	for _, t := range []struct {
		name string
		in   *string
		out  **crm.Millis
	}{{"startTime", b.StartTime, &in.StartTime}, {"endTime", b.EndTime, &in.EndTime}} {
		if t.in == nil {
			continue
		}
		m, ok := crm.ParseMillis(*t.in)
		if !ok {
			return in, fmt.Errorf("%s must be an RFC 3339 instant such as 2026-12-01T15:00:00-05:00", t.name)
		}
		*t.out = &m
	}
	return in, nil
}

// appointmentView is an appointment as the admin API shows it.
type appointmentView struct {
	ID                string   `json:"id"`
	LocationID        string   `json:"locationId"`
	ContactID         string   `json:"contactId"`
	CalendarID        string   `json:"calendarId"`
	Title             string   `json:"title,omitempty"`
	Status            string   `json:"status"`
	AppointmentStatus string   `json:"appointmentStatus"`
	AssignedUserID    string   `json:"assignedUserId,omitempty"`
	Users             []string `json:"users"`
	Notes             string   `json:"notes,omitempty"`
	Address           string   `json:"address,omitempty"`
	StartTime         string   `json:"startTime"`
	EndTime           string   `json:"endTime"`
	DateAdded         string   `json:"dateAdded"`
	DateUpdated       string   `json:"dateUpdated"`
}

func viewAppointment(a *crm.Appointment) appointmentView {
	users := a.Users
	if users == nil {
		users = []string{}
	}
	return appointmentView{
		ID: a.ID, LocationID: a.LocationID, ContactID: a.ContactID, CalendarID: a.CalendarID, Title: a.Title,
		Status: a.Status, AppointmentStatus: a.AppointmentStatus, AssignedUserID: a.AssignedUserID, Users: users,
		Notes: a.Notes, Address: a.Address, StartTime: a.StartTime.String(), EndTime: a.EndTime.String(),
		DateAdded: a.DateAdded.String(), DateUpdated: a.DateUpdated.String(),
	}
}

// appointments is the store's appointment writer.
func (s *Server) appointments() (crm.AppointmentWriter, bool) {
	w, ok := s.Store().(crm.AppointmentWriter)
	return w, ok
}

// contactLocation finds the location of a contact when the caller did not
// say: the one location of the fixtures that holds it.
func (s *Server) contactLocation(ctx context.Context, loc, contactID string) (string, error) {
	if loc != "" {
		if _, ok := s.fx.Location(loc); !ok {
			return "", fmt.Errorf("locationId %q is not a location of the fixtures", loc)
		}
		return loc, nil
	}
	for _, l := range s.fx.Locations {
		if _, err := s.Store().Contact(ctx, l.ID, contactID); err == nil {
			return l.ID, nil
		}
	}
	return "", fmt.Errorf("no location holds contact %q (give locationId)", contactID)
}

func (s *Server) adminListAppointments(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	contactID := q.Get("contactId")
	if contactID == "" {
		adminError(w, http.StatusBadRequest, "give contactId")
		return
	}
	loc, err := s.contactLocation(r.Context(), q.Get("locationId"), contactID)
	if err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	list, err := s.Store().Appointments(r.Context(), loc, contactID)
	if err != nil {
		adminError(w, storeStatus(err), err.Error())
		return
	}
	out := make([]appointmentView, len(list))
	for i := range list {
		out[i] = viewAppointment(&list[i])
	}
	writeAdminJSON(w, http.StatusOK, map[string]any{"appointments": out})
}

// adminBookAppointment books an appointment for a contact:
// {"contactId", "startTime", "endTime", "locationId"?, "calendarId"?,
// "title"?, …}.
func (s *Server) adminBookAppointment(w http.ResponseWriter, r *http.Request) {
	var body appointmentBody
	if !s.readAppointmentBody(w, r, &body) {
		return
	}
	if body.ContactID == "" {
		adminError(w, http.StatusBadRequest, "contactId should not be empty")
		return
	}
	loc, err := s.contactLocation(r.Context(), body.LocationID, body.ContactID)
	if err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	in, err := body.input()
	if err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	aw, ok := s.appointments()
	if !ok {
		adminError(w, http.StatusNotImplemented, "this store cannot book appointments")
		return
	}
	var a crm.Appointment
	err = s.write(r.Context(), crm.Cause{OperationID: "admin:book-appointment"}, false, func(ctx context.Context) error {
		var err error
		a, err = aw.CreateAppointment(ctx, loc, body.ContactID, in)
		return err
	})
	if err != nil {
		s.appointmentError(w, err)
		return
	}
	s.changes.Add(1)
	writeAdminJSON(w, http.StatusCreated, map[string]any{"appointment": viewAppointment(&a)})
}

// adminChangeAppointment reschedules or changes an appointment (PUT), or
// cancels it (POST …/cancel: status and appointmentStatus cancelled), as
// the calendar would: either sends AppointmentUpdate.
func (s *Server) adminChangeAppointment(w http.ResponseWriter, r *http.Request) {
	var body appointmentBody
	if !s.readAppointmentBody(w, r, &body) {
		return
	}
	in, err := body.input()
	if err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	op := "admin:change-appointment"
	if r.Method == http.MethodPost { // …/cancel
		cancelled := "cancelled"
		in.Status, in.AppointmentStatus = &cancelled, &cancelled
		op = "admin:cancel-appointment"
	}
	aw, ok := s.appointments()
	if !ok {
		adminError(w, http.StatusNotImplemented, "this store cannot change appointments")
		return
	}
	id := r.PathValue("id")
	var a crm.Appointment
	err = s.eachAppointmentLocation(r.Context(), body.LocationID, op, func(ctx context.Context, loc string) error {
		var err error
		a, err = aw.UpdateAppointment(ctx, loc, id, in)
		return err
	})
	if err != nil {
		s.appointmentError(w, err)
		return
	}
	s.changes.Add(1)
	writeAdminJSON(w, http.StatusOK, map[string]any{"appointment": viewAppointment(&a)})
}

// adminDeleteAppointment deletes an appointment (?locationId= optional):
// AppointmentDelete.
func (s *Server) adminDeleteAppointment(w http.ResponseWriter, r *http.Request) {
	aw, ok := s.appointments()
	if !ok {
		adminError(w, http.StatusNotImplemented, "this store cannot delete appointments")
		return
	}
	id := r.PathValue("id")
	err := s.eachAppointmentLocation(r.Context(), r.URL.Query().Get("locationId"), "admin:delete-appointment", func(ctx context.Context, loc string) error {
		return aw.DeleteAppointment(ctx, loc, id)
	})
	if err != nil {
		s.appointmentError(w, err)
		return
	}
	s.changes.Add(1)
	writeAdminJSON(w, http.StatusOK, map[string]any{"deleted": id})
}

// eachAppointmentLocation runs fn as a write in loc, or, when loc is "", in
// each location of the fixtures until one holds the appointment.
func (s *Server) eachAppointmentLocation(ctx context.Context, loc, op string, fn func(ctx context.Context, loc string) error) error {
	locs := []string{loc}
	if loc == "" {
		locs = locs[:0]
		for _, l := range s.fx.Locations {
			locs = append(locs, l.ID)
		}
	} else if _, ok := s.fx.Location(loc); !ok {
		return crm.Invalid(fmt.Sprintf("locationId %q is not a location of the fixtures", loc))
	}
	var err error
	for _, l := range locs {
		err = s.write(ctx, crm.Cause{OperationID: op}, false, func(ctx context.Context) error { return fn(ctx, l) })
		if crm.ErrorCode(err) != crm.ENOTFOUND {
			return err
		}
	}
	return err
}

func (s *Server) readAppointmentBody(w http.ResponseWriter, r *http.Request, body *appointmentBody) bool {
	raw, ok := readAdminBody(w, r, maxAdminBody)
	if !ok {
		return false
	}
	if len(raw) == 0 && r.Method == http.MethodPost && r.PathValue("id") != "" {
		return true // a cancel needs no body
	}
	if err := strictJSON(raw, body); err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return false
	}
	return true
}

// appointmentError answers a store error: 404 for an unknown appointment,
// 400 with the store's messages for invalid input, 503 when the state
// database cannot commit.
func (s *Server) appointmentError(w http.ResponseWriter, err error) {
	var ce *crm.Error
	switch {
	case crm.ErrorCode(err) == crm.ENOTFOUND:
		adminError(w, http.StatusNotFound, err.Error())
	case errors.As(err, &ce) && len(ce.Messages) > 0:
		writeAdminJSON(w, http.StatusBadRequest, errorBody{StatusCode: http.StatusBadRequest, Message: ce.Messages, Error: "Bad Request"})
	default:
		adminError(w, adminStatus(err), err.Error())
	}
}

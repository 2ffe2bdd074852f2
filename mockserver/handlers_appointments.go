package mockserver

import (
	"context"
	"net/http"
	"time"

	"github.com/ghlmock/ghlmock/mockserver/crm"
)

type eventsResponse struct {
	Events []eventView `json:"events"`
}

// getAppointmentsForContact serves get-appointments-for-contact: GET /contacts/{contactId}/appointments.
func (s *Server) getAppointmentsForContact(ctx context.Context, rq *request) (int, any, error) {
	appts, err := s.Store().Appointments(ctx, rq.loc, rq.param("contactId"))
	if err != nil {
		return 0, nil, err
	}
	loc := s.locationTZ(ctx, rq.loc)
	out := eventsResponse{Events: make([]eventView, len(appts))}
	for i := range appts {
		out.Events[i] = newEventView(&appts[i], loc, s.settings.AppointmentTimeFormat)
	}
	return http.StatusOK, out, nil
}

// locationTZ is the location's time zone, UTC when unknown.
func (s *Server) locationTZ(ctx context.Context, loc string) *time.Location {
	l, err := s.Store().Location(ctx, loc)
	if err != nil || l.Timezone == "" {
		return time.UTC
	}
	tz, err := time.LoadLocation(l.Timezone)
	if err != nil {
		return time.UTC
	}
	return tz
}

type eventView struct {
	ID                string   `json:"id"`
	CalendarID        string   `json:"calendarId"`
	Status            string   `json:"status"`
	Title             string   `json:"title"`
	AssignedUserID    string   `json:"assignedUserId,omitempty"`
	Notes             string   `json:"notes,omitempty"`
	StartTime         string   `json:"startTime"`
	EndTime           string   `json:"endTime"`
	Address           string   `json:"address,omitempty"`
	LocationID        string   `json:"locationId"`
	ContactID         string   `json:"contactId"`
	GroupID           string   `json:"groupId,omitempty"`
	AppointmentStatus string   `json:"appointmentStatus"`
	Users             []string `json:"users"`
	DateAdded         string   `json:"dateAdded"`
	DateUpdated       string   `json:"dateUpdated"`
	AssignedResources []string `json:"assignedResources"`
}

// appointmentTime formats an appointment instant in the configured style:
// "iso" (ISO 8601 with the location's offset, as the calendars API answers)
// or "spec" (HighLevel's documented "2021-07-16 11:00:00").
func appointmentTime(m crm.Millis, loc *time.Location, style string) string {
	t := m.Time().In(loc)
	if style == "spec" {
		return t.Format("2006-01-02 15:04:05")
	}
	return t.Format("2006-01-02T15:04:05-07:00")
}

func newEventView(a *crm.Appointment, loc *time.Location, style string) eventView {
	return eventView{
		ID: a.ID, CalendarID: a.CalendarID, Status: a.Status, Title: a.Title,
		AssignedUserID: a.AssignedUserID, Notes: a.Notes,
		StartTime: appointmentTime(a.StartTime, loc, style), EndTime: appointmentTime(a.EndTime, loc, style),
		Address: a.Address, LocationID: a.LocationID, ContactID: a.ContactID, GroupID: a.GroupID,
		AppointmentStatus: a.AppointmentStatus, Users: nonNil(a.Users),
		DateAdded: appointmentTime(a.DateAdded, loc, style), DateUpdated: appointmentTime(a.DateUpdated, loc, style),
		AssignedResources: []string{},
	}
}
